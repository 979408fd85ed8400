use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" { create table t { id integer primary key, email text } }
    revision "0002" {
        create index concurrently t_email on t (email);
        create index t_id on t (id);
    }
}

fn main() {
    let _ = &M;
}
