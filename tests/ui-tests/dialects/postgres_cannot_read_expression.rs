use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table files { id integer primary key, name text not null check (name glob "*.txt") }
    }
}

fn main() {
    let _ = &M;
}
