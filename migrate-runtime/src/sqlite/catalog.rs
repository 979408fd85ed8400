//! Reading a schema's catalogue (`sqlite_schema` of `main` or `temp`): the
//! one place the runtime lists the live objects.

use crate::error::{Error, ErrorKind};
use migrate_dsl_core::plan::ObjectKind;
use rusqlite::Connection;

/// An object of a live schema.
pub(crate) struct Object {
    /// What kind of object it is.
    pub(crate) kind: ObjectKind,
    /// Its name.
    pub(crate) name: String,
    /// The table it belongs to (itself for a table or view).
    pub(crate) table: String,
    /// Its `CREATE` statement (empty for automatic indexes).
    pub(crate) sql: String,
}

/// Finds a table of the main schema by name, compared as SQLite compares
/// names (ASCII case-insensitively).
pub(crate) const TABLE_EXISTS: &str =
    "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE";

fn find_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    use rusqlite::OptionalExtension;
    conn.query_row(TABLE_EXISTS, [name], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

/// Whether table `name` exists: a statement of the run (it passes through
/// the failure-injection point like every other).
pub(crate) fn has_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    crate::fault::checked(|| find_table(conn, name))
}

/// Whether table `name` surely exists, for cleanup after a failure (not a
/// statement of the run): an error reads as "no", so nothing is dropped on
/// a doubt.
pub(crate) fn surely_has_table(conn: &Connection, name: &str) -> bool {
    find_table(conn, name).unwrap_or(false)
}

/// Every object of schema `schema` (`main` or `temp`) in creation order,
/// SQLite's own left out.
pub(crate) fn objects(conn: &Connection, schema: &str) -> Result<Vec<Object>, Error> {
    let q = format!(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM {}.sqlite_schema \
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
        migrate_dsl_core::sql::ident(schema)
    );
    read(conn, &q, [], &format!("read the {schema} schema"))
}

/// The user-visible objects of the main schema: not SQLite's own, not the
/// history table, not the shadow tables of virtual tables (FTS5 makes them;
/// the model knows only the virtual table), not automatic indexes.
pub(crate) fn user_objects(conn: &Connection, history_table: &str) -> Result<Vec<Object>, Error> {
    let q = "SELECT s.type, s.name, s.tbl_name, s.sql FROM main.sqlite_schema AS s \
             WHERE s.sql IS NOT NULL AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND s.name <> ?1 \
             AND NOT EXISTS (SELECT 1 FROM pragma_table_list AS l WHERE l.schema = 'main' AND l.name = s.name AND l.type = 'shadow') \
             ORDER BY s.rowid";
    read(conn, q, [history_table], "read the schema")
}

fn read(
    conn: &Connection,
    q: &str,
    params: impl rusqlite::Params,
    action: &str,
) -> Result<Vec<Object>, Error> {
    let run = || -> rusqlite::Result<Vec<Object>> {
        let mut stmt = crate::fault::checked(|| conn.prepare(q))?;
        let rows = stmt.query_map(params, |r| {
            let kind: String = r.get(0)?;
            let kind = ObjectKind::parse(&kind).ok_or(rusqlite::Error::InvalidColumnType(
                0,
                kind,
                rusqlite::types::Type::Text,
            ))?;
            Ok(Object {
                kind,
                name: r.get(1)?,
                table: r.get(2)?,
                sql: r.get(3)?,
            })
        })?;
        rows.collect()
    };
    run().map_err(|source| {
        Error::from(ErrorKind::Connection {
            action: format!("{action} ({q})"),
            source,
        })
    })
}
