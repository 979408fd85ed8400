use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table t { id integer primary key, n integer }
        create trigger t_touch after update on t as "UPDATE t SET n = n + 1 WHERE id = new.id";
    }
}

fn main() {
    let _ = &M;
}
