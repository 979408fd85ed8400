use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table child { id integer primary key, pid integer references parent (a, b) }
        create table parent { a integer, b integer, primary key (a, b) }
    }
}

fn main() {
    let _ = &M;
}
