use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        create index users_email on users (email);
    }
    revision "0002" {
        batch alter table users { drop column email; }
    }
}

fn main() {
    let _ = &M;
}
