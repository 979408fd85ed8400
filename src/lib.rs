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

pub use migrate_dsl_macros::migration;
pub use migrate_dsl_runtime::{
    dump, AppliedRevision, BoxError, Down, Drift, Dump, Error, ErrorKind, ForeignKeyViolation,
    HistoryRow, Hook, HookContext, HookFn, Migrations, ObjectKind, Options, Progress, ProgressFn,
    Report, Revision, SkippedHook, Status, Target,
};
/// The `rusqlite` version the runtime is built on (hooks take its `Connection`).
pub use rusqlite;

/// The schema model, rules and SQL rendering, for histories built at run
/// time (see [`Migrations::from_plans`]).
pub use migrate_dsl_core as core;

/// Helpers for applications' tests (feature `testing`): a database at head
/// in one call, the stairway test, drift assertions.
#[cfg(feature = "testing")]
pub use migrate_dsl_runtime::testing;

/// Failure injection points, for this crate's own tests (feature
/// `fault-injection` of `migrate-runtime`). Not part of the API.
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
