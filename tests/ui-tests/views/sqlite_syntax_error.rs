use migrate_dsl::migration;

// What neither the checker's parser nor SQLite reads is refused with
// SQLite's own message.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
        create view names as "SELECT name FROM users GROUP BY name EXCLUDE TIES";
    }
}

fn main() {
    let _ = &M;
}
