use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
    }
    revision "0002" {
        create table Users { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
