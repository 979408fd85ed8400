//! The seam between the engine-neutral run (`run.rs`) and the engines
//! (`sqlite/`, `postgres/`).
//!
//! Two traits, one for each side of the seam:
//!
//! - [`Database`]: what every public verb of [`Migrations`] takes — a
//!   connection of either engine. Sealed; users pass their connection and
//!   never name it.
//! - [`Engine`]: what the one run loop asks of an engine while it moves a
//!   database to a target. Each engine implements only what differs:
//!   transactions and locks, executing a revision's steps, its ledger's
//!   dialect. The loop itself — reading and verifying the ledger, deciding
//!   the course, the hook context, the report — is written once.

use crate::drift::Drift;
use crate::error::Error;
use crate::history::HistoryRow;
use crate::hook::HookContext;
use crate::migrations::Migrations;
use crate::options::Options;
use crate::report::{AlreadyBroken, Report, SkippedHook, TableChange};
use crate::run::{Course, Direction, Target};
use crate::status::Status;
use std::time::Instant;

/// A connection a history can run on: `&mut rusqlite::Connection`,
/// `&rusqlite::Connection` (or a rusqlite `&Transaction` / `&Savepoint`: the
/// run then happens inside the caller's transaction), and, with the
/// `postgres` feature, `&mut postgres::Client`.
///
/// Sealed: implemented by this crate only; its methods are the engines'
/// side of [`Migrations`]'s verbs and are not called directly.
///
/// A pooled connection (r2d2's `PooledConnection`) dereferences to a
/// rusqlite `Connection`: pass `&mut *conn` (generic arguments are not
/// dereferenced for you).
#[diagnostic::on_unimplemented(
    message = "migrate-dsl cannot run on `{Self}`",
    label = "not a connection migrate-dsl runs on",
    note = "pass `&mut conn` for a `rusqlite::Connection`, `&tx` for a rusqlite `Transaction` (the run happens inside it), or `&mut client` for a `postgres::Client`",
    note = "a pooled connection that dereferences to `rusqlite::Connection` (r2d2) is passed as `&mut *conn`"
)]
pub trait Database: sealed::Sealed {
    /// The same connection, borrowed again for one more call.
    #[doc(hidden)]
    type Again<'a>: Database
    where
        Self: 'a;
    #[doc(hidden)]
    fn again(&mut self) -> Self::Again<'_>;
    #[doc(hidden)]
    fn migrate(
        self,
        m: &Migrations,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error>;
    #[doc(hidden)]
    fn status(self, m: &Migrations) -> Result<Status, Error>;
    #[doc(hidden)]
    fn up_to_date(self, m: &Migrations) -> Result<bool, Error>;
    #[doc(hidden)]
    fn check(self, m: &Migrations) -> Result<Vec<Drift>, Error>;
    #[doc(hidden)]
    fn stamp(self, m: &Migrations, target: Option<&str>) -> Result<Report, Error>;
    #[doc(hidden)]
    fn create_fresh(self, m: &Migrations, options: &Options) -> Result<Report, Error>;
}

pub(crate) mod sealed {
    /// Keeps [`super::Database`] implemented by this crate only.
    pub trait Sealed {}
}

/// Where a database stands when a run starts (read under the run's lock).
pub(crate) struct Start {
    /// How many revisions are applied, proven or to be verified.
    pub(crate) ledger: Ledger,
    /// Leftover temporary tables of interrupted runs, removed.
    pub(crate) removed: Vec<String>,
}

/// What the ledger says.
pub(crate) enum Ledger {
    /// This many revisions, proven to be the history's first ones,
    /// unchanged, by the newest row's digest (one lookup).
    Proven(usize),
    /// Every row, for the run loop to verify one by one.
    Rows(Vec<HistoryRow>),
}

/// One revision for an engine to apply or undo.
pub(crate) struct Work<'a> {
    /// Its index in the history.
    pub(crate) index: usize,
    /// Which way.
    pub(crate) direction: Direction,
    /// What its hooks are told.
    pub(crate) cx: &'a HookContext<'a>,
    /// When it began (its ledger row records how long it took).
    pub(crate) started: Instant,
}

/// What an engine did with a revision.
pub(crate) enum Outcome {
    /// Applied or undone, with its ledger row, atomically.
    Done(Notes),
    /// Found applied by another process when its transaction began:
    /// nothing was done.
    AppliedElsewhere,
}

/// What a revision's run reports.
#[derive(Default)]
pub(crate) struct Notes {
    /// How long it took (for an applied one, as its ledger row records).
    pub(crate) duration: std::time::Duration,
    /// Hooks the caller's flags left out.
    pub(crate) skipped_hooks: Vec<SkippedHook>,
    /// Views and triggers broken before a change (see [`Report`]).
    pub(crate) already_broken: Vec<AlreadyBroken>,
    /// How each table was changed.
    pub(crate) table_changes: Vec<TableChange>,
}

/// What the run loop (`run::drive`) asks of an engine, in this order:
/// [`Engine::start`] once, [`Engine::verified`] when the ledger was read
/// row by row, [`Engine::can_run`] for the whole course before anything
/// changes, [`Engine::revision`] per revision, [`Engine::finish`] at the
/// end; `stamp` (`run::stamp`) asks [`Engine::mark`] instead of the
/// revisions. The run's lock is the engine's to take before the loop
/// begins and to release after it ends, however it ends.
pub(crate) trait Engine {
    /// Under the run's lock: leftovers of interrupted runs handled, the
    /// ledger created if missing, and where the database stands.
    fn start(&mut self, m: &Migrations) -> Result<Start, Error>;

    /// The ledger's `rows`, read whole, were verified: give them what the
    /// one-lookup proof needs next time (their digests), if anything.
    fn verified(&mut self, m: &Migrations, rows: &[HistoryRow]) -> Result<(), Error>;

    /// Refuses, before anything changes, a course this engine cannot run
    /// (a revision it has no steps for that way, a feature it lacks).
    fn can_run(&mut self, m: &Migrations, course: &Course) -> Result<(), Error>;

    /// Applies or undoes one revision: begins its transaction, runs its
    /// steps, writes or deletes its ledger row, commits.
    fn revision(&mut self, m: &Migrations, work: Work<'_>) -> Result<Outcome, Error>;

    /// Writes (up) or deletes (down) the ledger rows of the course's
    /// revisions, in its order, without running them: all or none.
    fn mark(&mut self, m: &Migrations, course: &Course) -> Result<(), Error>;

    /// Makes everything the run did durable.
    fn finish(&mut self) -> Result<(), Error>;
}
