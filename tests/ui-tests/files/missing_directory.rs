use migrate_dsl::migration;

migration! {
    static M;
    revisions from "no_such_directory";
}

fn main() {
    let _ = &M;
}
