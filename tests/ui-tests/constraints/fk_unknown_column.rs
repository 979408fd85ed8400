use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        create table posts { id integer primary key, author integer references users (uid) }
    }
}

fn main() {
    let _ = &M;
}
