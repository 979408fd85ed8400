//! The runtime of migrate-dsl: applies compiled histories to SQLite through
//! `rusqlite`, each revision atomically, table rebuilds by SQLite's 12-step
//! procedure under a guard that cleans up on every exit path.
//!
//! Most users reach this crate through the `migrate-dsl` facade and its
//! `migration!` macro; see [`Migrations`].

#![warn(missing_docs)]

mod error;
pub mod fault;
mod fresh;
mod guard;
mod history;
mod migrations;
mod offline;
mod raw;
mod rebuild;
mod report;
mod status;

pub use error::{BoxError, Error, ErrorKind, ForeignKeyViolation};
pub use history::HistoryRow;
pub use migrate_core::plan::Down;
pub use migrations::{HookFn, Migrations, Options, Revision};
pub use report::{AppliedRevision, Report};
pub use status::Status;

/// Items the `migration!` expansion refers to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::migrations::{HookFn, Migrations, Revision};
    pub use migrate_core::plan::{
        text, CreatedTable, Down, HookCall, NotNullCheck, RawStep, Rebuild, Statement, Step, Text,
    };
    pub use migrate_core::DEFAULT_HISTORY_TABLE;
    pub use std::borrow::Cow;

    /// Calls a user's hook and boxes its error; the signature check happens
    /// here, so a wrong signature is reported at the hook's path.
    #[inline]
    pub fn call_hook<E>(
        hook: fn(&rusqlite::Transaction<'_>) -> Result<(), E>,
        tx: &rusqlite::Transaction<'_>,
    ) -> Result<(), crate::BoxError>
    where
        E: Into<crate::BoxError>,
    {
        hook(tx).map_err(Into::into)
    }
}
