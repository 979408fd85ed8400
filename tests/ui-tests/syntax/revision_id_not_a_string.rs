use migrate_dsl::migration;

migration! {
    static M;
    revision 1 {
        create table users { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
