use migrate_dsl::migration;

// Syntax errors are recovered from at statement level: both are reported.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        update users set id = 2;
        create view v;
    }
}

fn main() {
    let _ = &M;
}
