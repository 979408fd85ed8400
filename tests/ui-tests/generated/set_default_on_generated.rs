use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table item { id integer primary key, price real, qty integer, total real as (price * qty) stored }
    }
    revision "0002" {
        batch alter table item { alter column total set default (0); }
    }
}

fn main() {
    let _ = &M;
}
