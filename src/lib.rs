#![doc = include_str!("../README.md")]
//!
//! ## A complete run, checked
//!
//! The grammar of `migration!` is in the [`dsl`] module.
//!
//! ```
//! use migrate_dsl::{migration, rusqlite::Connection, BoxError};
//!
//! migration! {
//!     /// The app database, oldest revision first.
//!     pub static MIGRATIONS;
//!
//!     revision "0001_create_foo" {
//!         create table foo {
//!             foo_id integer primary key,
//!             bar varchar(512) not null,
//!         }
//!         create index foo_bar on foo (bar);
//!         insert into foo (foo_id, bar) values (1, "one"), (2, "two");
//!     }
//!
//!     revision "0002_relax_bar" {
//!         batch alter table foo {
//!             alter column bar drop not null;
//!             add column note text default ("");
//!             rename column bar to label;
//!         }
//!         run backfill_notes;
//!     }
//! }
//!
//! fn backfill_notes(conn: &Connection) -> Result<(), BoxError> {
//!     conn.execute("UPDATE foo SET note = 'was ' || label", [])?;
//!     Ok(())
//! }
//!
//! let mut conn = Connection::open_in_memory()?;
//! let report = MIGRATIONS.apply_pending(&mut conn)?;
//! assert_eq!(report.applied.len(), 2);
//! let note: String = conn.query_row("SELECT note FROM foo WHERE foo_id = 2", [], |r| r.get(0))?;
//! assert_eq!(note, "was two");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The grammar: the [`dsl`] module (`docs/DSL.md` in the repository).

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The grammar, with an example of every construct: the [`dsl`] module.
pub use migrate_dsl_macros::migration;
pub use migrate_dsl_runtime::{
    BoxError, Dialect, Drift, Error, ErrorKind, HookContext, Migrations, Options, Report, Revision,
    Status, Target,
};
/// The `postgres` client version the runtime applies histories through
/// (every verb of [`Migrations`] takes a `&mut postgres::Client`).
#[cfg(feature = "postgres")]
pub use postgres;
/// The `rusqlite` version the runtime is built on (hooks take its `Connection`).
pub use rusqlite;

/// What a run reports: the parts of a [`Report`] and a [`Status`], and
/// the progress of a long copy ([`Options::progress`]).
pub mod report {
    pub use migrate_dsl_runtime::{
        AlreadyBroken, AppliedRevision, HistoryRow, ObjectKind, Progress, ProgressFn, SkippedHook,
        Strategy, TableChange,
    };
}

/// The parts of an [`Error`]: where it happened ([`Context`](error::Context)),
/// and the groups of an [`ErrorKind`], each an enum of the failures it
/// gathers.
pub mod error {
    pub use migrate_dsl_runtime::{
        Broken, Context, ForeignKeyViolation, HistoryMismatch, NotFresh, RawSqlMismatch,
        TargetError, Unfit, Violation,
    };
}

/// The signatures a `run` hook may have (its context: [`HookContext`]).
pub mod hook {
    pub use migrate_dsl_runtime::{Hook, HookFn};
    /// The PostgreSQL function of a `run` hook (`run sqlite: f, postgres: g;`).
    #[cfg(feature = "postgres")]
    pub use migrate_dsl_runtime::{PgHook, PgHookFn};
}

/// The connections a history runs on: every verb of [`Migrations`] takes
/// either engine's ([`Database`](engine::Database) lists them); nothing
/// here needs naming in an application.
pub mod engine {
    pub use migrate_dsl_runtime::Database;
}

/// Tools that read a live database: [`dump`](tools::dump) prints one as a
/// `migration!` revision to adopt it.
pub mod tools {
    pub use migrate_dsl_runtime::{dump, Dump};
}

/// Histories built at run time rather than by [`migration!`]: the
/// operations a history is made of, checked by the same rules the macro
/// applies ([`Migrations::from_history`]). Every type is
/// `#[non_exhaustive]`: made with its `new`, other fields set after. A
/// `run` hook is the macro's alone (it links a Rust function), so its
/// types are not here; the engines a history targets are
/// [`Dialect`]s.
///
/// ```
/// use migrate_dsl::build::*;
/// use migrate_dsl::Migrations;
///
/// let n = |s: &str| Name::new(s, Loc::NONE);
/// let history = History::new(vec![RevisionDef::new(
///     n("0001"),
///     vec![Op::CreateTable(CreateTable::new(
///         n("notes"),
///         vec![ColumnDef::new(n("body"), ColumnType::TEXT)],
///     ))],
/// )]);
/// let migrations = Migrations::from_history(&history).map_err(|d| format!("{d:?}"))?;
/// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
/// migrations.apply_pending(&mut conn)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod build {
    pub use migrate_dsl_core::op::{
        Affinity, BatchAlter, Change, ColumnAlter, ColumnConstraint, ColumnConstraintKind,
        ColumnDef, ColumnType, Conflict, Constraint, CreateIndex, CreateTable, CreateTrigger,
        CreateView, CreatesTable, DownBlock, Expr, FkAction, ForeignKeyTarget, Generated, History,
        IndexKey, IndexTarget, IndexedColumn, Insert, InsertRow, Literal, Naming, Op, RawSql,
        Recreate, RevisionDef, TableConstraint, TableConstraintKind, TriggerEvent, TriggerTiming,
    };
    pub use migrate_dsl_core::{Diagnostic, Loc, Name};
}

/// Helpers for applications' tests (feature `testing`): a database at head
/// in one call, the stairway test, drift assertions.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub use migrate_dsl_runtime::testing;

/// The command line (feature `cli`): `fn main() -> ExitCode {
/// migrate_dsl::cli::main(&MIGRATIONS) }`.
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub use migrate_dsl_runtime::cli;

/// Failure injection points, for this repository's own tests (`--cfg
/// migrate_dsl_fault`, set by its `.cargo/config.toml`). Not part of the
/// API, and not there in a dependent's build.
#[cfg(migrate_dsl_fault)]
#[doc(hidden)]
pub use migrate_dsl_runtime::fault;

#[doc(hidden)]
pub mod __private {
    pub use migrate_dsl_runtime::__private::*;
}

/// The grammar of [`migration!`], with an example of every construct (each
/// compiled and run as a doc test, so the page cannot drift from the code).
pub mod dsl {
    #![doc = include_str!("../docs/DSL.md")]
}
