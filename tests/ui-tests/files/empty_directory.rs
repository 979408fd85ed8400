use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" { create table t { id integer primary key } }
    revisions from "empty_directory";
}

fn main() {
    let _ = &M;
}
