use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table notes { id integer primary key, body text }
    }
    revision "0002" {
        batch alter table notes { add column title text; }
        down {
            batch alter table notes { drop column titel; }
        }
    }
}

fn main() {}
