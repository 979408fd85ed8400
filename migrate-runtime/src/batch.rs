//! Several revisions in one durable commit.
//!
//! One commit per revision would cost one `fsync` each, which on a file
//! costs far more than the revisions themselves when there are many small
//! ones (a new database's first run). A run therefore opens one
//! `BEGIN IMMEDIATE` transaction for its start (leftovers, the history
//! table) and its revisions, each revision in a savepoint of it (the
//! guard's caller-transaction mode):
//!
//! - each revision stays atomic with its history row (its savepoint);
//! - a failed revision is rolled back to its savepoint, and the revisions
//!   before it are committed (also when a hook panics): the history is
//!   always a prefix, as with one commit per revision;
//! - a crash before the commit loses the whole batch, which is again a
//!   prefix of the history (what was committed before it);
//! - a revision that rebuilds a table needs foreign keys switched off
//!   before its transaction begins: the batch is committed before it, the
//!   rebuild runs in a transaction of its own, and a new batch begins after.
//!
//! The write lock is held from the batch's first revision to its commit
//! (instead of one revision at a time): other writers wait that long.

use crate::error::{Error, ErrorKind};
use rusqlite::Connection;

/// An open batch: see the module documentation.
pub(crate) struct Batch<'c> {
    conn: &'c Connection,
}

impl<'c> Batch<'c> {
    /// What the next part of a run runs in: the open batch, a new one (none
    /// open yet, and no caller's transaction), or none (`alone`: it needs a
    /// transaction of its own — the open batch is committed first).
    pub(crate) fn next(
        conn: &'c Connection,
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
                Ok(Some(Batch { conn }))
            }
        }
    }

    /// Commits the revisions of the batch; on failure they are rolled back
    /// together (the history stays a prefix) and the error returned.
    pub(crate) fn commit(self) -> Result<(), Error> {
        let conn = self.conn;
        std::mem::forget(self);
        crate::trace::execute(conn, "COMMIT", false).map_err(|source| {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            Error::from(ErrorKind::Connection {
                action: "commit the run's transaction (COMMIT)".to_owned(),
                source,
            })
        })
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
    /// revisions before it. Never panics.
    fn drop(&mut self) {
        if !self.conn.is_autocommit() && self.conn.execute_batch("COMMIT").is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
