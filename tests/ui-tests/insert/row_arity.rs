use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        insert into users (id, email) values (1, "a@example.com"), (2);
    }
}

fn main() {
    let _ = &M;
}
