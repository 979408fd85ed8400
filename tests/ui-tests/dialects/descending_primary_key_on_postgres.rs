use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" { create table t { code text primary key desc } }
}

fn main() {
    let _ = &M;
}
