use migrate_dsl::migration;

// The checker's parser cannot read the window frame, so SQLite runs the
// text at compile time and sees the index appear.
migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
    }
    revision "0002" {
        sql "SELECT sum(1) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM users; CREATE INDEX users_name ON users (name)"
            touches (users);
    }
}

fn main() {
    let _ = &M;
}
