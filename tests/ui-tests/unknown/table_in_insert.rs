use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        insert into users (id) values (1);
    }
}

fn main() {
    let _ = &M;
}
