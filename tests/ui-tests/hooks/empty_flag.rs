use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;

fn seed(_conn: &Connection) -> Result<(), migrate_dsl::BoxError> {
    Ok(())
}

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run seed when "";
    }
}

fn main() {
    let _ = &M;
}
