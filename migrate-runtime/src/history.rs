//! The history table (the ledger): which revisions are applied, with their
//! checksums and digests. Every statement about it, on either engine — run,
//! read-only or printed offline — is written here ([`Sql`]), and so is the
//! digest chain that proves a database up to date in one lookup: the same
//! columns and the same proof on SQLite and PostgreSQL. Each engine runs
//! them through its client (`sqlite/ledger.rs`, `postgres/ledger.rs`).

use migrate_dsl_core::canonical::chain_digest;
use migrate_dsl_core::sql;
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
    /// gains the column by `ALTER TABLE`, see `sqlite::ledger::upgrade`; an offline
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

/// The time a revision is recorded at, in SQL: UTC, ISO 8601.
pub(crate) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
