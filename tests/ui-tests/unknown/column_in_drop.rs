use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
    }
    revision "0002" {
        batch alter table users { drop column name; }
    }
}

fn main() {
    let _ = &M;
}
