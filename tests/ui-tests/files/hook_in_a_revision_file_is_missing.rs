use migrate_dsl::{migration, rusqlite::Connection, BoxError};

fn backfill(_: &Connection) -> Result<(), BoxError> {
    Ok(())
}

migration! {
    static M;
    revisions from "hook_in_a_revision_file_is_missing";
}

fn main() {
    let _ = &M;
}
