use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text not null, name text }
    }
    revision "0002" {
        alter table users add check (length(email) > 3);
    }
}

fn main() {
    let _ = &M;
}
