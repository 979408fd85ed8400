//! Reading a schema's catalogue (`sqlite_schema` of `main` or `temp`).

use crate::error::{Error, ErrorKind};
use rusqlite::Connection;

/// `(type, name)` of every object of schema `schema` (`main` or `temp`),
/// SQLite's own left out.
pub(crate) fn objects(conn: &Connection, schema: &str) -> Result<Vec<(String, String)>, Error> {
    let q = format!(
        "SELECT type, name FROM {}.sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        migrate_core::sql::ident(schema)
    );
    let run = || -> rusqlite::Result<Vec<(String, String)>> {
        let mut stmt = crate::fault::checked(|| conn.prepare(&q))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    };
    run().map_err(|source| {
        Error::from(ErrorKind::Connection {
            action: format!("read the {schema} schema ({q})"),
            source,
        })
    })
}
