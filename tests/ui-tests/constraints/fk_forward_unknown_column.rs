use migrate_dsl::migration;

// A foreign key may name a table its revision creates later; it is checked
// against that table when the revision ends.
migration! {
    static M;
    revision "0001" {
        create table child { id integer primary key, pcode text references parent (code) }
        create table parent { id integer primary key, name text unique }
    }
}

fn main() {
    let _ = &M;
}
