use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        insert into users (id, mail) values (1, "a@example.com");
    }
}

fn main() {
    let _ = &M;
}
