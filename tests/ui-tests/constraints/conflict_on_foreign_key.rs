use migrate_dsl::migration;

migration! {
    static M;
    revision "0001" {
        create table p { id integer primary key }
        create table c {
            id integer primary key,
            p_id integer,
            foreign key (p_id) references p (id) on conflict replace,
        }
    }
}

fn main() {
    let _ = &M;
}
