use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table if exists users { id integer primary key, email text }
    }
}

fn main() {
    let _ = &M;
}
