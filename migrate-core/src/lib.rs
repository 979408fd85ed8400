//! The schema model, validation rules and SQL rendering of migrate-dsl.
//!
//! This crate is pure Rust: no `syn`, no `rusqlite`. The `migration!` macro
//! uses it at compile time to replay a history and reject bad references; the
//! runtime uses the same types at run time. One set of rules, one place.
//!
//! Data flows one way: [`op`] values (what a user wrote, with [`Loc`]ations
//! instead of spans) → [`check::check_history`] (replays them on a
//! [`model::Schema`], collecting every [`Diagnostic`]) → [`plan`] values
//! (pre-rendered SQL the runtime executes).
//!
//! ```
//! use migrate_dsl_core::op::*;
//! use migrate_dsl_core::{check::check_history, Loc, Name};
//!
//! let at = Loc::NONE;
//! let history = History::new(vec![RevisionDef::new(
//!     Name::new("0001", at),
//!     vec![Op::CreateTable(CreateTable::new(
//!         Name::new("foo", at),
//!         vec![ColumnDef::new(Name::new("id", at), ColumnType::INTEGER)],
//!     ))],
//! )]);
//! let plans = check_history(&history).map_err(|diags| format!("{diags:?}"))?;
//! assert_eq!(plans[0].id, "0001");
//! # Ok::<(), String>(())
//! ```

#![warn(missing_docs)]

// The stages, one folder each; every module keeps its path at the root.
pub mod check;
mod live;
pub mod model;
pub mod plan;

pub(crate) use check::read::compat;
pub use check::read::{body, expr};
pub use live::{ddl, meaning, same_sql};
pub use model::{diag, name, op};
pub use plan::{canonical, fingerprint, needs, postgres, render, sql};

pub use diag::{Diagnostic, Diagnostics};
pub use name::{Loc, Name};

/// Prefix of the temporary tables the rebuild procedure creates. User tables
/// may not start with it, so a leftover can never be mistaken for user data.
pub const TEMP_PREFIX: &str = "_migrate_tmp_";

/// Name of the history table unless a history chooses another one.
pub const DEFAULT_HISTORY_TABLE: &str = "_migrate_history";

/// The extension of revision files (`revisions from "dir";` reads
/// `dir/*.mig`).
pub const REVISION_FILE_EXTENSION: &str = "mig";
