use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table sessions { id integer primary key, token text }
        sql sqlite: "UPDATE sessions SET token = hex(randomblob(16))" touches (sessions);
    }
}

fn main() {
    let _ = &M;
}
