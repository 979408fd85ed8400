use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users {
            id integer primary key,
            name text check (length(nmae) > 0),
        }
    }
}

fn main() {
    let _ = &M;
}
