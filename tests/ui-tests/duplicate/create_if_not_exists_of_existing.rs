use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
    }
    revision "0002" {
        create table if not exists users { id integer primary key, email text, name text }
    }
}

fn main() {
    let _ = &M;
}
