//! The revision guard: one value that owns a revision's transaction and the
//! connection settings it changed, and puts everything back on every exit.
//!
//! Construction switches foreign keys off (outside any transaction, where the
//! pragma has effect, and reads it back) and begins `BEGIN IMMEDIATE` — or,
//! when the caller already holds a transaction, a savepoint inside it (the
//! revision then becomes durable when the caller commits).
//! A revision of the run's batch without hooks opens nothing: it runs
//! under the batch's mark (`batch.rs`).
//! [`RevisionGuard::commit`] commits (releases the savepoint). `Drop` — on
//! `Err`, on panic while unwinding, or after a commit — rolls back what is
//! uncommitted, drops any temporary table of ours that still exists while its
//! original does, and restores `foreign_keys` and the connection pragmas it
//! changed (`legacy_alter_table`, `writable_schema`). It never panics.

use crate::error::{Context, Error, ErrorKind};
use migrate_dsl_core::sql;
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// The savepoint a revision runs in inside a caller's transaction (or
/// the run's batch), and the statements that open, release and undo it.
macro_rules! savepoint {
    () => {
        "\"_migrate_revision\""
    };
}
const OPEN: &str = concat!("SAVEPOINT ", savepoint!());
const RELEASE: &str = concat!("RELEASE ", savepoint!());
const UNDO: &str = concat!("ROLLBACK TO ", savepoint!(), "; RELEASE ", savepoint!());

/// What the guard opened and must close.
enum Scope<'c> {
    /// Our own `BEGIN IMMEDIATE` transaction.
    Transaction(Transaction<'c>),
    /// A savepoint inside the caller's transaction.
    Savepoint,
    /// Nothing of its own: a revision under the run's mark (`batch.rs`),
    /// undone by rolling back to it.
    Mark,
}

/// Who owns the transaction a revision's statements go into: decided
/// where a run or a verb begins ([`Owner::at_start`]) and by the run's
/// batch, never guessed from the connection in the middle of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// Nobody: the revision's guard begins and commits its own.
    Guard,
    /// An open transaction, the run's batch or the caller's: the guard
    /// takes a savepoint of it, and the owner commits.
    Outer,
}

impl Owner {
    /// Whether the caller of a run or verb holds a transaction on `conn`
    /// (asked once, when it begins).
    pub(crate) fn at_start(conn: &Connection) -> Self {
        if conn.is_autocommit() {
            Owner::Guard
        } else {
            Owner::Outer
        }
    }
}

/// A table rebuild a revision will run: it needs foreign keys off.
#[derive(Clone, Copy)]
pub(crate) struct RebuildNeed<'a> {
    pub(crate) revision: &'a str,
    pub(crate) table: &'a str,
}

/// See the module documentation.
pub(crate) struct RevisionGuard<'c> {
    conn: &'c Connection,
    scope: Option<Scope<'c>>,
    /// Foreign keys were ON and this guard turned them OFF.
    restore_foreign_keys: bool,
    /// Whether foreign keys were ON when the guard was made; read only
    /// for a revision that rebuilds (false otherwise).
    foreign_keys_were_on: bool,
    /// Boolean connection pragmas this guard changed, with the values
    /// they had before.
    flags: Vec<(&'static str, bool)>,
    /// (temporary table, original table) pairs created in this revision.
    temp_tables: Vec<(String, String)>,
}

fn conn_err(action: &str) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
    move |source| {
        Error::from(ErrorKind::Connection {
            action: action.to_owned(),
            source,
        })
    }
}

/// A boolean connection pragma (`foreign_keys`, `legacy_alter_table`).
pub(crate) fn read_flag(conn: &Connection, pragma: &str) -> Result<bool, Error> {
    crate::fault::checked(|| conn.pragma_query_value(None, pragma, |r| r.get::<_, bool>(0)))
        .map_err(conn_err("read a connection pragma"))
}

impl<'c> RevisionGuard<'c> {
    /// Begins a revision. With `rebuild`, foreign key enforcement is
    /// switched off first (required by table rebuilds: with it on, the
    /// `DROP TABLE` of a rebuild runs the children's ON DELETE actions);
    /// inside a caller's transaction that is impossible, and a refusal.
    /// `owner` says whether a transaction is already open around it.
    pub(crate) fn begin(
        conn: &'c Connection,
        owner: Owner,
        rebuild: Option<RebuildNeed<'_>>,
    ) -> Result<Self, Error> {
        // Only a rebuild needs to know (one pragma read less per revision).
        let fk_on = match rebuild {
            Some(_) => read_flag(conn, "foreign_keys")?,
            None => false,
        };
        if owner == Owner::Outer {
            if let Some(need) = rebuild.filter(|_| fk_on) {
                return Err(transaction_open(need));
            }
            crate::sqlite::trace::execute(conn, OPEN, false)
                .map_err(conn_err("open a savepoint in the caller's transaction"))?;
            return Ok(RevisionGuard {
                conn,
                scope: Some(Scope::Savepoint),
                restore_foreign_keys: false,
                foreign_keys_were_on: fk_on,
                flags: Vec::new(),
                temp_tables: Vec::new(),
            });
        }
        let mut guard = RevisionGuard {
            conn,
            scope: None,
            restore_foreign_keys: false,
            foreign_keys_were_on: fk_on,
            flags: Vec::new(),
            temp_tables: Vec::new(),
        };
        if let Some(need) = rebuild.filter(|_| fk_on) {
            guard.restore_foreign_keys = true;
            crate::fault::checked(|| conn.pragma_update(None, "foreign_keys", false))
                .map_err(conn_err("switch foreign keys off"))?;
            // The pragma is silently a no-op inside a transaction: read it
            // back rather than trust it.
            if read_flag(conn, "foreign_keys")? {
                return Err(transaction_open(need));
            }
        }
        guard.scope = Some(Scope::Transaction(
            crate::fault::checked(|| {
                Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
            })
            .map_err(conn_err("begin an immediate transaction"))?,
        ));
        Ok(guard)
    }

    /// Begins a revision under the run's mark (`batch.rs`): nothing to
    /// send; on failure, everything after the mark is undone.
    pub(crate) fn under_mark(conn: &'c Connection) -> Self {
        RevisionGuard {
            conn,
            scope: Some(Scope::Mark),
            restore_foreign_keys: false,
            foreign_keys_were_on: false,
            flags: Vec::new(),
            temp_tables: Vec::new(),
        }
    }

    /// The connection, with the revision's transaction or savepoint open.
    pub(crate) fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// Whether foreign keys were ON before the revision (the rebuild must
    /// then run `foreign_key_check`). Only known to a guard begun for a
    /// rebuild; such a guard is the only one rebuilds run in.
    pub(crate) fn foreign_keys_were_on(&self) -> bool {
        self.foreign_keys_were_on
    }

    /// Registers a temporary table so that it is dropped if it survives a
    /// failure (its original, `table`, still existing).
    pub(crate) fn track_temp_table(&mut self, temp: &str, table: &str) {
        self.temp_tables.push((temp.to_owned(), table.to_owned()));
    }

    /// Sets a boolean connection pragma (`legacy_alter_table`,
    /// `writable_schema`), remembering its original value the first time.
    pub(crate) fn set_flag(&mut self, pragma: &'static str, on: bool) -> Result<(), Error> {
        if !self.flags.iter().any(|(p, _)| *p == pragma) {
            let was = read_flag(self.conn, pragma)?;
            self.flags.push((pragma, was));
        }
        crate::fault::checked(|| self.conn.pragma_update(None, pragma, on))
            .map_err(conn_err("set a connection pragma"))
    }

    /// Restores a pragma [`Self::set_flag`] changed to its original value.
    pub(crate) fn restore_flag(&mut self, pragma: &'static str) -> Result<(), Error> {
        let Some(i) = self.flags.iter().position(|(p, _)| *p == pragma) else {
            return Ok(());
        };
        // Forgotten only once restored: on failure `drop` restores it.
        let was = self.flags[i].1;
        crate::fault::checked(|| self.conn.pragma_update(None, pragma, was))
            .map_err(conn_err("restore a connection pragma"))?;
        self.flags.remove(i);
        Ok(())
    }

    /// Commits the revision (inside a caller's transaction: releases its
    /// savepoint); settings are restored when the guard drops.
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        match self.scope.take() {
            Some(Scope::Transaction(tx)) => match crate::fault::statement() {
                Ok(()) => tx.commit().map_err(conn_err("commit the revision")),
                Err(e) => {
                    // Left to `drop`, which rolls the transaction back.
                    self.scope = Some(Scope::Transaction(tx));
                    Err(conn_err("commit the revision")(e))
                }
            },
            Some(Scope::Savepoint) => {
                crate::sqlite::trace::execute(self.conn, RELEASE, false).map_err(|e| {
                    // Leave the savepoint to `drop`, which rolls it back.
                    self.scope = Some(Scope::Savepoint);
                    conn_err("release the revision's savepoint")(e)
                })
            }
            Some(Scope::Mark) | None => Ok(()),
        }
    }
}

/// The refusal of a rebuild inside a caller's transaction with foreign
/// keys ON.
pub(crate) fn transaction_open(need: RebuildNeed<'_>) -> Error {
    Error::at(
        Context::revision(need.revision).table(need.table),
        ErrorKind::Unfit(crate::error::Unfit::TransactionOpen),
    )
}

impl Drop for RevisionGuard<'_> {
    fn drop(&mut self) {
        // SQLite may already have rolled back by itself (disk full, I/O
        // error, interrupt): send nothing unless a transaction is open.
        // (Dropping a `Transaction` when none is open sends nothing.)
        match self.scope.take() {
            Some(Scope::Transaction(tx)) if !self.conn.is_autocommit() => {
                let _ = tx.rollback();
            }
            Some(Scope::Savepoint) if !self.conn.is_autocommit() => {
                let undone = self.conn.execute_batch(UNDO);
                if undone.is_err() && !self.conn.is_autocommit() {
                    // The revision could not be undone alone: undo the
                    // whole transaction rather than let its commit keep
                    // half a revision.
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
            }
            Some(Scope::Mark) if !self.conn.is_autocommit() => {
                // The revisions after the mark go too: the run applies
                // them again (`batch.rs`).
                let undone = self.conn.execute_batch(crate::sqlite::batch::UNDO_TO_MARK);
                if undone.is_err() && !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
            }
            _ => {}
        }
        for (temp, table) in &self.temp_tables {
            // Inside a rolled-back transaction the temporary table is gone
            // already; this covers anything that outlived the transaction.
            // Never drop it when the original is missing: it may then hold
            // the only copy of the data.
            if crate::sqlite::catalog::surely_has_table(self.conn, temp)
                && crate::sqlite::catalog::surely_has_table(self.conn, table)
            {
                let _ = self
                    .conn
                    .execute(&format!("DROP TABLE {}", sql::ident(temp)), []);
            }
        }
        for (pragma, was) in self.flags.drain(..) {
            let _ = self.conn.pragma_update(None, pragma, was);
        }
        if self.restore_foreign_keys {
            let _ = self.conn.pragma_update(None, "foreign_keys", true);
        }
    }
}
