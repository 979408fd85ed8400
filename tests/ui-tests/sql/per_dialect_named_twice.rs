use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table sessions { id integer primary key, token text }
        sql sqlite: "UPDATE sessions SET token = 'a'",
            sqlite: "UPDATE sessions SET token = 'b'"
            touches (sessions);
    }
}

fn main() {
    let _ = &M;
}
