use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users {
            id integer primary key,
            age integer constraint sane check (age >= 0),
            constraint sane check (age < 200),
        }
    }
}

fn main() {
    let _ = &M;
}
