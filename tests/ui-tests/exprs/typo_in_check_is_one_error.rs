use migrate_dsl::migration;

// A typo in a CHECK is one error: the table still enters the model, so the
// index, the insert and the later change that use it are not errors too.
migration! {
    static M;
    revision "0001" {
        create table users {
            id integer primary key,
            email text not null check (length(emial) < 200),
        }
        create index users_email on users (email);
        insert into users (id, email) values (1, "a@example.com");
    }
    revision "0002" {
        batch alter table users { add column name text; }
        create view emails as "SELECT email FROM users";
    }
}

fn main() {
    let _ = &M;
}
