use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
    }
    revision "0002" {
        batch alter table users { add column Email text; }
    }
}

fn main() {
    let _ = &M;
}
