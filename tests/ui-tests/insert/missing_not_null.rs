use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text not null }
        insert into users (id) values (1);
    }
}

fn main() {
    let _ = &M;
}
