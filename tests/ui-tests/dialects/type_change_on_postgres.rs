use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" { create table t { id integer primary key, n integer } }
    revision "0002" { batch alter table t { alter column n type int(11); } }
}

fn main() {
    let _ = &M;
}
