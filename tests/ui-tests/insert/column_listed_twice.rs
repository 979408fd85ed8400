use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text }
        insert into users (email, email) values ("a", "b");
    }
}

fn main() {
    let _ = &M;
}
