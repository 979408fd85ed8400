use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table item { id integer primary key as (1) stored, price real }
    }
}

fn main() {
    let _ = &M;
}
