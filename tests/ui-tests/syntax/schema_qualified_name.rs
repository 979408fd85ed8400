use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table aux.notes { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
