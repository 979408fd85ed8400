//! Where a database stands: read-only questions a health check or a
//! start-up check asks. Nothing here writes, so a read-only connection
//! works, and a database that was never migrated is simply "nothing
//! applied".

use crate::error::Error;
use crate::history::{self, HistoryRow};
use crate::migrations::Migrations;
use rusqlite::{Connection, OptionalExtension};

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

impl Migrations {
    /// The applied, pending and unknown revisions of the database.
    pub fn status(&self, conn: &Connection) -> Result<Status, Error> {
        let applied = if self.history_exists(conn)? {
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
        if !self.history_exists(conn)? {
            return Ok(false);
        }
        let q = format!(
            "SELECT id, checksum FROM {} ORDER BY rowid DESC LIMIT 1",
            migrate_core::sql::ident(&self.history_table)
        );
        let newest: Option<(String, String)> = conn
            .query_row(&q, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(history::err(&self.history_table, &q))?;
        Ok(newest.is_some_and(|(id, checksum)| id == head.id() && checksum == head.checksum()))
    }

    fn history_exists(&self, conn: &Connection) -> Result<bool, Error> {
        let q = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1";
        conn.query_row(q, [&*self.history_table], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
            .map_err(history::err(&self.history_table, q))
    }
}
