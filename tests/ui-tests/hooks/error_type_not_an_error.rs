use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;

struct NotAnError;

fn backfill(_conn: &Connection) -> Result<(), NotAnError> {
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
