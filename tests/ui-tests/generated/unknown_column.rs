use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table item { id integer primary key, price real, total real as (price * qyt) virtual }
    }
}

fn main() {
    let _ = &M;
}
