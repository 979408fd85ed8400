use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, created datetime default now }
    }
}

fn main() {
    let _ = &M;
}
