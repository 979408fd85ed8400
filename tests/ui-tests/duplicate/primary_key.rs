use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table pairs { a integer primary key, b integer primary key }
    }
}

fn main() {
    let _ = &M;
}
