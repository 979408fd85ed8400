use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table log { id integer primary key, what text }
        sql "CREATE VIRTUAL TABLE docs USING fts5(title, body)" creates table docs (title, body);
        create trigger docs_log after insert on docs as "INSERT INTO log (what) VALUES (new.title);";
    }
}

fn main() {}
