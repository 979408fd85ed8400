use migrate_dsl::migration;

migration! {
    static M;
    naming { unique = "{table}_{columns}_key" }
    revision "0001" {
        create table users { id integer primary key, email text unique }
    }
    revision "0002" {
        batch alter table users { drop constraint uq_users_email; }
    }
}

fn main() {
    let _ = &M;
}
