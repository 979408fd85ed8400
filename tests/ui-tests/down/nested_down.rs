use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table notes { id integer primary key }
        down {
            drop table notes;
            down { create table notes { id integer primary key } }
        }
    }
}

fn main() {}
