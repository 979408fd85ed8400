use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
    }
    revision "0002" {
        alter column email drop not null;
    }
}

fn main() {
    let _ = &M;
}
