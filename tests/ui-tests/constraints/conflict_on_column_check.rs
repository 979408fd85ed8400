use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table t { id integer primary key, n integer check (n > 0) on conflict ignore }
    }
}

fn main() {
    let _ = &M;
}
