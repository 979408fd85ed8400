use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table notes { id integer primary key, note text, body text }
    }
    revision "0002" {
        batch alter table notes { drop column note; }
        down {
            batch alter table notes { add column note text; }
        }
    }
}

fn main() {}
