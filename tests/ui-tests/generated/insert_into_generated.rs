use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table item { id integer primary key, price real, qty integer, total real as (price * qty) stored }
        insert into item (id, price, qty, total) values (1, 2.0, 3, 6.0);
    }
}

fn main() {
    let _ = &M;
}
