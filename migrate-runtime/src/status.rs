//! Where a database stands: read-only questions a health check or a
//! start-up check asks. Nothing here writes, so a read-only connection
//! works, and a database that was never migrated is simply "nothing
//! applied".

use crate::engine::Database;
use crate::error::Error;
use crate::history::HistoryRow;
use crate::migrations::Migrations;
use std::collections::HashMap;

/// Where a database stands against a history.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The applied revisions, oldest first, with when and how long.
    pub applied: Vec<HistoryRow>,
    /// The revisions not applied yet, in the order they would be.
    pub pending: Vec<String>,
    /// Applied revisions this history does not contain (the database was
    /// migrated by a newer program).
    pub unknown: Vec<String>,
    /// Applied revisions whose definition changed since they were applied
    /// (the recorded checksum differs): a run refuses them.
    pub edited: Vec<String>,
}

impl Status {
    /// The newest applied revision.
    pub fn current(&self) -> Option<&str> {
        self.applied.last().map(|r| r.id.as_str())
    }

    /// Whether nothing is pending, nothing unknown is applied and no
    /// applied revision was edited.
    pub fn is_up_to_date(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty() && self.edited.is_empty()
    }
}

impl std::fmt::Display for Status {
    /// One line per revision (applied with when and how long, pending,
    /// unknown), ids aligned, then a summary line.
    ///
    /// ```text
    /// 0001  applied  2026-11-27T18:02:11.514Z  3 ms
    /// 0002  pending
    /// 1 applied, 1 pending: at 0001
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self
            .applied
            .iter()
            .map(|r| r.id.len())
            .chain(self.pending.iter().map(String::len))
            .max()
            .unwrap_or(0);
        for r in &self.applied {
            let unknown = if self.unknown.contains(&r.id) {
                "  (not in this history)"
            } else if self.edited.contains(&r.id) {
                "  (edited since it was applied)"
            } else {
                ""
            };
            writeln!(
                f,
                "{:width$}  applied  {}  {} ms{unknown}",
                r.id,
                r.applied_at,
                r.duration.as_millis()
            )?;
        }
        for id in &self.pending {
            writeln!(f, "{id:width$}  pending")?;
        }
        write!(
            f,
            "{} applied, {} pending",
            self.applied.len(),
            self.pending.len()
        )?;
        if !self.unknown.is_empty() {
            write!(
                f,
                ", {} not in this history (migrated by a newer program)",
                self.unknown.len()
            )?;
        }
        if !self.edited.is_empty() {
            write!(
                f,
                ", {} edited since applied ({})",
                self.edited.len(),
                self.edited.join(", ")
            )?;
        }
        match self.current() {
            Some(id) if self.is_up_to_date() => write!(f, ": up to date at {id}"),
            Some(id) => write!(f, ": at {id}"),
            None => write!(f, ": nothing applied"),
        }
    }
}

impl Migrations {
    /// Where the database of `db` stands: applied (with when and how
    /// long), pending, unknown and edited revisions. Reads only (a
    /// read-only connection works); a database without the history table
    /// has everything pending.
    pub fn status(&self, db: impl Database) -> Result<Status, Error> {
        db.status(self)
    }

    /// The status of a database whose history table holds `applied`.
    pub(crate) fn status_of(&self, applied: Vec<HistoryRow>) -> Status {
        // By id, so a long history costs one pass each way.
        let recorded: HashMap<&str, &str> = applied
            .iter()
            .map(|a| (a.id.as_str(), a.checksum.as_str()))
            .collect();
        let known: HashMap<&str, &str> = self
            .revisions
            .iter()
            .map(|r| (r.id(), r.checksum()))
            .collect();
        let pending = self
            .revisions
            .iter()
            .filter(|r| !recorded.contains_key(r.id()))
            .map(|r| r.id().to_owned())
            .collect();
        let unknown = applied
            .iter()
            .filter(|a| !known.contains_key(a.id.as_str()))
            .map(|a| a.id.clone())
            .collect();
        let edited = applied
            .iter()
            .filter(|a| known.get(a.id.as_str()).is_some_and(|c| *c != a.checksum))
            .map(|a| a.id.clone())
            .collect();
        Status {
            applied,
            pending,
            unknown,
            edited,
        }
    }

    /// How many revisions the newest history row `id`, with `digest`,
    /// proves applied, unchanged (see [`Migrations::applied_by_digest`]).
    pub(crate) fn proven(&self, id: &str, digest: Option<&str>) -> Option<usize> {
        let digest = digest?;
        // From the end: the newest applied revision is usually the
        // history's last.
        self.revisions
            .iter()
            .rposition(|r| *r.plan.id == *id)
            .filter(|&i| *self.revisions[i].plan.digest == *digest)
            .map(|i| i + 1)
    }

    /// Whether the database is at the head of the history: every revision
    /// applied, none edited since. One indexed lookup whatever the length
    /// of the history (the newest row's digest covers every row before it);
    /// only a history table whose digests are not written yet (from before
    /// them, or by an offline script, until the next run) is read whole.
    ///
    /// ```
    /// use migrate_dsl::migration;
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key } }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// assert!(!MIGRATIONS.is_up_to_date(&conn)?);
    /// MIGRATIONS.apply_pending(&mut conn)?;
    /// assert!(MIGRATIONS.is_up_to_date(&conn)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_up_to_date(&self, db: impl Database) -> Result<bool, Error> {
        db.up_to_date(self)
    }
}
