//! The history table: which revisions are applied, with their checksums.
//! Every statement about it — run, read-only or printed offline — is
//! written here.

use crate::error::{Error, ErrorKind};
use crate::fault::checked;
use migrate_dsl_core::canonical::chain_digest;
use migrate_dsl_core::plan::Text;
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

/// `CREATE TABLE IF NOT EXISTS` of the history table. `digest` is the
/// [`chain_digest`] of the rows up to each one: one lookup of the newest
/// row verifies every applied revision. (Nullable: a table from before it
/// gains the column by `ALTER TABLE`, see [`upgrade`].)
pub(crate) fn ensure_sql(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (id TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, digest TEXT)",
        sql::ident(table)
    )
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
    let q = format!("UPDATE {} SET digest = ?1 WHERE id = ?2", sql::ident(table));
    let mut digest = String::new();
    for row in rows {
        digest = chain_digest(&digest, &row.id, &row.checksum);
        checked(|| conn.execute(&q, [&digest, &row.id]))
            .map(drop)
            .map_err(err(table, &q))?;
    }
    Ok(())
}

/// The newest row's id and digest, if any row exists (read-only). The
/// digest is `None` when the table is from before digests, the row has
/// none yet (written by an offline script), or it does not match the row's
/// own checksum and the digest before it (the row was changed by hand).
pub(crate) fn newest_digest(
    conn: &Connection,
    table: &str,
) -> Result<Option<(String, Option<String>)>, Error> {
    let q = format!(
        "SELECT id, checksum, digest FROM {} ORDER BY rowid DESC LIMIT 2",
        sql::ident(table)
    );
    type Row = (String, String, Option<String>);
    let run = || -> rusqlite::Result<Vec<Row>> {
        let mut stmt = checked(|| conn.prepare(&q))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    };
    // One statement in the usual case; a table from before digests has
    // no such column (asked only then).
    let rows = match run() {
        Ok(rows) => rows,
        Err(_) if !has_digests(conn, table)? => {
            return Ok(newest(conn, table)?.map(|id| (id, None)))
        }
        Err(e) => return Err(err(table, &q)(e)),
    };
    let Some((id, checksum, digest)) = rows.first().cloned() else {
        return Ok(None);
    };
    let previous = match rows.get(1) {
        Some((_, _, Some(d))) => d.as_str(),
        Some((_, _, None)) => return Ok(Some((id, None))),
        None => "",
    };
    let digest = digest.filter(|d| *d == chain_digest(previous, &id, &checksum));
    Ok(Some((id, digest)))
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

/// `INSERT` of a history row with `values` (id, checksum, time,
/// duration, digest).
fn insert_sql(table: &str, values: &str) -> String {
    format!(
        "INSERT INTO {} (id, checksum, applied_at, duration_ms, digest) VALUES ({values})",
        sql::ident(table)
    )
}

/// `DELETE` of the history row whose id is `id` (SQL).
fn delete_sql(table: &str, id: &str) -> String {
    format!("DELETE FROM {} WHERE id = {id}", sql::ident(table))
}

/// The statement recording revision `id` in an offline script. It leaves
/// the digest out (NULL), so the script also runs on a history table from
/// before digests; the next run fills it in ([`upgrade`]).
pub(crate) fn record_script(table: &str, id: &str, checksum: &str) -> String {
    format!(
        "INSERT INTO {} (id, checksum, applied_at, duration_ms) VALUES ({}, {}, {NOW}, 0)",
        sql::ident(table),
        sql::string(id),
        sql::string(checksum)
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

/// A history row to write: a revision applied.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) id: Text,
    pub(crate) checksum: Text,
    pub(crate) duration_ms: i64,
    /// The history's digest as compiled before this revision and up to
    /// it: when the stored chain stands at the first, the row's digest is
    /// the second, by definition of [`chain_digest`] (one SHA-256 less per
    /// row; on a first run of many small revisions it was 6% of the run).
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
    let q = insert_sql(table, "?1, ?2, ?3, ?4, ?5");
    let mut run = || -> rusqlite::Result<()> {
        // One time for the rows written together (the batch's commit).
        let now: String = checked(|| conn.query_row(&format!("SELECT {NOW}"), [], |r| r.get(0)))?;
        let mut stmt = checked(|| conn.prepare(&q))?;
        for row in applied {
            let (before, after) = &row.compiled;
            digest = if digest == **before {
                after.to_string()
            } else {
                chain_digest(&digest, &row.id, &row.checksum)
            };
            checked(|| {
                stmt.execute(params![
                    &*row.id,
                    &*row.checksum,
                    now,
                    row.duration_ms,
                    digest
                ])
            })?;
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
