use migrate_dsl::{migration, postgres::Transaction, rusqlite::Connection, BoxError};

fn backfill(_: &Connection) -> Result<(), BoxError> {
    Ok(())
}

fn backfill_pg(_: &mut Transaction<'_>) -> Result<(), BoxError> {
    Ok(())
}

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run sqlite: backfill, postgres: backfill_pg;
    }
}

fn main() {
    let _ = &M;
}
