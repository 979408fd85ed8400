use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        sql "CREATE TABLE legacy (a, b)" creates table legacy (a, b);
    }
    revision "0002" {
        batch alter table legacy { add column c text; }
        rename table legacy to old_legacy;
    }
}

fn main() {}
