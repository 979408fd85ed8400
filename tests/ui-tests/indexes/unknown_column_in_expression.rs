use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        create index users_email on users (lower(emial));
    }
}

fn main() {
    let _ = &M;
}
