//! The one error type of the runtime.

use std::fmt;

/// The error a `run` hook may return, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error of every run-time operation: what went wrong ([`ErrorKind`])
/// and, for an error inside a revision, where ([`Context`]: the revision,
/// the DSL operation, the real table, the SQL). Boxed, so that
/// `Result<_, Error>` stays one pointer wide.
///
/// Whenever one is returned, the revision it names was rolled back entirely
/// and the connection's pragmas are as they were.
///
/// ```
/// # fn check(err: migrate_dsl::Error) {
/// use migrate_dsl::ErrorKind;
/// match (err.kind(), err.context()) {
///     (ErrorKind::Hook { hook, .. }, Some(cx)) => eprintln!("{hook} failed in {}", cx.revision),
///     _ => eprintln!("{err}"),
/// }
/// # }
/// ```
///
/// `Debug` prints the message too (as `std::io::Error` and `anyhow` do),
/// so `fn main() -> Result<(), Box<dyn Error>>` reports it readably; `{:#?}`
/// prints the structure.
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    context: Option<Context>,
}

/// Where in a history an error happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// The revision id.
    pub revision: String,
    /// The DSL operation, e.g. `batch alter table foo { … }`.
    pub operation: Option<String>,
    /// The real table it changes (never a temporary one).
    pub table: Option<String>,
    /// The failing statement.
    pub sql: Option<String>,
}

impl Context {
    /// In revision `revision`.
    pub(crate) fn revision(revision: &str) -> Self {
        Context {
            revision: revision.to_owned(),
            ..Context::default()
        }
    }

    /// In revision `revision`, at one of its statements.
    pub(crate) fn statement(revision: &str, st: &migrate_dsl_core::plan::Statement) -> Self {
        Context::revision(revision)
            .operation(&st.operation)
            .table(&st.table)
            .sql(&st.sql)
    }

    /// … doing `operation`.
    pub(crate) fn operation(mut self, operation: &str) -> Self {
        self.operation = Some(operation.to_owned());
        self
    }

    /// … on table `table` (an empty name: no table).
    pub(crate) fn table(mut self, table: &str) -> Self {
        self.table = (!table.is_empty()).then(|| table.to_owned());
        self
    }

    /// … running `sql`.
    pub(crate) fn sql(mut self, sql: &str) -> Self {
        self.sql = Some(sql.to_owned());
        self
    }
}

impl Error {
    /// `kind`, inside the revision `context` names.
    pub(crate) fn at(context: Context, kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            kind,
            context: Some(context),
        }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Where it went wrong, for an error inside a revision.
    pub fn context(&self) -> Option<&Context> {
        self.0.context.as_ref()
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            kind,
            context: None,
        }))
    }
}

impl fmt::Display for Error {
    /// `revision `r`: `operation` on table `t`: <what went wrong>`, then the
    /// SQL on a line of its own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(cx) = &self.0.context else {
            return self.0.kind.fmt(f);
        };
        write!(f, "revision `{}`", cx.revision)?;
        match (&cx.operation, &cx.table) {
            (Some(op), Some(table)) => write!(f, ": `{op}` on table `{table}`")?,
            (Some(op), None) => write!(f, ": `{op}`")?,
            (None, Some(table)) => write!(f, ": table `{table}`")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.0.kind)?;
        if let Some(sql) = &cx.sql {
            write!(f, "\n  SQL: {sql}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return f
                .debug_struct("Error")
                .field("kind", &self.0.kind)
                .field("context", &self.0.context)
                .finish();
        }
        fmt::Display::fmt(self, f)?;
        // What the message does not already say.
        let shown = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            let text = s.to_string();
            if !shown.contains(&text) {
                write!(f, "\n\nCaused by: {text}")?;
            }
            source = s.source();
        }
        Ok(())
    }
}

/// An SQLite error outside a revision (in a caller's own code that
/// returns this crate's `Error`).
impl From<rusqlite::Error> for Error {
    fn from(source: rusqlite::Error) -> Self {
        ErrorKind::Sql { source }.into()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.kind.source()
    }
}

/// Everything that can go wrong while applying a history.
///
/// A kind raised inside a revision comes with a [`Context`] (see
/// [`Error::context`]) naming the revision, the DSL operation and the real
/// table (never only a temporary one), and for SQL failures the statement;
/// the kind holds what is particular to the failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An SQL statement of a revision failed.
    #[error("{source}")]
    #[non_exhaustive]
    Sql {
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A PostgreSQL statement failed (the server's message, with its
    /// detail).
    #[cfg(feature = "postgres")]
    #[error("{message}")]
    #[non_exhaustive]
    Postgres {
        /// The message.
        message: String,
        /// The client's error (SQLSTATE and all: `as_db_error`).
        #[source]
        source: postgres::Error,
    },
    /// A `run` hook returned an error.
    #[error("hook `{hook}` failed: {source}")]
    #[non_exhaustive]
    Hook {
        /// The hook's path as written in the DSL.
        hook: String,
        /// What the hook returned.
        #[source]
        source: BoxError,
    },
    /// Rows stop the change: NULLs where it makes a column NOT NULL, rows a
    /// constraint it adds rejects, or foreign keys a rebuild would leave
    /// dangling. The revision was rolled back.
    #[error("{0}")]
    Violation(Violation),
    /// A view or trigger the change would leave broken. The revision was
    /// rolled back.
    #[error("{0}")]
    Broken(Broken),
    /// Before a rebuild, the live table, its indexes or its triggers differ
    /// from what the history says they are at this revision (changed by
    /// hand, say). Rebuilding from the model's definition would lose a
    /// hand-added column, index or trigger, or undo a hand-made change, so
    /// nothing is changed.
    #[error("the table is not what the migration history says it is at this revision, and rebuilding it would lose the difference; nothing was changed. Undo the change by hand, or make it part of the history in a revision before this one.\n{}", drift_list(drift))]
    #[non_exhaustive]
    Drift {
        /// Every difference found on the table.
        drift: Vec<crate::Drift>,
    },
    /// An `sql` step did something other than what the history says of it.
    #[error("{0}")]
    RawSql(RawSqlMismatch),
    /// An edit of the table's definition would have changed its columns (a
    /// bug in migrate-dsl, caught before anything committed).
    #[error("editing the table's definition would change its columns from ({}) to ({}); nothing was changed. This is a bug in migrate-dsl: please report it, with the history", before.join(", "), after.join(", "))]
    #[non_exhaustive]
    DefinitionMismatch {
        /// The columns before the edit.
        before: Vec<String>,
        /// The columns SQLite reads from the edited definition.
        after: Vec<String>,
    },
    /// A temporary table of ours exists while the table it was copied from is
    /// gone: it may hold the only copy of the data, so nothing is touched.
    #[error("before applying anything: table `{table}` is missing but `{temp_table}` exists, left by an interrupted rebuild; it may hold the only copy of the data, so nothing was changed. Inspect it, then rename it to `{table}` or drop it.")]
    #[non_exhaustive]
    OrphanedTemporaryTable {
        /// The missing table.
        table: String,
        /// The leftover temporary table.
        temp_table: String,
    },
    /// This connection, as it is, cannot run the migration; nothing was
    /// changed.
    #[error("{0}")]
    Unfit(Unfit),
    /// The history table disagrees with this history: an applied revision
    /// edited, unknown or out of order, or changed by another process
    /// meanwhile.
    #[error("{0}")]
    History(HistoryMismatch),
    /// Where the database was asked to go is not a place this history can
    /// take it; nothing was changed.
    #[error("{0}")]
    Target(TargetError),
    /// The database has tables but no revision of this history is
    /// recorded: it was made another way (by hand, another tool, or this
    /// history before a `history table` rename). Its tables were left as
    /// they are.
    #[error("{}", not_stamped(tables, matches.as_deref(), history_table, *dialect))]
    #[non_exhaustive]
    NotStamped {
        /// The tables it has.
        tables: Vec<String>,
        /// The newest revision whose schema it has exactly, if one.
        matches: Option<String>,
        /// The history table it lacks.
        history_table: String,
        /// The engine: what to do next depends on it.
        dialect: migrate_dsl_core::op::Dialect,
    },
    /// `create_fresh` cannot build the head schema here; nothing was changed.
    #[error("{0}")]
    NotFresh(NotFresh),
    /// Another run held the history's migration lock (PostgreSQL's
    /// advisory lock) for longer than [`crate::Options::lock_timeout`].
    #[error("another run holds this history's migration lock; gave up after {waited_ms} ms (`Options::lock_timeout`). Nothing was changed: run again when it has finished")]
    #[non_exhaustive]
    MigrationLocked {
        /// How long this run waited.
        waited_ms: u64,
    },
    /// The history does not target the dialect asked for, or what was
    /// asked of that dialect is not built yet.
    #[error("{what}")]
    #[non_exhaustive]
    Unsupported {
        /// What, and what to do.
        what: String,
    },
    /// Reading or writing the history table failed.
    #[error("history table `{table}`: {source}\n  SQL: {sql}")]
    #[non_exhaustive]
    Ledger {
        /// The history table.
        table: String,
        /// The failing statement.
        sql: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A connection setting could not be read or changed.
    #[error("could not {action}: {source}")]
    #[non_exhaustive]
    Connection {
        /// What was attempted.
        action: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A failure injected by a test (`--cfg migrate_dsl_fault`).
    #[doc(hidden)]
    #[error("injected fault at {0}")]
    Injected(String),
}

/// Rows stop the change: NULLs where it makes a column NOT NULL, rows a
/// constraint it adds rejects, or foreign keys a rebuild would leave
/// dangling. The revision was rolled back.
/// (The group [`ErrorKind::Violation`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// A column that becomes NOT NULL holds NULL in some rows.
    #[error("column `{column}` would become NOT NULL but {rows} row(s) hold NULL in it; fill them first (for example with a `run` hook in an earlier revision)")]
    #[non_exhaustive]
    NotNullViolation {
        /// The column, by its new name.
        column: String,
        /// How many rows hold NULL.
        rows: u64,
    },
    /// A constraint the change adds (UNIQUE, PRIMARY KEY, CHECK) does not
    /// hold for the table's rows.
    #[error("{rows} row(s) violate {constraint} (on {}), which the change adds; nothing was changed. Change or remove those rows first (for example with a `run` hook in an earlier revision)", columns.join(", "))]
    #[non_exhaustive]
    ConstraintViolation {
        /// The constraint, e.g. "the UNIQUE constraint `u_email_key`".
        constraint: String,
        /// The columns it covers, by their new names.
        columns: Vec<String>,
        /// How many rows violate it: for a key, the rows sharing their value
        /// with another row (NULLs are distinct, as in SQLite's UNIQUE); for
        /// a CHECK, the rows where it is false.
        rows: u64,
    },
    /// After a rebuild, rows violate a foreign key.
    #[error(
        "foreign key check failed after rebuilding the table: {}",
        list(violations)
    )]
    #[non_exhaustive]
    ForeignKeyViolation {
        /// The violating rows.
        violations: Vec<ForeignKeyViolation>,
    },
}

/// A view or trigger the change would leave broken. The revision was
/// rolled back.
/// (The group [`ErrorKind::Broken`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Broken {
    /// After a change, a view no longer resolves (it uses a dropped or
    /// renamed column, for example); committing would leave it broken.
    #[error("view `{view}` no longer works after the change: {source}; drop or change the view first\n  view SQL: {view_sql}")]
    #[non_exhaustive]
    BrokenView {
        /// The view.
        view: String,
        /// The view's SQL.
        view_sql: String,
        /// SQLite's error when the view is queried.
        #[source]
        source: rusqlite::Error,
    },
    /// After a change, a trigger no longer compiles (it uses a dropped
    /// column, for example); committing would make every write that fires
    /// it fail.
    #[error("trigger `{trigger}` on `{on}` no longer works after the change: {source}; drop or change the trigger first\n  trigger SQL: {trigger_sql}")]
    #[non_exhaustive]
    BrokenTrigger {
        /// The trigger.
        trigger: String,
        /// The table or view the trigger is on.
        on: String,
        /// The trigger's SQL.
        trigger_sql: String,
        /// SQLite's error when a statement firing it is prepared.
        #[source]
        source: rusqlite::Error,
    },
}

/// An `sql` step did something other than what the history says of it.
/// (The group [`ErrorKind::RawSql`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RawSqlMismatch {
    /// An `sql` statement changed the schema, which the model cannot know.
    #[error("changed the schema ({}); `sql` is for data changes: write schema changes in the DSL so the history knows them", changes.join(", "))]
    #[non_exhaustive]
    UndeclaredSchemaChange {
        /// What changed, e.g. `created index ix_a`.
        changes: Vec<String>,
    },
    /// An `sql … creates table` step did not create the table it declares.
    #[error("declares it creates the table with columns ({}), but after it {}", expected.join(", "), found.as_ref().map_or("the table does not exist".to_owned(), |f| format!("its columns are ({})", f.join(", "))))]
    #[non_exhaustive]
    CreatedTableMismatch {
        /// The declared columns.
        expected: Vec<String>,
        /// The columns found, if the table exists.
        found: Option<Vec<String>>,
    },
}

/// This connection, as it is, cannot run the migration; nothing was
/// changed.
/// (The group [`ErrorKind::Unfit`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Unfit {
    /// The caller holds a transaction, foreign keys are ON, and a revision
    /// rebuilds a table (the context's): `PRAGMA foreign_keys` cannot
    /// change inside a transaction, and with it ON the rebuild's
    /// `DROP TABLE` would run the children's ON DELETE actions. Raised
    /// before anything changes.
    #[error("rebuilding it needs foreign keys switched off, but a transaction is already open on this connection and `PRAGMA foreign_keys` cannot change inside it; nothing was changed. Commit or roll back first, or run `PRAGMA foreign_keys = OFF` before beginning the transaction.")]
    TransactionOpen,
    /// A TEMP object of this connection has the name of an object of the
    /// database the migration uses: SQLite resolves an unqualified name to
    /// the TEMP one first, so the migration's statements would change it
    /// instead (and the revision would be recorded as applied).
    #[error("this connection has a TEMP {kind} `{name}`, the name of {what} the migration uses; SQLite would send the migration's statements to the TEMP {kind} instead of the database's, so nothing was changed. Drop it (`DROP {} temp.\"{name}\"`) or migrate on a connection without it.", kind.as_str().to_ascii_uppercase())]
    #[non_exhaustive]
    ShadowedByTemp {
        /// What kind of object it is.
        kind: migrate_dsl_core::plan::ObjectKind,
        /// Its name.
        name: String,
        /// What it shadows: "table `users`", "the history table", ….
        what: String,
    },
    /// [`crate::Options::progress`] was given to
    /// [`crate::Migrations::migrate`] with a shared `&Connection` (or a
    /// rusqlite `&Transaction`): SQLite's progress handler can only be
    /// installed through `&mut Connection`.
    #[error("progress reporting needs `&mut Connection` (SQLite's progress handler), which a shared `&Connection` or a caller's transaction does not give; nothing was changed. Leave `Options::progress` unset here, or pass `&mut Connection` outside a transaction.")]
    ProgressInTransaction,
    /// The linked SQLite (a system library, with the `bundled` feature off)
    /// is older than a statement of the run needs (the context names the
    /// revision; none: every run needs it); nothing was changed.
    #[error("{feature} needs SQLite {needed} or later, but the linked SQLite is {linked}; nothing was changed. Build with migrate-dsl's default `bundled` feature, or link a newer SQLite")]
    #[non_exhaustive]
    SqliteTooOld {
        /// The feature, e.g. "ALTER TABLE … DROP COLUMN".
        feature: String,
        /// The first SQLite release with it, e.g. `3.35.0`.
        needed: String,
        /// The linked SQLite's version.
        linked: String,
    },
}

/// The history table disagrees with this history: an applied revision
/// edited, unknown or out of order, or changed by another process
/// meanwhile.
/// (The group [`ErrorKind::History`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryMismatch {
    /// An applied revision's definition changed since it was applied.
    #[error("applied with checksum {recorded} but its definition now has checksum {expected}: it was edited after it was applied (whitespace and comments do not count). Undo the edit and make the change in a new revision; only if the edit cannot change the database, pass `Options::verify_checksums(false)` to every run that meets it")]
    #[non_exhaustive]
    ChecksumMismatch {
        /// The checksum in the history table.
        recorded: String,
        /// The checksum of the revision as compiled.
        expected: String,
    },
    /// The database has a revision this program does not know: it was
    /// migrated by a newer version of the program.
    #[error("the database has revision `{revision}` applied, which this program's history does not contain; it was probably migrated by a newer version of the program")]
    #[non_exhaustive]
    UnknownRevision {
        /// The unknown revision id.
        revision: String,
    },
    /// A revision is applied while an earlier one is not.
    #[error("revision `{later}` is applied but the earlier revision `{missing}` is not; revisions must be applied in order")]
    #[non_exhaustive]
    OutOfOrder {
        /// The first revision not applied.
        missing: String,
        /// A later revision that is applied.
        later: String,
    },
    /// The history table changed under a run (another process applied or
    /// undid revisions meanwhile); nothing of this revision (the
    /// context's) was changed.
    #[error("expected it to be the newest applied revision, but the history says {}; another process changed the database meanwhile. Run again.", newest.as_deref().map_or("nothing is applied".to_owned(), |n| format!("`{n}` is")))]
    #[non_exhaustive]
    HistoryChanged {
        /// The newest applied revision found.
        newest: Option<String>,
    },
}

/// Where the database was asked to go is not a place this history can
/// take it; nothing was changed.
/// (The group [`ErrorKind::Target`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// A target revision is not part of the history.
    #[error("`{target}` is not a revision of this history{}", if revisions.is_empty() { String::new() } else { format!(" (its revisions: {})", revisions.join(", ")) })]
    #[non_exhaustive]
    UnknownTarget {
        /// The target asked for.
        target: String,
        /// The history's revision ids.
        revisions: Vec<String>,
    },
    /// A [`crate::Target::DownTo`] revision is not applied, so there is
    /// nothing to go down to.
    #[error("cannot go down to `{target}`: it is not applied (the database is at {}); apply revisions to go up", current.as_deref().map_or("no revision".to_owned(), |c| format!("`{c}`")))]
    #[non_exhaustive]
    TargetNotApplied {
        /// The target asked for.
        target: String,
        /// The newest applied revision.
        current: Option<String>,
    },
    /// A move down would pass a revision that cannot be undone (the
    /// context's); nothing was changed.
    #[error("cannot be undone: {reason}. Nothing was changed.")]
    #[non_exhaustive]
    Irreversible {
        /// Why (which operation has no inverse).
        reason: String,
    },
    /// `check` compares with the head of the history; the database is not
    /// there.
    #[error("the database is at {}, not at the head `{head}` of the history; apply the pending revisions before checking for drift", current.as_deref().map_or("no revision".to_owned(), |c| format!("`{c}`")))]
    #[non_exhaustive]
    NotAtHead {
        /// The newest applied revision.
        current: Option<String>,
        /// The newest revision of the history.
        head: String,
    },
}

/// `create_fresh` cannot build the head schema here; nothing was changed.
/// (The group [`ErrorKind::NotFresh`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotFresh {
    /// `create_fresh` found objects of the head schema, or applied
    /// revisions of this history, already in the database.
    #[error("cannot create the schema from scratch: the database already has {}; use `apply_pending` to migrate an existing database", objects.join(", "))]
    #[non_exhaustive]
    NotEmpty {
        /// What the database already holds, e.g. `table users`.
        objects: Vec<String>,
    },
    /// `create_fresh` would skip a data step of the history (the
    /// context's revision and operation).
    #[error("changes data, which creating the schema from scratch would skip; use `apply_pending`, or `create_fresh` with `Options::schema_only(true)` if the data is not needed")]
    DataInHistory,
}

/// One row that violates a foreign key, as `PRAGMA foreign_key_check` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForeignKeyViolation {
    /// The child table.
    pub table: String,
    /// The child row's rowid (None for WITHOUT ROWID tables).
    pub rowid: Option<i64>,
    /// The parent table referenced.
    pub parent: String,
}

impl fmt::Display for ForeignKeyViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rowid {
            Some(r) => write!(
                f,
                "row {r} of `{}` references a missing row of `{}`",
                self.table, self.parent
            ),
            None => write!(
                f,
                "a row of `{}` references a missing row of `{}`",
                self.table, self.parent
            ),
        }
    }
}

fn drift_list(drift: &[crate::Drift]) -> String {
    let items: Vec<String> = drift
        .iter()
        .map(|d| format!("  - {}", d.to_string().replace('\n', "\n    ")))
        .collect();
    items.join("\n")
}

fn list(v: &[ForeignKeyViolation]) -> String {
    let shown: Vec<String> = v.iter().take(5).map(ToString::to_string).collect();
    let more = if v.len() > 5 {
        format!(" (and {} more)", v.len() - 5)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join("; "))
}

/// The message of [`ErrorKind::NotStamped`]: what the database has, and
/// the command that records where it stands.
fn not_stamped(
    tables: &[String],
    matches: Option<&str>,
    history_table: &str,
    dialect: migrate_dsl_core::op::Dialect,
) -> String {
    let shown: Vec<String> = tables.iter().take(5).map(|t| format!("`{t}`")).collect();
    let more = tables.len().saturating_sub(shown.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let next = match matches {
        Some(rev) => format!(
            "its schema is exactly what revision `{rev}` leaves, so record that with `stamp`: `MIGRATIONS.stamp(&mut conn, Some(\"{rev}\"))`, or the command line's `stamp {rev}`; then apply the rest"
        ),
        None if dialect == migrate_dsl_core::op::Dialect::Postgres => "its schema is what one of the revisions leaves, record that revision with `stamp` (`MIGRATIONS.stamp(&mut client, Some(\"<revision>\"))`); `check` then compares the schema with what that revision leaves. Otherwise adopt it with a first revision that creates what it has".to_owned(),
        None => "if its schema is what one of the revisions leaves, record that revision with `stamp` (`MIGRATIONS.stamp(&mut conn, Some(\"<revision>\"))`, or the command line's `stamp <revision>`); otherwise adopt it: `dump` prints its schema as a first revision".to_owned(),
    };
    format!(
        "the database has tables ({}{more}) but no applied revision in `{history_table}`: it was made another way, and its tables were left as they are. If {next}",
        shown.join(", ")
    )
}
