use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table tags { name text }
        create table posts { id integer primary key, tag text references tags }
    }
}

fn main() {
    let _ = &M;
}
