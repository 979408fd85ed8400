use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text, deleted integer }
        create unique index users_live on users (email) where deleted = 0;
        create table invites { id integer primary key, email text references users (email) }
    }
}

fn main() {
    let _ = &M;
}
