use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table t { id integer primary key, a integer, doubled integer as (a * 2) virtual }
    }
}

fn main() {
    let _ = &M;
}
