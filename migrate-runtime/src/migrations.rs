//! A compiled history and the loop that applies it.

use crate::error::{BoxError, Error, ErrorKind};
use crate::fault::{hit, FaultPoint};
use crate::guard::RevisionGuard;
use crate::history::{self, HistoryRow};
use crate::report::{AppliedRevision, Report};
use crate::{raw, rebuild};
use migrate_core::plan::{Statement, Step, Text};
use rusqlite::{Connection, Transaction};
use std::borrow::Cow;
use std::time::{Duration, Instant};

/// A `run` hook: called inside its revision's transaction.
pub type HookFn = fn(&Transaction<'_>) -> Result<(), BoxError>;

/// One revision, checked and rendered at compile time.
#[derive(Clone, Debug)]
pub struct Revision {
    id: Text,
    checksum: Text,
    steps: Cow<'static, [Step]>,
    hooks: Cow<'static, [HookFn]>,
}

impl Revision {
    #[doc(hidden)]
    pub const fn from_static(
        id: &'static str,
        checksum: &'static str,
        steps: &'static [Step],
        hooks: &'static [HookFn],
    ) -> Self {
        Revision {
            id: Cow::Borrowed(id),
            checksum: Cow::Borrowed(checksum),
            steps: Cow::Borrowed(steps),
            hooks: Cow::Borrowed(hooks),
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

    fn needs_rebuild(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Rebuild(_)))
    }
}

/// How a run behaves.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// How long to wait for another connection's write lock before failing
    /// with "database is locked". `None` keeps the connection's own setting.
    pub busy_timeout: Option<Duration>,
    /// Compare the checksum of every applied revision with its definition
    /// (default `true`). Turn off only for a known-harmless edit.
    pub verify_checksums: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            busy_timeout: Some(Duration::from_secs(5)),
            verify_checksums: true,
        }
    }
}

impl Options {
    /// Sets [`Options::busy_timeout`].
    pub fn busy_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Sets [`Options::verify_checksums`].
    pub fn verify_checksums(mut self, verify: bool) -> Self {
        self.verify_checksums = verify;
        self
    }
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
    revisions: Cow<'static, [Revision]>,
    history_table: Text,
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
    ///     revisions: vec![RevisionDef {
    ///         id: n("0001"),
    ///         ops: vec![
    ///             Op::CreateTable(CreateTable::new(n("notes"), vec![ColumnDef::new(n("body"), ColumnType::Text)])),
    ///             Op::DropIndex(n("notes_body")),
    ///         ],
    ///     }],
    ///     ..History::default()
    /// };
    /// let problems = Migrations::from_history(&history).unwrap_err();
    /// assert_eq!(problems[0].message, "unknown index `notes_body`");
    /// ```
    pub fn from_history(
        history: &migrate_core::op::History,
    ) -> Result<Self, Vec<migrate_core::Diagnostic>> {
        migrate_core::check::check_history(history).map(Self::from_plans)
    }

    /// A history from checked plans built at run time (no `run` hooks).
    ///
    /// The plans come from [`migrate_core::check::check_history`], so they
    /// passed the same rules the macro applies at compile time.
    pub fn from_plans(plans: Vec<migrate_core::plan::RevisionPlan>) -> Self {
        let revisions = plans
            .into_iter()
            .map(|p| Revision {
                id: p.id,
                checksum: p.checksum,
                steps: p.steps,
                hooks: Cow::Borrowed(&[]),
            })
            .collect::<Vec<_>>();
        Migrations {
            revisions: Cow::Owned(revisions),
            history_table: Cow::Borrowed(migrate_core::DEFAULT_HISTORY_TABLE),
        }
    }

    #[doc(hidden)]
    pub const fn from_static(revisions: &'static [Revision], history_table: &'static str) -> Self {
        Migrations {
            revisions: Cow::Borrowed(revisions),
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
        let started = Instant::now();
        if !conn.is_autocommit() {
            return Err(ErrorKind::TransactionOpen.into());
        }
        let _timeout = BusyTimeout::set(conn, options.busy_timeout)?;
        let applied = self.read_applied(conn)?;
        self.verify(&applied, options)?;
        let mut report = Report::default();
        for rev in &self.revisions[applied.len()..] {
            self.apply_one(conn, rev, &mut report)?;
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// The applied revisions, in the order they were applied (creates the
    /// history table if needed, under the write lock).
    pub fn applied(&self, conn: &Connection) -> Result<Vec<HistoryRow>, Error> {
        self.read_applied(conn)
    }

    fn read_applied(&self, conn: &Connection) -> Result<Vec<HistoryRow>, Error> {
        let guard = RevisionGuard::begin(conn, false)?;
        history::ensure(guard.tx(), &self.history_table)?;
        let rows = history::read(guard.tx(), &self.history_table)?;
        guard.commit()?;
        Ok(rows)
    }

    /// The applied revisions must be exactly the first ones of the history,
    /// unchanged since they were applied.
    fn verify(&self, applied: &[HistoryRow], options: &Options) -> Result<(), Error> {
        for row in applied {
            if !self.revisions.iter().any(|r| r.id == row.id) {
                return Err(Error::from(ErrorKind::UnknownRevision {
                    revision: row.id.clone(),
                }));
            }
        }
        // Applied revisions must be a prefix of the history.
        let is_applied = |id: &str| applied.iter().any(|a| a.id == id);
        if let Some(first_missing) = self.revisions.iter().position(|r| !is_applied(&r.id)) {
            if let Some(later) = self.revisions[first_missing..]
                .iter()
                .find(|r| is_applied(&r.id))
            {
                return Err(Error::from(ErrorKind::OutOfOrder {
                    missing: self.revisions[first_missing].id.to_string(),
                    later: later.id.to_string(),
                }));
            }
        }
        if options.verify_checksums {
            for row in applied {
                let changed = self
                    .revisions
                    .iter()
                    .find(|r| r.id == row.id && r.checksum != row.checksum);
                if let Some(rev) = changed {
                    return Err(Error::from(ErrorKind::ChecksumMismatch {
                        revision: row.id.clone(),
                        recorded: row.checksum.clone(),
                        expected: rev.checksum.to_string(),
                    }));
                }
            }
        }
        Ok(())
    }

    fn apply_one(
        &self,
        conn: &Connection,
        rev: &Revision,
        report: &mut Report,
    ) -> Result<(), Error> {
        let started = Instant::now();
        let mut guard = RevisionGuard::begin(conn, rev.needs_rebuild())?;
        // Read inside the write lock: another process may have applied it
        // since this run read the history.
        if history::is_applied(guard.tx(), &self.history_table, &rev.id)? {
            report.applied_elsewhere.push(rev.id.to_string());
            return Ok(());
        }
        let mut removed = Vec::new();
        for step in rev.steps.iter() {
            match step {
                Step::Execute(st) => execute(guard.tx(), &rev.id, st)?,
                Step::RawSql(st) => raw::run(guard.tx(), &rev.id, st)?,
                Step::Rebuild(r) => {
                    let outcome = rebuild::run(&mut guard, &rev.id, r)?;
                    removed.extend(outcome.removed_leftover);
                }
                Step::Hook(h) => {
                    let hook = rev.hooks.get(h.index).ok_or_else(|| {
                        Error::from(ErrorKind::Hook {
                            revision: rev.id.to_string(),
                            hook: h.name.to_string(),
                            source:
                                "hook missing from the compiled revision (a bug in migrate-dsl)"
                                    .into(),
                        })
                    })?;
                    hook(guard.tx()).map_err(|source| {
                        Error::from(ErrorKind::Hook {
                            revision: rev.id.to_string(),
                            hook: h.name.to_string(),
                            source,
                        })
                    })?;
                }
            }
        }
        let duration = started.elapsed();
        hit(FaultPoint::BeforeHistoryWrite)?;
        let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        history::record(guard.tx(), &self.history_table, &rev.id, &rev.checksum, ms)?;
        hit(FaultPoint::BeforeCommit)?;
        guard.commit()?;
        report.removed_leftovers.extend(removed);
        report.applied.push(AppliedRevision {
            id: rev.id.to_string(),
            duration,
        });
        Ok(())
    }
}

fn execute(conn: &Connection, revision: &str, st: &Statement) -> Result<(), Error> {
    conn.execute(&st.sql, []).map(drop).map_err(|source| {
        Error::from(ErrorKind::Sql {
            revision: revision.to_owned(),
            operation: st.operation.to_string(),
            table: st.table.to_string(),
            sql: st.sql.to_string(),
            source,
        })
    })
}

/// Sets the busy timeout for the run and restores the previous one after.
struct BusyTimeout<'c> {
    conn: &'c Connection,
    previous_ms: Option<i64>,
}

impl<'c> BusyTimeout<'c> {
    fn set(conn: &'c Connection, timeout: Option<Duration>) -> Result<Self, Error> {
        let Some(timeout) = timeout else {
            return Ok(BusyTimeout {
                conn,
                previous_ms: None,
            });
        };
        let err = |action: &str| {
            let action = action.to_owned();
            move |source| Error::from(ErrorKind::Connection { action, source })
        };
        let previous: i64 = conn
            .pragma_query_value(None, "busy_timeout", |r| r.get(0))
            .map_err(err("read the busy timeout"))?;
        conn.busy_timeout(timeout)
            .map_err(err("set the busy timeout"))?;
        Ok(BusyTimeout {
            conn,
            previous_ms: Some(previous),
        })
    }
}

impl Drop for BusyTimeout<'_> {
    fn drop(&mut self) {
        if let Some(ms) = self.previous_ms {
            let _ = self.conn.pragma_update(None, "busy_timeout", ms);
        }
    }
}
