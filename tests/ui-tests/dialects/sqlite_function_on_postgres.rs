use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table t { id integer primary key, at text not null default (datetime("now")) }
    }
}

fn main() {
    let _ = &M;
}
