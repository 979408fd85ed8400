//! What a run did.

use std::fmt;
use std::time::Duration;

/// The outcome of applying pending revisions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Revisions applied by this run, in order.
    pub applied: Vec<AppliedRevision>,
    /// Revisions undone by a downgrade, newest first.
    pub reverted: Vec<AppliedRevision>,
    /// Revisions recorded as applied without running them (`stamp`,
    /// `create_fresh`).
    pub stamped: Vec<String>,
    /// Revisions recorded as not applied by `stamp`, without running them.
    pub unstamped: Vec<String>,
    /// Revisions that were pending when the run started but that another
    /// connection applied first (they were not applied twice).
    pub applied_elsewhere: Vec<String>,
    /// Leftover temporary tables of interrupted rebuilds that were removed
    /// (their original table existed, so they held no unique data).
    pub removed_leftovers: Vec<String>,
    /// Views and triggers that did not compile before a revision rebuilt a
    /// table, with SQLite's message: they are reported, not blamed on the
    /// revision (one broken by the rebuild itself is an error).
    pub already_broken: Vec<AlreadyBroken>,
    /// How each table was changed by a block that rebuilds, or that the
    /// linked SQLite or the connection decides: in place by `ALTER TABLE`,
    /// by an edit of its definition, or by a rebuild (where the block
    /// needs one, this SQLite lacks the statements and the connection is
    /// defensive, or a DEFAULT edit's probe found older rows). Blocks
    /// that every supported SQLite makes with `ALTER TABLE` (adding or
    /// renaming columns) are not listed.
    pub table_changes: Vec<TableChange>,
    /// `run … when/unless "flag"` hooks the caller's flags left out; their
    /// revisions are recorded as applied (or undone) all the same.
    pub skipped_hooks: Vec<SkippedHook>,
    /// Wall time of the whole run.
    pub duration: Duration,
}

/// One applied (or undone) revision.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppliedRevision {
    /// The revision id.
    pub id: String,
    /// How long it took (for an applied one, as recorded in the history
    /// table).
    pub duration: Duration,
}

/// How a revision changed a table (see [`Report::table_changes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableChange {
    /// The revision id.
    pub revision: String,
    /// The table.
    pub table: String,
    /// How.
    pub strategy: Strategy,
}

use migrate_dsl_core::plan::ObjectKind;
pub use migrate_dsl_core::plan::Strategy;

/// A view or trigger that SQLite could not compile before a revision
/// changed a table it reads (see [`Report::already_broken`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlreadyBroken {
    /// The revision that found it.
    pub revision: String,
    /// A view or a trigger.
    pub kind: ObjectKind,
    /// Its name.
    pub name: String,
    /// SQLite's message, e.g. `no such table: main.gone`.
    pub message: String,
}

impl fmt::Display for AlreadyBroken {
    /// `view `stale` (already broken before revision `0002`: no such
    /// table: main.gone)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` (already broken before revision `{}`: {})",
            self.kind, self.name, self.revision, self.message
        )
    }
}

/// A data step left out by the caller's flags.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedHook {
    /// The revision id.
    pub revision: String,
    /// The hook's path as written.
    pub hook: String,
    /// Why, e.g. `when "demo_data"` (the flag was not set).
    pub condition: String,
}

impl Report {
    /// Whether the run changed nothing.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty()
            && self.reverted.is_empty()
            && self.stamped.is_empty()
            && self.unstamped.is_empty()
            && self.removed_leftovers.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.reverted.is_empty() {
            write!(
                f,
                "undid {} revision(s) in {:?}:",
                self.reverted.len(),
                self.duration
            )?;
            for r in &self.reverted {
                write!(f, "\n  {} ({:?})", r.id, r.duration)?;
            }
        } else if !self.stamped.is_empty() || !self.unstamped.is_empty() {
            write!(
                f,
                "marked {} revision(s) applied and {} not applied, without running them",
                self.stamped.len(),
                self.unstamped.len()
            )?;
        } else if self.applied.is_empty() {
            write!(f, "nothing to apply; the database is up to date")?;
        } else {
            write!(
                f,
                "applied {} revision(s) in {:?}:",
                self.applied.len(),
                self.duration
            )?;
            for r in &self.applied {
                write!(f, "\n  {} ({:?})", r.id, r.duration)?;
            }
        }
        for id in &self.applied_elsewhere {
            write!(f, "\n  {id} was applied by another connection meanwhile")?;
        }
        for t in &self.removed_leftovers {
            write!(f, "\n  removed leftover temporary table {t}")?;
        }
        for h in &self.skipped_hooks {
            write!(
                f,
                "\n  skipped `run {}` of {} ({})",
                h.hook, h.revision, h.condition
            )?;
        }
        for c in &self.table_changes {
            let how = c.strategy.describe();
            write!(f, "\n  {}: table `{}` {how}", c.revision, c.table)?;
        }
        for b in &self.already_broken {
            write!(f, "\n  warning: {b}")?;
        }
        Ok(())
    }
}
