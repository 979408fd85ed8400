//! # migrate-dsl
//!
//! Compile-time-checked schema migrations for SQLite. A whole schema history
//! is written in one [`migration!`] block; at compile time the macro replays
//! it on a schema model and turns every reference to a table, column or index
//! that does not exist at that point into a compile error on the offending
//! token. At run time, [`Migrations::apply_pending`] applies the pending
//! revisions, each atomically, rebuilding tables by SQLite's 12-step
//! procedure under a guard that cleans up on error and on panic.
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
//! The grammar: `docs/DSL.md` in the repository.

#![warn(missing_docs)]

pub use migrate_macros::migration;
pub use migrate_runtime::{
    dump, AppliedRevision, BoxError, Down, Drift, Dump, Error, ErrorKind, ForeignKeyViolation,
    HistoryRow, Hook, HookContext, HookFn, Migrations, Options, Progress, ProgressFn, Report,
    Revision, SkippedHook, Status,
};
/// The `rusqlite` version the runtime is built on (hooks take its `Connection`).
pub use rusqlite;

/// The schema model, rules and SQL rendering, for histories built at run
/// time (see [`Migrations::from_plans`]).
pub use migrate_core as core;

/// Helpers for applications' tests (feature `testing`): a database at head
/// in one call, the stairway test, drift assertions.
#[cfg(feature = "testing")]
pub use migrate_runtime::testing;

/// Failure injection points, for tests (feature `fault-injection` of `migrate-runtime`).
pub use migrate_runtime::fault;

#[doc(hidden)]
pub mod __private {
    pub use migrate_runtime::__private::*;
}

/// The grammar reference, compiled and run as doc tests so it stays true.
#[doc = include_str!("../docs/DSL.md")]
#[cfg(doctest)]
pub struct DslReference;

/// The README's example, compiled as a doc test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct Readme;
