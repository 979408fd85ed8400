//! The one run entry point: where a run takes the database ([`Target`]),
//! and the start of every run (leftovers, history, checks) before the
//! revisions are applied or reverted one by one (`apply.rs`).

use crate::batch::Batch;
use crate::busy::BusyTimeout;
use crate::error::{Context, Error, ErrorKind};
use crate::guard::RevisionGuard;
use crate::history::{self, HistoryRow};
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::progress::Tracker;
use crate::report::Report;
use migrate_dsl_core::plan::{Down, Step};
use rusqlite::Connection;
use std::time::Instant;

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

/// Which revisions a run goes through, decided against the history read
/// under the write lock.
pub(crate) enum Course<'m> {
    /// Apply these (indexes into the revisions), in order.
    Up(std::ops::Range<usize>),
    /// Revert these with their steps, in this order (newest first).
    Down(Vec<(&'m Revision, &'m [Step])>),
}

impl Migrations {
    /// Applies every pending revision in order: `migrate(conn, Target::Head,
    /// &Options::default())`, the everyday call.
    ///
    /// On error the failing revision is rolled back entirely (earlier ones in
    /// the same call stay applied), no temporary table remains, and the
    /// connection's pragmas are as before; a panic in a `run` hook does the
    /// same cleanup and then propagates.
    pub fn apply_pending(&self, conn: &mut Connection) -> Result<Report, Error> {
        self.migrate(conn, Target::Head, &Options::default())
    }

    /// Takes the database to `target`, each revision atomically together
    /// with its history row, with the same guard and cleanup as
    /// [`Migrations::apply_pending`].
    ///
    /// The revisions of a run share one `BEGIN IMMEDIATE` transaction, each
    /// in a savepoint of it: one durable commit for the run instead of one
    /// per revision. A failed revision is rolled back to its savepoint and
    /// the ones before it are committed; a revision that rebuilds a table
    /// runs in a transaction of its own (foreign keys must be switched off
    /// before it begins). The write lock is held from the first revision of
    /// such a group to its commit.
    ///
    /// Before anything changes, every revision a move down would revert
    /// must have `down` steps (a `down { … }` block or a generated inverse);
    /// otherwise the error is [`ErrorKind::Irreversible`] and the database
    /// is untouched.
    ///
    /// ```
    /// use migrate_dsl::{migration, Options, Target};
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key } }
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrate(
        &self,
        conn: &mut Connection,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        crate::progress::with_progress(conn, options, |conn, tracker| {
            self.migrate_on(conn, target, options, tracker)
        })
    }

    /// [`Migrations::migrate`] for a caller that holds a transaction (a
    /// rusqlite `Transaction` or `Savepoint` derefs to `&Connection`): each
    /// revision runs in a savepoint of it, together with its history row,
    /// and becomes durable when the caller commits — or vanishes with
    /// everything else when the caller rolls back.
    ///
    /// `PRAGMA foreign_keys` cannot change inside a transaction, so when
    /// foreign keys are ON a revision to run that rebuilds a table is
    /// refused with [`ErrorKind::TransactionOpen`] before anything changes
    /// (switch them off before beginning the transaction to allow it; the
    /// rebuild then checks foreign keys only if they were ON). SQLite's
    /// progress handler needs `&mut Connection`: [`Options::progress`] is
    /// refused here ([`ErrorKind::ProgressInTransaction`]). Without an open
    /// transaction this is `migrate`.
    ///
    /// ```
    /// use migrate_dsl::{migration, Target};
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key, body text } }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// let tx = conn.transaction()?;
    /// MIGRATIONS.migrate_in_transaction(&tx, Target::Head, &Default::default())?;
    /// tx.execute("INSERT INTO notes (body) VALUES ('seeded with the schema')", [])?;
    /// tx.rollback()?; // the schema, the history row and the note are gone
    /// assert_eq!(MIGRATIONS.status(&conn)?.pending.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrate_in_transaction(
        &self,
        tx: &Connection,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        if options.progress.is_some() {
            return Err(ErrorKind::ProgressInTransaction.into());
        }
        self.migrate_on(tx, target, options, None)
    }

    fn migrate_on(
        &self,
        conn: &Connection,
        target: Target<'_>,
        options: &Options,
        tracker: Option<&Tracker>,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        let direction = target.direction().as_str();
        let span = tracing::info_span!("migrate", history = %self.history_table, direction);
        let _entered = span.enter();
        // A named revision must exist before anything is read or written.
        if let Target::UpTo(id) | Target::DownTo(id) = target {
            self.count_through(Some(id))?;
        }
        self.refuse_rebuilds_in_open_transaction(conn, target)?;
        let _timeout = BusyTimeout::set(conn, options.busy_timeout)?;
        // The start of the run and the revisions after it share one
        // transaction where they can (`batch.rs`).
        let mut batch = Batch::next(conn, &self.history_table, None, false)?;
        let (applied, removed) = self.start_run(conn)?;
        if let Some(b) = &mut batch {
            b.read_history = true;
        }
        // The newest row's digest verified every applied revision; else
        // every row is read and verified, to name what is wrong.
        let applied = match applied {
            Ok(count) => count,
            Err(rows) => {
                self.verify(&rows, options)?;
                rows.len()
            }
        };
        let course = self.course(applied, target)?;
        let mut report = Report {
            removed_leftovers: removed,
            ..Report::default()
        };
        match course {
            Course::Up(range) => {
                let revisions = &self.revisions[range.clone()];
                crate::sqlite_version::require(revisions.iter().map(|r| (&*r.id, &*r.steps)))?;
                tracing::info!(applied, pending = revisions.len(), "starting");
                for index in range {
                    let rev = &self.revisions[index];
                    let alone = crate::apply::first_rebuild(conn, &rev.id, &rev.steps).is_some();
                    batch = Batch::next(conn, &self.history_table, batch, alone)?;
                    let result =
                        self.apply_one(conn, index, options, tracker, &mut report, batch.as_mut());
                    if let Err(e) = result {
                        // Undone under the batch's mark with the revisions
                        // since it: those are applied again.
                        if let Some(batch) = batch.as_mut() {
                            batch.replay(|i| self.reapply(conn, i, options));
                        }
                        // A database made another way: say to stamp it.
                        if index == 0 && crate::unstamped::already_exists(&e) {
                            drop(batch.take());
                            if let Some(unstamped) = self.unstamped(conn)? {
                                return Err(unstamped);
                            }
                        }
                        return Err(e);
                    }
                }
            }
            Course::Down(undo) => {
                crate::sqlite_version::require(undo.iter().map(|(r, steps)| (&*r.id, *steps)))?;
                tracing::info!(undo = undo.len(), "starting");
                for (rev, steps) in undo {
                    let alone = crate::apply::first_rebuild(conn, &rev.id, steps).is_some();
                    batch = Batch::next(conn, &self.history_table, batch, alone)?;
                    self.revert_one(conn, rev, steps, options, tracker, &mut report)?;
                }
            }
        }
        Batch::finish(batch)?;
        report.duration = started.elapsed();
        tracing::info!(
            elapsed_ms = crate::apply::millis(report.duration),
            "finished"
        );
        Ok(report)
    }

    /// The revisions a run from `applied` revisions to `target` goes
    /// through; a move down is refused whole when one of them cannot be
    /// reverted.
    pub(crate) fn course(&self, applied: usize, target: Target<'_>) -> Result<Course<'_>, Error> {
        let up = |end: usize| Course::Up(applied.min(end)..end);
        let keep = match target {
            Target::Head => return Ok(up(self.revisions.len())),
            Target::UpTo(id) => return Ok(up(self.count_through(Some(id))?)),
            Target::Next => return Ok(up((applied + 1).min(self.revisions.len()))),
            Target::Previous => applied.saturating_sub(1),
            Target::Empty => 0,
            Target::DownTo(id) => {
                let keep = self.count_through(Some(id))?;
                if keep > applied {
                    return Err(ErrorKind::TargetNotApplied {
                        target: id.to_owned(),
                        current: applied
                            .checked_sub(1)
                            .map(|i| self.revisions[i].id.to_string()),
                    }
                    .into());
                }
                keep
            }
        };
        let mut undo = Vec::new();
        for rev in self.revisions[keep..applied].iter().rev() {
            match &rev.down {
                Down::Steps(steps) => undo.push((rev, &**steps)),
                Down::Irreversible(why) => {
                    return Err(Error::at(
                        Context::revision(&rev.id),
                        ErrorKind::Irreversible {
                            reason: why.to_string(),
                        },
                    ))
                }
            }
        }
        Ok(Course::Down(undo))
    }

    /// Inside a caller's transaction revisions run in savepoints, but
    /// foreign keys cannot be switched off: when they are ON, a run that
    /// would rebuild a table is refused here, before anything changes.
    fn refuse_rebuilds_in_open_transaction(
        &self,
        conn: &Connection,
        target: Target<'_>,
    ) -> Result<(), Error> {
        if conn.is_autocommit() {
            return Ok(());
        }
        if !crate::guard::read_flag(conn, "foreign_keys")? {
            return Ok(());
        }
        let applied = if history::exists(conn, &self.history_table)? {
            history::read(conn, &self.history_table)?.len()
        } else {
            0
        };
        let to_run: Vec<(&Revision, &[Step])> = match self.course(applied, target) {
            Ok(Course::Up(range)) => self.revisions[range]
                .iter()
                .map(|r| (r, &*r.steps))
                .collect(),
            Ok(Course::Down(undo)) => undo,
            // The run itself reports it, after its usual checks.
            Err(_) => return Ok(()),
        };
        match to_run
            .into_iter()
            .find_map(|(rev, steps)| crate::apply::first_rebuild(conn, &rev.id, steps))
        {
            Some(need) => Err(crate::guard::transaction_open(need)),
            None => Ok(()),
        }
    }

    /// The start of a run, in one transaction under the write lock: the
    /// leftover temporary tables of interrupted rebuilds are handled
    /// (docs/REBUILD_CASES.md, case 34: removed when their original table
    /// exists — they then hold no unique data — and a refusal, changing
    /// nothing, when it does not), then the history is read. Returns the
    /// rows and the removed tables.
    /// The start of a run: leftovers removed, the history table created,
    /// and what is applied: `Ok(count)`
    /// when the newest row's digest verifies every applied revision (one
    /// lookup), else `Err(every row)` to verify one by one.
    #[allow(clippy::type_complexity)]
    fn start_run(
        &self,
        conn: &Connection,
    ) -> Result<(Result<usize, Vec<HistoryRow>>, Vec<String>), Error> {
        self.refuse_unsafe_start(conn)?;
        let guard = RevisionGuard::begin(conn, None)?;
        let removed = crate::rebuild::remove_leftovers(guard.conn())?;
        for table in &removed {
            tracing::info!(%table, "removed a leftover temporary table");
        }
        history::ensure(guard.conn(), &self.history_table)?;
        let applied = match self.applied_by_digest(guard.conn())? {
            Some(count) => Ok(count),
            None => Err(history::read(guard.conn(), &self.history_table)?),
        };
        guard.commit()?;
        Ok((applied, removed))
    }

    /// How many revisions a database at `target` has applied: those up to
    /// and including it (`None`: none).
    pub(crate) fn count_through(&self, target: Option<&str>) -> Result<usize, Error> {
        let Some(id) = target else {
            return Ok(0);
        };
        self.revisions
            .iter()
            .position(|r| r.id == id)
            .map(|p| p + 1)
            .ok_or_else(|| {
                Error::from(ErrorKind::UnknownTarget {
                    target: id.to_owned(),
                    revisions: self.revisions.iter().map(|r| r.id.to_string()).collect(),
                })
            })
    }
}
