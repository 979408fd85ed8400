use migrate_dsl::migration;

// A foreign key to a table created later in the revision is checked when
// the revision ends: its parent columns must be a key of that table.
migration! {
    static M;
    revision "0001" {
        create table child { id integer primary key, pname text references parent (name) }
        create table parent { id integer primary key, name text }
    }
}

fn main() {
    let _ = &M;
}
