use migrate_dsl::{migration, rusqlite::Connection, BoxError};

fn backfill(_: &Connection) -> Result<(), BoxError> {
    Ok(())
}

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run sqlite: backfill, sqlite: backfill;
    }
}

fn main() {
    let _ = &M;
}
