use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        sql "CREATE VIRTUAL TABLE docs USING fts5(title, body)" creates table docs (title, body);
        create index docs_title on docs (title);
    }
}

fn main() {}
