use migrate_dsl::migration;

migration! {
    static M;
    naming { unique = "{table}_{column}_key", check = "{table}_check" }
    revision "0001" {
        create table users { id integer primary key, email text unique }
    }
}

fn main() {
    let _ = &M;
}
