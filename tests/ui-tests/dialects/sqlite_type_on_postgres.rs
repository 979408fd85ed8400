use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table events { id integer primary key, at string not null }
    }
}

fn main() {
    let _ = &M;
}
