//! One revision applied or reverted, in its own transaction (or savepoint)
//! together with its history row: the steps in order, hooks called,
//! rebuilds delegated to `rebuild.rs`.

use crate::error::{Context, Error, ErrorKind};
use crate::fault::{hit, FaultPoint};
use crate::guard::{RebuildNeed, RevisionGuard};
use crate::history;
use crate::hook::HookContext;
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::progress::Tracker;
use crate::report::{AppliedRevision, Report, SkippedHook};
use crate::{raw, rebuild};
use migrate_dsl_core::plan::{Statement, Step};
use rusqlite::Connection;
use std::time::{Duration, Instant};

/// The first table rebuild among `steps` of revision `revision`, if any.
pub(crate) fn first_rebuild<'a>(revision: &'a str, steps: &'a [Step]) -> Option<RebuildNeed<'a>> {
    steps.iter().find_map(|s| match s {
        Step::Rebuild(r) => Some(RebuildNeed {
            revision,
            table: &r.table,
        }),
        _ => None,
    })
}

impl Migrations {
    pub(crate) fn apply_one(
        &self,
        conn: &Connection,
        rev: &Revision,
        options: &Options,
        progress: Option<&Tracker>,
        report: &mut Report,
    ) -> Result<(), Error> {
        let started = Instant::now();
        let span = tracing::info_span!("revision", id = %rev.id);
        let _entered = span.enter();
        let mut guard = RevisionGuard::begin(conn, first_rebuild(&rev.id, &rev.steps))?;
        // Read inside the write lock: another process may have applied it
        // since this run read the history.
        if history::is_applied(guard.conn(), &self.history_table, &rev.id)? {
            report.applied_elsewhere.push(rev.id.to_string());
            return Ok(());
        }
        let cx = HookContext {
            revision: &rev.id,
            revert: false,
            flags: &options.flags,
        };
        let mut already_broken = Vec::new();
        let skipped = run_steps(
            &mut guard,
            rev,
            &rev.steps,
            &cx,
            &self.history_table,
            progress,
            &mut already_broken,
        )?;
        let duration = started.elapsed();
        hit(FaultPoint::BeforeHistoryWrite)?;
        let ms = i64::try_from(millis(duration)).unwrap_or(i64::MAX);
        history::record(
            guard.conn(),
            &self.history_table,
            &rev.id,
            &rev.checksum,
            ms,
        )?;
        hit(FaultPoint::BeforeCommit)?;
        guard.commit()?;
        report.skipped_hooks.extend(skipped);
        report.already_broken.extend(already_broken);
        tracing::info!(elapsed_ms = millis(duration), "applied");
        report.applied.push(AppliedRevision {
            id: rev.id.to_string(),
            duration,
        });
        Ok(())
    }

    pub(crate) fn revert_one(
        &self,
        conn: &Connection,
        rev: &Revision,
        steps: &[Step],
        options: &Options,
        progress: Option<&Tracker>,
        report: &mut Report,
    ) -> Result<(), Error> {
        let started = Instant::now();
        let span = tracing::info_span!("revision", id = %rev.id, down = true);
        let _entered = span.enter();
        let mut guard = RevisionGuard::begin(conn, first_rebuild(&rev.id, steps))?;
        // Read inside the write lock: undoing anything but the newest
        // applied revision would break the history's order.
        let newest = history::newest(guard.conn(), &self.history_table)?;
        if newest.as_deref() != Some(&*rev.id) {
            return Err(Error::at(
                Context::revision(&rev.id),
                ErrorKind::HistoryChanged { newest },
            ));
        }
        let cx = HookContext {
            revision: &rev.id,
            revert: true,
            flags: &options.flags,
        };
        let mut already_broken = Vec::new();
        let skipped = run_steps(
            &mut guard,
            rev,
            steps,
            &cx,
            &self.history_table,
            progress,
            &mut already_broken,
        )?;
        hit(FaultPoint::BeforeHistoryWrite)?;
        history::remove(guard.conn(), &self.history_table, &rev.id)?;
        hit(FaultPoint::BeforeCommit)?;
        guard.commit()?;
        report.skipped_hooks.extend(skipped);
        report.already_broken.extend(already_broken);
        let duration = started.elapsed();
        tracing::info!(elapsed_ms = millis(duration), "undone");
        report.reverted.push(AppliedRevision {
            id: rev.id.to_string(),
            duration,
        });
        Ok(())
    }
}

/// Runs `steps` of `rev` inside its guard; returns the data steps the
/// caller's flags left out.
fn run_steps(
    guard: &mut RevisionGuard<'_>,
    rev: &Revision,
    steps: &[Step],
    cx: &HookContext<'_>,
    history_table: &str,
    progress: Option<&Tracker>,
    already_broken: &mut Vec<String>,
) -> Result<Vec<SkippedHook>, Error> {
    let mut skipped = Vec::new();
    for step in steps {
        match step {
            Step::Execute(st) if crate::dependents::may_break(&st.sql) => {
                // SQLite does not re-check views and triggers that read a
                // dropped table: they are compiled before and after.
                let before = crate::dependents::broken(guard.conn())?;
                crate::dependents::set_aside(guard.conn(), &before)?;
                execute(guard.conn(), &rev.id, st)?;
                crate::dependents::put_back(guard.conn(), &before)?;
                for b in &before {
                    let note = b.already(&rev.id);
                    tracing::warn!(object = %note, "already broken");
                    if !already_broken.contains(&note) {
                        already_broken.push(note);
                    }
                }
                crate::dependents::check(guard.conn(), &before, &rev.id, &st.operation, &st.table)?;
            }
            Step::Execute(st) | Step::Insert(st) => execute(guard.conn(), &rev.id, st)?,
            Step::RawSql(st) => raw::run(guard.conn(), &rev.id, st)?,
            Step::Rebuild(r) => {
                let broken = rebuild::run(guard, &rev.id, r, history_table, progress)?;
                for b in broken {
                    tracing::warn!(object = %b, "already broken");
                    if !already_broken.contains(&b) {
                        already_broken.push(b);
                    }
                }
            }
            Step::Hook(h) if !h.runs(|flag| cx.flag(flag)) => {
                if let Some(condition) = &h.condition {
                    skipped.push(SkippedHook {
                        revision: rev.id.to_string(),
                        hook: h.name.to_string(),
                        condition: format!("{} {:?}", condition.keyword(), condition.flag()),
                    });
                }
            }
            Step::Hook(h) => {
                tracing::debug!(hook = %h.name, "calling hook");
                let hook = rev.hooks.get(h.index).ok_or_else(|| {
                    Error::at(
                        Context::revision(&rev.id),
                        ErrorKind::Hook {
                            hook: h.name.to_string(),
                            source:
                                "hook missing from the compiled revision (a bug in migrate-dsl)"
                                    .into(),
                        },
                    )
                })?;
                hook(guard.conn(), cx).map_err(|source| {
                    Error::at(
                        Context::revision(&rev.id),
                        ErrorKind::Hook {
                            hook: h.name.to_string(),
                            source,
                        },
                    )
                })?;
            }
        }
    }
    Ok(skipped)
}

fn execute(conn: &Connection, revision: &str, st: &Statement) -> Result<(), Error> {
    crate::trace::execute(conn, &st.sql, false)
        .map_err(|source| Error::at(Context::statement(revision, st), ErrorKind::Sql { source }))
}

/// Whole milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
