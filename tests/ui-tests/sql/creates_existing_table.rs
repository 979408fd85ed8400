use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table docs { id integer primary key }
        sql "CREATE VIRTUAL TABLE docs USING fts5(title)" creates table docs (title);
    }
}

fn main() {}
