use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table t { id integer primary key, code text not null on conflict ignor }
    }
}

fn main() {
    let _ = &M;
}
