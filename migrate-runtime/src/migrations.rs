//! A compiled history and the loop that applies it.

use crate::busy::BusyTimeout;
use crate::error::{Error, ErrorKind};
use crate::fault::{hit, FaultPoint};
use crate::guard::{RebuildNeed, RevisionGuard};
use crate::history::{self, HistoryRow};
use crate::hook::{HookContext, HookFn};
use crate::options::Options;
use crate::progress::Tracker;
use crate::report::{AppliedRevision, Report, SkippedHook};
use crate::{raw, rebuild};
use migrate_dsl_core::plan::{Down, SchemaObject, Statement, Step, Text};
use rusqlite::Connection;
use std::borrow::Cow;
use std::time::{Duration, Instant};

/// One revision, checked and rendered at compile time.
#[derive(Clone, Debug)]
pub struct Revision {
    pub(crate) id: Text,
    pub(crate) checksum: Text,
    pub(crate) steps: Cow<'static, [Step]>,
    pub(crate) down: Down,
    pub(crate) hooks: Cow<'static, [HookFn]>,
    pub(crate) schema_after: Text,
}

impl Revision {
    #[doc(hidden)]
    pub const fn from_static(
        id: &'static str,
        checksum: &'static str,
        steps: &'static [Step],
        down: Down,
        hooks: &'static [HookFn],
        schema_after: &'static str,
    ) -> Self {
        Revision {
            id: Cow::Borrowed(id),
            checksum: Cow::Borrowed(checksum),
            steps: Cow::Borrowed(steps),
            down,
            hooks: Cow::Borrowed(hooks),
            schema_after: Cow::Borrowed(schema_after),
        }
    }

    /// The revision id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The checksum of the revision's normalized definition.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// The steps the revision executes.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// How the revision is undone: its `down` steps, or why it cannot be.
    pub fn down(&self) -> &Down {
        &self.down
    }

    /// A fingerprint of the model's schema after this revision (see
    /// [`migrate_dsl_core::render::schema_fingerprint`]).
    pub fn schema_fingerprint(&self) -> &str {
        &self.schema_after
    }
}

/// The first table rebuild among `steps` of revision `revision`, if any.
fn first_rebuild<'a>(revision: &'a str, steps: &'a [Step]) -> Option<RebuildNeed<'a>> {
    steps.iter().find_map(|s| match s {
        Step::Rebuild(r) => Some(RebuildNeed {
            revision,
            table: &r.table,
        }),
        _ => None,
    })
}

/// A whole history of revisions, oldest first, as `migration!` defines it.
///
/// ```
/// use migrate_dsl::migration;
///
/// migration! {
///     /// The app's database.
///     pub static MIGRATIONS;
///
///     revision "0001_create_notes" {
///         create table notes {
///             id integer primary key,
///             body text not null,
///         }
///     }
/// }
///
/// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
/// let report = MIGRATIONS.apply_pending(&mut conn)?;
/// assert_eq!(report.applied[0].id, "0001_create_notes");
/// assert!(MIGRATIONS.apply_pending(&mut conn)?.applied.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Migrations {
    pub(crate) revisions: Cow<'static, [Revision]>,
    /// The head schema's objects, in an order SQLite accepts.
    pub(crate) head_schema: Cow<'static, [SchemaObject]>,
    pub(crate) history_table: Text,
}

impl Migrations {
    /// A history built at run time from core operations (no `run` hooks),
    /// checked by the same rules the macro applies at compile time.
    ///
    /// ```
    /// use migrate_dsl::core::op::*;
    /// use migrate_dsl::core::{Loc, Name};
    /// use migrate_dsl::Migrations;
    ///
    /// let n = |s: &str| Name::new(s, Loc::NONE);
    /// let history = History {
    ///     revisions: vec![RevisionDef::new(
    ///         n("0001"),
    ///         vec![
    ///             Op::CreateTable(CreateTable::new(n("notes"), vec![ColumnDef::new(n("body"), ColumnType::TEXT)])),
    ///             Op::DropIndex(n("notes_body")),
    ///         ],
    ///     )],
    ///     ..History::default()
    /// };
    /// let problems = Migrations::from_history(&history).unwrap_err();
    /// assert_eq!(problems[0].message, "unknown index `notes_body`");
    /// ```
    pub fn from_history(
        history: &migrate_dsl_core::op::History,
    ) -> Result<Self, Vec<migrate_dsl_core::Diagnostic>> {
        migrate_dsl_core::check::check_history_to_head(history).map(|(plans, head)| {
            Self::from_plans(plans, &head).with_history_table(history.history_table_name())
        })
    }

    /// The same history recorded in the table `name` instead (what
    /// `history table "name";` does in the macro's header), so that two
    /// histories can share one database without seeing each other.
    pub fn with_history_table(mut self, name: &str) -> Self {
        self.history_table = Cow::Owned(name.to_owned());
        self
    }

    /// A history from checked plans built at run time (no `run` hooks), and
    /// the schema at its head.
    ///
    /// Both come from [`migrate_dsl_core::check::check_history_to_head`], so
    /// they passed the same rules the macro applies at compile time.
    pub fn from_plans(
        plans: Vec<migrate_dsl_core::plan::RevisionPlan>,
        head: &migrate_dsl_core::model::Schema,
    ) -> Self {
        let revisions = plans
            .into_iter()
            .map(|p| Revision {
                id: p.id,
                checksum: p.checksum,
                steps: p.steps,
                down: p.down,
                hooks: Cow::Borrowed(&[]),
                schema_after: p.schema_after,
            })
            .collect::<Vec<_>>();
        let head_schema = migrate_dsl_core::render::schema_objects(head);
        Migrations {
            revisions: Cow::Owned(revisions),
            head_schema: Cow::Owned(head_schema),
            history_table: Cow::Borrowed(migrate_dsl_core::DEFAULT_HISTORY_TABLE),
        }
    }

    #[doc(hidden)]
    pub const fn from_static(
        revisions: &'static [Revision],
        head_schema: &'static [SchemaObject],
        history_table: &'static str,
    ) -> Self {
        Migrations {
            revisions: Cow::Borrowed(revisions),
            head_schema: Cow::Borrowed(head_schema),
            history_table: Cow::Borrowed(history_table),
        }
    }

    /// The revisions, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The name of the table that records applied revisions.
    pub fn history_table(&self) -> &str {
        &self.history_table
    }

    /// Applies every pending revision in order, each in its own
    /// `BEGIN IMMEDIATE` transaction together with its history row.
    ///
    /// On error the failing revision is rolled back entirely (earlier ones in
    /// the same call stay applied), no temporary table remains, and the
    /// connection's pragmas are as before; a panic in a `run` hook does the
    /// same cleanup and then propagates.
    pub fn apply_pending(&self, conn: &mut Connection) -> Result<Report, Error> {
        self.apply_pending_with(conn, &Options::default())
    }

    /// [`Migrations::apply_pending`] with explicit [`Options`].
    pub fn apply_pending_with(
        &self,
        conn: &mut Connection,
        options: &Options,
    ) -> Result<Report, Error> {
        self.upgrade(conn, self.revisions.len(), options)
    }

    /// Applies the pending revisions up to and including `target`, like
    /// [`Migrations::apply_pending`]. A database already at or past
    /// `target` is left as it is.
    pub fn upgrade_to(&self, conn: &mut Connection, target: &str) -> Result<Report, Error> {
        self.upgrade_to_with(conn, target, &Options::default())
    }

    /// [`Migrations::upgrade_to`] with explicit [`Options`].
    pub fn upgrade_to_with(
        &self,
        conn: &mut Connection,
        target: &str,
        options: &Options,
    ) -> Result<Report, Error> {
        let end = self.count_through(Some(target))?;
        self.upgrade(conn, end, options)
    }

    /// Applies the next pending revision only (one step up); nothing when
    /// the database is at head.
    pub fn upgrade_one(&self, conn: &mut Connection) -> Result<Report, Error> {
        match self.status(conn)?.pending.first() {
            Some(next) => self.upgrade_to(conn, next),
            None => Ok(Report::default()),
        }
    }

    /// Undoes the newest applied revision only (one step down), like
    /// [`Migrations::downgrade_to`]; nothing when none is applied.
    pub fn downgrade_one(&self, conn: &mut Connection) -> Result<Report, Error> {
        let applied = self.status(conn)?.applied;
        match applied.len() {
            0 => Ok(Report::default()),
            n => {
                let target = n.checked_sub(2).map(|i| applied[i].id.as_str());
                self.downgrade_to(conn, target)
            }
        }
    }

    /// [`Migrations::apply_pending_with`] for a caller that holds a
    /// transaction (a rusqlite `Transaction` or `Savepoint` derefs to
    /// `&Connection`): each revision runs in a savepoint of it, together with
    /// its history row, and becomes durable when the caller commits — or
    /// vanishes with everything else when the caller rolls back.
    ///
    /// `PRAGMA foreign_keys` cannot change inside a transaction, so when
    /// foreign keys are ON a pending revision that rebuilds a table is
    /// refused with [`ErrorKind::TransactionOpen`] before anything changes
    /// (switch them off before beginning the transaction to allow it; the
    /// rebuild then checks foreign keys only if they were ON). SQLite's
    /// progress handler needs `&mut Connection`: [`Options::progress`] is
    /// refused here ([`ErrorKind::ProgressInTransaction`]). Without an open
    /// transaction this is `apply_pending_with`.
    ///
    /// ```
    /// use migrate_dsl::migration;
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key, body text } }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// let tx = conn.transaction()?;
    /// MIGRATIONS.apply_pending_in_transaction(&tx, &Default::default())?;
    /// tx.execute("INSERT INTO notes (body) VALUES ('seeded with the schema')", [])?;
    /// tx.rollback()?; // the schema, the history row and the note are gone
    /// assert_eq!(MIGRATIONS.status(&conn)?.pending.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_pending_in_transaction(
        &self,
        tx: &Connection,
        options: &Options,
    ) -> Result<Report, Error> {
        if options.progress.is_some() {
            return Err(ErrorKind::ProgressInTransaction.into());
        }
        self.upgrade_on(tx, self.revisions.len(), options, None)
    }

    /// Applies the pending revisions among the first `end`.
    fn upgrade(
        &self,
        conn: &mut Connection,
        end: usize,
        options: &Options,
    ) -> Result<Report, Error> {
        crate::progress::with_progress(conn, options, |conn, tracker| {
            self.upgrade_on(conn, end, options, tracker)
        })
    }

    fn upgrade_on(
        &self,
        conn: &Connection,
        end: usize,
        options: &Options,
        tracker: Option<&Tracker>,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        let span = tracing::info_span!("migrate", history = %self.history_table, direction = "up");
        let _entered = span.enter();
        self.refuse_rebuilds_in_open_transaction(conn, |applied| {
            let pending = self.revisions.get(applied..end).unwrap_or_default();
            pending.iter().map(|r| (r, &*r.steps)).collect()
        })?;
        let _timeout = BusyTimeout::set(conn, options.busy_timeout)?;
        let (applied, removed) = self.start_run(conn)?;
        self.verify(&applied, options)?;
        let pending = self.revisions.get(applied.len()..end).unwrap_or_default();
        tracing::info!(applied = applied.len(), pending = pending.len(), "starting");
        let mut report = Report {
            removed_leftovers: removed,
            ..Report::default()
        };
        for rev in pending {
            self.apply_one(conn, rev, options, tracker, &mut report)?;
        }
        report.elapsed = started.elapsed();
        tracing::info!(elapsed_ms = millis(report.elapsed), "finished");
        Ok(report)
    }

    /// Inside a caller's transaction revisions run in savepoints, but
    /// foreign keys cannot be switched off: when they are ON, a run that
    /// would rebuild a table is refused here, before anything changes.
    /// `to_run` maps the number of applied revisions to the revisions and
    /// steps the run would execute.
    fn refuse_rebuilds_in_open_transaction<'a>(
        &'a self,
        conn: &Connection,
        to_run: impl FnOnce(usize) -> Vec<(&'a Revision, &'a [Step])>,
    ) -> Result<(), Error> {
        if conn.is_autocommit() {
            return Ok(());
        }
        if !crate::guard::read_flag(conn, "foreign_keys")? {
            return Ok(());
        }
        let applied = if crate::guard::exists(conn, &self.history_table) {
            history::read(conn, &self.history_table)?.len()
        } else {
            0
        };
        let rebuild = to_run(applied)
            .into_iter()
            .find_map(|(rev, steps)| first_rebuild(&rev.id, steps));
        match rebuild {
            Some(need) => Err(crate::guard::transaction_open(need)),
            None => Ok(()),
        }
    }

    /// The applied revisions, in the order they were applied (creates the
    /// history table if needed, under the write lock).
    pub fn applied(&self, conn: &Connection) -> Result<Vec<HistoryRow>, Error> {
        self.read_applied(conn)
    }

    fn read_applied(&self, conn: &Connection) -> Result<Vec<HistoryRow>, Error> {
        let guard = RevisionGuard::begin(conn, None)?;
        history::ensure(guard.conn(), &self.history_table)?;
        let rows = history::read(guard.conn(), &self.history_table)?;
        guard.commit()?;
        Ok(rows)
    }

    /// The start of a run, in one transaction under the write lock: the
    /// leftover temporary tables of interrupted rebuilds are handled
    /// (docs/REBUILD_CASES.md, case 34: removed when their original table exists — they
    /// then hold no unique data — and a refusal, changing nothing, when it
    /// does not), then the history is read. Returns the rows and the
    /// removed tables.
    fn start_run(&self, conn: &Connection) -> Result<(Vec<HistoryRow>, Vec<String>), Error> {
        self.refuse_temp_shadows(conn)?;
        let guard = RevisionGuard::begin(conn, None)?;
        let removed = crate::rebuild::remove_leftovers(guard.conn())?;
        for table in &removed {
            tracing::info!(%table, "removed a leftover temporary table");
        }
        history::ensure(guard.conn(), &self.history_table)?;
        let rows = history::read(guard.conn(), &self.history_table)?;
        guard.commit()?;
        Ok((rows, removed))
    }

    /// Undoes the applied revisions newer than `target`, newest first
    /// (`None`: every applied revision), each in its own `BEGIN IMMEDIATE`
    /// transaction together with the removal of its history row — the same
    /// atomicity, guard and cleanup as [`Migrations::apply_pending`].
    ///
    /// Before anything changes, every revision to undo must have `down`
    /// steps (a `down { … }` block or a generated inverse); otherwise the
    /// error is [`ErrorKind::Irreversible`] and the database is untouched.
    ///
    /// ```
    /// use migrate_dsl::migration;
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key } }
    ///     revision "0002" { create index notes_id on notes (id); }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// MIGRATIONS.apply_pending(&mut conn)?;
    /// let report = MIGRATIONS.downgrade_to(&mut conn, Some("0001"))?;
    /// assert_eq!(report.reverted[0].id, "0002");
    /// assert_eq!(MIGRATIONS.applied(&conn)?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn downgrade_to(
        &self,
        conn: &mut Connection,
        target: Option<&str>,
    ) -> Result<Report, Error> {
        self.downgrade_to_with(conn, target, &Options::default())
    }

    /// [`Migrations::downgrade_to`] with explicit [`Options`].
    pub fn downgrade_to_with(
        &self,
        conn: &mut Connection,
        target: Option<&str>,
        options: &Options,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        let span =
            tracing::info_span!("migrate", history = %self.history_table, direction = "down");
        let _entered = span.enter();
        let keep = self.count_through(target)?;
        self.refuse_rebuilds_in_open_transaction(conn, |applied| {
            let undo = self.revisions.get(keep..applied).unwrap_or_default();
            undo.iter()
                .rev()
                .filter_map(|r| match &r.down {
                    Down::Steps(steps) => Some((r, &**steps)),
                    Down::Irreversible(_) => None,
                })
                .collect()
        })?;
        let mut report = crate::progress::with_progress(conn, options, |conn, tracker| {
            let _timeout = BusyTimeout::set(conn, options.busy_timeout)?;
            let (applied, removed) = self.start_run(conn)?;
            self.verify(&applied, options)?;
            if keep > applied.len() {
                return Err(ErrorKind::TargetNotApplied {
                    target: target.unwrap_or_default().to_owned(),
                    current: applied.last().map(|r| r.id.clone()),
                }
                .into());
            }
            let mut undo = Vec::with_capacity(applied.len() - keep);
            for rev in self.revisions[keep..applied.len()].iter().rev() {
                match &rev.down {
                    Down::Steps(steps) => undo.push((rev, &**steps)),
                    Down::Irreversible(why) => {
                        return Err(ErrorKind::Irreversible {
                            revision: rev.id.to_string(),
                            reason: why.to_string(),
                        }
                        .into())
                    }
                }
            }
            tracing::info!(undo = undo.len(), "starting");
            let mut report = Report {
                removed_leftovers: removed,
                ..Report::default()
            };
            for (rev, steps) in undo {
                self.revert_one(conn, rev, steps, options, tracker, &mut report)?;
            }
            Ok(report)
        })?;
        report.elapsed = started.elapsed();
        tracing::info!(elapsed_ms = millis(report.elapsed), "finished");
        Ok(report)
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

    fn apply_one(
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
            downgrade: false,
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

    fn revert_one(
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
            return Err(ErrorKind::HistoryChanged {
                revision: rev.id.to_string(),
                newest,
            }
            .into());
        }
        let cx = HookContext {
            revision: &rev.id,
            downgrade: true,
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
                    Error::from(ErrorKind::Hook {
                        revision: rev.id.to_string(),
                        hook: h.name.to_string(),
                        source: "hook missing from the compiled revision (a bug in migrate-dsl)"
                            .into(),
                    })
                })?;
                hook(guard.conn(), cx).map_err(|source| {
                    Error::from(ErrorKind::Hook {
                        revision: rev.id.to_string(),
                        hook: h.name.to_string(),
                        source,
                    })
                })?;
            }
        }
    }
    Ok(skipped)
}

fn execute(conn: &Connection, revision: &str, st: &Statement) -> Result<(), Error> {
    crate::trace::execute(conn, &st.sql, false).map_err(|source| {
        Error::from(ErrorKind::Sql {
            revision: revision.to_owned(),
            operation: st.operation.to_string(),
            table: st.table.to_string(),
            sql: st.sql.to_string(),
            source,
        })
    })
}

/// Whole milliseconds, saturating.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
