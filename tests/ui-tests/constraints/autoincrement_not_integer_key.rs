use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id text primary key autoincrement }
    }
}

fn main() {
    let _ = &M;
}
