use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table member { org integer, login text, primary key (org, login) }
    }
    revision "0002" {
        batch alter table member { drop column login; }
    }
}

fn main() {
    let _ = &M;
}
