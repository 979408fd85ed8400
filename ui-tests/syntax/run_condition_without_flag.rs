use migrate_dsl::migration;
use migrate_dsl::rusqlite::Transaction;

fn seed(_tx: &Transaction) -> Result<(), migrate_dsl::BoxError> {
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
