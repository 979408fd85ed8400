use migrate_dsl::migration;

migration! {
    static M;
    history table "_migrate_tmp_log";
    revision "0001" {
        create table invoices { id integer primary key }
    }
}

migration! {
    static N;
    history table "sqlite_history";
    revision "0001" {
        create table invoices { id integer primary key }
    }
}

migration! {
    static O;
    history table " ";
    revision "0001" {
        create table invoices { id integer primary key }
    }
}

fn main() {
    let _ = (&M, &N, &O);
}
