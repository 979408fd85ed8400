use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        create table posts { id integer primary key, author text references users (email) }
    }
}

fn main() {
    let _ = &M;
}
