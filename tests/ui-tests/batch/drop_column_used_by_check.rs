use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table ranges { id integer primary key, lo integer, hi integer check (hi >= lo) }
    }
    revision "0002" {
        batch alter table ranges { drop column lo; }
    }
}

fn main() {
    let _ = &M;
}
