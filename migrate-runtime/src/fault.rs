//! Failure injection points inside a revision, for tests.
//!
//! With the `fault-injection` feature, a test arms one point on the current
//! thread; when the runtime reaches it, it returns [`ErrorKind::Injected`](crate::ErrorKind::Injected) or
//! panics, exactly as a real failure at that step would. Without the feature
//! every point compiles to nothing.

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
    /// Just before the foreign key check.
    BeforeForeignKeyCheck,
    /// Just before the history row is written.
    BeforeHistoryWrite,
    /// After the history row is written, just before commit.
    BeforeCommit,
}

/// What an armed point does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// Return [`ErrorKind::Injected`](crate::ErrorKind::Injected).
    Error,
    /// Panic.
    Panic,
}

#[cfg(feature = "fault-injection")]
mod armed {
    use super::{FaultAction, FaultPoint};
    use std::cell::Cell;

    thread_local! {
        pub(super) static ARMED: Cell<Option<(FaultPoint, FaultAction)>> = const { Cell::new(None) };
    }
}

/// Arms `point` on this thread until it fires or [`disarm`] is called.
#[cfg(feature = "fault-injection")]
pub fn arm(point: FaultPoint, action: FaultAction) {
    armed::ARMED.with(|a| a.set(Some((point, action))));
}

/// Disarms any armed point on this thread.
#[cfg(feature = "fault-injection")]
pub fn disarm() {
    armed::ARMED.with(|a| a.set(None));
}

/// Fires the fault if `point` is armed (once).
#[cfg(feature = "fault-injection")]
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
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub(crate) fn hit(_point: FaultPoint) -> Result<(), Error> {
    Ok(())
}
