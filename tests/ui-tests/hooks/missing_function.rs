use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run backfil;
    }
}

fn main() {
    let _ = &M;
}
