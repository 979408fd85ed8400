//! Operations: a history as the user wrote it, front-end independent.
//!
//! The macro builds these from tokens; names carry a [`Loc`] so diagnostics can
//! point back at the token. Nothing here has been validated yet.

use crate::plan::ObjectKind;
use crate::{Loc, Name};

/// A whole history: revisions, oldest first.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct History {
    /// The revisions in the order they must be applied.
    pub revisions: Vec<RevisionDef>,
    /// How unnamed constraints are named.
    pub naming: Naming,
    /// `history table "name";`: where applied revisions are recorded, when
    /// not [`crate::DEFAULT_HISTORY_TABLE`]. Two histories sharing one
    /// database each need their own.
    pub history_table: Option<Name>,
    /// `dialects sqlite, postgres;`: the engines the history targets, each
    /// with where it was named. Empty: SQLite alone.
    pub dialects: Vec<(Dialect, Loc)>,
}

/// A database engine a history targets. Every history targets SQLite;
/// `dialects sqlite, postgres;` adds PostgreSQL, whose rules the checker
/// then enforces too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// Every dialect, in the order `dialects …;` lists them.
    pub const ALL: [Dialect; 2] = [Dialect::Sqlite, Dialect::Postgres];

    /// Its keyword in `dialects …;`.
    pub fn keyword(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// Its name in prose.
    pub fn display_name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
        }
    }

    /// The dialect whose keyword is `word`.
    pub fn from_keyword(word: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.keyword() == word)
    }
}

impl History {
    /// A history of these revisions, targeting SQLite alone, with the
    /// default naming convention and history table.
    pub fn new(revisions: Vec<RevisionDef>) -> Self {
        History {
            revisions,
            ..History::default()
        }
    }

    /// Whether the history targets `dialect` (SQLite always).
    pub fn targets(&self, dialect: Dialect) -> bool {
        dialect == Dialect::Sqlite || self.dialects.iter().any(|(d, _)| *d == dialect)
    }

    /// The name of the history table.
    pub fn history_table_name(&self) -> &str {
        self.history_table
            .as_ref()
            .map_or(crate::DEFAULT_HISTORY_TABLE, |n| &n.text)
    }
}

/// The naming convention: templates for the names of unnamed constraints.
///
/// Placeholders: `{table}`; `{columns}` (the constrained columns joined by
/// `_`; for a CHECK, the column it is written on or the columns it uses);
/// `{parent}` (a foreign key's parent table). Changing the convention of a
/// history renames nothing already created: names are fixed when a
/// constraint is made, so the convention is part of every checksum.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Naming {
    /// Primary keys, default `pk_{table}`.
    pub primary_key: String,
    /// UNIQUE constraints, default `uq_{table}_{columns}`.
    pub unique: String,
    /// CHECK constraints, default `ck_{table}_{columns}`.
    pub check: String,
    /// Foreign keys, default `fk_{table}_{columns}_{parent}`.
    pub foreign_key: String,
    /// Where each template given in the DSL was written, by key
    /// (`primary_key`, `unique`, `check`, `foreign_key`).
    pub at: Vec<(&'static str, Loc)>,
}

impl Default for Naming {
    fn default() -> Self {
        Naming {
            primary_key: "pk_{table}".to_owned(),
            unique: "uq_{table}_{columns}".to_owned(),
            check: "ck_{table}_{columns}".to_owned(),
            foreign_key: "fk_{table}_{columns}_{parent}".to_owned(),
            at: Vec::new(),
        }
    }
}

impl Naming {
    /// The placeholders a template may use.
    pub const PLACEHOLDERS: [&'static str; 3] = ["{table}", "{columns}", "{parent}"];

    /// Fills `template` in. Empty `{columns}` drop the separator before them
    /// (`ck_{table}_{columns}` for a table CHECK without columns is `ck_t`).
    pub fn fill(template: &str, table: &str, columns: &[String], parent: &str) -> String {
        let joined = columns.join("_");
        let mut t = template.to_owned();
        if joined.is_empty() {
            t = t.replace("_{columns}", "").replace("{columns}", "");
        }
        t.replace("{table}", table)
            .replace("{columns}", &joined)
            .replace("{parent}", parent)
    }
}

/// One revision: an id and the operations applied together, atomically.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RevisionDef {
    /// The revision id, unique within the history.
    pub id: Name,
    /// The operations, in order.
    pub ops: Vec<Op>,
    /// `down { … }`: how to undo the revision, when written. Without it,
    /// the inverse is generated where every operation has an obvious one.
    pub down: Option<DownBlock>,
}

impl RevisionDef {
    /// A revision without a `down` block.
    pub fn new(id: Name, ops: Vec<Op>) -> Self {
        RevisionDef {
            id,
            ops,
            down: None,
        }
    }
}

/// `down { … }`: the operations that undo a revision.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DownBlock {
    /// Where `down` was written.
    pub at: Loc,
    /// The operations, in order; they must bring the schema back to what it
    /// was before the revision.
    pub ops: Vec<Op>,
}

impl DownBlock {
    /// A `down` block written at `at`.
    pub fn new(at: Loc, ops: Vec<Op>) -> Self {
        DownBlock { at, ops }
    }
}

/// One schema or data operation.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Op {
    /// `create table t { … }`
    CreateTable(CreateTable),
    /// `drop table t;`
    DropTable(Name),
    /// `rename table a to b;`
    RenameTable {
        /// The current name.
        from: Name,
        /// The new name.
        to: Name,
    },
    /// `create [unique] index i on t (c, …);`
    CreateIndex(CreateIndex),
    /// `drop index i;`
    DropIndex(Name),
    /// `insert into t (c, …) values (…), …;`
    Insert(Insert),
    /// `batch alter table t { … }`: changes applied by one table rebuild.
    Batch(BatchAlter),
    /// `run path;`: a Rust function called inside the revision's transaction.
    Run(RunHook),
    /// `create view v as "SELECT …";` or `replace view v as "…";`
    CreateView(CreateView),
    /// `drop view v;`
    DropView(Name),
    /// `create trigger t after insert on tbl as "…";`
    CreateTrigger(CreateTrigger),
    /// `drop trigger t;`
    DropTrigger(Name),
    /// `create … if not exists …` or `drop … if exists …` around one of the
    /// create or drop operations above.
    IfExists(Box<Op>),
    /// `sql "…" [touches (t, …)] [creates table t (c, …)];`: raw SQL that
    /// changes data, or creates a table the DSL cannot express (a virtual
    /// table, for example).
    Sql(RawSql),
}

impl Op {
    /// Where the operation was written: its name, or its block.
    pub fn at(&self) -> Loc {
        match self {
            Op::CreateTable(ct) => ct.name.at,
            Op::DropTable(n) | Op::DropIndex(n) | Op::DropView(n) | Op::DropTrigger(n) => n.at,
            Op::RenameTable { from, .. } => from.at,
            Op::CreateIndex(ci) => ci.name.at,
            Op::Insert(i) => i.table.at,
            Op::Batch(b) => b.at,
            Op::Run(h) => h.path.at,
            Op::CreateView(v) => v.name.at,
            Op::CreateTrigger(t) => t.name.at,
            Op::IfExists(inner) => inner.at(),
            Op::Sql(raw) => raw.sql.at,
        }
    }
}

/// Raw SQL: the escape hatch for data changes the DSL cannot express.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RawSql {
    /// The statements, as SQL text: on every engine, or on SQLite when
    /// [`RawSql::postgres`] is given.
    pub sql: Expr,
    /// `sql sqlite: "…", postgres: "…";`: PostgreSQL's statements, where
    /// they differ from SQLite's.
    pub postgres: Option<Expr>,
    /// The tables and views it reads or writes, as declared.
    pub touches: Vec<Name>,
    /// `creates table t (c, …)`: the one schema change it may make.
    pub creates: Option<CreatesTable>,
}

impl RawSql {
    /// Raw SQL that declares nothing it touches or creates.
    pub fn new(sql: Expr) -> Self {
        RawSql {
            sql,
            postgres: None,
            touches: Vec::new(),
            creates: None,
        }
    }
}

/// `creates table t (c, …)`: a table raw SQL creates, with its columns.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CreatesTable {
    /// The table's name.
    pub name: Name,
    /// Its (visible) columns, in order.
    pub columns: Vec<Name>,
}

impl CreatesTable {
    /// `creates table name (columns)`.
    pub fn new(name: Name, columns: Vec<Name>) -> Self {
        CreatesTable { name, columns }
    }
}

impl Op {
    /// For a create or drop of a table, index, view or trigger: whether it
    /// creates, the kind of object, and its name.
    pub fn object(&self) -> Option<(bool, ObjectKind, &Name)> {
        Some(match self {
            Op::CreateTable(t) => (true, ObjectKind::Table, &t.name),
            Op::CreateIndex(i) => (true, ObjectKind::Index, &i.name),
            Op::CreateView(v) if !v.replace => (true, ObjectKind::View, &v.name),
            Op::CreateTrigger(t) => (true, ObjectKind::Trigger, &t.name),
            Op::DropTable(n) => (false, ObjectKind::Table, n),
            Op::DropIndex(n) => (false, ObjectKind::Index, n),
            Op::DropView(n) => (false, ObjectKind::View, n),
            Op::DropTrigger(n) => (false, ObjectKind::Trigger, n),
            _ => return None,
        })
    }
}

/// `create view` / `replace view`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CreateView {
    /// The view's name.
    pub name: Name,
    /// The query (`SELECT …`) as SQL text.
    pub query: Expr,
    /// `replace view`: the view exists and gets a new query.
    pub replace: bool,
}

impl CreateView {
    /// `create view name as query`.
    pub fn new(name: Name, query: Expr) -> Self {
        CreateView {
            name,
            query,
            replace: false,
        }
    }
}

/// `create trigger`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CreateTrigger {
    /// The trigger's name.
    pub name: Name,
    /// `before`, `after` or `instead of`.
    pub timing: TriggerTiming,
    /// `insert`, `delete` or `update [of c, …]`.
    pub event: TriggerEvent<Name>,
    /// The table (or, for `instead of`, the view) it is on.
    pub table: Name,
    /// `when "…"`: the condition, as SQL text.
    pub when: Option<Expr>,
    /// The statements run, as SQL text separated by `;`.
    pub body: Expr,
}

impl CreateTrigger {
    /// A trigger without a `when` condition.
    pub fn new(
        name: Name,
        timing: TriggerTiming,
        event: TriggerEvent<Name>,
        table: Name,
        body: Expr,
    ) -> Self {
        CreateTrigger {
            name,
            timing,
            event,
            table,
            when: None,
            body,
        }
    }
}

/// When a trigger fires relative to its event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TriggerTiming {
    /// `before`
    Before,
    /// `after`
    After,
    /// `instead of` (views only)
    InsteadOf,
}

impl TriggerTiming {
    /// The SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        }
    }
}

/// What fires a trigger; `C` names a column (a [`Name`] as written, a
/// `String` in the model).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TriggerEvent<C> {
    /// `insert`
    Insert,
    /// `delete`
    Delete,
    /// `update`, or `update of a, b`.
    Update(Vec<C>),
}

/// `create table`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CreateTable {
    /// The new table's name.
    pub name: Name,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// Table-level constraints.
    pub constraints: Vec<TableConstraint>,
    /// `strict`, with where it was written.
    pub strict: Option<Loc>,
    /// `without rowid`, with where it was written.
    pub without_rowid: Option<Loc>,
}

impl CreateTable {
    /// A plain table with these columns.
    pub fn new(name: Name, columns: Vec<ColumnDef>) -> Self {
        CreateTable {
            name,
            columns,
            constraints: Vec::new(),
            strict: None,
            without_rowid: None,
        }
    }
}

/// A constraint, optionally named (`constraint <name> …`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Constraint<K> {
    /// The explicit name; unnamed constraints get one from the naming
    /// convention.
    pub name: Option<Name>,
    /// What it constrains.
    pub kind: K,
    /// `on conflict <resolution>` (primary key, unique, table-level check),
    /// with where the resolution was written.
    pub on_conflict: Option<(Conflict, Loc)>,
    /// Where it was written.
    pub at: Loc,
}

impl<K> Constraint<K> {
    /// An unnamed constraint without a conflict clause.
    pub fn new(kind: K, at: Loc) -> Self {
        Constraint {
            name: None,
            kind,
            on_conflict: None,
            at,
        }
    }
}

/// A conflict resolution: what an INSERT or UPDATE that violates a
/// PRIMARY KEY, UNIQUE or NOT NULL constraint does when the statement does
/// not say (`INSERT OR …` overrides it). Part of the table's meaning: a
/// key `on conflict ignore` silently skips the rows a plain key refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Conflict {
    /// `rollback`: the whole transaction is rolled back.
    Rollback,
    /// `abort`: the statement is undone (SQLite's default).
    Abort,
    /// `fail`: the statement stops, keeping its earlier changes.
    Fail,
    /// `ignore`: the offending row is skipped.
    Ignore,
    /// `replace`: the rows in the way are deleted (a NULL takes the
    /// column's default).
    Replace,
}

impl Conflict {
    /// Every resolution, in SQLite's documentation order.
    pub const ALL: [Conflict; 5] = [
        Conflict::Rollback,
        Conflict::Abort,
        Conflict::Fail,
        Conflict::Ignore,
        Conflict::Replace,
    ];

    /// The SQL spelling (`IGNORE`); the DSL's is its lower case.
    pub fn sql(self) -> &'static str {
        match self {
            Conflict::Rollback => "ROLLBACK",
            Conflict::Abort => "ABORT",
            Conflict::Fail => "FAIL",
            Conflict::Ignore => "IGNORE",
            Conflict::Replace => "REPLACE",
        }
    }

    /// ` on conflict <resolution>` as the DSL writes it, or nothing.
    pub fn dsl_clause(c: Option<Conflict>) -> String {
        c.map_or_else(String::new, |c| {
            format!(" on conflict {}", c.sql().to_ascii_lowercase())
        })
    }

    /// The resolution a word names, in any case.
    pub fn from_word(word: &str) -> Option<Conflict> {
        Conflict::ALL
            .into_iter()
            .find(|c| c.sql().eq_ignore_ascii_case(word))
    }
}

/// A constraint written on a column.
pub type ColumnConstraint = Constraint<ColumnConstraintKind>;

/// A constraint written at table level.
pub type TableConstraint = Constraint<TableConstraintKind>;

/// The kinds of column constraint.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ColumnConstraintKind {
    /// `primary key [desc] [autoincrement]`
    PrimaryKey {
        /// `desc`
        desc: bool,
        /// `autoincrement`, with where it was written.
        autoincrement: Option<Loc>,
    },
    /// `unique`
    Unique,
    /// `check (…)`
    Check(Expr),
    /// `references t [(c)] …`
    References(ForeignKeyTarget),
}

/// The kinds of table constraint.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TableConstraintKind {
    /// `primary key (a, b)`
    PrimaryKey(Vec<IndexedColumn>),
    /// `unique (a, b)`
    Unique(Vec<Name>),
    /// `check (…)`
    Check(Expr),
    /// `foreign key (a, b) references t (x, y) …`
    ForeignKey {
        /// The referencing columns.
        columns: Vec<Name>,
        /// What they reference.
        target: ForeignKeyTarget,
    },
}

/// The parent side of a foreign key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ForeignKeyTarget {
    /// The parent table.
    pub table: Name,
    /// The parent columns; empty means the parent's primary key.
    pub columns: Vec<Name>,
    /// `on delete …`
    pub on_delete: Option<FkAction>,
    /// `on update …`
    pub on_update: Option<FkAction>,
    /// `deferrable initially deferred`
    pub deferred: bool,
}

impl ForeignKeyTarget {
    /// A reference to these parent columns (empty: the parent's primary
    /// key), without actions, not deferred.
    pub fn new(table: Name, columns: Vec<Name>) -> Self {
        ForeignKeyTarget {
            table,
            columns,
            on_delete: None,
            on_update: None,
            deferred: false,
        }
    }
}

/// A foreign key action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FkAction {
    /// `cascade`
    Cascade,
    /// `set null`
    SetNull,
    /// `set default`
    SetDefault,
    /// `restrict`
    Restrict,
    /// `no action`
    NoAction,
}

impl FkAction {
    /// The SQL (and DSL, lower-cased) spelling.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
            FkAction::Restrict => "RESTRICT",
            FkAction::NoAction => "NO ACTION",
        }
    }
}

/// A column definition.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ColumnDef {
    /// The column's name.
    pub name: Name,
    /// Its declared type.
    pub ty: ColumnType,
    /// Where the type was written.
    pub ty_at: Loc,
    /// `not null`.
    pub not_null: bool,
    /// `not null on conflict <resolution>`, with where the resolution was
    /// written.
    pub not_null_conflict: Option<(Conflict, Loc)>,
    /// `default (…)`.
    pub default: Option<Expr>,
    /// `collate <name>`.
    pub collate: Option<Name>,
    /// `as (expr) stored|virtual`: a generated column.
    pub generated: Option<Generated<Expr>>,
    /// Primary key, unique, check and references constraints, in order.
    pub constraints: Vec<ColumnConstraint>,
}

/// A generated column's definition; `E` is the expression (as written in an
/// operation, parsed in the model).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Generated<E> {
    /// The expression computing the value.
    pub expr: E,
    /// `stored` (computed on write, takes space) or `virtual` (computed on
    /// read).
    pub stored: bool,
}

impl<E> Generated<E> {
    /// `as (expr) stored` or, when `stored` is false, `virtual`.
    pub fn new(expr: E, stored: bool) -> Self {
        Generated { expr, stored }
    }
}

impl ColumnDef {
    /// A nullable column without constraints.
    pub fn new(name: Name, ty: ColumnType) -> Self {
        ColumnDef {
            ty_at: name.at,
            name,
            ty,
            not_null: false,
            not_null_conflict: None,
            default: None,
            collate: None,
            generated: None,
            constraints: Vec::new(),
        }
    }

    /// Where `primary key` was written on this column, if it was.
    pub fn primary_key(&self) -> Option<Loc> {
        self.constraints
            .iter()
            .find(|c| matches!(c.kind, ColumnConstraintKind::PrimaryKey { .. }))
            .map(|c| c.at)
    }
}

/// A column's declared type, as written: one or more words with an optional
/// `(n)` or `(n, m)` (`varchar(512)`, `decimal(10, 2)`, `timestamp with time
/// zone`), or no type at all. It is rendered verbatim; what it does to stored
/// values is its [`Affinity`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ColumnType(TypeText);

/// The text of a [`ColumnType`]: shared, so cloning a schema model (done
/// for every revision) copies no string.
#[derive(Clone, Debug)]
enum TypeText {
    Static(&'static str),
    Shared(std::sync::Arc<str>),
}

impl PartialEq for ColumnType {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ColumnType {}

impl std::hash::Hash for ColumnType {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Default for ColumnType {
    fn default() -> Self {
        ColumnType::NONE
    }
}

impl ColumnType {
    /// `integer`: the only type whose `primary key` column aliases the rowid.
    pub const INTEGER: ColumnType = ColumnType::from_static("integer");
    /// `text`
    pub const TEXT: ColumnType = ColumnType::from_static("text");
    /// `real`
    pub const REAL: ColumnType = ColumnType::from_static("real");
    /// `blob`
    pub const BLOB: ColumnType = ColumnType::from_static("blob");
    /// `numeric`
    pub const NUMERIC: ColumnType = ColumnType::from_static("numeric");
    /// No declared type (BLOB affinity).
    pub const NONE: ColumnType = ColumnType::from_static("");

    /// The types a STRICT table accepts.
    pub const STRICT: [&'static str; 6] = ["INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"];

    /// A type from text already in canonical form (words separated by one
    /// space, arguments as `(n)` or `(n, m)`).
    pub const fn from_static(text: &'static str) -> Self {
        ColumnType(TypeText::Static(text))
    }

    /// The type made of `words` and, when given, the arguments of its
    /// parentheses (each a signed number as written).
    pub fn new<W: AsRef<str>>(words: &[W], args: Option<&[String]>) -> Self {
        let mut text = words
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(args) = args {
            text.push('(');
            text.push_str(&args.join(", "));
            text.push(')');
        }
        ColumnType(TypeText::Shared(text.into()))
    }

    /// Parses a declared type as SQLite stores it (`VARCHAR( 512 )`,
    /// `"DATETIME"`), normalizing spacing; `None` when it is not of the
    /// form words + optional `(n)` / `(n, m)`.
    pub fn parse(declared: &str) -> Option<Self> {
        let declared = declared.trim();
        let (head, args) = match declared.find('(') {
            Some(open) => {
                let inner = declared[open + 1..].strip_suffix(')')?;
                let args: Vec<String> = inner
                    .split(',')
                    .map(|a| a.split_whitespace().collect::<String>())
                    .collect();
                let number = |a: &String| {
                    let digits = a.strip_prefix(['+', '-']).unwrap_or(a);
                    !digits.is_empty() && digits.parse::<f64>().is_ok()
                };
                if args.len() > 2 || !args.iter().all(number) {
                    return None;
                }
                (&declared[..open], Some(args))
            }
            None => (declared, None),
        };
        let words: Vec<&str> = head
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']'))
            .collect();
        if words.is_empty() && args.is_some()
            || words
                .iter()
                .any(|w| w.is_empty() || !w.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return None;
        }
        Some(ColumnType::new(&words, args.as_deref()))
    }

    /// The type as written (empty for no type).
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TypeText::Static(s) => s,
            TypeText::Shared(s) => s,
        }
    }

    /// Whether no type was declared.
    pub fn is_none(&self) -> bool {
        self.as_str().is_empty()
    }

    /// The type's affinity, by SQLite's rules (datatype3.html, 3.1): the
    /// first that applies of: contains `INT` → INTEGER; `CHAR`, `CLOB` or
    /// `TEXT` → TEXT; `BLOB` or no type → BLOB; `REAL`, `FLOA` or `DOUB` →
    /// REAL; otherwise NUMERIC.
    pub fn affinity(&self) -> Affinity {
        let t = self.as_str().to_ascii_uppercase();
        let has = |s: &str| t.contains(s);
        if has("INT") {
            Affinity::Integer
        } else if has("CHAR") || has("CLOB") || has("TEXT") {
            Affinity::Text
        } else if has("BLOB") || t.is_empty() {
            Affinity::Blob
        } else if has("REAL") || has("FLOA") || has("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    /// Whether a `primary key` on a column of this type aliases the rowid:
    /// SQLite requires the type to be exactly `INTEGER` (not `INT`, not
    /// `BIGINT`, not `INTEGER(8)`).
    pub fn aliases_rowid(&self) -> bool {
        self.as_str().eq_ignore_ascii_case("integer")
    }

    /// Whether a STRICT table accepts this type.
    pub fn allowed_in_strict(&self) -> bool {
        Self::STRICT
            .iter()
            .any(|t| t.eq_ignore_ascii_case(self.as_str()))
    }

    /// Whether two declared types are the same type (SQLite ignores case).
    pub fn same(&self, other: &ColumnType) -> bool {
        self.as_str().eq_ignore_ascii_case(other.as_str())
    }

    /// The type as `dialect` is sent it: on SQLite as written; on
    /// PostgreSQL a SQLite spelling it has under another name is renamed
    /// ([`POSTGRES_NAMES`]: `datetime` → `timestamp`, `blob` → `bytea`),
    /// its size kept where the PostgreSQL type takes one.
    pub fn in_dialect(&self, dialect: Dialect) -> std::borrow::Cow<'_, str> {
        if dialect != Dialect::Postgres {
            return self.as_str().into();
        }
        let text = self.as_str();
        let (base, args) = match text.find('(') {
            Some(open) => (text[..open].trim_end(), &text[open..]),
            None => (text, ""),
        };
        match POSTGRES_NAMES
            .iter()
            .find(|(sqlite, _, _)| sqlite.eq_ignore_ascii_case(base))
        {
            Some((_, postgres, true)) => format!("{postgres}{args}").into(),
            Some((_, postgres, false)) => (*postgres).into(),
            None => text.into(),
        }
    }
}

/// Type names SQLite applications write that PostgreSQL knows under
/// another name for the same kind of value: (SQLite's, PostgreSQL's,
/// whether a size carries over). A history targeting both writes the
/// first; PostgreSQL is sent the second (`docs/DSL.md`, "PostgreSQL").
pub const POSTGRES_NAMES: &[(&str, &str, bool)] = &[
    ("datetime", "timestamp", true),
    ("blob", "bytea", false),
    ("tinyint", "smallint", false),
    ("mediumint", "integer", false),
    ("unsigned big int", "bigint", false),
    ("double", "double precision", false),
    ("nvarchar", "varchar", true),
    ("nchar", "char", true),
    ("native character", "char", true),
    ("varying character", "varchar", true),
    ("clob", "text", false),
];

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// SQLite's type affinities: how a column converts the values stored in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Affinity {
    /// INTEGER: text that looks like a number becomes one; reals that are
    /// whole become integers.
    Integer,
    /// TEXT: numbers become text.
    Text,
    /// BLOB: values are stored as given.
    Blob,
    /// REAL: numbers become reals.
    Real,
    /// NUMERIC: text that looks like a number becomes one.
    Numeric,
}

impl Affinity {
    /// The affinity's name, upper case.
    pub fn name(self) -> &'static str {
        match self {
            Affinity::Integer => "INTEGER",
            Affinity::Text => "TEXT",
            Affinity::Blob => "BLOB",
            Affinity::Real => "REAL",
            Affinity::Numeric => "NUMERIC",
        }
    }
}

/// An SQL expression (CHECK, DEFAULT) as written, not yet parsed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Expr {
    /// The expression's SQL text, without the surrounding parentheses.
    pub text: String,
    /// Where the whole expression was written.
    pub at: Loc,
    /// Where each identifier inside it was written: (byte offset in `text`,
    /// location), so a bad reference is reported on its own token.
    pub name_locs: Vec<(usize, Loc)>,
}

impl Expr {
    /// An expression without per-identifier locations.
    pub fn new(text: impl Into<String>, at: Loc) -> Self {
        Expr {
            text: text.into(),
            at,
            name_locs: Vec::new(),
        }
    }

    /// The location of the identifier at byte `offset`, or of the whole
    /// expression.
    pub fn loc_of(&self, offset: usize) -> Loc {
        self.name_locs
            .iter()
            .find(|(o, _)| *o == offset)
            .map_or(self.at, |(_, l)| *l)
    }
}

/// `create index`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CreateIndex {
    /// The index name.
    pub name: Name,
    /// The indexed table.
    pub table: Name,
    /// The keys, in order.
    pub keys: Vec<IndexKey>,
    /// `create unique index`.
    pub unique: bool,
    /// `where (…)`: a partial index.
    pub filter: Option<Expr>,
    /// `create index concurrently`, where the keyword is: on PostgreSQL the
    /// index is built without blocking writes, outside a transaction (the
    /// revision holds nothing else); on SQLite an ordinary index.
    pub concurrently: Option<Loc>,
}

impl CreateIndex {
    /// A plain (not unique, not partial) index.
    pub fn new(name: Name, table: Name, keys: Vec<IndexKey>) -> Self {
        CreateIndex {
            name,
            table,
            keys,
            unique: false,
            filter: None,
            concurrently: None,
        }
    }
}

/// One key of an index: a column or an expression.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IndexKey {
    /// What is indexed.
    pub target: IndexTarget,
    /// `collate <name>`.
    pub collate: Option<Name>,
    /// `desc`.
    pub desc: bool,
}

impl IndexKey {
    /// An ascending key without a collation.
    pub fn new(target: IndexTarget) -> Self {
        IndexKey {
            target,
            collate: None,
            desc: false,
        }
    }
}

/// What an index key indexes.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum IndexTarget {
    /// A column.
    Column(Name),
    /// An expression such as `lower(email)`.
    Expr(Expr),
}

/// One column of an index.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IndexedColumn {
    /// The column.
    pub name: Name,
    /// `desc`.
    pub desc: bool,
}

impl IndexedColumn {
    /// A key column, descending when `desc`.
    pub fn new(name: Name, desc: bool) -> Self {
        IndexedColumn { name, desc }
    }
}

/// `insert into t (c, …) values (…), …`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Insert {
    /// The table.
    pub table: Name,
    /// The columns given a value.
    pub columns: Vec<Name>,
    /// One entry per row.
    pub rows: Vec<InsertRow>,
}

impl Insert {
    /// `insert into table (columns) values rows`.
    pub fn new(table: Name, columns: Vec<Name>, rows: Vec<InsertRow>) -> Self {
        Insert {
            table,
            columns,
            rows,
        }
    }
}

/// One row of literal values.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InsertRow {
    /// The values, in the order of the column list.
    pub values: Vec<Literal>,
    /// Where the row was written.
    pub at: Loc,
}

impl InsertRow {
    /// A row of values written at `at`.
    pub fn new(values: Vec<Literal>, at: Loc) -> Self {
        InsertRow { values, at }
    }
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// `null`
    Null,
    /// An integer.
    Integer(i64),
    /// A real, as written (validated as a finite number).
    Real(String),
    /// A string.
    Text(String),
    /// A byte string, stored as a blob.
    Blob(Vec<u8>),
}

/// `batch alter table t { … }`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BatchAlter {
    /// The table rebuilt.
    pub table: Name,
    /// The changes, applied in order (later ones see earlier renames).
    pub changes: Vec<Change>,
    /// Where the block was written.
    pub at: Loc,
    /// When the table is rebuilt.
    pub recreate: Recreate,
}

impl BatchAlter {
    /// `batch alter table table { changes }` (rebuilt only when needed).
    pub fn new(table: Name, changes: Vec<Change>, at: Loc) -> Self {
        BatchAlter {
            table,
            changes,
            at,
            recreate: Recreate::Auto,
        }
    }
}

/// When a block of changes rebuilds its table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recreate {
    /// `batch alter table t { … }`: plain `ALTER TABLE` statements when
    /// SQLite can make every change with them, one rebuild otherwise.
    #[default]
    Auto,
    /// `batch alter table t recreate = always { … }`: always one rebuild.
    Always,
    /// `alter table t <change>;` outside a block: plain `ALTER TABLE` only;
    /// a change that needs a rebuild is an error.
    Never,
}

/// One change inside a batch block.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Change {
    /// `add column c type …;`
    AddColumn(ColumnDef),
    /// `drop column c;`
    DropColumn(Name),
    /// `rename column a to b;`
    RenameColumn {
        /// The current name.
        from: Name,
        /// The new name.
        to: Name,
    },
    /// `add constraint …;` (a table-level constraint)
    AddConstraint(TableConstraint),
    /// `drop constraint name;`
    DropConstraint(Name),
    /// `alter column c …;`
    AlterColumn {
        /// The column changed.
        column: Name,
        /// What changes.
        alter: ColumnAlter,
    },
    /// `rowid alias ends;` / `rowid alias begins;`: the block turns the
    /// table's `integer primary key` column into an ordinary column, or a
    /// column into one, on purpose. Without it such a change is refused.
    RowidAlias {
        /// `begins` (a column becomes the alias) rather than `ends`.
        begins: bool,
        /// Where it was written.
        at: Loc,
    },
}

/// What `alter column` changes.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ColumnAlter {
    /// `drop not null`
    DropNotNull,
    /// `set not null`
    SetNotNull,
    /// `set default (…)`
    SetDefault(Expr),
    /// `drop default`
    DropDefault,
    /// `type <ty>`: values are copied as they are and the new type's
    /// affinity converts only what converts losslessly; a type of the same
    /// affinity converts nothing.
    /// The location is the type's.
    Type(ColumnType, Loc),
    /// `set collate <name>`
    SetCollate(Name),
    /// `drop collate`
    DropCollate,
}

/// `run path [when "flag" | unless "flag"];`, or with a function per
/// dialect: `run sqlite: path, postgres: path …;`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RunHook {
    /// The function's path as written (`a::b`), used in reports and errors:
    /// the one called on SQLite.
    pub path: Name,
    /// `postgres: path`: the function called on PostgreSQL.
    pub postgres: Option<Name>,
    /// `when "flag"` / `unless "flag"`: a data step the caller includes or
    /// skips by flag at run time. `None`: it always runs.
    pub condition: Option<RunIf<Name>>,
}

impl RunHook {
    /// `run path;`, without a condition.
    pub fn new(path: Name) -> Self {
        RunHook {
            path,
            postgres: None,
            condition: None,
        }
    }
}

/// The flag condition of a `run` hook, over the flag's name type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunIf<N> {
    /// `when "flag"`: runs only when the caller sets the flag.
    When(N),
    /// `unless "flag"`: runs unless the caller sets the flag.
    Unless(N),
}

impl<N> RunIf<N> {
    /// The flag's name.
    pub fn flag(&self) -> &N {
        match self {
            RunIf::When(flag) | RunIf::Unless(flag) => flag,
        }
    }

    /// Whether the hook runs, given whether its flag is set.
    pub fn runs(&self, flag_set: bool) -> bool {
        match self {
            RunIf::When(_) => flag_set,
            RunIf::Unless(_) => !flag_set,
        }
    }

    /// `when` or `unless`.
    pub fn keyword(&self) -> &'static str {
        match self {
            RunIf::When(_) => "when",
            RunIf::Unless(_) => "unless",
        }
    }

    /// The same condition over another name type.
    pub fn map<M>(&self, f: impl FnOnce(&N) -> M) -> RunIf<M> {
        match self {
            RunIf::When(flag) => RunIf::When(f(flag)),
            RunIf::Unless(flag) => RunIf::Unless(f(flag)),
        }
    }
}
