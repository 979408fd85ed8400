use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" { create table t { id integer primary key, code text unique on conflict ignore } }
}

fn main() {
    let _ = &M;
}
