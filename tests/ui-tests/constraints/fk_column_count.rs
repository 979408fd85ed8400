use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, org integer, unique (id, org) }
        create table posts { id integer primary key, author integer, foreign key (author) references users (id, org) }
    }
}

fn main() {
    let _ = &M;
}
