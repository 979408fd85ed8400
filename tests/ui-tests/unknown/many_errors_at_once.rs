use migrate_dsl::migration;

// Every problem of the invocation is reported at once, across revisions.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        create index users_email on users (mail);
    }
    revision "0002" {
        insert into accounts (id) values (1);
        batch alter table users { drop column name; }
    }
}

fn main() {
    let _ = &M;
}
