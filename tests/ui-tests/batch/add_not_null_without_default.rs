use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
    }
    revision "0002" {
        batch alter table users { add column email text not null; }
    }
}

fn main() {
    let _ = &M;
}
