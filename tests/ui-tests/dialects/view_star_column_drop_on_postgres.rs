use migrate_dsl::migration;

migration! {
    static M;
    dialects sqlite, postgres;
    revision "0001" {
        create table users { id integer primary key, email text, nickname text }
        create view everyone as "SELECT * FROM users";
    }
    revision "0002" {
        batch alter table users { drop column nickname; }
    }
}

fn main() {
    let _ = &M;
}
