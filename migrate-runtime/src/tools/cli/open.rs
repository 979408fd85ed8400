//! Opening the database a command names, with the bad inputs a person
//! makes turned into one clear sentence each.

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// How a command uses the database.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Only reads (works on a read-only file).
    Read,
    /// Writes; `create`: a missing file is created.
    Write { create: bool },
}

/// Opens `path` and makes sure it is an SQLite database.
pub(super) fn open(path: &Path, access: Access, busy: Duration) -> Result<Connection, String> {
    let shown = path.display();
    let create = matches!(access, Access::Write { create: true });
    if !create && !path.exists() {
        let hint = match access {
            Access::Write { .. } => " (pass --create to create a new database)",
            Access::Read => "",
        };
        return Err(format!("{shown}: no such file{hint}"));
    }
    if path.is_dir() {
        return Err(format!("{shown}: is a directory, not a database file"));
    }
    let flags = match access {
        Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
        Access::Write { create: false } => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Access::Write { create: true } => {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        }
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| format!("{shown}: cannot open: {}", plain(&e)))?;
    conn.busy_timeout(busy)
        .map_err(|e| format!("{shown}: {}", plain(&e)))?;
    // SQLite reads the header lazily: ask for the schema now.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => format!("{shown}: not an SQLite database"),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => locked(path, busy),
            _ => format!("{shown}: cannot read: {}", plain(&e)),
        })?;
    Ok(conn)
}

/// The message for a database another connection kept locked.
pub(super) fn locked(path: &Path, busy: Duration) -> String {
    format!(
        "{}: the database is locked by another connection (waited {:.1} s); try again when it is done, or wait longer with --busy-timeout",
        path.display(),
        busy.as_secs_f64()
    )
}

/// SQLite's message without rusqlite's wrapping.
fn plain(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(err, Some(msg)) => format!("{msg} ({:?})", err.code),
        other => other.to_string(),
    }
}
