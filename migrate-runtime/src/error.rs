//! The one error type of the runtime.

use std::fmt;

/// The error a `run` hook may return, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error of every run-time operation: what went wrong is its
/// [`ErrorKind`], boxed so that `Result<_, Error>` stays one pointer wide.
///
/// Whenever one is returned, the revision it names was rolled back entirely
/// and the connection's pragmas are as they were.
///
/// ```
/// # fn check(err: migrate_dsl::Error) {
/// use migrate_dsl::ErrorKind;
/// match err.kind() {
///     ErrorKind::Hook { revision, hook, .. } => eprintln!("{hook} failed in {revision}"),
///     other => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Everything that can go wrong while applying a history.
///
/// Every variant raised inside a revision names the revision, the DSL
/// operation and the real table (never only a temporary one); SQL failures
/// carry the statement.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An SQL statement of a revision failed.
    #[error(
        "revision `{revision}`: `{operation}` failed on table `{table}`: {source}\n  SQL: {sql}"
    )]
    Sql {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The table changed.
        table: String,
        /// The failing statement.
        sql: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// An `sql` statement changed the schema, which the model cannot know.
    #[error("revision `{revision}`: `{operation}` changed the schema ({}); `sql` is for data changes: write schema changes in the DSL so the history knows them\n  SQL: {sql}", changes.join(", "))]
    UndeclaredSchemaChange {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The raw SQL.
        sql: String,
        /// What changed, e.g. `created index ix_a`.
        changes: Vec<String>,
    },
    /// An `sql … creates table` step did not create the table it declares.
    #[error("revision `{revision}`: `{operation}` declares it creates table `{table}` with columns ({}), but after it {}\n  SQL: {sql}", expected.join(", "), found.as_ref().map_or("the table does not exist".to_owned(), |f| format!("its columns are ({})", f.join(", "))))]
    CreatedTableMismatch {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The declared table.
        table: String,
        /// The declared columns.
        expected: Vec<String>,
        /// The columns found, if the table exists.
        found: Option<Vec<String>>,
        /// The raw SQL.
        sql: String,
    },
    /// A `run` hook returned an error.
    #[error("revision `{revision}`: hook `{hook}` failed: {source}")]
    Hook {
        /// The revision id.
        revision: String,
        /// The hook's path as written in the DSL.
        hook: String,
        /// What the hook returned.
        #[source]
        source: BoxError,
    },
    /// A column that becomes NOT NULL holds NULL in some rows.
    #[error("revision `{revision}`: `{operation}`: column `{column}` of table `{table}` would become NOT NULL but {rows} row(s) hold NULL in it; fill them first (for example with a `run` hook in an earlier revision)")]
    NotNullViolation {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The real table.
        table: String,
        /// The column, by its new name.
        column: String,
        /// How many rows hold NULL.
        rows: u64,
    },
    /// A constraint the change adds (UNIQUE, PRIMARY KEY, CHECK) does not
    /// hold for the table's rows.
    #[error("revision `{revision}`: `{operation}`: {rows} row(s) of table `{table}` violate {constraint} (on {}), which the change adds; nothing was changed. Change or remove those rows first (for example with a `run` hook in an earlier revision)", columns.join(", "))]
    ConstraintViolation {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The real table.
        table: String,
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
    #[error("revision `{revision}`: `{operation}`: foreign key check failed after rebuilding table `{table}`: {}", list(violations))]
    ForeignKeyViolation {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The rebuilt table.
        table: String,
        /// The violating rows.
        violations: Vec<ForeignKeyViolation>,
    },
    /// Before a rebuild, the live table, its indexes or its triggers differ
    /// from what the history says they are at this revision (changed by
    /// hand, say). Rebuilding from the model's definition would lose a
    /// hand-added column, index or trigger, or undo a hand-made change, so
    /// nothing is changed.
    #[error("revision `{revision}`: `{operation}`: table `{table}` is not what the migration history says it is at this revision, and rebuilding it would lose the difference; nothing was changed. Undo the change by hand, or make it part of the history in a revision before this one.\n{}", drift_list(drift))]
    Drift {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The table to be rebuilt.
        table: String,
        /// Every difference found on the table.
        drift: Vec<crate::Drift>,
    },
    /// After a rebuild, a view no longer resolves (it uses a dropped or
    /// renamed column, for example); committing would leave it broken.
    #[error("revision `{revision}`: `{operation}`: view `{view}` no longer works after rebuilding table `{table}`: {source}; drop or change the view first\n  view SQL: {sql}")]
    BrokenView {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The rebuilt table.
        table: String,
        /// The view.
        view: String,
        /// The view's SQL.
        sql: String,
        /// SQLite's error when the view is queried.
        #[source]
        source: rusqlite::Error,
    },
    /// After a rebuild, a trigger no longer compiles (it uses a dropped
    /// column, for example); committing would make every write that fires
    /// it fail.
    #[error("revision `{revision}`: `{operation}`: trigger `{trigger}` on `{on}` no longer works after rebuilding table `{table}`: {source}; drop or change the trigger first\n  trigger SQL: {sql}")]
    BrokenTrigger {
        /// The revision id.
        revision: String,
        /// The DSL operation.
        operation: String,
        /// The rebuilt table.
        table: String,
        /// The trigger.
        trigger: String,
        /// The table or view the trigger is on.
        on: String,
        /// The trigger's SQL.
        sql: String,
        /// SQLite's error when a statement firing it is prepared.
        #[source]
        source: rusqlite::Error,
    },
    /// A temporary table of ours exists while the table it was copied from is
    /// gone: it may hold the only copy of the data, so nothing is touched.
    #[error("{}table `{table}` is missing but `{temp_table}` exists, left by an interrupted rebuild; it may hold the only copy of the data, so nothing was changed. Inspect it, then rename it to `{table}` or drop it.", revision.as_deref().map_or("before applying anything: ".to_owned(), |r| format!("revision `{r}`: ")))]
    OrphanedTemporaryTable {
        /// The revision the check ran for; `None` today, as the check runs
        /// once at the start of a run, before any revision.
        revision: Option<String>,
        /// The missing table.
        table: String,
        /// The leftover temporary table.
        temp_table: String,
    },
    /// The caller holds a transaction, foreign keys are ON, and a revision
    /// rebuilds a table: `PRAGMA foreign_keys` cannot change inside a
    /// transaction, and with it ON the rebuild's `DROP TABLE` would run the
    /// children's ON DELETE actions. Raised before anything changes.
    #[error("revision `{revision}` rebuilds table `{table}`, which needs foreign keys switched off, but a transaction is already open on this connection and `PRAGMA foreign_keys` cannot change inside it; nothing was changed. Commit or roll back first, or run `PRAGMA foreign_keys = OFF` before beginning the transaction.")]
    TransactionOpen {
        /// The first revision that rebuilds a table.
        revision: String,
        /// The table it rebuilds.
        table: String,
    },
    /// A TEMP object of this connection has the name of an object of the
    /// database the migration uses: SQLite resolves an unqualified name to
    /// the TEMP one first, so the migration's statements would change it
    /// instead (and the revision would be recorded as applied).
    #[error("this connection has a TEMP {kind} `{name}`, the name of {what} the migration uses; SQLite would send the migration's statements to the TEMP {kind} instead of the database's, so nothing was changed. Drop it (`DROP {} temp.\"{name}\"`) or migrate on a connection without it.", kind.as_str().to_ascii_uppercase())]
    ShadowedByTemp {
        /// What kind of object it is.
        kind: migrate_dsl_core::plan::ObjectKind,
        /// Its name.
        name: String,
        /// What it shadows: "table `users`", "the history table", ….
        what: String,
    },
    /// [`crate::Options::progress`] was given to
    /// [`crate::Migrations::apply_pending_in_transaction`]: SQLite's progress
    /// handler can only be installed through `&mut Connection`.
    #[error("progress reporting needs `&mut Connection` (SQLite's progress handler), which a caller's transaction does not give; nothing was changed. Leave `Options::progress` unset here, or run the migration outside the transaction with `apply_pending_with`.")]
    ProgressInTransaction,
    /// An applied revision's definition changed since it was applied.
    #[error("revision `{revision}` was applied with checksum {recorded} but its definition now has checksum {expected}: an applied revision was edited. Revert the edit and put the change in a new revision (or disable checksum verification if the edit is known to be harmless).")]
    ChecksumMismatch {
        /// The revision id.
        revision: String,
        /// The checksum in the history table.
        recorded: String,
        /// The checksum of the revision as compiled.
        expected: String,
    },
    /// The database has a revision this program does not know: it was
    /// migrated by a newer version of the program.
    #[error("the database has revision `{revision}` applied, which this program's history does not contain; it was probably migrated by a newer version of the program")]
    UnknownRevision {
        /// The unknown revision id.
        revision: String,
    },
    /// A revision is applied while an earlier one is not.
    #[error("revision `{later}` is applied but the earlier revision `{missing}` is not; revisions must be applied in order")]
    OutOfOrder {
        /// The first revision not applied.
        missing: String,
        /// A later revision that is applied.
        later: String,
    },
    /// A downgrade was asked to pass a revision that cannot be undone;
    /// nothing was changed.
    #[error("revision `{revision}` cannot be undone: {reason}. Nothing was changed.")]
    Irreversible {
        /// The revision id.
        revision: String,
        /// Why (which operation has no inverse).
        reason: String,
    },
    /// A target revision is not part of the history.
    #[error("`{target}` is not a revision of this history{}", if revisions.is_empty() { String::new() } else { format!(" (its revisions: {})", revisions.join(", ")) })]
    UnknownTarget {
        /// The target asked for.
        target: String,
        /// The history's revision ids.
        revisions: Vec<String>,
    },
    /// A downgrade target is not applied, so there is nothing to go down to.
    #[error("cannot downgrade to `{target}`: it is not applied (the database is at {}); apply revisions to go up", current.as_deref().map_or("no revision".to_owned(), |c| format!("`{c}`")))]
    TargetNotApplied {
        /// The target asked for.
        target: String,
        /// The newest applied revision.
        current: Option<String>,
    },
    /// The history table changed under a run (another process applied or
    /// undid revisions meanwhile); nothing of this revision was changed.
    #[error("revision `{revision}`: expected it to be the newest applied revision, but the history says {}; another process changed the database meanwhile. Run again.", newest.as_deref().map_or("nothing is applied".to_owned(), |n| format!("`{n}` is")))]
    HistoryChanged {
        /// The revision about to be undone.
        revision: String,
        /// The newest applied revision found.
        newest: Option<String>,
    },
    /// Offline SQL cannot contain a `run` hook (Rust code).
    #[error("revision `{revision}` runs hook `{hook}`, which is Rust code and cannot be part of an offline SQL script; apply this revision with the runtime")]
    OfflineHook {
        /// The revision id.
        revision: String,
        /// The hook's path.
        hook: String,
    },
    /// `check` compares with the head of the history; the database is not
    /// there.
    #[error("the database is at {}, not at the head `{head}` of the history; apply the pending revisions before checking for drift", current.as_deref().map_or("no revision".to_owned(), |c| format!("`{c}`")))]
    NotAtHead {
        /// The newest applied revision.
        current: Option<String>,
        /// The newest revision of the history.
        head: String,
    },
    /// `create_fresh` found objects of the head schema, or applied
    /// revisions of this history, already in the database.
    #[error("cannot create the schema from scratch: the database already has {}; use `apply_pending` to migrate an existing database", objects.join(", "))]
    NotEmpty {
        /// What the database already holds, e.g. `table users`.
        objects: Vec<String>,
    },
    /// `create_fresh` would skip a data step of the history.
    #[error("cannot create the schema from scratch: revision `{revision}` changes data (`{operation}`), which building the head schema directly would skip; use `apply_pending`, or `create_fresh_schema_only` if the data is not needed")]
    DataInHistory {
        /// The revision id.
        revision: String,
        /// The data operation.
        operation: String,
    },
    /// Reading or writing the history table failed.
    #[error("history table `{table}`: {source}\n  SQL: {sql}")]
    History {
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
    Connection {
        /// What was attempted.
        action: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A failure injected by a test (feature `fault-injection`).
    #[doc(hidden)]
    #[error("injected fault at {0}")]
    Injected(String),
}

/// One row that violates a foreign key, as `PRAGMA foreign_key_check` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
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
