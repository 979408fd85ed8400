use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table a { id integer primary key }
        create table b { id integer primary key }
        down {
            drop table a;
        }
    }
}

fn main() {}
