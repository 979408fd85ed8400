//! Several revisions in one durable commit.
//!
//! One commit per revision would cost one `fsync` each, which on a file
//! costs far more than the revisions themselves when there are many small
//! ones (a new database's first run). A run therefore opens one
//! `BEGIN IMMEDIATE` transaction for its start (leftovers, the history
//! table) and its revisions, each revision in a savepoint of it (the
//! guard's caller-transaction mode):
//!
//! - each revision stays atomic with its history row: the row is written
//!   in the same transaction, just before it commits (rows written one by
//!   one between schema changes would each be prepared again, which on a
//!   first run of many small revisions cost as much as the revisions);
//!   `applied_at` is the time the batch commits, when the revision became
//!   durable. (A hook therefore does not see the earlier revisions of its
//!   batch in the history table.)
//! - a failed revision is rolled back to its savepoint, and the revisions
//!   before it are committed with their history rows (also when a hook
//!   panics): the history is always a prefix, as with one commit per
//!   revision; if their rows cannot be written, the batch is rolled back
//!   whole, again a prefix;
//! - a crash before the commit loses the whole batch, which is again a
//!   prefix of the history (what was committed before it);
//! - a revision that rebuilds a table needs foreign keys switched off
//!   before its transaction begins: the batch is committed before it, the
//!   rebuild runs in a transaction of its own, and a new batch begins after.
//!
//! The write lock is held from the batch's first revision to its commit
//! (instead of one revision at a time): other writers wait that long.

use crate::error::{Error, ErrorKind};
use crate::history::Entry;
use rusqlite::Connection;

/// An open batch: see the module documentation.
pub(crate) struct Batch<'c> {
    conn: &'c Connection,
    /// The history table.
    history_table: &'c str,
    /// Revisions applied in the batch whose history rows are written
    /// when it commits.
    applied: Vec<Entry>,
    /// The run read the history inside this batch: it has held the write
    /// lock since, so no other process can have applied a revision.
    pub(crate) read_history: bool,
}

impl<'c> Batch<'c> {
    /// What the next part of a run runs in: the open batch, a new one (none
    /// open yet, and no caller's transaction), or none (`alone`: it needs a
    /// transaction of its own — the open batch is committed first).
    pub(crate) fn next(
        conn: &'c Connection,
        history_table: &'c str,
        open: Option<Self>,
        alone: bool,
    ) -> Result<Option<Self>, Error> {
        match open {
            Some(batch) if alone => batch.commit().map(|()| None),
            Some(batch) => Ok(Some(batch)),
            None if alone || !conn.is_autocommit() => Ok(None),
            None => {
                crate::trace::execute(conn, "BEGIN IMMEDIATE", false).map_err(|source| {
                    Error::from(ErrorKind::Connection {
                        action: "begin the run's transaction (BEGIN IMMEDIATE)".to_owned(),
                        source,
                    })
                })?;
                Ok(Some(Batch {
                    conn,
                    history_table,
                    applied: Vec::new(),
                    read_history: false,
                }))
            }
        }
    }

    /// Notes that a revision was applied in the batch (its savepoint
    /// released): its history row is written when the batch commits.
    pub(crate) fn applied(&mut self, entry: Entry) {
        self.applied.push(entry);
    }

    /// Writes the history rows and commits the revisions of the batch; on
    /// failure they are rolled back together (the history stays a prefix)
    /// and the error returned.
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        let result = self.write_and_commit();
        std::mem::forget(self);
        result
    }

    fn write_and_commit(&mut self) -> Result<(), Error> {
        let conn = self.conn;
        let applied = std::mem::take(&mut self.applied);
        let written = crate::history::record_all(conn, self.history_table, &applied);
        let committed = written.and_then(|()| {
            crate::trace::execute(conn, "COMMIT", false).map_err(|source| {
                Error::from(ErrorKind::Connection {
                    action: "commit the run's transaction (COMMIT)".to_owned(),
                    source,
                })
            })
        });
        if committed.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        committed
    }

    /// Commits an open batch (`None`: nothing to do).
    pub(crate) fn finish(batch: Option<Self>) -> Result<(), Error> {
        batch.map_or(Ok(()), Batch::commit)
    }
}

impl Drop for Batch<'_> {
    /// On an error or a panic in a revision: that revision's guard has
    /// rolled it back to its savepoint (or, when that failed, rolled back
    /// the whole transaction), so what is left to commit are the complete
    /// revisions before it, with their history rows. Never panics.
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            // Errors: rolled back whole; the revision's error is the one
            // the caller gets.
            let _ = self.write_and_commit();
        }
    }
}
