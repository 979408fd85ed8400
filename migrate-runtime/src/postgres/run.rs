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

use crate::error::{Context, Error, ErrorKind};
use crate::history::{self, HistoryRow, Sql};
use crate::hook::{failed, prepare, HookContext};
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::report::{AppliedRevision, Report};
use crate::run::{Course, Direction, Target};
use crate::status::Status;
use migrate_dsl_core::plan::PgStep;
use migrate_dsl_core::sql;
use postgres::{Client, GenericClient, Transaction};
use std::time::{Duration, Instant};

impl Migrations {
    /// Applies every pending revision to the PostgreSQL database of
    /// `client`: `migrate_postgres(client, Target::Head, &Options::default())`.
    pub fn apply_pending_postgres(&self, client: &mut Client) -> Result<Report, Error> {
        self.migrate_postgres(client, Target::Head, &Options::default())
    }

    /// Moves the PostgreSQL database of `client` to `target`, up or down,
    /// one revision per transaction with its history row (see the module
    /// documentation of `postgres/run.rs` for locking and timeouts). The
    /// history must target PostgreSQL (`dialects sqlite, postgres;`);
    /// a `run` hook calls its `postgres:` function with the revision's
    /// transaction (a panic in it rolls the revision back and propagates;
    /// an error rolls it back and is returned). A move down is refused
    /// whole, before anything changes, when a revision on the way cannot
    /// be undone.
    pub fn migrate_postgres(
        &self,
        client: &mut Client,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        if let Target::UpTo(id) | Target::DownTo(id) = target {
            self.count_through(Some(id))?;
        }
        self.refuse_for_postgres()?;
        let lock = lock_key(&self.history_table);
        take_lock(client, options, lock)?;
        // Released on every exit, a panic in a hook included (its
        // revision's transaction is rolled back by then).
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.migrate_postgres_locked(client, target, options, started)
        }));
        let release = "SELECT pg_advisory_unlock($1)";
        let released = client.execute(release, &[&lock]);
        match run {
            Ok(report) => {
                let report = report?;
                released.map_err(pg(None, release))?;
                Ok(report)
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// [`Migrations::migrate_postgres`] once the history's lock is held.
    fn migrate_postgres_locked(
        &self,
        client: &mut Client,
        target: Target<'_>,
        options: &Options,
        started: Instant,
    ) -> Result<Report, Error> {
        let table = &*self.history_table;
        let ledger = Sql::postgres(table);
        let mut report = Report::default();
        // The history table, made under the lock (two runners creating it
        // at once would collide in the catalog), and where the database
        // stands: read once, as the lock keeps other runners out until
        // this run ends.
        let mut tx = begin(client, options)?;
        run(&mut tx, &ledger.create(), None)?;
        let (mut count, mut stored) = self.applied_on_postgres(&mut tx, options)?;
        tx.commit().map_err(pg(None, "COMMIT"))?;
        let goal = match self.course(count, target)? {
            Course::Up(range) => range.end.max(count),
            Course::Down(undo) => count - undo.len(),
        };
        // One revision per transaction.
        while count != goal {
            let mut tx = begin(client, options)?;
            let revision_started = Instant::now();
            let direction = if count < goal {
                Direction::Up
            } else {
                Direction::Down
            };
            let up = direction == Direction::Up;
            let (rev, steps, record) = match direction {
                Direction::Up => {
                    let rev = &self.revisions[count];
                    (rev, rev.postgres.as_deref(), ledger.insert())
                }
                Direction::Down => {
                    let rev = &self.revisions[count - 1];
                    (rev, rev.postgres_down.as_deref(), ledger.delete())
                }
            };
            // The row's digest, chained from the newest row's.
            let digest = up.then(|| {
                let before = count
                    .checked_sub(1)
                    .map_or("", |i| &*self.revisions[i].digest);
                history::next_digest(&stored, (before, &rev.digest), rev.id(), rev.checksum())
            });
            let Some(steps) = steps else {
                return Err(super::irreversible(rev));
            };
            if let [PgStep::ConcurrentIndex {
                index,
                concurrently,
                ..
            }] = steps
            {
                // Outside any transaction: this one only held the lock.
                tx.commit().map_err(pg(None, "COMMIT"))?;
                let digest = digest.unwrap_or_default();
                let built = Concurrent {
                    options,
                    index: &index[..],
                    statement: &concurrently[..],
                    record: &record,
                    digest: &digest,
                };
                built.run(client, rev)?;
                (count, stored) = (count + 1, digest);
                tracing::info!(revision = rev.id(), "applied on PostgreSQL");
                report.applied.push(AppliedRevision {
                    id: rev.id().to_owned(),
                    duration: revision_started.elapsed(),
                });
                continue;
            }
            let cx = HookContext {
                revision: rev.id(),
                revert: !up,
                flags: &options.flags,
            };
            let mut skipped = Vec::new();
            for step in steps {
                match step {
                    PgStep::Execute(statement) | PgStep::Rows(statement) => {
                        run(&mut tx, statement, Some(rev.id()))?
                    }
                    // Always alone in its revision (the checker's rule).
                    PgStep::ConcurrentIndex { plain, .. } => run(&mut tx, plain, Some(rev.id()))?,
                    // A panic unwinds through `tx`, whose drop rolls back.
                    PgStep::Hook(call) => {
                        let hook = prepare(rev.id(), call, &rev.pg_hooks, &cx, &mut skipped)?;
                        if let Some(hook) = hook {
                            hook(&mut tx, &cx).map_err(failed(rev.id(), call))?;
                        }
                    }
                }
            }
            let duration = revision_started.elapsed();
            let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
            match &digest {
                Some(digest) => tx.execute(&record, &[&rev.id(), &rev.checksum(), &ms, digest]),
                None => tx.execute(&record, &[&rev.id()]),
            }
            .map_err(pg(Some(rev.id()), &record))?;
            // Undone: the newest row is now the one before.
            let newest = match digest {
                Some(digest) => digest,
                None => newest_digest(&mut tx, table)?,
            };
            tx.commit().map_err(pg(Some(rev.id()), "COMMIT"))?;
            (count, stored) = (if up { count + 1 } else { count - 1 }, newest);
            report.skipped_hooks.extend(skipped);
            let done = AppliedRevision {
                id: rev.id().to_owned(),
                duration,
            };
            if up {
                tracing::info!(revision = rev.id(), "applied on PostgreSQL");
                report.applied.push(done);
            } else {
                tracing::info!(revision = rev.id(), "reverted on PostgreSQL");
                report.reverted.push(done);
            }
        }
        report.duration = started.elapsed();
        Ok(report)
    }

    /// How many revisions the database has and its newest row's digest:
    /// one lookup when that digest proves the rows are this history's
    /// first ones, unchanged; otherwise every row is read and verified,
    /// and given its digest (rows from before digests were written, or
    /// written by an offline script).
    fn applied_on_postgres(
        &self,
        tx: &mut Transaction<'_>,
        options: &Options,
    ) -> Result<(usize, String), Error> {
        let ledger = Sql::postgres(&self.history_table);
        let newest = history::newest_of(&newest_rows(tx, &self.history_table)?);
        if let Some((id, Some(digest))) = &newest {
            if let Some(count) = self.proven(id, Some(digest)) {
                return Ok((count, digest.clone()));
            }
        }
        if newest.is_none() {
            return Ok((0, String::new()));
        }
        let applied = read_history(tx, &self.history_table)?;
        self.verify(&applied, options)?;
        let digests = history::chain(applied.iter().map(|r| (&*r.id, &*r.checksum)));
        let set = ledger.set_digest();
        for (row, digest) in applied.iter().zip(&digests) {
            tx.execute(&set, &[digest, &row.id])
                .map_err(pg(None, &set))?;
        }
        Ok((applied.len(), digests.last().cloned().unwrap_or_default()))
    }

    /// Where the PostgreSQL database of `client` stands: applied (with
    /// when and how long), pending, unknown and edited revisions. Reads
    /// only; a database without the history table has everything pending.
    pub fn status_postgres(&self, client: &mut Client) -> Result<Status, Error> {
        let table = &*self.history_table;
        let exists = "SELECT to_regclass($1) IS NOT NULL";
        let quoted = sql::ident(table);
        let found: bool = client
            .query_one(exists, &[&quoted])
            .map_err(pg(None, exists))?
            .get(0);
        let applied = if found {
            read_history(client, table)?
        } else {
            Vec::new()
        };
        Ok(self.status_of(applied))
    }

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

pub(super) fn read_history(
    tx: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<HistoryRow>, Error> {
    let q = Sql::postgres(table).read();
    let rows = tx.query(&q, &[]).map_err(pg(None, &q))?;
    Ok(rows
        .iter()
        .map(|r| HistoryRow {
            id: r.get(0),
            checksum: r.get(1),
            applied_at: r.get(2),
            duration: Duration::from_millis(u64::try_from(r.get::<_, i64>(3)).unwrap_or(0)),
        })
        .collect())
}

/// The newest row's digest (`""` without rows; it was written by this
/// run or given by `applied_on_postgres`).
fn newest_digest(tx: &mut Transaction<'_>, table: &str) -> Result<String, Error> {
    let rows = newest_rows(tx, table)?;
    Ok(rows.first().and_then(|r| r.2.clone()).unwrap_or_default())
}

/// The two newest rows' id, checksum and digest ([`Sql::newest_two`]).
fn newest_rows(
    tx: &mut Transaction<'_>,
    table: &str,
) -> Result<Vec<(String, String, Option<String>)>, Error> {
    let q = Sql::postgres(table).newest_two();
    Ok(tx
        .query(&q, &[])
        .map_err(pg(None, &q))?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
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
