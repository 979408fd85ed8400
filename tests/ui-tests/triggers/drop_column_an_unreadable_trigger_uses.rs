use migrate_dsl::migration;

// The trigger's window frame is beyond the checker's parser, so it cannot
// know the trigger uses `score`; SQLite, compiling the trigger after the
// drop, does.
migration! {
    static M;
    revision "0001" {
        create table players { id integer primary key, score integer, rank integer }
        create trigger players_rank after insert on players as "
            UPDATE players SET rank = (SELECT count(*) OVER (ORDER BY score GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES))
            WHERE id = new.id";
    }
    revision "0002" {
        batch alter table players { drop column score; }
    }
}

fn main() {
    let _ = &M;
}
