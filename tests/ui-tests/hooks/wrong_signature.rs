use migrate_dsl::migration;

fn backfill(_count: u32) -> Result<(), String> {
    Ok(())
}

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key }
        run backfill;
    }
}

fn main() {
    let _ = &M;
}
