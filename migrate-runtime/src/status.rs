//! Where a database stands: read-only questions a health check or a
//! start-up check asks. Nothing here writes, so a read-only connection
//! works, and a database that was never migrated is simply "nothing
//! applied".

use crate::error::Error;
use crate::history::{self, HistoryRow};
use crate::migrations::Migrations;
use rusqlite::Connection;

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
}

impl Status {
    /// The newest applied revision.
    pub fn current(&self) -> Option<&str> {
        self.applied.last().map(|r| r.id.as_str())
    }

    /// Whether nothing is pending and nothing unknown is applied.
    pub fn is_up_to_date(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty()
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
        match self.current() {
            Some(id) if self.is_up_to_date() => write!(f, ": up to date at {id}"),
            Some(id) => write!(f, ": at {id}"),
            None => write!(f, ": nothing applied"),
        }
    }
}

impl Migrations {
    /// The applied, pending and unknown revisions of the database.
    pub fn status(&self, conn: &Connection) -> Result<Status, Error> {
        let applied = if history::exists(conn, &self.history_table)? {
            history::read(conn, &self.history_table)?
        } else {
            Vec::new()
        };
        let is_applied = |id: &str| applied.iter().any(|a| a.id == id);
        let pending = self
            .revisions
            .iter()
            .filter(|r| !is_applied(r.id()))
            .map(|r| r.id().to_owned())
            .collect();
        let unknown = applied
            .iter()
            .filter(|a| !self.revisions.iter().any(|r| r.id() == a.id))
            .map(|a| a.id.clone())
            .collect();
        Ok(Status {
            applied,
            pending,
            unknown,
        })
    }

    /// Whether the database is at the head of the history: its newest
    /// applied revision is the history's last, with the same checksum. One
    /// indexed lookup, whatever the length of the history (runs keep the
    /// applied revisions a prefix of the history, so the newest decides).
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
    pub fn is_up_to_date(&self, conn: &Connection) -> Result<bool, Error> {
        let Some(head) = self.revisions.last() else {
            return Ok(true);
        };
        if !history::exists(conn, &self.history_table)? {
            return Ok(false);
        }
        let newest = history::newest_checksum(conn, &self.history_table)?;
        Ok(newest.is_some_and(|(id, checksum)| id == head.id() && checksum == head.checksum()))
    }
}
