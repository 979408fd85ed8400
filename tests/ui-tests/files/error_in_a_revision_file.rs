use migrate_dsl::migration;

migration! {
    static M;
    revisions from "error_in_a_revision_file";
}

fn main() {
    let _ = &M;
}
