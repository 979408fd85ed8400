use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text, active integer }
        create table orders { id integer primary key, user_id integer references users (id), total real }
        create view named as "SELECT id, name FROM users";
        create view names as "SELECT name FROM named";
    }
    revision "0002" {
        drop view named;
    }
}

fn main() {
    let _ = &M;
}
