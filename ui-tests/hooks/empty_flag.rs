use migrate_dsl::migration;
use migrate_dsl::rusqlite::Transaction;

fn seed(_tx: &Transaction) -> Result<(), migrate_dsl::BoxError> {
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
