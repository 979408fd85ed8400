use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        sql "CREATE VIRTUAL TABLE more USING fts5(title)" creates table more ();
    }
}

fn main() {}
