use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table kv { k text, v text } without rowid
    }
}

fn main() {
    let _ = &M;
}
