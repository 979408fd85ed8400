use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" { create table t { id integer primary key, n integer } strict }
    revision "0002" { batch alter table t { alter column n type varchar(10); } }
}

fn main() {
    let _ = &M;
}
