use migrate_dsl::migration;

migration! {
    static M;
    history table billing_history;
    revision "0001" {
        create table invoices { id integer primary key }
    }
}

fn main() {
    let _ = &M;
}
