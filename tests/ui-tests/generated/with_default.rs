use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table item { id integer primary key, price real, total real default (0) as (price * 2) stored }
    }
}

fn main() {
    let _ = &M;
}
