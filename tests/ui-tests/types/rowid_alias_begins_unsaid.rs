use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id int primary key, name text }
    }
    revision "0002" {
        batch alter table users {
            alter column id type integer;
        }
    }
}

fn main() {
    let _ = &M;
}
