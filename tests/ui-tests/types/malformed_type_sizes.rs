use migrate_dsl::migration;

// Every malformed size of the invocation is reported at once.
migration! {
    static M;
    revision "0001" {
        create table users {
            id integer primary key,
            email varchar(abc),
            price decimal(10, 2, 3),
        }
        create table other { id integer primary key, name char() }
    }
}

fn main() {
    let _ = &M;
}
