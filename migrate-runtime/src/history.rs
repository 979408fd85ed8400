//! The history table: which revisions are applied, with their checksums.
//! Every statement about it — run, read-only or printed offline — is
//! written here.

use crate::error::{Error, ErrorKind};
use crate::fault::checked;
use migrate_dsl_core::sql;
use rusqlite::{params, Connection, OptionalExtension};
use std::time::Duration;

/// One row of the history table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryRow {
    /// The revision id.
    pub id: String,
    /// Its checksum when it was applied.
    pub checksum: String,
    /// When it was applied (UTC, ISO 8601).
    pub applied_at: String,
    /// How long it took (stored in whole milliseconds).
    pub duration: Duration,
}

/// Maps an SQLite error on the history table (or a query about it).
pub(crate) fn err(table: &str, sql: &str) -> impl FnOnce(rusqlite::Error) -> Error {
    let (table, sql) = (table.to_owned(), sql.to_owned());
    move |source| Error::from(ErrorKind::History { table, sql, source })
}

/// `CREATE TABLE IF NOT EXISTS` of the history table.
pub(crate) fn ensure_sql(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (id TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL)",
        sql::ident(table)
    )
}

/// The time a revision is recorded at, in SQL: UTC, ISO 8601.
pub(crate) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Creates the history table if it does not exist.
pub(crate) fn ensure(conn: &Connection, table: &str) -> Result<(), Error> {
    let q = ensure_sql(table);
    checked(|| conn.execute(&q, []))
        .map(drop)
        .map_err(err(table, &q))
}

/// Every applied revision, in the order they were applied.
pub(crate) fn read(conn: &Connection, table: &str) -> Result<Vec<HistoryRow>, Error> {
    let q = format!(
        "SELECT id, checksum, applied_at, duration_ms FROM {} ORDER BY rowid",
        sql::ident(table)
    );
    let run = || -> rusqlite::Result<Vec<HistoryRow>> {
        let mut stmt = checked(|| conn.prepare(&q))?;
        let rows = stmt.query_map([], |r| {
            Ok(HistoryRow {
                id: r.get(0)?,
                checksum: r.get(1)?,
                applied_at: r.get(2)?,
                duration: Duration::from_millis(r.get::<_, i64>(3)?.unsigned_abs()),
            })
        })?;
        rows.collect()
    };
    run().map_err(err(table, &q))
}

/// Whether revision `id` is recorded as applied.
pub(crate) fn is_applied(conn: &Connection, table: &str, id: &str) -> Result<bool, Error> {
    let q = format!("SELECT 1 FROM {} WHERE id = ?1", sql::ident(table));
    checked(|| conn.query_row(&q, [id], |_| Ok(())))
        .optional()
        .map(|r| r.is_some())
        .map_err(err(table, &q))
}

/// `INSERT` of a history row with `values` (id, checksum, time, duration).
fn insert_sql(table: &str, values: &str) -> String {
    format!(
        "INSERT INTO {} (id, checksum, applied_at, duration_ms) VALUES ({values})",
        sql::ident(table)
    )
}

/// `DELETE` of the history row whose id is `id` (SQL).
fn delete_sql(table: &str, id: &str) -> String {
    format!("DELETE FROM {} WHERE id = {id}", sql::ident(table))
}

/// The statement recording revision `id` in an offline script.
pub(crate) fn record_script(table: &str, id: &str, checksum: &str) -> String {
    insert_sql(
        table,
        &format!("{}, {}, {NOW}, 0", sql::string(id), sql::string(checksum)),
    )
}

/// The statement removing revision `id` in an offline script.
pub(crate) fn remove_script(table: &str, id: &str) -> String {
    delete_sql(table, &sql::string(id))
}

/// Whether the history table exists (read-only).
pub(crate) fn exists(conn: &Connection, table: &str) -> Result<bool, Error> {
    crate::catalog::has_table(conn, table).map_err(err(table, crate::catalog::TABLE_EXISTS))
}

/// The newest row's id and checksum, if any (read-only).
pub(crate) fn newest_checksum(
    conn: &Connection,
    table: &str,
) -> Result<Option<(String, String)>, Error> {
    let q = format!(
        "SELECT id, checksum FROM {} ORDER BY rowid DESC LIMIT 1",
        sql::ident(table)
    );
    checked(|| conn.query_row(&q, [], |r| Ok((r.get(0)?, r.get(1)?))))
        .optional()
        .map_err(err(table, &q))
}

/// Records revision `id` as applied.
pub(crate) fn record(
    conn: &Connection,
    table: &str,
    id: &str,
    checksum: &str,
    duration_ms: i64,
) -> Result<(), Error> {
    let q = insert_sql(table, &format!("?1, ?2, {NOW}, ?3"));
    checked(|| conn.execute(&q, params![id, checksum, duration_ms]))
        .map(drop)
        .map_err(err(table, &q))
}

/// Records the revisions `applied` (id, checksum, duration in ms), in
/// order, with one prepared statement.
pub(crate) fn record_all(
    conn: &Connection,
    table: &str,
    applied: &[(String, String, i64)],
) -> Result<(), Error> {
    if applied.is_empty() {
        return Ok(());
    }
    let q = insert_sql(table, &format!("?1, ?2, {NOW}, ?3"));
    let run = || -> rusqlite::Result<()> {
        let mut stmt = checked(|| conn.prepare(&q))?;
        for (id, checksum, ms) in applied {
            checked(|| stmt.execute(params![id, checksum, ms]))?;
        }
        Ok(())
    };
    run().map_err(err(table, &q))
}

/// The newest applied revision, if any.
pub(crate) fn newest(conn: &Connection, table: &str) -> Result<Option<String>, Error> {
    let q = format!(
        "SELECT id FROM {} ORDER BY rowid DESC LIMIT 1",
        sql::ident(table)
    );
    checked(|| conn.query_row(&q, [], |r| r.get(0)))
        .optional()
        .map_err(err(table, &q))
}

/// Removes revision `id` from the history (it was undone).
pub(crate) fn remove(conn: &Connection, table: &str, id: &str) -> Result<(), Error> {
    let q = delete_sql(table, "?1");
    checked(|| conn.execute(&q, [id]))
        .map(drop)
        .map_err(err(table, &q))
}
