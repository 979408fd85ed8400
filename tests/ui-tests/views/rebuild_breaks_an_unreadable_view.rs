use migrate_dsl::migration;

// The view's window frame is beyond the checker's parser, so it cannot know
// the view reads `score`; SQLite, compiling the view after the rebuild,
// does.
migration! {
    static M;
    revision "0001" {
        create table players { id integer primary key, score integer, name text }
        create view ranks as "
            SELECT name, sum(score) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) AS s
            FROM players";
    }
    revision "0002" {
        batch alter table players recreate = always { drop column score; }
    }
}

fn main() {
    let _ = &M;
}
