//! How a run behaves: [`Options`].

use crate::progress::{Progress, ProgressFn};
use std::collections::BTreeSet;
use std::time::Duration;

/// How a run behaves.
#[derive(Clone)]
#[non_exhaustive]
pub struct Options {
    /// How long to wait for another connection's write lock before failing
    /// with "database is locked". `None` keeps the connection's own setting.
    pub busy_timeout: Option<Duration>,
    /// Compare the checksum of every applied revision with its definition
    /// (default `true`). Turn off only for a known-harmless edit.
    pub verify_checksums: bool,
    /// Flags for data steps: a `run h when "f";` hook runs only when `f` is
    /// set, a `run h unless "f";` hook only when it is not, and every hook
    /// sees them in its [`HookContext`](crate::HookContext). Empty by default.
    pub flags: BTreeSet<String>,
    /// Called while a rebuild copies rows (see [`Progress`]); `None` by
    /// default.
    pub progress: Option<ProgressFn>,
    /// PostgreSQL: how long a statement waits for a lock before the
    /// revision fails (`SET LOCAL lock_timeout`), so a migration does not
    /// queue behind a long query while every later query queues behind
    /// it, and how long a run waits for another run's migration lock
    /// ([`crate::ErrorKind::MigrationLocked`]); 5 s by default, `None`
    /// keeps the server's setting and waits for the lock as long as it
    /// takes.
    pub lock_timeout: Option<Duration>,
    /// PostgreSQL: how long one statement may run (`SET LOCAL
    /// statement_timeout`); `None` (the default) keeps the server's.
    pub statement_timeout: Option<Duration>,
    /// [`Migrations::create_fresh`](crate::Migrations::create_fresh) only:
    /// build the head schema even when the history changes data (`insert`,
    /// `run`, `sql`), without the rows those steps would write. `false` by
    /// default: such a history is refused.
    pub schema_only: bool,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("busy_timeout", &self.busy_timeout)
            .field("verify_checksums", &self.verify_checksums)
            .field("flags", &self.flags)
            .field("progress", &self.progress.as_ref().map(|_| "Fn(&Progress)"))
            .field("lock_timeout", &self.lock_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("schema_only", &self.schema_only)
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            busy_timeout: Some(Duration::from_secs(5)),
            verify_checksums: true,
            flags: BTreeSet::new(),
            progress: None,
            lock_timeout: Some(Duration::from_secs(5)),
            statement_timeout: None,
            schema_only: false,
        }
    }
}

impl Options {
    /// Sets [`Options::busy_timeout`].
    pub fn busy_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Sets [`Options::lock_timeout`] (PostgreSQL).
    pub fn lock_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Sets [`Options::statement_timeout`] (PostgreSQL).
    pub fn statement_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// Sets [`Options::verify_checksums`].
    pub fn verify_checksums(mut self, verify: bool) -> Self {
        self.verify_checksums = verify;
        self
    }

    /// Sets [`Options::progress`]: `report` is called with the rows copied
    /// so far while a table rebuild copies its rows, driven by SQLite's
    /// progress handler (which the run installs on the connection and
    /// removes after, replacing any the caller had).
    pub fn progress(mut self, report: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(std::sync::Arc::new(report));
        self
    }

    /// Sets [`Options::schema_only`].
    pub fn schema_only(mut self, schema_only: bool) -> Self {
        self.schema_only = schema_only;
        self
    }

    /// Sets a flag (see [`Options::flags`]).
    pub fn flag(mut self, flag: impl Into<String>) -> Self {
        self.flags.insert(flag.into());
        self
    }
}
