use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
        create table orders { id integer primary key, user_id integer }
    }
    revision "0002" {
        sql "UPDATE users SET name = (SELECT sum(1) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES))";
    }
}

fn main() {
    let _ = &M;
}
