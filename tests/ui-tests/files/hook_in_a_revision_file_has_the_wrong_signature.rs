use migrate_dsl::{migration, BoxError};

fn backfill(_: u32) -> Result<(), BoxError> {
    Ok(())
}

migration! {
    static M;
    revisions from "hook_in_a_revision_file_has_the_wrong_signature";
}

fn main() {
    let _ = &M;
}
