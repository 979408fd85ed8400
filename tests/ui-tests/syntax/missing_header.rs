use migrate_dsl::migration;

migration! {
    revision "0001" {
        create table users { id integer primary key }
    }
}

fn main() {}
