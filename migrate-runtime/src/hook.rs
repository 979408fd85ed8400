//! `run` hooks: the context they receive, and the two signatures they may
//! have.

use crate::error::{BoxError, Context, Error, ErrorKind};
use crate::report::SkippedHook;
use migrate_dsl_core::plan::HookCall;
use rusqlite::Connection;
use std::collections::BTreeSet;

/// A compiled `run` hook: called on the connection while its revision's
/// transaction (or, inside a caller's transaction, its savepoint) is open.
pub type HookFn = fn(&Connection, &HookContext<'_>) -> Result<(), BoxError>;

/// What a `run` hook knows about the run calling it: the revision, the
/// direction, and the flags the caller set with [`crate::Options::flag`]
/// (Alembic's `-x data=true`).
///
/// ```
/// use migrate_dsl::{migration, rusqlite::Connection, BoxError, HookContext, Options, Target};
///
/// migration! {
///     static MIGRATIONS;
///     revision "0001" {
///         create table notes { id integer primary key, body text not null }
///         run seed;
///     }
/// }
///
/// fn seed(conn: &Connection, cx: &HookContext) -> Result<(), BoxError> {
///     let rows = if cx.flag("large") { 100 } else { 1 };
///     for i in 0..rows {
///         conn.execute("INSERT INTO notes (body) VALUES (?1)", [format!("{} #{i}", cx.revision())])?;
///     }
///     Ok(())
/// }
///
/// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
/// MIGRATIONS.migrate(&mut conn, Target::Head, &Options::default().flag("large"))?;
/// let n: i64 = conn.query_row("SELECT count(*) FROM notes", [], |r| r.get(0))?;
/// assert_eq!(n, 100);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct HookContext<'a> {
    pub(crate) revision: &'a str,
    pub(crate) revert: bool,
    pub(crate) flags: &'a BTreeSet<String>,
}

impl HookContext<'_> {
    /// The id of the revision the hook belongs to.
    pub fn revision(&self) -> &str {
        self.revision
    }

    /// Whether the hook runs in a `down` block (the revision is being reverted).
    pub fn is_revert(&self) -> bool {
        self.revert
    }

    /// Whether the caller set `flag`.
    pub fn flag(&self, flag: &str) -> bool {
        self.flags.contains(flag)
    }

    /// Every flag the caller set, in order.
    pub fn flags(&self) -> impl Iterator<Item = &str> {
        self.flags.iter().map(String::as_str)
    }
}

/// A function usable as a `run` hook: `fn(&Connection) -> Result<(), E>`
/// or `fn(&Connection, &HookContext) -> Result<(), E>`, where `E` converts
/// into [`BoxError`]. `Args` tells the two apart; it is inferred.
///
/// The connection has the revision's transaction open — or, when the caller
/// already held a transaction, the revision's savepoint — so everything the
/// hook does commits or rolls back with the revision. A hook must not
/// commit, roll back or begin a transaction itself.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `run` hook",
    label = "not `fn(&Connection) -> Result<(), E>` or `fn(&Connection, &HookContext) -> Result<(), E>`",
    note = "a hook takes `&migrate_dsl::rusqlite::Connection` (the revision's transaction is open on it) and optionally `&migrate_dsl::HookContext`, and returns `Result<(), E>` where `E: Into<migrate_dsl::BoxError>`"
)]
pub trait Hook<Args> {
    /// Calls the hook.
    fn call(self, conn: &Connection, cx: &HookContext<'_>) -> Result<(), BoxError>;
}

/// The marker of hooks taking only the connection.
#[doc(hidden)]
pub struct TxOnly<E>(std::marker::PhantomData<E>);

/// The marker of hooks taking the connection and the context.
#[doc(hidden)]
pub struct TxAndContext<E>(std::marker::PhantomData<E>);

impl<F, E> Hook<TxOnly<E>> for F
where
    F: FnOnce(&Connection) -> Result<(), E>,
    E: Into<BoxError>,
{
    fn call(self, conn: &Connection, _: &HookContext<'_>) -> Result<(), BoxError> {
        self(conn).map_err(Into::into)
    }
}

impl<F, E> Hook<TxAndContext<E>> for F
where
    F: FnOnce(&Connection, &HookContext<'_>) -> Result<(), E>,
    E: Into<BoxError>,
{
    fn call(self, conn: &Connection, cx: &HookContext<'_>) -> Result<(), BoxError> {
        self(conn, cx).map_err(Into::into)
    }
}

/// The function a hook call runs (from `hooks`, the revision's compiled
/// functions for one dialect), or `None` when the caller's flags leave the
/// data step out (noted in `skipped`).
pub(crate) fn prepare<F: Copy>(
    revision: &str,
    call: &HookCall,
    hooks: &[F],
    cx: &HookContext<'_>,
    skipped: &mut Vec<SkippedHook>,
) -> Result<Option<F>, Error> {
    if !call.runs(|flag| cx.flag(flag)) {
        if let Some(condition) = &call.condition {
            skipped.push(SkippedHook {
                revision: revision.to_owned(),
                hook: call.name.to_string(),
                condition: format!("{} {:?}", condition.keyword(), condition.flag()),
            });
        }
        return Ok(None);
    }
    tracing::debug!(hook = %call.name, "calling hook");
    let hook = hooks.get(call.index).copied().ok_or_else(|| {
        failed(revision, call)(
            "hook missing from the compiled revision (a bug in migrate-dsl)".into(),
        )
    })?;
    Ok(Some(hook))
}

/// The error of hook call `call` in `revision`, from what it returned.
pub(crate) fn failed<'a>(
    revision: &'a str,
    call: &'a HookCall,
) -> impl FnOnce(BoxError) -> Error + 'a {
    move |source| {
        Error::at(
            Context::revision(revision),
            ErrorKind::Hook {
                hook: call.name.to_string(),
                source,
            },
        )
    }
}

/// A compiled PostgreSQL `run` hook (`run sqlite: f, postgres: g;`):
/// called with the revision's transaction, which the runner opened and
/// commits or rolls back.
#[cfg(feature = "postgres")]
pub type PgHookFn = fn(&mut postgres::Transaction<'_>, &HookContext<'_>) -> Result<(), BoxError>;

/// Without the `postgres` feature no PostgreSQL hook can be compiled (the
/// expansion says so); the type exists for the revisions' layout.
#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
pub type PgHookFn = fn(std::convert::Infallible);

/// A function usable as the PostgreSQL function of a `run` hook (`run
/// sqlite: f, postgres: g;`): `fn(&mut postgres::Transaction) -> Result<(),
/// E>` or `fn(&mut postgres::Transaction, &HookContext) -> Result<(), E>`.
///
/// The transaction is the revision's own, opened by the runner (never the
/// driver's autocommit): everything the hook does — a temporary table made
/// `ON COMMIT DROP` included — lives until the revision commits, and rolls
/// back with it. A hook must not commit or roll it back itself.
#[cfg(feature = "postgres")]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `run` hook on PostgreSQL",
    label = "not `fn(&mut postgres::Transaction) -> Result<(), E>` or `fn(&mut postgres::Transaction, &HookContext) -> Result<(), E>`",
    note = "on PostgreSQL a hook takes `&mut migrate_dsl::postgres::Transaction<'_>` (the revision's transaction) and optionally `&migrate_dsl::HookContext`, and returns `Result<(), E>` where `E: Into<migrate_dsl::BoxError>`"
)]
pub trait PgHook<Args> {
    /// Calls the hook.
    fn call(self, tx: &mut postgres::Transaction<'_>, cx: &HookContext<'_>)
        -> Result<(), BoxError>;
}

#[cfg(feature = "postgres")]
impl<F, E> PgHook<TxOnly<E>> for F
where
    F: FnOnce(&mut postgres::Transaction<'_>) -> Result<(), E>,
    E: Into<BoxError>,
{
    fn call(self, tx: &mut postgres::Transaction<'_>, _: &HookContext<'_>) -> Result<(), BoxError> {
        self(tx).map_err(Into::into)
    }
}

#[cfg(feature = "postgres")]
impl<F, E> PgHook<TxAndContext<E>> for F
where
    F: FnOnce(&mut postgres::Transaction<'_>, &HookContext<'_>) -> Result<(), E>,
    E: Into<BoxError>,
{
    fn call(
        self,
        tx: &mut postgres::Transaction<'_>,
        cx: &HookContext<'_>,
    ) -> Result<(), BoxError> {
        self(tx, cx).map_err(Into::into)
    }
}

/// The expansion's PostgreSQL hook: a `fn` pointer calling the user's
/// function (its signature checked at the function's path).
#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __pg_hook {
    ($path:expr) => {{
        fn __migrate_pg_hook(
            tx: &mut $crate::__private::postgres::Transaction<'_>,
            cx: &$crate::HookContext<'_>,
        ) -> ::core::result::Result<(), $crate::BoxError> {
            $crate::__private::call_pg_hook($path, tx, cx)
        }
        __migrate_pg_hook as $crate::__private::PgHookFn
    }};
}

/// Without the `postgres` feature: the error saying to enable it.
#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __pg_hook {
    ($path:expr) => {
        ::core::compile_error!(
            "a `run` hook's `postgres:` function needs migrate-dsl's `postgres` feature: `migrate-dsl = { version = \"…\", features = [\"postgres\"] }`"
        )
    };
}
