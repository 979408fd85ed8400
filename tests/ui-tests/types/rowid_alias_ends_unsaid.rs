use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
    }
    revision "0002" {
        batch alter table users {
            alter column id type bigint;
        }
    }
}

fn main() {
    let _ = &M;
}
