use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text, active integer }
        create table orders { id integer primary key, user_id integer references users (id), total real }
        create view active_users as "SELECT id FROM users WHERE active";
    }
    revision "0002" {
        replace view active_user as "SELECT id, name FROM users WHERE active";
    }
}

fn main() {
    let _ = &M;
}
