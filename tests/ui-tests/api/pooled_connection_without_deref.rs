// A pooled connection dereferences to `rusqlite::Connection`, but a generic
// argument is not dereferenced: the error says to pass `&mut *conn`.
use migrate_dsl::rusqlite::Connection;
use std::ops::{Deref, DerefMut};

migrate_dsl::migration! {
    static MIGRATIONS;
    revision "0001" { create table t { id integer primary key } }
}

struct Pooled(Connection);

impl Deref for Pooled {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0
    }
}

fn main() {
    let mut conn = Pooled(Connection::open_in_memory().unwrap());
    MIGRATIONS.apply_pending(&mut conn).unwrap();
    MIGRATIONS.apply_pending(&mut *conn).unwrap();
}
