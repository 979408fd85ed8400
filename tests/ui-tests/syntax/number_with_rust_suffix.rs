use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, age integer default 0u8 }
    }
}

fn main() {
    let _ = &M;
}
