//! The history table (the ledger): which revisions are applied, with their
//! checksums and digests. Every statement about it, on either engine — run,
//! read-only or printed offline — is written here ([`Sql`]), and so is the
//! digest chain that proves a database up to date in one lookup: the same
//! columns and the same proof on SQLite and PostgreSQL. SQLite's are run
//! here; PostgreSQL's by its runner (`postgres/run.rs`).

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

/// The history table's statements in one dialect. Parameters are numbered
/// (`?1` on SQLite, `$1` on PostgreSQL); rows are ordered by when they were
/// written (`rowid`; PostgreSQL's `seq`, as two transactions may start in
/// the same microsecond and ids compare as text, where `10_x` sorts
/// before `9_x`).
#[derive(Clone, Copy)]
pub(crate) struct Sql<'a> {
    dialect: Dialect,
    table: &'a str,
}

/// The engines the history table is spelled for.
#[derive(Clone, Copy)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl<'a> Sql<'a> {
    /// SQLite's statements about history table `table`.
    pub(crate) fn sqlite(table: &'a str) -> Self {
        Sql {
            dialect: Dialect::Sqlite,
            table,
        }
    }

    /// PostgreSQL's statements about history table `table`.
    pub(crate) fn postgres(table: &'a str) -> Self {
        Sql {
            dialect: Dialect::Postgres,
            table,
        }
    }

    fn table(&self) -> String {
        sql::ident(self.table)
    }

    /// Parameter `n` (1-based).
    fn param(&self, n: usize) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// The column ordering rows by when they were written.
    fn order(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "seq",
        }
    }

    /// `CREATE TABLE IF NOT EXISTS`. `digest` is the [`chain_digest`] of
    /// the rows up to each one: one lookup of the newest row verifies
    /// every applied revision. (Nullable: an SQLite table from before it
    /// gains the column by `ALTER TABLE`, see [`upgrade`]; an offline
    /// script leaves it out.)
    pub(crate) fn create(&self) -> String {
        let columns = match self.dialect {
            Dialect::Sqlite => "id TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, digest TEXT",
            Dialect::Postgres => "seq bigint GENERATED ALWAYS AS IDENTITY, id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms bigint NOT NULL, digest text",
        };
        format!("CREATE TABLE IF NOT EXISTS {} ({columns})", self.table())
    }

    /// `INSERT` of one row: id, checksum, duration and digest, then (on
    /// SQLite, where rows written together share it) the time; PostgreSQL
    /// takes `now()`, its transaction's start.
    pub(crate) fn insert(&self) -> String {
        let p = |n| self.param(n);
        match self.dialect {
            Dialect::Sqlite => format!(
                "INSERT INTO {} (id, checksum, duration_ms, digest, applied_at) VALUES ({}, {}, {}, {}, {})",
                self.table(), p(1), p(2), p(3), p(4), p(5)
            ),
            Dialect::Postgres => format!(
                "INSERT INTO {} (id, checksum, duration_ms, digest) VALUES ({}, {}, {}, {})",
                self.table(), p(1), p(2), p(3), p(4)
            ),
        }
    }

    /// `DELETE` of the row whose id is parameter 1.
    pub(crate) fn delete(&self) -> String {
        format!("DELETE FROM {} WHERE id = {}", self.table(), self.param(1))
    }

    /// `UPDATE` of the digest (parameter 1) of the row whose id is
    /// parameter 2.
    pub(crate) fn set_digest(&self) -> String {
        format!(
            "UPDATE {} SET digest = {} WHERE id = {}",
            self.table(),
            self.param(1),
            self.param(2)
        )
    }

    /// Every row as a [`HistoryRow`] (id, checksum, time in UTC ISO 8601,
    /// duration), in order.
    pub(crate) fn read(&self) -> String {
        let at = match self.dialect {
            Dialect::Sqlite => "applied_at",
            Dialect::Postgres => {
                "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            }
        };
        format!(
            "SELECT id, checksum, {at}, duration_ms FROM {} ORDER BY {}",
            self.table(),
            self.order()
        )
    }

    /// The two newest rows' id, checksum and digest, newest first (see
    /// [`newest_of`]).
    pub(crate) fn newest_two(&self) -> String {
        format!(
            "SELECT id, checksum, digest FROM {} ORDER BY {} DESC LIMIT 2",
            self.table(),
            self.order()
        )
    }

    /// The newest row's id (also on a table from before digests).
    pub(crate) fn newest_id(&self) -> String {
        format!(
            "SELECT id FROM {} ORDER BY {} DESC LIMIT 1",
            self.table(),
            self.order()
        )
    }

    /// The statement recording revision `id` in an offline script. It
    /// leaves the digest out (NULL), so the script also runs on an SQLite
    /// history table from before digests; the next run fills it in.
    pub(crate) fn record_script(&self, id: &str, checksum: &str) -> String {
        let (id, checksum) = (sql::string(id), sql::string(checksum));
        match self.dialect {
            Dialect::Sqlite => format!(
                "INSERT INTO {} (id, checksum, applied_at, duration_ms) VALUES ({id}, {checksum}, {NOW}, 0)",
                self.table()
            ),
            Dialect::Postgres => format!(
                "INSERT INTO {} (id, checksum, duration_ms) VALUES ({id}, {checksum}, 0)",
                self.table()
            ),
        }
    }

    /// The statement removing revision `id` in an offline script.
    pub(crate) fn remove_script(&self, id: &str) -> String {
        format!(
            "DELETE FROM {} WHERE id = {}",
            self.table(),
            sql::string(id)
        )
    }
}

/// The newest row's id and digest, from the two newest rows' id, checksum
/// and digest ([`Sql::newest_two`]); `None` without rows. The digest is
/// `None` when the row has none yet (written by an offline script, or by
/// a version that did not write them) or it does not match the row's own
/// checksum and the digest before it (the row was changed by hand).
pub(crate) fn newest_of(
    rows: &[(String, String, Option<String>)],
) -> Option<(String, Option<String>)> {
    let (id, checksum, digest) = rows.first().cloned()?;
    let previous = match rows.get(1) {
        Some((_, _, Some(d))) => d.as_str(),
        Some((_, _, None)) => return Some((id, None)),
        None => "",
    };
    let digest = digest.filter(|d| *d == chain_digest(previous, &id, &checksum));
    Some((id, digest))
}

/// The digest of a row written after one whose digest is `stored` (`""`
/// for the first row): `compiled.1` when the stored chain stands where the
/// history's compiled one does before it (`compiled.0`), by definition of
/// [`chain_digest`] (one SHA-256 less per row; on a first run of many
/// small revisions it was 6% of the run), else computed.
pub(crate) fn next_digest(
    stored: &str,
    compiled: (&str, &str),
    id: &str,
    checksum: &str,
) -> String {
    if stored == compiled.0 {
        compiled.1.to_owned()
    } else {
        chain_digest(stored, id, checksum)
    }
}

/// The digests of `rows` (id, checksum), in order, chained from the
/// first: what a history table without them is given.
pub(crate) fn chain<'r>(rows: impl IntoIterator<Item = (&'r str, &'r str)>) -> Vec<String> {
    let mut digest = String::new();
    rows.into_iter()
        .map(|(id, checksum)| {
            digest = chain_digest(&digest, id, checksum);
            digest.clone()
        })
        .collect()
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
    crate::catalog::has_table(conn, table).map_err(err(table, crate::catalog::TABLE_EXISTS))
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
