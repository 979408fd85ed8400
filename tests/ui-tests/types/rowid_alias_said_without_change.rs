use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name varchar(40) }
    }
    revision "0002" {
        batch alter table users {
            alter column name type varchar(80);
            rowid alias ends;
        }
    }
}

fn main() {
    let _ = &M;
}
