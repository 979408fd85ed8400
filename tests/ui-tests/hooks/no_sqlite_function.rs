use migrate_dsl::{migration, postgres::Transaction, BoxError};

fn backfill_pg(_: &mut Transaction<'_>) -> Result<(), BoxError> {
    Ok(())
}

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table users { id integer primary key }
        run postgres: backfill_pg;
    }
}

fn main() {
    let _ = &M;
}
