//! Progress of long table rebuilds, for a CLI or a UI.
//!
//! The copy of a rebuild is one `INSERT … SELECT` statement; nothing in
//! Rust runs while SQLite executes it. SQLite's progress handler does: it
//! is called every few thousand virtual machine instructions, and reads how
//! far the copy is from the statement's full-scan step counter
//! (`SQLITE_STMTSTATUS_FULLSCAN_STEP`: one step per row of the old table
//! read). The total is counted before the copy starts.

use crate::error::{Error, ErrorKind};
use crate::options::Options;
use rusqlite::{ffi, Connection};
use std::sync::{Arc, Mutex};

/// How far a table rebuild's copy is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The revision being applied (or undone).
    pub revision: String,
    /// The table being rebuilt.
    pub table: String,
    /// Rows copied so far.
    pub rows_copied: u64,
    /// Rows the table has.
    pub rows_total: u64,
}

/// A progress callback (see [`Options::progress`]).
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Virtual machine instructions between two calls of the progress handler:
/// a few hundred rows of a typical copy.
const INSTRUCTIONS_PER_TICK: i32 = 20_000;

/// The state the progress handler reads: the copy under way, if any.
pub(crate) struct Tracker {
    report: ProgressFn,
    copying: Mutex<Option<Progress>>,
    db: Handle,
}

/// The connection's handle, used only from inside the progress handler,
/// which SQLite calls on the thread executing a statement of that very
/// connection (so the connection is alive and not used concurrently).
struct Handle(*mut ffi::sqlite3);

// SAFETY: see `Handle`: the pointer is only dereferenced (by SQLite) from
// the progress handler, on the thread that is running the connection.
unsafe impl Send for Handle {}
// SAFETY: as above; `Tracker` is shared only with that handler.
unsafe impl Sync for Handle {}

/// Runs `run` with the progress handler installed when `options` asks for
/// progress, and removes it after (on error too; after a panic it stays,
/// inert, until the connection's next run).
pub(crate) fn with_progress<T>(
    conn: &mut Connection,
    options: &Options,
    run: impl FnOnce(&Connection, Option<&Tracker>) -> Result<T, Error>,
) -> Result<T, Error> {
    let Some(report) = options.progress.clone() else {
        return run(conn, None);
    };
    let tracker = Arc::new(Tracker {
        report,
        copying: Mutex::new(None),
        // SAFETY: the raw handle is only passed back to SQLite, see `Handle`.
        db: Handle(unsafe { conn.handle() }),
    });
    let handler = Arc::clone(&tracker);
    conn.progress_handler(
        INSTRUCTIONS_PER_TICK,
        Some(move || {
            handler.tick();
            false
        }),
    )
    .map_err(|source| {
        Error::from(ErrorKind::Connection {
            action: "install the progress handler".to_owned(),
            source,
        })
    })?;
    let result = run(conn, Some(&tracker));
    let _ = conn.progress_handler(0, None::<fn() -> bool>);
    result
}

impl Tracker {
    /// Marks the start of a copy of `rows_total` rows; the copy ends (and
    /// the handler goes quiet) when the returned value drops.
    pub(crate) fn copying(&self, revision: &str, table: &str, rows_total: u64) -> Copying<'_> {
        let progress = Progress {
            revision: revision.to_owned(),
            table: table.to_owned(),
            rows_copied: 0,
            rows_total,
        };
        (self.report)(&progress);
        *self.lock() = Some(progress);
        Copying { tracker: self }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Progress>> {
        self.copying.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Called by SQLite's progress handler.
    fn tick(&self) {
        let mut copying = self.lock();
        let Some(progress) = copying.as_mut() else {
            return;
        };
        let copied = (self.rows_scanned() + 1).min(progress.rows_total);
        if copied > progress.rows_copied {
            progress.rows_copied = copied;
            (self.report)(progress);
        }
    }

    /// The most rows any running statement of the connection has stepped
    /// through in a full scan: during a copy, the copy's.
    fn rows_scanned(&self) -> u64 {
        let db = self.db.0;
        let mut most = 0;
        // SAFETY: called from the progress handler, on the thread running
        // a statement of `db` (see `Handle`); these calls only read the
        // connection's list of statements and their counters.
        unsafe {
            let mut stmt = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                if ffi::sqlite3_stmt_busy(stmt) != 0 {
                    let steps =
                        ffi::sqlite3_stmt_status(stmt, ffi::SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
                    most = most.max(u64::try_from(steps).unwrap_or(0));
                }
                stmt = ffi::sqlite3_next_stmt(db, stmt);
            }
        }
        most
    }
}

/// A copy under way; see [`Tracker::copying`].
pub(crate) struct Copying<'t> {
    tracker: &'t Tracker,
}

impl Copying<'_> {
    /// The copy succeeded: every row is copied.
    pub(crate) fn done(self) {
        let mut copying = self.tracker.lock();
        if let Some(progress) = copying.as_mut() {
            if progress.rows_copied < progress.rows_total {
                progress.rows_copied = progress.rows_total;
                (self.tracker.report)(progress);
            }
        }
    }
}

impl Drop for Copying<'_> {
    fn drop(&mut self) {
        *self.tracker.lock() = None;
    }
}
