use migrate_dsl::migration;

migration! {
    static M;
    history table "billing_history";
    revision "0001" {
        create table invoices { id integer primary key }
        create index billing_history on invoices (id);
    }
    revision "0002" {
        drop index billing_history;
        rename table invoices to Billing_History;
    }
}

fn main() {
    let _ = &M;
}
