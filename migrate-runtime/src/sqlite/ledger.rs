//! SQLite's side of the ledger: the history table's statements
//! ([`Sql::sqlite`]) run through `rusqlite`, and the digests of rows from
//! before them given when the next rows are written.

use crate::error::{Error, ErrorKind};
use crate::fault::checked;
use crate::history::{chain, newest_of, next_digest, HistoryRow, Sql, NOW};
use migrate_dsl_core::plan::Text;
use migrate_dsl_core::sql;
use rusqlite::{params, Connection, OptionalExtension};
use std::time::Duration;

/// Maps an SQLite error on the history table (or a query about it).
pub(crate) fn err(table: &str, sql: &str) -> impl FnOnce(rusqlite::Error) -> Error {
    let (table, sql) = (table.to_owned(), sql.to_owned());
    move |source| Error::from(ErrorKind::Ledger { table, sql, source })
}

/// SQLite's `CREATE TABLE IF NOT EXISTS` of the history table.
pub(crate) fn ensure_sql(table: &str) -> String {
    Sql::sqlite(table).create()
}

/// Whether the history table has the `digest` column (read-only).
pub(crate) fn has_digests(conn: &Connection, table: &str) -> Result<bool, Error> {
    let q = "SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'digest'";
    checked(|| conn.query_row(q, [table], |r| r.get::<_, i64>(0)))
        .map(|n| n > 0)
        .map_err(err(table, q))
}

/// Brings the history table to the current format, in the caller's
/// transaction: a table from before digests gains the column, and rows
/// without a digest (from before, or written by an offline script, which
/// leaves them NULL) get theirs, from the rows as they are (an edited
/// revision's digest then differs from the history's, as it must). A table
/// whose newest row has its digest is left alone: one lookup.
pub(crate) fn upgrade(conn: &Connection, table: &str) -> Result<(), Error> {
    if has_digests(conn, table)? {
        if !matches!(newest_digest(conn, table)?, Some((_, None))) {
            return Ok(());
        }
    } else {
        tracing::info!(%table, "adding digests to the history table");
        let add = format!("ALTER TABLE {} ADD COLUMN digest TEXT", sql::ident(table));
        checked(|| conn.execute(&add, []))
            .map(drop)
            .map_err(err(table, &add))?;
    }
    let rows = read(conn, table)?;
    let q = Sql::sqlite(table).set_digest();
    let digests = chain(rows.iter().map(|r| (&*r.id, &*r.checksum)));
    for (row, digest) in rows.iter().zip(&digests) {
        checked(|| conn.execute(&q, [digest, &row.id]))
            .map(drop)
            .map_err(err(table, &q))?;
    }
    Ok(())
}

/// The newest row's id and digest, if any row exists (read-only; see
/// [`newest_of`]). The digest is also `None` when the table is from
/// before digests.
pub(crate) fn newest_digest(
    conn: &Connection,
    table: &str,
) -> Result<Option<(String, Option<String>)>, Error> {
    let q = Sql::sqlite(table).newest_two();
    type Row = (String, String, Option<String>);
    let run = || -> rusqlite::Result<Vec<Row>> {
        let mut stmt = checked(|| conn.prepare(&q))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    };
    // One statement in the usual case; a table from before digests has
    // no such column (asked only then).
    match run() {
        Ok(rows) => Ok(newest_of(&rows)),
        Err(_) if !has_digests(conn, table)? => Ok(newest(conn, table)?.map(|id| (id, None))),
        Err(e) => Err(err(table, &q)(e)),
    }
}

/// Creates the history table if it does not exist.
pub(crate) fn ensure(conn: &Connection, table: &str) -> Result<(), Error> {
    let q = ensure_sql(table);
    checked(|| conn.execute(&q, []))
        .map(drop)
        .map_err(err(table, &q))
}

/// Every applied revision, in the order they were applied.
pub(crate) fn read(conn: &Connection, table: &str) -> Result<Vec<HistoryRow>, Error> {
    let q = Sql::sqlite(table).read();
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

/// Whether the history table exists (read-only).
pub(crate) fn exists(conn: &Connection, table: &str) -> Result<bool, Error> {
    crate::sqlite::catalog::has_table(conn, table)
        .map_err(err(table, crate::sqlite::catalog::TABLE_EXISTS))
}

/// A history row to write: a revision applied.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) id: Text,
    pub(crate) checksum: Text,
    pub(crate) duration_ms: i64,
    /// The history's digest as compiled before this revision and up to
    /// it (see [`next_digest`]).
    pub(crate) compiled: (Text, Text),
}

/// Records one revision as applied.
pub(crate) fn record(conn: &Connection, table: &str, entry: Entry) -> Result<(), Error> {
    record_all(conn, table, &[entry])
}

/// Records the revisions `applied`, in order, with one prepared
/// statement.
pub(crate) fn record_all(conn: &Connection, table: &str, applied: &[Entry]) -> Result<(), Error> {
    if applied.is_empty() {
        return Ok(());
    }
    // Each row's digest chains from the one before it, as stored.
    upgrade(conn, table)?;
    let mut digest = newest_digest(conn, table)?
        .and_then(|(_, d)| d)
        .unwrap_or_default();
    let q = Sql::sqlite(table).insert();
    let mut run = || -> rusqlite::Result<()> {
        // One time for the rows written together (the batch's commit).
        let now: String = checked(|| conn.query_row(&format!("SELECT {NOW}"), [], |r| r.get(0)))?;
        let mut stmt = checked(|| conn.prepare(&q))?;
        for row in applied {
            let (before, after) = &row.compiled;
            digest = next_digest(&digest, (before, after), &row.id, &row.checksum);
            checked(|| {
                stmt.execute(params![
                    &*row.id,
                    &*row.checksum,
                    row.duration_ms,
                    digest,
                    now
                ])
            })?;
        }
        Ok(())
    };
    run().map_err(err(table, &q))
}

/// The newest applied revision, if any.
pub(crate) fn newest(conn: &Connection, table: &str) -> Result<Option<String>, Error> {
    let q = Sql::sqlite(table).newest_id();
    checked(|| conn.query_row(&q, [], |r| r.get(0)))
        .optional()
        .map_err(err(table, &q))
}

/// Removes revision `id` from the history (it was undone).
pub(crate) fn remove(conn: &Connection, table: &str, id: &str) -> Result<(), Error> {
    let q = Sql::sqlite(table).delete();
    checked(|| conn.execute(&q, [id]))
        .map(drop)
        .map_err(err(table, &q))
}
