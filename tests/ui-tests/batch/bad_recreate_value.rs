use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text not null, name text }
    }
    revision "0002" {
        batch alter table users recreate = never { drop column name; }
    }
}

fn main() {
    let _ = &M;
}
