use migrate_dsl::migration;

// A typo in a view is one error: the view still enters the model, so a
// view reading it and a later `drop view` are not errors too.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
        create view names as "SELECT nmae FROM users";
        create view first_names as "SELECT * FROM names";
    }
    revision "0002" {
        drop view first_names;
        drop view names;
    }
}

fn main() {
    let _ = &M;
}
