//! The runtime of migrate-dsl: applies compiled histories to SQLite through
//! `rusqlite`, each revision atomically, table rebuilds by SQLite's 12-step
//! procedure under a guard that cleans up on every exit path.
//!
//! Most users reach this crate through the `migrate-dsl` facade and its
//! `migration!` macro; see [`Migrations`].

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod drift;
mod engine;
mod error;
/// Failure points, for this repository's own tests (`--cfg
/// migrate_dsl_fault`, see `.cargo/config.toml`). Not part of the API.
#[cfg(migrate_dsl_fault)]
#[doc(hidden)]
pub mod fault;
#[cfg(not(migrate_dsl_fault))]
mod fault;
mod fresh;
mod history;
mod hook;
mod migrations;
mod offline;
mod options;
mod postgres;
mod progress;
#[cfg(test)]
mod recording;
mod report;
mod run;
mod sqlite;
mod status;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod tools;
mod verify;

pub use drift::Drift;
pub use engine::Database;
pub use error::{
    BoxError, Broken, Context, Error, ErrorKind, ForeignKeyViolation, HistoryMismatch, NotFresh,
    RawSqlMismatch, TargetError, Unfit, Violation,
};
pub use history::HistoryRow;
pub use hook::{Hook, HookContext, HookFn};
#[cfg(feature = "postgres")]
pub use hook::{PgHook, PgHookFn};
pub use migrate_dsl_core::op::Dialect;
pub use migrate_dsl_core::plan::ObjectKind;
pub use migrations::{Migrations, Revision};
pub use options::Options;
pub use progress::{Progress, ProgressFn};
pub use report::{AlreadyBroken, AppliedRevision, Report, SkippedHook, Strategy, TableChange};
pub use run::Target;
pub use status::Status;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub use tools::cli;
pub use tools::dump::{dump, Dump};

/// Items the `migration!` expansion refers to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::__pg_hook as pg_hook;
    pub use crate::hook::{HookFn, PgHookFn};
    pub use crate::migrations::{Migrations, Revision};
    pub use migrate_dsl_core::plan::{
        text, AlterInPlace, ConstraintCheck, CreatedTable, DefaultProbe, DefinitionEdit, Down,
        HookCall, InPlaceStep, NativeAlter, NotNullCheck, ObjectKind, PgStep, RawStep, Rebuild,
        RevisionPlan, SchemaObject, Statement, Step, Text,
    };
    pub use migrate_dsl_core::DEFAULT_HISTORY_TABLE;
    #[cfg(feature = "postgres")]
    pub use postgres;
    pub use std::borrow::Cow;

    /// Calls a user's hook (either signature) and boxes its error; the
    /// signature check happens here, so a wrong signature is reported at
    /// the hook's path.
    #[inline]
    pub fn call_hook<Args, H: crate::Hook<Args>>(
        hook: H,
        conn: &rusqlite::Connection,
        cx: &crate::HookContext<'_>,
    ) -> Result<(), crate::BoxError> {
        hook.call(conn, cx)
    }

    /// [`call_hook`] for a PostgreSQL hook.
    #[cfg(feature = "postgres")]
    #[inline]
    pub fn call_pg_hook<Args, H: crate::hook::PgHook<Args>>(
        hook: H,
        tx: &mut postgres::Transaction<'_>,
        cx: &crate::HookContext<'_>,
    ) -> Result<(), crate::BoxError> {
        hook.call(tx, cx)
    }
}
