//! One revision applied or reverted, in its own transaction (or savepoint)
//! together with its history row: the steps in order, hooks called,
//! rebuilds delegated to `rebuild.rs`.

use crate::engine::{Notes, Outcome, Work};
use crate::error::{Context, Error, ErrorKind};
use crate::fault::{hit, FaultPoint};
use crate::hook::HookContext;
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::progress::Tracker;
use crate::report::{AlreadyBroken, TableChange};
use crate::run::millis;
use crate::sqlite::batch::Batch;
use crate::sqlite::guard::{Owner, RebuildNeed, RevisionGuard};
use crate::sqlite::{raw, rebuild};
use migrate_dsl_core::plan::{InPlaceStep, Statement, Step, Strategy};
use rusqlite::Connection;

/// The first table rebuild among `steps` of revision `revision` on
/// `conn`, if any. (On this SQLite and connection: an in-place change
/// rebuilds where neither its statements nor an edit of the definition
/// can make it, and a DEFAULT edit may.)
pub(crate) fn first_rebuild<'a>(
    conn: &Connection,
    revision: &'a str,
    steps: &'a [Step],
) -> Option<RebuildNeed<'a>> {
    let linked = crate::sqlite::sqlite_version::linked();
    let defensive = steps
        .iter()
        .any(|s| matches!(s, Step::AlterInPlace(a) if a.edit.is_some()))
        && crate::sqlite::edit::defensive(conn);
    steps.iter().find_map(|s| {
        s.may_rebuild(linked, defensive).map(|r| RebuildNeed {
            revision,
            table: &r.table,
        })
    })
}

impl Migrations {
    /// Applies the revision of `work`; inside the run's `batch`, its
    /// history row is written when the batch commits (`batch.rs`), and
    /// when that batch has held the write lock since the history was
    /// read, no other process can have applied the revision meanwhile (no
    /// second read).
    pub(crate) fn apply_one(
        &self,
        conn: &Connection,
        owner: Owner,
        work: &Work<'_>,
        progress: Option<&Tracker>,
        batch: Option<&mut Batch<'_>>,
    ) -> Result<Outcome, Error> {
        let index = work.index;
        let rev = &self.revisions[index];
        let mut batch = batch;
        let locked_since_read = batch.as_ref().is_some_and(|b| b.read_history);
        let mut guard = match batch.as_deref_mut() {
            // Inside the run's batch (where no revision rebuilds): a
            // savepoint for a revision with hooks, else the batch's mark.
            Some(batch) => {
                let hooks = rev.plan.steps.iter().any(|s| matches!(s, Step::Hook(_)));
                batch.begin_revision(hooks)?;
                if hooks {
                    RevisionGuard::begin(conn, Owner::Outer, None)?
                } else {
                    RevisionGuard::under_mark(conn)
                }
            }
            None => RevisionGuard::begin(
                conn,
                owner,
                first_rebuild(conn, &rev.plan.id, &rev.plan.steps),
            )?,
        };
        // Read inside the write lock: another process may have applied it
        // since this run read the history (docs/REBUILD_CASES.md, case 38).
        if !locked_since_read
            && crate::sqlite::ledger::is_applied(guard.conn(), &self.history_table, &rev.plan.id)?
        {
            // Nothing was done: closed, not undone (under the mark,
            // undoing would take the revisions before it along).
            guard.commit()?;
            if let Some(batch) = batch {
                batch.skipped();
            }
            return Ok(Outcome::AppliedElsewhere);
        }
        let mut notes = Notes::default();
        run_steps(
            &mut guard,
            rev,
            &rev.plan.steps,
            work.cx,
            &self.history_table,
            progress,
            &mut notes,
        )?;
        hit(FaultPoint::BeforeHistoryWrite)?;
        notes.duration = work.started.elapsed();
        let ms = i64::try_from(millis(notes.duration)).unwrap_or(i64::MAX);
        if batch.is_none() {
            crate::sqlite::ledger::record(
                guard.conn(),
                &self.history_table,
                self.entry(index, ms),
            )?;
        }
        hit(FaultPoint::BeforeCommit)?;
        guard.commit()?;
        if let Some(batch) = batch {
            batch.applied(index, self.entry(index, ms));
        }
        Ok(Outcome::Done(notes))
    }

    /// Applies again the revision at `index`, applied before in this run
    /// and undone with a later one that failed under the batch's mark
    /// (`batch.rs`): its steps only (it has no hooks), under the mark.
    pub(crate) fn reapply(
        &self,
        conn: &Connection,
        index: usize,
        options: &Options,
    ) -> Result<(), Error> {
        let rev = &self.revisions[index];
        let mut guard = RevisionGuard::under_mark(conn);
        let cx = HookContext {
            revision: &rev.plan.id,
            revert: false,
            flags: &options.flags,
        };
        run_steps(
            &mut guard,
            rev,
            &rev.plan.steps,
            &cx,
            &self.history_table,
            None,
            &mut Notes::default(),
        )?;
        guard.commit()
    }

    /// Undoes `rev` with its down `steps`, in a transaction of its own
    /// (or a savepoint of the run's batch or the caller's transaction).
    pub(crate) fn revert_one(
        &self,
        conn: &Connection,
        owner: Owner,
        rev: &Revision,
        steps: &[Step],
        work: &Work<'_>,
        progress: Option<&Tracker>,
    ) -> Result<Outcome, Error> {
        let mut guard =
            RevisionGuard::begin(conn, owner, first_rebuild(conn, &rev.plan.id, steps))?;
        // Read inside the write lock: undoing anything but the newest
        // applied revision would break the history's order.
        let newest = crate::sqlite::ledger::newest(guard.conn(), &self.history_table)?;
        if newest.as_deref() != Some(&*rev.plan.id) {
            return Err(Error::at(
                Context::revision(&rev.plan.id),
                ErrorKind::History(crate::error::HistoryMismatch::HistoryChanged { newest }),
            ));
        }
        let mut notes = Notes::default();
        run_steps(
            &mut guard,
            rev,
            steps,
            work.cx,
            &self.history_table,
            progress,
            &mut notes,
        )?;
        hit(FaultPoint::BeforeHistoryWrite)?;
        crate::sqlite::ledger::remove(guard.conn(), &self.history_table, &rev.plan.id)?;
        hit(FaultPoint::BeforeCommit)?;
        guard.commit()?;
        notes.duration = work.started.elapsed();
        Ok(Outcome::Done(notes))
    }
}

/// Runs `steps` of `rev` inside its guard, noting what they report.
fn run_steps(
    guard: &mut RevisionGuard<'_>,
    rev: &Revision,
    steps: &[Step],
    cx: &HookContext<'_>,
    history_table: &str,
    progress: Option<&Tracker>,
    notes: &mut Notes,
) -> Result<(), Error> {
    let changed = |table: &str, strategy| TableChange {
        revision: rev.plan.id.to_string(),
        table: table.to_owned(),
        strategy,
    };
    for step in steps {
        match step {
            Step::Execute(st) => {
                schema_statement(guard, &rev.plan.id, st, &mut notes.already_broken)?
            }
            Step::Insert(st) => execute(guard.conn(), &rev.plan.id, st)?,
            Step::RawSql(st) => raw::run(guard.conn(), &rev.plan.id, st)?,
            Step::Rebuild(r) => {
                let broken = rebuild::run(guard, &rev.plan.id, r, history_table, progress)?;
                note_broken(&mut notes.already_broken, broken);
                notes
                    .table_changes
                    .push(changed(&r.table, Strategy::Rebuild));
            }
            Step::AlterInPlace(a) => {
                let linked = crate::sqlite::sqlite_version::linked();
                let defensive = a.edit.is_some() && crate::sqlite::edit::defensive(guard.conn());
                let mut strategy = a.strategy(linked, defensive);
                match (strategy, &a.native, &a.edit) {
                    (Strategy::InPlace, Some(native), _) => {
                        tracing::debug!(table = %a.fallback.table, "changing in place");
                        for s in native.steps.iter() {
                            match s {
                                InPlaceStep::Execute(st) => schema_statement(
                                    guard,
                                    &rev.plan.id,
                                    st,
                                    &mut notes.already_broken,
                                )?,
                                InPlaceStep::NotNull(check) => rebuild::refuse_nulls(
                                    guard.conn(),
                                    &rev.plan.id,
                                    &a.fallback,
                                    check,
                                )?,
                                InPlaceStep::Constraint(check) => rebuild::refuse_violations(
                                    guard.conn(),
                                    &rev.plan.id,
                                    &a.fallback,
                                    check,
                                )?,
                            }
                        }
                    }
                    (Strategy::EditDefinition, _, Some(edit)) => {
                        tracing::debug!(table = %a.fallback.table, "editing the definition");
                        let outcome = crate::sqlite::edit::run(
                            guard,
                            &rev.plan.id,
                            edit,
                            &a.fallback,
                            history_table,
                        )?;
                        if outcome == crate::sqlite::edit::Outcome::NeedsRebuild {
                            strategy = Strategy::Rebuild;
                        }
                    }
                    _ => strategy = Strategy::Rebuild,
                }
                if strategy == Strategy::Rebuild {
                    tracing::info!(table = %a.fallback.table, "rebuilding: neither the linked SQLite nor this connection can change it in place");
                    let broken =
                        rebuild::run(guard, &rev.plan.id, &a.fallback, history_table, progress)?;
                    note_broken(&mut notes.already_broken, broken);
                }
                notes
                    .table_changes
                    .push(changed(&a.fallback.table, strategy));
            }
            Step::Hook(h) => {
                if let Some(hook) =
                    crate::hook::prepare(&rev.plan.id, h, &rev.hooks, cx, &mut notes.skipped_hooks)?
                {
                    hook(guard.conn(), cx).map_err(crate::hook::failed(&rev.plan.id, h))?;
                }
            }
        }
    }
    Ok(())
}

/// A schema statement. SQLite does not re-check views and triggers that
/// read a dropped or altered table: they are compiled before and after.
fn schema_statement(
    guard: &RevisionGuard<'_>,
    revision: &str,
    st: &Statement,
    already_broken: &mut Vec<AlreadyBroken>,
) -> Result<(), Error> {
    if !crate::sqlite::dependents::may_break(&st.sql) {
        return execute(guard.conn(), revision, st);
    }
    let before = crate::sqlite::dependents::broken(guard.conn())?;
    crate::sqlite::dependents::set_aside(guard.conn(), &before)?;
    execute(guard.conn(), revision, st)?;
    crate::sqlite::dependents::put_back(guard.conn(), &before)?;
    note_broken(already_broken, before.iter().map(|b| b.already(revision)));
    crate::sqlite::dependents::check(guard.conn(), &before, revision, &st.operation, &st.table)
}

/// Adds objects found broken before a change to the report's list, once.
fn note_broken(
    already_broken: &mut Vec<AlreadyBroken>,
    found: impl IntoIterator<Item = AlreadyBroken>,
) {
    for note in found {
        tracing::warn!(object = %note, "already broken");
        if !already_broken.contains(&note) {
            already_broken.push(note);
        }
    }
}

fn execute(conn: &Connection, revision: &str, st: &Statement) -> Result<(), Error> {
    crate::sqlite::trace::execute(conn, &st.sql, false)
        .map_err(|source| Error::at(Context::statement(revision, st), ErrorKind::Sql { source }))
}
