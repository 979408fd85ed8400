use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table sessions { id integer primary key, token text }
        sql sqlite: "UPDATE sessions SET token = hex(randomblob(16))",
            postgres: "UPDATE sessions SET token = md5(random()::text)"
            touches (sessions);
    }
}

fn main() {
    let _ = &M;
}
