//! Applying a history to PostgreSQL through the `postgres` client.
//!
//! The runner owns every transaction (never the driver's autocommit: a
//! temporary table made `ON COMMIT DROP` lives as long as the transaction
//! the runner opened). A run first takes the history's advisory lock for
//! its session (asked for until free or `lock_timeout`, see `take_lock`;
//! released when the run ends, however it ends, or when the connection
//! closes), so concurrent runners take turns and each revision is applied
//! once; then each revision runs in a transaction of its own with its
//! history row, the history read again at its start. `lock_timeout` and
//! `statement_timeout` ([`Options`]) are set for each transaction (`SET
//! LOCAL`), so a migration does not queue behind a long query while
//! everyone else queues behind it. (A session lock needs a session: behind
//! a pooler in transaction mode, migrate on a direct connection.)

use super::ledger::{ledger_exists, newest_digest, newest_rows, read_history, read_if_exists};
use crate::drift::Drift;
use crate::engine::{Database, Engine, Ledger, Notes, Outcome, Start, Work};
use crate::error::{Context, Error, ErrorKind};
use crate::history::{self, HistoryRow, Sql};
use crate::hook::{failed, prepare};
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::report::Report;
use crate::run::{Course, Direction, Target};
use crate::status::Status;
use migrate_dsl_core::plan::PgStep;
use migrate_dsl_core::sql;
use postgres::{Client, Transaction};
use std::time::{Duration, Instant};

impl crate::engine::sealed::Sealed for &mut Client {}

impl Database for &mut Client {
    type Again<'a>
        = &'a mut Client
    where
        Self: 'a;
    fn again(&mut self) -> &mut Client {
        self
    }
    fn migrate(
        self,
        m: &Migrations,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        m.refuse_for_postgres()?;
        locked(self, m, options, |client| {
            let mut engine = Postgres {
                client,
                options,
                ledger: Sql::postgres(&m.history_table),
                stored: String::new(),
            };
            crate::run::drive(m, &mut engine, target, options)
        })
    }

    fn status(self, m: &Migrations) -> Result<Status, Error> {
        Ok(m.status_of(read_if_exists(self, &m.history_table)?))
    }

    fn up_to_date(self, m: &Migrations) -> Result<bool, Error> {
        let table = &*m.history_table;
        if m.revisions.is_empty() {
            return Ok(true);
        }
        if !ledger_exists(self, table)? {
            return Ok(false);
        }
        let newest = history::newest_of(&newest_rows(self, table)?);
        match newest {
            Some((id, digest)) => match m.proven(&id, digest.as_deref()) {
                Some(count) => Ok(count == m.revisions.len()),
                None => Ok(m.status_of(read_history(self, table)?).is_up_to_date()),
            },
            None => Ok(false),
        }
    }

    fn check(self, m: &Migrations) -> Result<Vec<Drift>, Error> {
        m.refuse_for_postgres()?;
        if read_if_exists(self, &m.history_table)?.is_empty() {
            if let Some(e) = unstamped(self, m)? {
                return Err(e);
            }
        }
        m.check_postgres(self)
    }

    fn stamp(self, m: &Migrations, target: Option<&str>) -> Result<Report, Error> {
        m.refuse_for_postgres()?;
        let options = Options::default();
        locked(self, m, &options, |client| {
            let mut engine = Postgres {
                client,
                options: &options,
                ledger: Sql::postgres(&m.history_table),
                stored: String::new(),
            };
            crate::run::stamp(m, &mut engine, target)
        })
    }

    fn create_fresh(self, m: &Migrations, options: &Options) -> Result<Report, Error> {
        m.refuse_for_postgres()?;
        let status = self.status(m)?;
        if let Some(row) = status.applied.last() {
            return Err(ErrorKind::NotFresh(crate::error::NotFresh::NotEmpty {
                objects: vec![format!("revision `{}` recorded as applied", row.id)],
            })
            .into());
        }
        // The head schema is rendered for SQLite only: reached here by the
        // history's own statements, in one run.
        self.migrate(m, Target::Head, options)
    }
}

/// [`ErrorKind::NotStamped`] when the database has tables although no
/// revision is applied; `None` when it has none.
fn unstamped(client: &mut Client, m: &Migrations) -> Result<Option<Error>, Error> {
    let q = "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1 ORDER BY 1";
    let tables: Vec<String> = client
        .query(q, &[&&*m.history_table])
        .map_err(pg(None, q))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if tables.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        ErrorKind::NotStamped {
            tables,
            matches: None,
            history_table: m.history_table.to_string(),
            dialect: migrate_dsl_core::op::Dialect::Postgres,
        }
        .into(),
    ))
}

/// Whether `e` is PostgreSQL refusing to create a table or another object
/// that exists.
fn already_exists(e: &Error) -> bool {
    use postgres::error::SqlState;
    match e.kind() {
        ErrorKind::Postgres { source, .. } => matches!(
            source.code(),
            Some(&SqlState::DUPLICATE_TABLE | &SqlState::DUPLICATE_OBJECT)
        ),
        _ => false,
    }
}

/// Runs `work` holding the history's advisory lock, released on every
/// exit, a panic included (by then the revision's transaction is rolled
/// back).
fn locked<T>(
    client: &mut Client,
    m: &Migrations,
    options: &Options,
    work: impl FnOnce(&mut Client) -> Result<T, Error>,
) -> Result<T, Error> {
    let lock = lock_key(&m.history_table);
    take_lock(client, options, lock)?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut *client)));
    let release = "SELECT pg_advisory_unlock($1)";
    let released = client.execute(release, &[&lock]);
    match result {
        Ok(result) => {
            let value = result?;
            released.map_err(pg(None, release))?;
            Ok(value)
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The PostgreSQL side of a run: one transaction per revision with its
/// history row, the history's lock held by the caller ([`locked`]) for
/// the whole run, so the ledger is read once.
struct Postgres<'c> {
    client: &'c mut Client,
    options: &'c Options,
    ledger: Sql<'c>,
    /// The newest history row's digest (`""`: none), which the next row's
    /// chains from.
    stored: String,
}

impl Postgres<'_> {
    /// One revision one way, in a transaction of its own (an index built
    /// concurrently: outside any).
    fn run_revision(&mut self, m: &Migrations, work: Work<'_>) -> Result<Outcome, Error> {
        let rev = &m.revisions[work.index];
        let steps = super::steps(rev, work.direction)?;
        let record = match work.direction {
            Direction::Up => self.ledger.insert(),
            Direction::Down => self.ledger.delete(),
        };
        let digest =
            (work.direction == Direction::Up).then(|| chained(&self.stored, m, work.index));
        if let (
            Some(digest),
            [PgStep::ConcurrentIndex {
                index,
                concurrently,
                ..
            }],
        ) = (&digest, steps)
        {
            // Outside any transaction.
            let built = Concurrent {
                options: self.options,
                index: &index[..],
                statement: &concurrently[..],
                record: &record,
                digest,
            };
            built.run(self.client, rev)?;
            self.stored.clone_from(digest);
            return Ok(Outcome::Done(Notes {
                duration: work.started.elapsed(),
                ..Notes::default()
            }));
        }
        let mut tx = begin(self.client, self.options)?;
        let mut notes = Notes::default();
        for step in steps {
            match step {
                PgStep::Execute(statement) | PgStep::Rows(statement) => {
                    run(&mut tx, statement, Some(rev.id()))?
                }
                // Always alone in its revision (the checker's rule).
                PgStep::ConcurrentIndex { plain, .. } => run(&mut tx, plain, Some(rev.id()))?,
                // A panic unwinds through `tx`, whose drop rolls back.
                PgStep::Hook(call) => {
                    let hook = prepare(
                        rev.id(),
                        call,
                        &rev.pg_hooks,
                        work.cx,
                        &mut notes.skipped_hooks,
                    )?;
                    if let Some(hook) = hook {
                        hook(&mut tx, work.cx).map_err(failed(rev.id(), call))?;
                    }
                }
            }
        }
        notes.duration = work.started.elapsed();
        let ms = i64::try_from(notes.duration.as_millis()).unwrap_or(i64::MAX);
        match &digest {
            Some(digest) => tx.execute(&record, &[&rev.id(), &rev.checksum(), &ms, digest]),
            None => tx.execute(&record, &[&rev.id()]),
        }
        .map_err(pg(Some(rev.id()), &record))?;
        // Undone: the newest row is now the one before.
        let newest = match digest {
            Some(digest) => digest,
            None => newest_digest(&mut tx, &m.history_table)?,
        };
        tx.commit().map_err(pg(Some(rev.id()), "COMMIT"))?;
        self.stored = newest;
        Ok(Outcome::Done(notes))
    }
}

impl Engine for Postgres<'_> {
    fn start(&mut self, m: &Migrations) -> Result<Start, Error> {
        let table = &*m.history_table;
        // The history table, made under the lock (two runners creating it
        // at once would collide in the catalog).
        let mut tx = begin(self.client, self.options)?;
        run(&mut tx, &self.ledger.create(), None)?;
        let newest = history::newest_of(&newest_rows(&mut tx, table)?);
        let ledger = match newest {
            None => Ledger::Proven(0),
            Some((id, digest)) => match m.proven(&id, digest.as_deref()) {
                Some(count) => {
                    self.stored = digest.unwrap_or_default();
                    Ledger::Proven(count)
                }
                None => Ledger::Rows(read_history(&mut tx, table)?),
            },
        };
        tx.commit().map_err(pg(None, "COMMIT"))?;
        Ok(Start {
            ledger,
            removed: Vec::new(),
        })
    }

    /// Rows from before digests were written, or written by an offline
    /// script, are given theirs.
    fn verified(&mut self, _: &Migrations, rows: &[HistoryRow]) -> Result<(), Error> {
        let digests = history::chain(rows.iter().map(|r| (&*r.id, &*r.checksum)));
        let set = self.ledger.set_digest();
        let mut tx = begin(self.client, self.options)?;
        for (row, digest) in rows.iter().zip(&digests) {
            tx.execute(&set, &[digest, &row.id])
                .map_err(pg(None, &set))?;
        }
        tx.commit().map_err(pg(None, "COMMIT"))?;
        self.stored = digests.last().cloned().unwrap_or_default();
        Ok(())
    }

    fn can_run(&mut self, m: &Migrations, course: &Course) -> Result<(), Error> {
        course
            .revisions
            .iter()
            .try_for_each(|&i| super::steps(&m.revisions[i], course.direction).map(drop))
    }

    fn revision(&mut self, m: &Migrations, work: Work<'_>) -> Result<Outcome, Error> {
        let first_up = work.index == 0 && work.direction == Direction::Up;
        match self.run_revision(m, work) {
            // A database made another way: say to stamp it.
            Err(e) if first_up && already_exists(&e) => {
                Err(unstamped(self.client, m)?.unwrap_or(e))
            }
            result => result,
        }
    }

    fn mark(&mut self, m: &Migrations, course: &Course) -> Result<(), Error> {
        let mut tx = begin(self.client, self.options)?;
        for &i in &course.revisions {
            let rev = &m.revisions[i];
            match course.direction {
                Direction::Up => {
                    let digest = chained(&self.stored, m, i);
                    let insert = self.ledger.insert();
                    tx.execute(&insert, &[&rev.id(), &rev.checksum(), &0_i64, &digest])
                        .map_err(pg(None, &insert))?;
                    self.stored = digest;
                }
                Direction::Down => {
                    let delete = self.ledger.delete();
                    tx.execute(&delete, &[&rev.id()])
                        .map_err(pg(None, &delete))?;
                }
            }
        }
        if course.direction == Direction::Down {
            self.stored = newest_digest(&mut tx, &m.history_table)?;
        }
        tx.commit().map_err(pg(None, "COMMIT"))
    }

    fn finish(&mut self) -> Result<(), Error> {
        // Every revision was committed as it ran.
        Ok(())
    }
}

/// The ledger row digest of revision `index` written after the newest
/// row, whose digest is `stored`: the chain the one-lookup proof checks.
fn chained(stored: &str, m: &Migrations, index: usize) -> String {
    let rev = &m.revisions[index];
    let before = index
        .checked_sub(1)
        .map_or("", |i| &*m.revisions[i].plan.digest);
    history::next_digest(stored, (before, &rev.plan.digest), rev.id(), rev.checksum())
}

impl Migrations {
    /// Refuses, before anything is sent, a history that does not target
    /// PostgreSQL.
    pub(super) fn refuse_for_postgres(&self) -> Result<(), Error> {
        self.revisions
            .iter()
            .try_for_each(|rev| super::up_steps(rev).map(drop))
    }
}

/// A revision that builds an index `concurrently`: outside any
/// transaction (the run holds the history's lock for the session).
struct Concurrent<'a> {
    options: &'a Options,
    index: &'a str,
    statement: &'a str,
    /// The history row's `INSERT` and the row's digest.
    record: &'a str,
    digest: &'a str,
}

impl Concurrent<'_> {
    /// Builds the index of `rev` and records it, with the
    /// run's timeouts set for the session meanwhile and reset after,
    /// whatever happens.
    fn run(&self, client: &mut Client, rev: &Revision) -> Result<(), Error> {
        let set = timeouts(self.options, "SET");
        client.batch_execute(&set).map_err(pg(None, &set))?;
        let built = self.build(client, rev);
        let reset = "RESET lock_timeout; RESET statement_timeout";
        let reset = client.batch_execute(reset).map_err(pg(None, reset));
        built.and(reset)
    }

    fn build(&self, client: &mut Client, rev: &Revision) -> Result<(), Error> {
        // An index of that name while the revision is pending: an INVALID
        // one a failed build left, or one built by a run that stopped
        // before its history row. Either way it is built again.
        let drop = format!(
            "DROP INDEX CONCURRENTLY IF EXISTS {}",
            sql::ident(self.index)
        );
        client
            .batch_execute(&drop)
            .map_err(pg(Some(rev.id()), &drop))?;
        let started = Instant::now();
        tracing::debug!(sql = self.statement, "executing on PostgreSQL");
        if let Err(e) = client.batch_execute(self.statement) {
            // A failed concurrent build leaves an INVALID index behind.
            let _ = client.batch_execute(&drop);
            return Err(pg(Some(rev.id()), self.statement)(e));
        }
        let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let mut tx = client.transaction().map_err(pg(None, "BEGIN"))?;
        tx.execute(
            self.record,
            &[&rev.id(), &rev.checksum(), &ms, &self.digest],
        )
        .map_err(pg(Some(rev.id()), self.record))?;
        tx.commit().map_err(pg(Some(rev.id()), "COMMIT"))
    }
}

/// A transaction with the run's timeouts.
fn begin<'c>(client: &'c mut Client, options: &Options) -> Result<Transaction<'c>, Error> {
    let mut tx = client.transaction().map_err(pg(None, "BEGIN"))?;
    let set = timeouts(options, "SET LOCAL");
    if !set.is_empty() {
        run(&mut tx, &set, None)?;
    }
    Ok(tx)
}

/// Takes the history's advisory lock for the session, asking
/// (`pg_try_advisory_lock`) again with a growing pause until it is free or
/// `lock_timeout` has passed.
///
/// Asked, never waited for inside the server or a transaction: a waiting
/// statement or an open transaction holds a snapshot, and `CREATE INDEX
/// CONCURRENTLY` (run by the holder) waits for every older snapshot, so
/// the two runners would deadlock. Between questions a waiting runner
/// holds nothing.
fn take_lock(client: &mut Client, options: &Options, lock: i64) -> Result<(), Error> {
    let try_lock = "SELECT pg_try_advisory_lock($1)";
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        let taken: bool = client
            .query_one(try_lock, &[&lock])
            .map_err(pg(None, try_lock))?
            .get(0);
        if taken {
            return Ok(());
        }
        let waited = started.elapsed();
        if options.lock_timeout.is_some_and(|limit| waited >= limit) {
            return Err(ErrorKind::MigrationLocked {
                waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
            }
            .into());
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// `lock_timeout` and `statement_timeout` of `options`, as `set` (`SET`
/// for the session, `SET LOCAL` for a transaction) statements.
fn timeouts(options: &Options, set: &str) -> String {
    let mut out = String::new();
    for (setting, value) in [
        ("lock_timeout", options.lock_timeout),
        ("statement_timeout", options.statement_timeout),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{set} {setting} = {}; ", millis(value)));
        }
    }
    out
}

fn millis(d: Duration) -> u128 {
    d.as_millis().max(1)
}

/// Executes one statement of revision `revision` (or of the runner).
fn run(tx: &mut Transaction<'_>, statement: &str, revision: Option<&str>) -> Result<(), Error> {
    tracing::debug!(sql = statement, "executing on PostgreSQL");
    tx.batch_execute(statement).map_err(pg(revision, statement))
}

/// The advisory lock of history table `table`: FNV-1a of its name, so two
/// histories in one database do not wait for each other.
fn lock_key(table: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "migrate-dsl:".bytes().chain(table.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// Maps a PostgreSQL error of `statement` (in `revision`, if any).
pub(super) fn pg(revision: Option<&str>, statement: &str) -> impl FnOnce(postgres::Error) -> Error {
    let (revision, statement) = (revision.map(str::to_owned), statement.to_owned());
    move |source| {
        let message = match source.as_db_error() {
            Some(db) => {
                let mut m = format!("{}: {}", db.severity(), db.message());
                if let Some(detail) = db.detail() {
                    m.push_str(&format!(" ({detail})"));
                }
                m
            }
            None => source.to_string(),
        };
        match revision {
            Some(revision) => Error::at(
                Context::revision(&revision).sql(&statement),
                ErrorKind::Postgres { message, source },
            ),
            // The runner's own statement: no revision to name.
            None => Error::from(ErrorKind::Postgres {
                message: format!("{message}\n  SQL: {statement}"),
                source,
            }),
        }
    }
}
