use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, age integer }
    }
    revision "0002" {
        batch alter table users {
            add column adult integer check (adult = (agee >= 18));
        }
    }
}

fn main() {
    let _ = &M;
}
