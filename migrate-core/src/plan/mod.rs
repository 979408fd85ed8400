//! Plans: what the runtime executes, fully rendered at compile time.
//!
//! Every type can be built in a `const` context from `'static` data (the
//! macro's expansion) or owned at run time (hand-built histories). `Cow` is
//! what lets one type serve both.

// What plans are made from: SQL rendered from the model for each engine,
// quoting, the canonical text and checksums, fingerprints of a schema, the
// SQLite version a statement needs.
pub mod canonical;
pub mod fingerprint;
pub mod needs;
pub mod postgres;
pub mod render;
pub mod sql;

use crate::op::RunIf;
use std::borrow::Cow;

/// A `'static` or owned string.
pub type Text = Cow<'static, str>;

/// The checked plan of one revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionPlan {
    /// The revision id.
    pub id: Text,
    /// Checksum of the revision's normalized DSL (see [`crate::canonical`]).
    pub checksum: Text,
    /// [`crate::canonical::chain_digest`] of the history up to this
    /// revision.
    pub digest: Text,
    /// The steps, in order.
    pub steps: Cow<'static, [Step]>,
    /// How to undo the revision.
    pub down: Down,
    /// [`crate::render::schema_fingerprint`] of the schema after the
    /// revision, for checking a live database against the model.
    pub schema_after: Text,
    /// The revision's steps on PostgreSQL, for a history that targets it
    /// (`dialects sqlite, postgres;`).
    pub postgres: Option<Cow<'static, [PgStep]>>,
    /// How to undo the revision on PostgreSQL, when it can be undone there.
    pub postgres_down: Option<Cow<'static, [PgStep]>>,
}

/// One step of a revision on PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PgStep {
    /// Execute one SQL statement.
    Execute(Text),
    /// Execute one statement that changes rows, not the schema (an
    /// `insert into`, and the identity moved past its ids): a replay of
    /// the schema leaves it out.
    Rows(Text),
    /// Call a `run` hook: its PostgreSQL function (`run sqlite: f,
    /// postgres: g;`), by its place in the revision's hook list.
    Hook(HookCall),
    /// `create index concurrently`, the revision's only statement: run
    /// outside any transaction, guarded (an INVALID index a failure leaves
    /// behind is dropped, so a retry starts clean).
    ConcurrentIndex {
        /// The index name.
        index: Text,
        /// `CREATE INDEX CONCURRENTLY …`.
        concurrently: Text,
        /// The same index built inside a transaction (`CREATE INDEX …`).
        plain: Text,
    },
}

/// The kinds of schema object (`sqlite_schema.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// A table (also a virtual one).
    Table,
    /// An index.
    Index,
    /// A view.
    View,
    /// A trigger.
    Trigger,
}

impl ObjectKind {
    /// The name SQLite uses (`table`, `index`, `view`, `trigger`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::Trigger => "trigger",
        }
    }

    /// The kind SQLite names `name` (`sqlite_schema.type`).
    pub fn parse(name: &str) -> Option<Self> {
        [
            ObjectKind::Table,
            ObjectKind::Index,
            ObjectKind::View,
            ObjectKind::Trigger,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One object of a schema, as `sqlite_schema` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaObject {
    /// What kind of object it is.
    pub kind: ObjectKind,
    /// Its name.
    pub name: Text,
    /// Its `CREATE` statement.
    pub sql: Text,
}

/// How a revision is undone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Down {
    /// These steps (from a `down` block or the generated inverse) bring the
    /// schema back to what it was before the revision.
    Steps(Cow<'static, [Step]>),
    /// The revision cannot be undone, and why (e.g. it drops a table, whose
    /// rows are gone).
    Irreversible(Text),
}

/// One step of a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Execute one SQL statement that changes the schema.
    Execute(Statement),
    /// Insert rows of literal values (`insert`): data, not schema.
    Insert(Statement),
    /// Rebuild a table by SQLite's 12-step procedure.
    Rebuild(Rebuild),
    /// Change a table in place with `ALTER TABLE` where the linked SQLite
    /// can, by the rebuild otherwise.
    AlterInPlace(AlterInPlace),
    /// Call the revision's `index`-th hook.
    Hook(HookCall),
    /// Run raw SQL (one or more statements); the schema must be the same
    /// after it as before, except for the table it declares it creates.
    RawSql(RawStep),
}

impl Step {
    /// The rebuild this step may run on a SQLite whose version number is
    /// `linked`, on a connection where `defensive` tells whether
    /// `SQLITE_DBCONFIG_DEFENSIVE` is on: a rebuild's, or an in-place
    /// change's fallback when [`AlterInPlace::strategy`] chooses it or may
    /// fall back to it (a DEFAULT edit whose probe finds old rows). The one
    /// place the choice is read for the revision's setup.
    pub fn may_rebuild(&self, linked: u32, defensive: bool) -> Option<&Rebuild> {
        match self {
            Step::Rebuild(r) => Some(r),
            Step::AlterInPlace(a) => match a.strategy(linked, defensive) {
                Strategy::InPlace => None,
                Strategy::EditDefinition if a.edit.as_ref().is_some_and(|e| e.probe.is_none()) => {
                    None
                }
                _ => Some(&a.fallback),
            },
            _ => None,
        }
    }
}

/// How a batch block changes its table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// In place, by `ALTER TABLE` statements: no copy of the rows.
    InPlace,
    /// By editing the table's `CREATE TABLE` text in the schema table
    /// (SQLite's "simpler procedure"): no copy of the rows.
    EditDefinition,
    /// By SQLite's 12-step rebuild: a new table, the rows copied.
    Rebuild,
}

impl Strategy {
    /// How the report says it: `changed in place`, `definition edited`,
    /// `rebuilt`.
    pub const fn describe(self) -> &'static str {
        match self {
            Strategy::InPlace => "changed in place",
            Strategy::EditDefinition => "definition edited",
            Strategy::Rebuild => "rebuilt",
        }
    }
}

/// A batch block whose change SQLite can make without copying the table,
/// with the rebuild that makes exactly the same change where it cannot.
/// The cheapest available way is chosen at run time
/// ([`AlterInPlace::strategy`]); every way leaves the same `CREATE` text:
/// the renderer writes what SQLite's in-place edits write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterInPlace {
    /// The change as `ALTER TABLE` statements, where SQLite has a statement
    /// for every part of it.
    pub native: Option<NativeAlter>,
    /// The change as an edit of the table's definition, where every part
    /// of it is one SQLite lists as safe to make so (removing NOT NULL,
    /// CHECK or FOREIGN KEY constraints; adding, changing or removing a
    /// DEFAULT).
    pub edit: Option<DefinitionEdit>,
    /// The same change by the 12-step rebuild.
    pub fallback: Rebuild,
}

impl AlterInPlace {
    /// The way a SQLite whose version number is `linked` makes the change,
    /// on a connection where `defensive` tells whether
    /// `SQLITE_DBCONFIG_DEFENSIVE` (which forbids writing the schema table)
    /// is on: native statements where that SQLite has them, else a
    /// definition edit where allowed, else the rebuild. A DEFAULT edit may
    /// still rebuild when its probe finds rows stored before the column was
    /// added ([`DefaultProbe`]).
    pub fn strategy(&self, linked: u32, defensive: bool) -> Strategy {
        match (&self.native, &self.edit) {
            (Some(n), _) if linked >= n.needs => Strategy::InPlace,
            (_, Some(_)) if !defensive => Strategy::EditDefinition,
            _ => Strategy::Rebuild,
        }
    }
}

/// `ALTER TABLE` statements making a batch block's change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeAlter {
    /// The first SQLite release that has every statement (SQLite's version
    /// number, `3053000` for 3.53.0).
    pub needs: u32,
    /// The statements, in the block's order, each change that scans the
    /// table preceded by the count of the rows it would reject (so the
    /// error names the table, the column or constraint and the rows).
    pub steps: Cow<'static, [InPlaceStep]>,
}

/// A change made by writing the table's new `CREATE TABLE` text into the
/// schema table (`PRAGMA writable_schema`), the schema version bumped so
/// every connection reads it again. Only for changes that leave every
/// stored row valid and readable as it is: constraints removed, DEFAULTs
/// changed. The runtime proves the new text parses, with the same columns,
/// before the transaction can commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionEdit {
    /// The table's complete definition after the change, under its own
    /// name.
    pub sql: Text,
    /// For a change of DEFAULTs: the check that no stored row reads one.
    pub probe: Option<DefaultProbe>,
}

impl DefinitionEdit {
    /// Writes definition `?1` of table `?2` (with `PRAGMA writable_schema`
    /// on), the one statement an edit changes the schema table with.
    pub const WRITE_SQL: &'static str =
        "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2 COLLATE NOCASE";
}

/// A row stored before `ALTER TABLE … ADD COLUMN` added a column does not
/// hold it: SQLite reads the column's *current* DEFAULT in its place. A
/// DEFAULT edited in the definition would silently change such rows, so
/// before the edit the changed columns' DEFAULTs are set to a value no row
/// holds ([`PROBE_DEFAULT`]) and the table is scanned (without indexes)
/// for it: where a row reads it, the change is made by the rebuild, which
/// stores the value the row reads today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultProbe {
    /// The definition with the changed columns' DEFAULTs set to
    /// [`PROBE_DEFAULT`].
    pub sql: Text,
    /// `SELECT EXISTS (SELECT 1 FROM <table> NOT INDEXED WHERE …)`: whether
    /// a row reads [`PROBE_DEFAULT`] from one of them.
    pub exists_sql: Text,
}

/// The DEFAULT a [`DefaultProbe`] gives a column for a moment: a
/// BLOB (never converted by any column affinity). A row that really holds
/// it only costs a rebuild.
pub const PROBE_DEFAULT: &str = "x'6d696772617465dd64736c2070726f6265'";

/// One step of an in-place change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InPlaceStep {
    /// An `ALTER TABLE` statement.
    Execute(Statement),
    /// Refuse, naming the rows, when a column about to become NOT NULL
    /// holds NULL.
    NotNull(NotNullCheck),
    /// Refuse, naming the rows, when a CHECK about to be added fails.
    Constraint(ConstraintCheck),
}

/// A raw `sql` step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawStep {
    /// The SQL, with the operation and (first) table it touches.
    pub statement: Statement,
    /// The table it declares it creates, if any.
    pub creates: Option<CreatedTable>,
}

/// A table raw SQL declares it creates: it must exist afterwards with these
/// visible columns, in order (its shadow tables and their indexes may come
/// with it); no other schema change is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedTable {
    /// The table.
    pub name: Text,
    /// Its visible columns.
    pub columns: Cow<'static, [Text]>,
}

/// One SQL statement with what it is for (used in errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The DSL operation it implements, e.g. `create index foo_bar on foo (bar)`.
    pub operation: Text,
    /// The table it changes.
    pub table: Text,
    /// The SQL.
    pub sql: Text,
}

impl Statement {
    /// A statement from `'static` parts.
    pub const fn new(operation: &'static str, table: &'static str, sql: &'static str) -> Self {
        Statement {
            operation: Cow::Borrowed(operation),
            table: Cow::Borrowed(table),
            sql: Cow::Borrowed(sql),
        }
    }
}

/// A table rebuild: new table, copy, drop, rename, recreate indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rebuild {
    /// The DSL operation, e.g. `batch alter table foo { … }`.
    pub operation: Text,
    /// The table rebuilt (its name before and after).
    pub table: Text,
    /// The temporary table the new definition is created under.
    pub temp_table: Text,
    /// `ALTER TABLE … RENAME COLUMN` statements run first (after the live
    /// table is checked), so SQLite rewrites every reference itself.
    pub renames: Cow<'static, [Text]>,
    /// `CREATE TABLE <temp> (…)` with the complete new definition.
    pub create_sql: Text,
    /// `INSERT INTO <temp> (cols) SELECT cols FROM <table>`: explicit lists.
    pub copy_sql: Text,
    /// Columns that gain NOT NULL: checked before the copy so the error can
    /// name the real table, the column and the number of rows.
    pub not_null_checks: Cow<'static, [NotNullCheck]>,
    /// UNIQUE, PRIMARY KEY and CHECK constraints the old table did not
    /// guarantee: violations are counted on the real table before the copy,
    /// so the error can name it, the constraint and the number of rows.
    pub constraint_checks: Cow<'static, [ConstraintCheck]>,
    /// The table, its indexes and its triggers as the model expects them
    /// in the live database before the rebuild (drift check): a column,
    /// index or trigger added by hand would otherwise be lost without a
    /// word, and a changed definition would be replaced by the model's.
    pub expected_objects: Cow<'static, [SchemaObject]>,
    /// `CREATE INDEX` then `CREATE TRIGGER` statements run after the rename.
    pub recreate: Cow<'static, [Statement]>,
    /// The table has AUTOINCREMENT: its `sqlite_sequence` value is carried
    /// over, so ids of deleted rows are never reused.
    pub restore_sequence: bool,
}

/// One step of SQLite's 12-step table rebuild, as [`Rebuild::procedure`]
/// lists them. The runtime executes them (with its guard, fault points and
/// progress), the offline printer writes their SQL, the compile-time judge
/// replays what changes the schema: one order, read by all three.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RebuildStep<'a> {
    /// Compare the live table, its indexes and triggers with
    /// [`Rebuild::expected_objects`] (refuse: the difference would be lost).
    CheckDrift,
    /// `ALTER TABLE … RENAME COLUMN`, so SQLite rewrites every reference.
    RenameColumn(&'a str),
    /// Count the rows a column that gains NOT NULL would reject.
    CheckNotNull(&'a NotNullCheck),
    /// Count the rows a key or CHECK the change adds would reject.
    CheckConstraint(&'a ConstraintCheck),
    /// Keep the AUTOINCREMENT high-water mark (SQLite forgets it with the
    /// table).
    SaveSequence,
    /// `CREATE TABLE <temp> (…)`: the complete new definition.
    Create(&'a str),
    /// `INSERT INTO <temp> (…) SELECT … FROM <table>`.
    Copy(&'a str),
    /// `DROP TABLE <table>`.
    DropOld(String),
    /// `ALTER TABLE <temp> RENAME TO <table>`, with `legacy_alter_table` on
    /// so views and triggers elsewhere are not re-resolved mid-swap.
    RenameNew(String),
    /// Put the AUTOINCREMENT high-water mark back.
    RestoreSequence,
    /// Recreate an index or trigger (indexes first).
    Recreate(&'a Statement),
    /// Compile every view and trigger again; refuse one the rebuild broke.
    CheckDependents,
    /// `foreign_key_check` of the table and of every table referencing it
    /// (when foreign keys were on).
    CheckForeignKeys,
}

impl Rebuild {
    /// The whole procedure, in order (docs/REBUILD_CASES.md).
    pub fn procedure(&self) -> Vec<RebuildStep<'_>> {
        let table = crate::sql::ident(&self.table);
        let temp = crate::sql::ident(&self.temp_table);
        let mut steps = vec![RebuildStep::CheckDrift];
        steps.extend(self.renames.iter().map(|r| RebuildStep::RenameColumn(r)));
        steps.extend(self.not_null_checks.iter().map(RebuildStep::CheckNotNull));
        steps.extend(
            self.constraint_checks
                .iter()
                .map(RebuildStep::CheckConstraint),
        );
        if self.restore_sequence {
            steps.push(RebuildStep::SaveSequence);
        }
        steps.push(RebuildStep::Create(&self.create_sql));
        steps.push(RebuildStep::Copy(&self.copy_sql));
        steps.push(RebuildStep::DropOld(format!("DROP TABLE {table}")));
        steps.push(RebuildStep::RenameNew(format!(
            "ALTER TABLE {temp} RENAME TO {table}"
        )));
        if self.restore_sequence {
            steps.push(RebuildStep::RestoreSequence);
        }
        steps.extend(self.recreate.iter().map(RebuildStep::Recreate));
        steps.push(RebuildStep::CheckDependents);
        steps.push(RebuildStep::CheckForeignKeys);
        steps
    }
}

/// A NOT NULL check run before a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotNullCheck {
    /// The column's name after the change.
    pub column: Text,
    /// `SELECT count(*) FROM <table> WHERE <source> IS NULL`.
    pub count_sql: Text,
}

/// A constraint check run before a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintCheck {
    /// The constraint, for messages: "the UNIQUE constraint `u_email_key`".
    pub constraint: Text,
    /// The columns it covers, by their new names.
    pub columns: Cow<'static, [Text]>,
    /// Counts the violating rows: for a key, the rows that share their
    /// (non-NULL) value with another row; for a CHECK, the rows where it
    /// is false.
    pub count_sql: Text,
}

/// A call of a `run` hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookCall {
    /// The hook's path as written, e.g. `backfill_notes`.
    pub name: Text,
    /// Its position in the revision's hook list.
    pub index: usize,
    /// `when "flag"` / `unless "flag"`: whether it runs depends on the
    /// caller's flags. `None`: it always runs.
    pub condition: Option<RunIf<Text>>,
}

impl HookCall {
    /// The call of `hook`, the revision's `index`-th, naming the function
    /// called on `dialect`.
    pub fn of(hook: &crate::op::RunHook, index: usize, dialect: crate::op::Dialect) -> Self {
        let name = match (dialect, &hook.postgres) {
            (crate::op::Dialect::Postgres, Some(pg)) => &pg.text,
            _ => &hook.path.text,
        };
        HookCall {
            name: Cow::Owned(name.clone()),
            index,
            condition: hook
                .condition
                .as_ref()
                .map(|c| c.map(|flag| Cow::Owned(flag.text.clone()))),
        }
    }

    /// A hook call from `'static` parts.
    pub const fn new(name: &'static str, index: usize) -> Self {
        HookCall {
            name: Cow::Borrowed(name),
            index,
            condition: None,
        }
    }

    /// A hook call that runs only when `flag` is set.
    pub const fn when(name: &'static str, index: usize, flag: &'static str) -> Self {
        HookCall {
            name: Cow::Borrowed(name),
            index,
            condition: Some(RunIf::When(Cow::Borrowed(flag))),
        }
    }

    /// A hook call that runs unless `flag` is set.
    pub const fn unless(name: &'static str, index: usize, flag: &'static str) -> Self {
        HookCall {
            name: Cow::Borrowed(name),
            index,
            condition: Some(RunIf::Unless(Cow::Borrowed(flag))),
        }
    }

    /// Whether the hook runs for a caller with the flags `is_set` tells.
    pub fn runs(&self, is_set: impl FnOnce(&str) -> bool) -> bool {
        match &self.condition {
            None => true,
            Some(condition) => condition.runs(is_set(condition.flag())),
        }
    }
}

/// A `'static` string in a const context.
pub const fn text(s: &'static str) -> Text {
    Cow::Borrowed(s)
}
