use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text, address text }
    }
    revision "0002" {
        batch alter table users { rename column email to address; }
    }
}

fn main() {
    let _ = &M;
}
