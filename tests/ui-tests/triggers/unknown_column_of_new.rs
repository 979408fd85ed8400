use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text, active integer }
        create table orders { id integer primary key, user_id integer references users (id), total real }
        create trigger t after insert on orders as "UPDATE users SET active = 1 WHERE id = new.usr_id";
    }
}

fn main() {
    let _ = &M;
}
