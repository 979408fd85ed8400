use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table sessions { id integer primary key, token text }
        sql "UPDATE sessions SET token = hex(randomblob(16)) WHERE token IS NULL" touches (sessions);
    }
}

fn main() {
    let _ = &M;
}
