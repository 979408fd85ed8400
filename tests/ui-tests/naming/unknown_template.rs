use migrate_dsl::migration;

migration! {
    static M;
    naming { index = "ix_{table}" }
    revision "0001" {
        create table users { id integer primary key, email text unique }
    }
}

fn main() {
    let _ = &M;
}
