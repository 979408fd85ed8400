use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, age integer check (age >= 0) }
    }
    revision "0002" {
        batch alter table users { drop constraint ck_user_age; }
    }
}

fn main() {
    let _ = &M;
}
