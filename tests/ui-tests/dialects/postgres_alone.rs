use migrate_dsl::migration;

migration! {
    static M;
    dialects postgres;
    revision "0001" { create table t { id integer primary key } }
}

fn main() {
    let _ = &M;
}
