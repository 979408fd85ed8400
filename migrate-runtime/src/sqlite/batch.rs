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
//! - a failed revision is undone alone, and the revisions before it are
//!   committed with their history rows (also when a hook panics): the
//!   history is always a prefix, as with one commit per revision; if their
//!   rows cannot be written, the batch is rolled back whole, again a
//!   prefix;
//! - a savepoint per revision would cost about as much as the rest of a
//!   small revision's own work, so only a revision with hooks (user code,
//!   which must not run twice) has one. The others run under the batch's
//!   *mark*, one savepoint opened before the first of them: when one
//!   fails, everything after the mark is rolled back and the revisions
//!   that had succeeded since the mark are applied again (their steps are
//!   statements only), then committed as above. If that replay fails too
//!   (a statement that gives another result the second time), they are
//!   left out: the history ends at the mark, still a prefix. A panic in
//!   such a revision also ends the history at the mark. A revision with
//!   hooks closes the mark (releases it) and runs in a savepoint of its
//!   own; the next revision without hooks opens a new mark;
//! - a crash before the commit loses the whole batch, which is again a
//!   prefix of the history (what was committed before it);
//! - a revision that rebuilds a table needs foreign keys switched off
//!   before its transaction begins: the batch is committed before it, the
//!   rebuild runs in a transaction of its own, and a new batch begins after.
//!
//! The write lock is held from the batch's first revision to its commit
//! (instead of one revision at a time): other writers wait that long.

use crate::error::{Error, ErrorKind};
use crate::sqlite::guard::Owner;
use crate::sqlite::ledger::Entry;
use rusqlite::Connection;

/// The batch's mark (see the module documentation), and the statements
/// that open, undo to and close it.
macro_rules! mark {
    () => {
        "\"_migrate_batch\""
    };
}
const MARK: &str = concat!("SAVEPOINT ", mark!());
/// Undoes what followed the mark, which stays open.
pub(crate) const UNDO_TO_MARK: &str = concat!("ROLLBACK TO ", mark!());
const RELEASE_MARK: &str = concat!("RELEASE ", mark!());

/// The open mark: how many history rows of the batch came before it, and
/// the revisions (indices into the history) applied since.
struct Mark {
    entries: usize,
    revisions: Vec<usize>,
}

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
    mark: Option<Mark>,
    /// A revision under the mark has begun and not yet been applied: if
    /// it fails, everything after the mark is undone.
    under_way: bool,
}

impl<'c> Batch<'c> {
    /// What the next part of a run runs in: the open batch, a new one (none
    /// open yet, and no caller's transaction), or none (`alone`: it needs a
    /// transaction of its own — the open batch is committed first).
    pub(crate) fn next(
        conn: &'c Connection,
        history_table: &'c str,
        caller: Owner,
        open: Option<Self>,
        alone: bool,
    ) -> Result<Option<Self>, Error> {
        match open {
            Some(batch) if alone => batch.commit().map(|()| None),
            Some(batch) => Ok(Some(batch)),
            None if alone || caller == Owner::Outer => Ok(None),
            None => {
                crate::sqlite::trace::execute(conn, "BEGIN IMMEDIATE", false).map_err(
                    |source| {
                        Error::from(ErrorKind::Connection {
                            action: "begin the run's transaction (BEGIN IMMEDIATE)".to_owned(),
                            source,
                        })
                    },
                )?;
                Ok(Some(Batch {
                    conn,
                    history_table,
                    applied: Vec::new(),
                    read_history: false,
                    mark: None,
                    under_way: false,
                }))
            }
        }
    }

    /// Prepares for a revision: one with hooks runs in a savepoint of its
    /// own (the mark, if open, is closed first), one without runs under
    /// the mark (opened if needed).
    pub(crate) fn begin_revision(&mut self, has_hooks: bool) -> Result<(), Error> {
        self.under_way = false;
        let statement = match (&self.mark, has_hooks) {
            (Some(_), true) => Some(RELEASE_MARK),
            (None, false) => Some(MARK),
            _ => None,
        };
        if let Some(statement) = statement {
            crate::sqlite::trace::execute(self.conn, statement, false).map_err(|source| {
                Error::from(ErrorKind::Connection {
                    action: format!("open or close the run's savepoint ({statement})"),
                    source,
                })
            })?;
            self.mark = (!has_hooks).then(|| Mark {
                entries: self.applied.len(),
                revisions: Vec::new(),
            });
        }
        self.under_way = !has_hooks;
        Ok(())
    }

    /// The revision begun was found applied by another process: nothing
    /// was done.
    pub(crate) fn skipped(&mut self) {
        self.under_way = false;
    }

    /// Notes that the revision at `index` was applied in the batch: its
    /// history row is written when the batch commits.
    pub(crate) fn applied(&mut self, index: usize, entry: Entry) {
        self.under_way = false;
        self.applied.push(entry);
        if let Some(mark) = &mut self.mark {
            mark.revisions.push(index);
        }
    }

    /// After a revision under the mark failed (and everything after the
    /// mark was undone with it): applies again, with `apply`, the
    /// revisions that had succeeded since the mark. When that fails, they
    /// are undone and left out of the history (the error is the
    /// revision's, which the caller has).
    pub(crate) fn replay(&mut self, mut apply: impl FnMut(usize) -> Result<(), Error>) {
        let Some(mark) = self.mark.as_ref().filter(|_| self.under_way) else {
            return;
        };
        self.under_way = false;
        if mark.revisions.is_empty() {
            return;
        }
        tracing::info!(
            revisions = mark.revisions.len(),
            "applying again the revisions the failure undid"
        );
        if let Err(e) = mark.revisions.iter().try_for_each(|&i| apply(i)) {
            tracing::warn!(error = %e, "the revisions could not be applied again: the history ends before them");
            self.abandon_since_mark();
        }
    }

    /// Undoes what followed the mark and forgets its revisions.
    fn abandon_since_mark(&mut self) {
        if let Some(mark) = &mut self.mark {
            self.applied.truncate(mark.entries);
            mark.revisions.clear();
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch(UNDO_TO_MARK);
            }
        }
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
        let written = crate::sqlite::ledger::record_all(conn, self.history_table, &applied);
        let committed = written.and_then(|()| {
            crate::sqlite::trace::execute(conn, "COMMIT", false).map_err(|source| {
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
    /// rolled it back (to its savepoint, or to the mark, after which the
    /// run applied again what it undid; or, when that failed, rolled back
    /// the whole transaction), so what is left to commit are the complete
    /// revisions before it, with their history rows. Never panics.
    fn drop(&mut self) {
        // A panic under the mark: the revision's guard has undone what
        // followed the mark, the revisions since included.
        if std::thread::panicking() && self.under_way {
            self.abandon_since_mark();
        }
        if !self.conn.is_autocommit() {
            // Errors: rolled back whole; the revision's error is the one
            // the caller gets.
            let _ = self.write_and_commit();
        }
    }
}
