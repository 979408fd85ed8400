use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table nothing {}
    }
}

fn main() {
    let _ = &M;
}
