use migrate_dsl::migration;

// Every type STRICT refuses is reported, each on its own column.
migration! {
    static M;
    revision "0001" {
        create table events {
            id integer primary key,
            at datetime not null,
            name varchar(40),
            payload,
            n int,
        } strict
    }
}

fn main() {
    let _ = &M;
}
