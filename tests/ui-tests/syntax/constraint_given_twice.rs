use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text not null not null }
    }
}

fn main() {
    let _ = &M;
}
