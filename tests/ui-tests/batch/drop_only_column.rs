use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table flags { name text }
    }
    revision "0002" {
        batch alter table flags { drop column name; }
    }
}

fn main() {
    let _ = &M;
}
