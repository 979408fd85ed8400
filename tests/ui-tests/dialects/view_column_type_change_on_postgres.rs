use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table users { id integer primary key, email text, age integer }
        create view adults as "SELECT id, email FROM users WHERE age >= 18";
    }
    revision "0002" {
        batch alter table users { alter column age type bigint; }
    }
}

fn main() {
    let _ = &M;
}
