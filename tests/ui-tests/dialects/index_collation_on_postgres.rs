use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table t { id integer primary key, email text }
        create index t_email on t (email collate nocase);
    }
}

fn main() {
    let _ = &M;
}
