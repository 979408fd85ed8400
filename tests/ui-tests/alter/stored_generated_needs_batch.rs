use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, email text not null, name text }
    }
    revision "0002" {
        alter table users add column domain text as (substr(email, instr(email, "@") + 1)) stored;
    }
}

fn main() {
    let _ = &M;
}
