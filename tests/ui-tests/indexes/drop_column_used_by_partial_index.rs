use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text, deleted integer }
        create index users_live on users (email) where deleted = 0;
    }
    revision "0002" {
        batch alter table users { drop column deleted; }
    }
}

fn main() {
    let _ = &M;
}
