use migrate_dsl::migration;

migration! {
    static M;
    revision "" {
        create table users { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
