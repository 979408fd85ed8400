use migrate_dsl::migration;

// SQLite, asked at compile time, knows every function it has.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text check (lenght(name) < 40) }
    }
}

fn main() {
    let _ = &M;
}
