// Hooks take `&Connection` (the revision's transaction or savepoint is open
// on it): a `&Transaction` hook is pointed at with the expected signatures.
use migrate_dsl::{migration, rusqlite::Transaction, BoxError};

fn backfill(_tx: &Transaction) -> Result<(), BoxError> {
    Ok(())
}

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run backfill;
    }
}

fn main() {
    let _ = &M;
}
