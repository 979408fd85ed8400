use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table prices { id integer primary key, amount numeric } strict
    }
}

fn main() {
    let _ = &M;
}
