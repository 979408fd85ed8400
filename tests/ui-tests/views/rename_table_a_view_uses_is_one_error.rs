use migrate_dsl::migration;

// A refused rename still gives the table its new name in the model, so the
// later statements that use the new name are not errors too.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
        create view names as "SELECT name FROM users";
    }
    revision "0002" {
        rename table users to people;
        batch alter table people { add column email text; }
        create index people_email on people (email);
    }
}

fn main() {
    let _ = &M;
}
