use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;

fn seed(_conn: &Connection) -> Result<(), migrate_dsl::BoxError> {
    Ok(())
}

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run seed when demo_data;
        run seed if "demo_data";
    }
}

fn main() {
    let _ = &M;
}
