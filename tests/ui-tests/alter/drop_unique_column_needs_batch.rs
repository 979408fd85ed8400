use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text not null, handle text unique }
    }
    revision "0002" {
        alter table users drop column handle;
    }
}

fn main() {
    let _ = &M;
}
