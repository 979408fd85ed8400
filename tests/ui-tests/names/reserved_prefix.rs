use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table _migrate_tmp_users { id integer primary key }
        create table sqlite_stuff { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
