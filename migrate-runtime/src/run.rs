//! The run, the same on every engine: where a run takes the database
//! ([`Target`]), the course it goes, and the one loop ([`drive`]) that
//! moves a database along it through an engine (`engine.rs`).

use crate::engine::{Database, Engine, Ledger, Outcome, Work};
use crate::error::{Context, Error, ErrorKind};
use crate::hook::HookContext;
use crate::migrations::Migrations;
use crate::options::Options;
use crate::report::{AppliedRevision, Report};
use migrate_dsl_core::plan::Down;
use std::time::{Duration, Instant};

/// Where a run takes the database: [`Migrations::migrate`].
///
/// Moves up apply pending revisions; moves down revert applied ones with
/// their `down` steps. Each revision is one transaction, whichever way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target<'a> {
    /// Every pending revision applied ([`Migrations::apply_pending`]).
    Head,
    /// The pending revisions up to and including this one applied; a
    /// database already at or past it is left as it is.
    UpTo(&'a str),
    /// The next pending revision applied; nothing at head.
    Next,
    /// The newest applied revision reverted; nothing when none is applied.
    Previous,
    /// The applied revisions newer than this one reverted, newest first;
    /// the revision must be applied.
    DownTo(&'a str),
    /// Every applied revision reverted, newest first.
    Empty,
}

impl<'a> Target<'a> {
    /// Down to the state `revision` names: [`Target::DownTo`] it, or
    /// [`Target::Empty`] for `None` (as [`crate::Status::current`] gives it).
    pub fn down_to(revision: Option<&'a str>) -> Self {
        revision.map_or(Target::Empty, Target::DownTo)
    }
}

/// Which way a run or a revision goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Applying revisions.
    Up,
    /// Undoing them.
    Down,
}

impl Direction {
    /// `up` or `down`, as scripts and traces say it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

impl Target<'_> {
    /// The way a move to this target goes.
    pub(crate) fn direction(&self) -> Direction {
        match self {
            Target::Head | Target::UpTo(_) | Target::Next => Direction::Up,
            Target::Previous | Target::DownTo(_) | Target::Empty => Direction::Down,
        }
    }
}

/// Which revisions a run goes through, decided against the ledger read
/// under the run's lock: indexes into the history, in the order they run
/// (a move down: newest first).
pub(crate) struct Course {
    /// Which way.
    pub(crate) direction: Direction,
    /// The revisions, in order.
    pub(crate) revisions: Vec<usize>,
}

impl Migrations {
    /// Applies every pending revision in order: `migrate(db, Target::Head,
    /// &Options::default())`, the everyday call.
    ///
    /// On error the failing revision is rolled back entirely (earlier ones in
    /// the same call stay applied), no temporary table remains, and the
    /// connection's settings are as before; a panic in a `run` hook does the
    /// same cleanup and then propagates.
    pub fn apply_pending(&self, db: impl Database) -> Result<Report, Error> {
        self.migrate(db, Target::Head, &Options::default())
    }

    /// Takes the database to `target`, each revision atomically together
    /// with its history row, with the same guard and cleanup as
    /// [`Migrations::apply_pending`].
    ///
    /// `db` is either engine's connection:
    ///
    /// - `&mut rusqlite::Connection`: the revisions of a run share one
    ///   `BEGIN IMMEDIATE` transaction, each in a savepoint of it: one
    ///   durable commit for the run instead of one per revision. A failed
    ///   revision is rolled back to its savepoint and the ones before it
    ///   are committed; a revision that rebuilds a table runs in a
    ///   transaction of its own (foreign keys must be switched off before
    ///   it begins). The write lock is held from the first revision of
    ///   such a group to its commit.
    /// - `&rusqlite::Connection`, or a rusqlite `&Transaction` or
    ///   `&Savepoint`, with a transaction open: each revision runs in a
    ///   savepoint of the caller's transaction, together with its history
    ///   row, and becomes durable when the caller commits — or vanishes
    ///   with everything else when the caller rolls back. `PRAGMA
    ///   foreign_keys` cannot change inside a transaction, so when foreign
    ///   keys are ON a revision to run that rebuilds a table is refused
    ///   with [`crate::error::Unfit::TransactionOpen`] before anything changes
    ///   (switch them off before beginning the transaction to allow it).
    ///   SQLite's progress handler needs `&mut Connection`:
    ///   [`Options::progress`] is refused here
    ///   ([`crate::error::Unfit::ProgressInTransaction`]).
    /// - `&mut postgres::Client` (feature `postgres`): the history must
    ///   target PostgreSQL; the run takes the history's advisory lock, and
    ///   each revision runs in a transaction of its own with its history
    ///   row (`lock_timeout` and `statement_timeout` of [`Options`] set for
    ///   each); a `run` hook calls its `postgres:` function with that
    ///   transaction.
    ///
    /// Before anything changes, every revision a move down would revert
    /// must have `down` steps on the engine (a `down { … }` block or a
    /// generated inverse); otherwise the error is
    /// [`crate::error::TargetError::Irreversible`] and the database is untouched.
    ///
    /// ```
    /// use migrate_dsl::{migration, Options, Target};
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key, body text } }
    ///     revision "0002" { create index notes_id on notes (id); }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// let options = Options::default();
    /// MIGRATIONS.migrate(&mut conn, Target::UpTo("0001"), &options)?;
    /// MIGRATIONS.migrate(&mut conn, Target::Next, &options)?;
    /// let report = MIGRATIONS.migrate(&mut conn, Target::DownTo("0001"), &options)?;
    /// assert_eq!(report.reverted[0].id, "0002");
    /// assert_eq!(MIGRATIONS.status(&conn)?.current(), Some("0001"));
    ///
    /// // Inside the caller's transaction:
    /// let tx = conn.transaction()?;
    /// MIGRATIONS.migrate(&tx, Target::Head, &options)?;
    /// tx.execute("INSERT INTO notes (body) VALUES ('seeded with the schema')", [])?;
    /// tx.rollback()?; // the index, its history row and the note are gone
    /// assert_eq!(MIGRATIONS.status(&conn)?.pending, ["0002"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrate(
        &self,
        db: impl Database,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        // A named revision must exist before anything is read or written.
        if let Target::UpTo(id) | Target::DownTo(id) = target {
            self.count_through(Some(id))?;
        }
        db.migrate(self, target, options)
    }

    /// The revisions a run from `applied` revisions to `target` goes
    /// through; a move down is refused whole when one of them cannot be
    /// reverted.
    pub(crate) fn course(&self, applied: usize, target: Target<'_>) -> Result<Course, Error> {
        let up = |end: usize| Course {
            direction: Direction::Up,
            revisions: (applied.min(end)..end).collect(),
        };
        let keep = match target {
            Target::Head => return Ok(up(self.revisions.len())),
            Target::UpTo(id) => return Ok(up(self.count_through(Some(id))?)),
            Target::Next => return Ok(up((applied + 1).min(self.revisions.len()))),
            Target::Previous => applied.saturating_sub(1),
            Target::Empty => 0,
            Target::DownTo(id) => {
                let keep = self.count_through(Some(id))?;
                if keep > applied {
                    return Err(
                        ErrorKind::Target(crate::error::TargetError::TargetNotApplied {
                            target: id.to_owned(),
                            current: applied
                                .checked_sub(1)
                                .map(|i| self.revisions[i].plan.id.to_string()),
                        })
                        .into(),
                    );
                }
                keep
            }
        };
        for rev in self.revisions[keep..applied].iter().rev() {
            if let Down::Irreversible(why) = &rev.plan.down {
                return Err(Error::at(
                    Context::revision(&rev.plan.id),
                    ErrorKind::Target(crate::error::TargetError::Irreversible {
                        reason: why.to_string(),
                    }),
                ));
            }
        }
        Ok(Course {
            direction: Direction::Down,
            revisions: (keep..applied).rev().collect(),
        })
    }

    /// How many revisions a database at `target` has applied: those up to
    /// and including it (`None`: none).
    pub(crate) fn count_through(&self, target: Option<&str>) -> Result<usize, Error> {
        let Some(id) = target else {
            return Ok(0);
        };
        self.revisions
            .iter()
            .position(|r| r.plan.id == id)
            .map(|p| p + 1)
            .ok_or_else(|| {
                Error::from(ErrorKind::Target(
                    crate::error::TargetError::UnknownTarget {
                        target: id.to_owned(),
                        revisions: self
                            .revisions
                            .iter()
                            .map(|r| r.plan.id.to_string())
                            .collect(),
                    },
                ))
            })
    }
}

/// The run loop, the same on every engine: the ledger read (and verified)
/// under the engine's lock, the course decided from `target`, each
/// revision applied or undone by the engine, the report.
pub(crate) fn drive(
    m: &Migrations,
    engine: &mut impl Engine,
    target: Target<'_>,
    options: &Options,
) -> Result<Report, Error> {
    let started = Instant::now();
    let direction = target.direction().as_str();
    let span = tracing::info_span!("migrate", history = %m.history_table, direction);
    let _entered = span.enter();
    // A named revision must exist before anything is read or written.
    if let Target::UpTo(id) | Target::DownTo(id) = target {
        m.count_through(Some(id))?;
    }
    let start = engine.start(m)?;
    // The newest row's digest verified every applied revision; else every
    // row is read and verified, to name what is wrong.
    let applied = match start.ledger {
        Ledger::Proven(count) => count,
        Ledger::Rows(rows) => {
            m.verify(&rows, options)?;
            engine.verified(m, &rows)?;
            rows.len()
        }
    };
    let course = m.course(applied, target)?;
    engine.can_run(m, &course)?;
    tracing::info!(applied, to_run = course.revisions.len(), "starting");
    let mut report = Report {
        removed_leftovers: start.removed,
        ..Report::default()
    };
    for &index in &course.revisions {
        let rev = &m.revisions[index];
        let down = course.direction == Direction::Down;
        let span = if down {
            tracing::info_span!("revision", id = %rev.plan.id, down)
        } else {
            tracing::info_span!("revision", id = %rev.plan.id)
        };
        let _entered = span.enter();
        let cx = HookContext {
            revision: &rev.plan.id,
            revert: down,
            flags: &options.flags,
        };
        let work = Work {
            index,
            direction: course.direction,
            cx: &cx,
            started: Instant::now(),
        };
        match engine.revision(m, work)? {
            Outcome::AppliedElsewhere => report.applied_elsewhere.push(rev.plan.id.to_string()),
            Outcome::Done(notes) => {
                let done = AppliedRevision {
                    id: rev.plan.id.to_string(),
                    duration: notes.duration,
                };
                tracing::info!(
                    elapsed_ms = millis(done.duration),
                    "{}",
                    if down { "undone" } else { "applied" }
                );
                report.skipped_hooks.extend(notes.skipped_hooks);
                report.already_broken.extend(notes.already_broken);
                report.table_changes.extend(notes.table_changes);
                match course.direction {
                    Direction::Up => report.applied.push(done),
                    Direction::Down => report.reverted.push(done),
                }
            }
        }
    }
    engine.finish()?;
    report.duration = started.elapsed();
    tracing::info!(elapsed_ms = millis(report.duration), "finished");
    Ok(report)
}

/// `stamp`, the same on every engine: the ledger read under the engine's
/// lock and verified (ids and order; not checksums, which stamping may be
/// meant to set right), then rows written or deleted, none of the
/// revisions run, until exactly those through `target` are recorded.
pub(crate) fn stamp(
    m: &Migrations,
    engine: &mut impl Engine,
    target: Option<&str>,
) -> Result<Report, Error> {
    let started = Instant::now();
    let keep = m.count_through(target)?;
    let start = engine.start(m)?;
    let applied = match start.ledger {
        Ledger::Proven(count) => count,
        Ledger::Rows(rows) => {
            m.verify(&rows, &Options::default().verify_checksums(false))?;
            engine.verified(m, &rows)?;
            rows.len()
        }
    };
    let course = if keep >= applied {
        Course {
            direction: Direction::Up,
            revisions: (applied..keep).collect(),
        }
    } else {
        Course {
            direction: Direction::Down,
            revisions: (keep..applied).rev().collect(),
        }
    };
    engine.mark(m, &course)?;
    engine.finish()?;
    let ids = course
        .revisions
        .iter()
        .map(|&i| m.revisions[i].plan.id.to_string())
        .collect();
    let mut report = Report {
        removed_leftovers: start.removed,
        duration: started.elapsed(),
        ..Report::default()
    };
    match course.direction {
        Direction::Up => report.stamped = ids,
        Direction::Down => report.unstamped = ids,
    }
    Ok(report)
}

/// Whole milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
