use migrate_dsl::migration;

migration! {
    static M;
    revision "0009_users" {
        create table users { id integer primary key }
    }
    revision "0010_orders" {
        create table orders { id integer primary key }
    }
    revision "0010_a_merge_gone_wrong" {
        create table notes { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
