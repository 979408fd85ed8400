use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" { create table t { id integer primary key, anything } }
}

fn main() {
    let _ = &M;
}
