//! Operations: a history as the user wrote it, front-end independent.
//!
//! The macro builds these from tokens; names carry a [`Loc`] so diagnostics can
//! point back at the token. Nothing here has been validated yet.

use crate::{Loc, Name};

/// A whole history: revisions, oldest first.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The revisions in the order they must be applied.
    pub revisions: Vec<RevisionDef>,
}

/// One revision: an id and the operations applied together, atomically.
#[derive(Clone, Debug)]
pub struct RevisionDef {
    /// The revision id, unique within the history.
    pub id: Name,
    /// The operations, in order.
    pub ops: Vec<Op>,
}

/// One schema or data operation.
#[derive(Clone, Debug)]
pub enum Op {
    /// `create table t { … }`
    CreateTable(CreateTable),
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
}

/// `create table`.
#[derive(Clone, Debug)]
pub struct CreateTable {
    /// The new table's name.
    pub name: Name,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// Table-level `check (…)` constraints.
    pub checks: Vec<Expr>,
}

/// A column definition.
#[derive(Clone, Debug)]
pub struct ColumnDef {
    /// The column's name.
    pub name: Name,
    /// Its declared type.
    pub ty: ColumnType,
    /// Where the type was written.
    pub ty_at: Loc,
    /// `primary key`, with where it was written.
    pub primary_key: Option<Loc>,
    /// `not null`.
    pub not_null: bool,
    /// `unique`.
    pub unique: bool,
    /// `default (…)`.
    pub default: Option<Expr>,
    /// `check (…)`.
    pub check: Option<Expr>,
}

impl ColumnDef {
    /// A nullable column without constraints.
    pub fn new(name: Name, ty: ColumnType) -> Self {
        ColumnDef {
            ty_at: name.at,
            name,
            ty,
            primary_key: None,
            not_null: false,
            unique: false,
            default: None,
            check: None,
        }
    }
}

/// The column types of the DSL (SQLite's type affinities).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// `integer`
    Integer,
    /// `text`
    Text,
    /// `real`
    Real,
    /// `blob`
    Blob,
    /// `numeric`
    Numeric,
}

impl ColumnType {
    /// Every type with its DSL keyword.
    pub const ALL: [(ColumnType, &'static str); 5] = [
        (ColumnType::Integer, "integer"),
        (ColumnType::Text, "text"),
        (ColumnType::Real, "real"),
        (ColumnType::Blob, "blob"),
        (ColumnType::Numeric, "numeric"),
    ];

    /// The DSL keyword (lower case).
    pub fn keyword(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Text => "text",
            ColumnType::Real => "real",
            ColumnType::Blob => "blob",
            ColumnType::Numeric => "numeric",
        }
    }

    /// The SQL spelling (upper case).
    pub fn sql(self) -> &'static str {
        match self {
            ColumnType::Integer => "INTEGER",
            ColumnType::Text => "TEXT",
            ColumnType::Real => "REAL",
            ColumnType::Blob => "BLOB",
            ColumnType::Numeric => "NUMERIC",
        }
    }

    /// The type named by a DSL keyword, case-insensitively.
    pub fn from_keyword(word: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, k)| k.eq_ignore_ascii_case(word))
            .map(|(t, _)| *t)
    }
}

/// An SQL expression (CHECK, DEFAULT) as written, not yet parsed.
#[derive(Clone, Debug)]
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
pub struct CreateIndex {
    /// The index name.
    pub name: Name,
    /// The indexed table.
    pub table: Name,
    /// The indexed columns, in order.
    pub columns: Vec<IndexedColumn>,
    /// `create unique index`.
    pub unique: bool,
}

/// One column of an index.
#[derive(Clone, Debug)]
pub struct IndexedColumn {
    /// The column.
    pub name: Name,
    /// `desc`.
    pub desc: bool,
}

/// `insert into t (c, …) values (…), …`.
#[derive(Clone, Debug)]
pub struct Insert {
    /// The table.
    pub table: Name,
    /// The columns given a value.
    pub columns: Vec<Name>,
    /// One entry per row.
    pub rows: Vec<InsertRow>,
}

/// One row of literal values.
#[derive(Clone, Debug)]
pub struct InsertRow {
    /// The values, in the order of the column list.
    pub values: Vec<Literal>,
    /// Where the row was written.
    pub at: Loc,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
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
pub struct BatchAlter {
    /// The table rebuilt.
    pub table: Name,
    /// The changes, applied in order (later ones see earlier renames).
    pub changes: Vec<Change>,
    /// Where the block was written.
    pub at: Loc,
}

/// One change inside a batch block.
#[derive(Clone, Debug)]
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
    /// `alter column c …;`
    AlterColumn {
        /// The column changed.
        column: Name,
        /// What changes.
        alter: ColumnAlter,
    },
}

/// What `alter column` changes.
#[derive(Clone, Debug)]
pub enum ColumnAlter {
    /// `drop not null`
    DropNotNull,
    /// `set not null`
    SetNotNull,
    /// `set default (…)`
    SetDefault(Expr),
    /// `drop default`
    DropDefault,
    /// `type <ty>`: values are copied as they are and SQLite's type affinity
    /// converts only what converts losslessly.
    Type(ColumnType),
}

/// `run path;`
#[derive(Clone, Debug)]
pub struct RunHook {
    /// The function's path as written (`a::b`), used in reports and errors.
    pub path: Name,
}
