use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
        create table orders { id integer primary key, user_id integer }
    }
    revision "0002" {
        sql "CREATE INDEX users_name ON users (name)" touches (users);
    }
}

fn main() {
    let _ = &M;
}
