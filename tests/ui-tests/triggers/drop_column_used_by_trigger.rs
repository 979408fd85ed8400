use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text, active integer }
        create table orders { id integer primary key, user_id integer references users (id), total real }
        create trigger cascade_orders after delete on users as "DELETE FROM orders WHERE user_id = old.id";
    }
    revision "0002" {
        batch alter table orders { drop constraint fk_orders_user_id_users; drop column user_id; }
    }
}

fn main() {
    let _ = &M;
}
