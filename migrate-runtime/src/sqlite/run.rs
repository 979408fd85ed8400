//! SQLite's side of a run ([`Engine`]): one `BEGIN IMMEDIATE` batch for
//! the run (`batch.rs`), a savepoint or the batch's mark per revision, a
//! transaction of its own for a revision that rebuilds (`guard.rs`).

use crate::engine::{Engine, Ledger, Outcome, Start, Work};
use crate::error::Error;
use crate::migrations::Migrations;
use crate::options::Options;
use crate::progress::Tracker;
use crate::report::Report;
use crate::run::{Course, Direction, Target};
use crate::sqlite::batch::Batch;
use crate::sqlite::busy::BusyTimeout;
use crate::sqlite::guard::{Owner, RevisionGuard};
use rusqlite::Connection;

/// A run on `conn` (a caller's transaction open or not).
pub(super) fn run(
    conn: &Connection,
    m: &Migrations,
    target: Target<'_>,
    options: &Options,
    tracker: Option<&Tracker>,
) -> Result<Report, Error> {
    let caller = Owner::at_start(conn);
    if caller == Owner::Outer {
        refuse_rebuilds_in_open_transaction(m, conn, target)?;
    }
    let _timeout = BusyTimeout::set(conn, options.busy_timeout)?;
    let mut engine = Sqlite {
        conn,
        options,
        tracker,
        history_table: &m.history_table,
        caller,
        batch: None,
    };
    crate::run::drive(m, &mut engine, target, options)
}

/// `stamp` on `conn` (a caller's transaction open or not).
pub(super) fn stamp(
    conn: &Connection,
    m: &Migrations,
    target: Option<&str>,
) -> Result<Report, Error> {
    let options = Options::default();
    let _timeout = BusyTimeout::set(conn, options.busy_timeout)?;
    let mut engine = Sqlite {
        conn,
        options: &options,
        tracker: None,
        history_table: &m.history_table,
        caller: Owner::at_start(conn),
        batch: None,
    };
    crate::run::stamp(m, &mut engine, target)
}

/// The SQLite side of a run (see the module documentation).
struct Sqlite<'c> {
    conn: &'c Connection,
    options: &'c Options,
    tracker: Option<&'c Tracker>,
    history_table: &'c str,
    /// Whether the caller holds a transaction the run works inside.
    caller: Owner,
    /// The open batch (`batch.rs`).
    batch: Option<Batch<'c>>,
}

impl Sqlite<'_> {
    /// Who owns the transaction around the next revision: the open batch,
    /// else the caller's, else none.
    fn owner(&self) -> Owner {
        if self.batch.is_some() {
            Owner::Outer
        } else {
            self.caller
        }
    }
}

impl Engine for Sqlite<'_> {
    fn start(&mut self, m: &Migrations) -> Result<Start, Error> {
        // The start of the run and the revisions after it share one
        // transaction where they can (`batch.rs`).
        self.batch = Batch::next(self.conn, self.history_table, self.caller, None, false)?;
        let start = start_run(m, self.conn, self.owner())?;
        if let Some(b) = &mut self.batch {
            b.read_history = true;
        }
        Ok(start)
    }

    fn verified(&mut self, _: &Migrations, _: &[crate::history::HistoryRow]) -> Result<(), Error> {
        // Digests are given to the rows when the next ones are written.
        Ok(())
    }

    fn can_run(&mut self, m: &Migrations, course: &Course) -> Result<(), Error> {
        crate::sqlite::sqlite_version::require(course.revisions.iter().map(|&i| {
            let rev = &m.revisions[i];
            (&*rev.plan.id, super::steps(rev, course.direction))
        }))
    }

    fn revision(&mut self, m: &Migrations, work: Work<'_>) -> Result<Outcome, Error> {
        let rev = &m.revisions[work.index];
        let steps = super::steps(rev, work.direction);
        let alone = crate::sqlite::apply::first_rebuild(self.conn, &rev.plan.id, steps).is_some();
        let open = self.batch.take();
        self.batch = Batch::next(self.conn, self.history_table, self.caller, open, alone)?;
        let owner = self.owner();
        let conn = self.conn;
        match work.direction {
            Direction::Down => m.revert_one(conn, owner, rev, steps, &work, self.tracker),
            Direction::Up => {
                let result = m.apply_one(conn, owner, &work, self.tracker, self.batch.as_mut());
                if result.is_err() {
                    // Undone under the batch's mark with the revisions
                    // since it: those are applied again.
                    if let Some(batch) = self.batch.as_mut() {
                        batch.replay(|i| m.reapply(conn, i, self.options));
                    }
                }
                match result {
                    // A database made another way: say to stamp it.
                    Err(e) if work.index == 0 && crate::sqlite::unstamped::already_exists(&e) => {
                        drop(self.batch.take());
                        Err(m.unstamped(conn)?.unwrap_or(e))
                    }
                    result => result,
                }
            }
        }
    }

    fn mark(&mut self, m: &Migrations, course: &Course) -> Result<(), Error> {
        let guard = RevisionGuard::begin(self.conn, self.owner(), None)?;
        for &i in &course.revisions {
            match course.direction {
                Direction::Up => {
                    crate::sqlite::ledger::record(guard.conn(), self.history_table, m.entry(i, 0))?
                }
                Direction::Down => crate::sqlite::ledger::remove(
                    guard.conn(),
                    self.history_table,
                    m.revisions[i].id(),
                )?,
            }
        }
        guard.commit()
    }

    fn finish(&mut self) -> Result<(), Error> {
        Batch::finish(self.batch.take())
    }
}

/// Inside a caller's transaction (the caller's call to make) revisions run
/// in savepoints, but foreign
/// keys cannot be switched off: when they are ON, a run that would rebuild
/// a table is refused here, before anything changes.
fn refuse_rebuilds_in_open_transaction(
    m: &Migrations,
    conn: &Connection,
    target: Target<'_>,
) -> Result<(), Error> {
    if !crate::sqlite::guard::read_flag(conn, "foreign_keys")? {
        return Ok(());
    }
    let applied = if crate::sqlite::ledger::exists(conn, &m.history_table)? {
        crate::sqlite::ledger::read(conn, &m.history_table)?.len()
    } else {
        0
    };
    // An impossible course: the run itself reports it, after its checks.
    let Ok(course) = m.course(applied, target) else {
        return Ok(());
    };
    match course.revisions.iter().find_map(|&i| {
        let rev = &m.revisions[i];
        crate::sqlite::apply::first_rebuild(conn, &rev.plan.id, super::steps(rev, course.direction))
    }) {
        Some(need) => Err(crate::sqlite::guard::transaction_open(need)),
        None => Ok(()),
    }
}

/// The start of a run, under the write lock: the leftover temporary
/// tables of interrupted rebuilds are handled (docs/REBUILD_CASES.md,
/// case 34: removed when their original table exists — they then hold no
/// unique data — and a refusal, changing nothing, when it does not), the
/// history table created, and what is applied: proven when the newest
/// row's digest verifies every applied revision (one lookup), else every
/// row, to verify one by one.
fn start_run(m: &Migrations, conn: &Connection, owner: Owner) -> Result<Start, Error> {
    m.refuse_unsafe_start(conn)?;
    let guard = RevisionGuard::begin(conn, owner, None)?;
    let removed = crate::sqlite::rebuild::remove_leftovers(guard.conn())?;
    for table in &removed {
        tracing::info!(%table, "removed a leftover temporary table");
    }
    crate::sqlite::ledger::ensure(guard.conn(), &m.history_table)?;
    let ledger = match m.applied_by_digest(guard.conn())? {
        Some(count) => Ledger::Proven(count),
        None => Ledger::Rows(crate::sqlite::ledger::read(guard.conn(), &m.history_table)?),
    };
    guard.commit()?;
    Ok(Start { ledger, removed })
}
