//! Failure injection points inside a revision, for tests.
//!
//! With `--cfg migrate_dsl_fault` (set for this repository's own builds by
//! its `.cargo/config.toml`, never by a dependent's), a test arms one point
//! on the current thread; when the runtime reaches it, it returns
//! [`ErrorKind::Injected`](crate::ErrorKind::Injected) or panics, exactly
//! as a real failure at that step would. Without it every point compiles
//! to nothing and the module's public items do not exist.

use crate::error::Error;

/// A step of a revision at which a fault can be injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPoint {
    /// After the temporary table is created.
    AfterCreate,
    /// After the rows are copied.
    AfterCopy,
    /// After the old table is dropped.
    AfterDrop,
    /// After the temporary table is renamed.
    AfterRename,
    /// After the n-th recreated index (0-based).
    AfterRecreate(usize),
    /// After a table's definition is edited in place.
    AfterEdit,
    /// Just before the foreign key check.
    BeforeForeignKeyCheck,
    /// Just before the history row is written.
    BeforeHistoryWrite,
    /// After the history row is written, just before commit.
    BeforeCommit,
}

/// What an armed point does.
#[cfg(migrate_dsl_fault)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// Return [`ErrorKind::Injected`](crate::ErrorKind::Injected).
    Error,
    /// Panic.
    Panic,
}

#[cfg(migrate_dsl_fault)]
mod armed {
    use super::{FaultAction, FaultPoint};
    use std::cell::Cell;

    thread_local! {
        pub(super) static ARMED: Cell<Option<(FaultPoint, FaultAction)>> = const { Cell::new(None) };
    }
}

/// Arms `point` on this thread until it fires or [`disarm`] is called.
#[cfg(migrate_dsl_fault)]
pub fn arm(point: FaultPoint, action: FaultAction) {
    armed::ARMED.with(|a| a.set(Some((point, action))));
}

/// Disarms any armed point on this thread.
#[cfg(migrate_dsl_fault)]
pub fn disarm() {
    armed::ARMED.with(|a| a.set(None));
}

/// Fires the fault if `point` is armed (once).
#[cfg(migrate_dsl_fault)]
pub(crate) fn hit(point: FaultPoint) -> Result<(), Error> {
    let fired = armed::ARMED.with(|a| match a.get() {
        Some((p, action)) if p == point => {
            a.set(None);
            Some(action)
        }
        _ => None,
    });
    match fired {
        Some(FaultAction::Error) => {
            Err(crate::error::ErrorKind::Injected(format!("{point:?}")).into())
        }
        Some(FaultAction::Panic) => panic!("injected panic at {point:?}"),
        None => Ok(()),
    }
}

/// Without the feature, no point ever fires.
#[cfg(not(migrate_dsl_fault))]
#[inline(always)]
pub(crate) fn hit(_point: FaultPoint) -> Result<(), Error> {
    Ok(())
}

#[cfg(migrate_dsl_fault)]
mod counted {
    use std::cell::{Cell, RefCell};

    thread_local! {
        /// Statements sent on this thread since [`super::count_statements`].
        pub(super) static SENT: Cell<usize> = const { Cell::new(0) };
        /// The statements (1-based) that fail, when armed.
        pub(super) static FAIL_AT: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    }
}

/// Starts counting the statements the runtime sends on this thread (every
/// query, write, pragma and transaction statement of a run's forward path;
/// not the cleanup after a failure), and makes statement `fail_at` (1-based)
/// fail as SQLite would, with an `SQLITE_ERROR` saying it was injected.
#[cfg(migrate_dsl_fault)]
pub fn count_statements(fail_at: Option<usize>) {
    fail_statements(fail_at);
}

/// As [`count_statements`], with every statement of `fail_at` failing
/// (e.g. one in a revision and one in what a run does after that failure).
#[cfg(migrate_dsl_fault)]
pub fn fail_statements(fail_at: impl IntoIterator<Item = usize>) {
    counted::SENT.with(|c| c.set(0));
    counted::FAIL_AT.with(|f| *f.borrow_mut() = fail_at.into_iter().collect());
}

/// How many statements were sent on this thread since
/// [`count_statements`].
#[cfg(migrate_dsl_fault)]
pub fn statements_sent() -> usize {
    counted::SENT.with(Cell::get)
}

#[cfg(migrate_dsl_fault)]
use std::cell::Cell;

/// Counts one statement about to be sent, and fails it when it is one
/// armed by [`count_statements`] or [`fail_statements`].
#[cfg(migrate_dsl_fault)]
pub(crate) fn statement() -> rusqlite::Result<()> {
    let n = counted::SENT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if counted::FAIL_AT.with(|f| f.borrow().contains(&n)) {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(format!("injected failure of statement {n}")),
        ));
    }
    Ok(())
}

/// Without the feature, nothing is counted or fails.
#[cfg(not(migrate_dsl_fault))]
#[inline(always)]
pub(crate) fn statement() -> rusqlite::Result<()> {
    Ok(())
}

/// Runs `send` (one statement) after [`statement`]: the one place a run's
/// statements pass through for failure injection.
#[inline(always)]
pub(crate) fn checked<T>(send: impl FnOnce() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    statement()?;
    send()
}

#[cfg(migrate_dsl_fault)]
thread_local! {
    static PRETENDED_SQLITE: Cell<Option<u32>> = const { Cell::new(None) };
}

/// Makes this thread's runs choose as if the linked SQLite had version
/// number `version` (`None`: the real one), so the rebuilds that stand in
/// for in-place changes on an older SQLite are tested on a recent one.
#[cfg(migrate_dsl_fault)]
pub fn pretend_sqlite(version: Option<u32>) {
    PRETENDED_SQLITE.with(|p| p.set(version));
}

/// The version [`pretend_sqlite`] set on this thread, if any.
#[cfg(migrate_dsl_fault)]
pub(crate) fn pretended_sqlite() -> Option<u32> {
    PRETENDED_SQLITE.with(Cell::get)
}

/// Without the feature, the real SQLite.
#[cfg(not(migrate_dsl_fault))]
#[inline(always)]
pub(crate) fn pretended_sqlite() -> Option<u32> {
    None
}

#[cfg(migrate_dsl_fault)]
thread_local! {
    static BREAK_DEFINITIONS: Cell<bool> = const { Cell::new(false) };
}

/// Makes this thread's definition edits write a definition cut short,
/// which SQLite cannot parse, to test that such an edit never commits.
#[cfg(migrate_dsl_fault)]
pub fn break_definition_edits(on: bool) {
    BREAK_DEFINITIONS.with(|b| b.set(on));
}

/// The definition an edit writes: `definition`, or cut short when
/// [`break_definition_edits`] is on.
#[cfg(migrate_dsl_fault)]
pub(crate) fn edited_definition(definition: &str) -> std::borrow::Cow<'_, str> {
    if BREAK_DEFINITIONS.with(Cell::get) {
        let cut = definition.len().saturating_sub(1);
        definition.get(..cut).unwrap_or(definition).into()
    } else {
        definition.into()
    }
}

/// Without the feature, the definition as planned.
#[cfg(not(migrate_dsl_fault))]
#[inline(always)]
pub(crate) fn edited_definition(definition: &str) -> std::borrow::Cow<'_, str> {
    definition.into()
}
