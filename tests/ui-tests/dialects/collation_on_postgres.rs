use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" { create table t { id integer primary key, email text collate nocase } }
}

fn main() {
    let _ = &M;
}
