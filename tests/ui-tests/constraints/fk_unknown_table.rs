use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table posts { id integer primary key, author integer references usres (id) }
    }
}

fn main() {
    let _ = &M;
}
