//! `run` hooks: the context they receive, and the two signatures they may
//! have.

use crate::error::BoxError;
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
