//! The schema model: what the database looks like at one point of a history.

use crate::expr::SqlExpr;
use crate::name::same_name;
use crate::op::ColumnType;
use crate::Loc;

/// All tables and indexes at one point of the history.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Tables in creation order.
    pub tables: Vec<Table>,
    /// Indexes in creation order.
    pub indexes: Vec<Index>,
}

/// A table.
#[derive(Clone, Debug)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    /// Table-level CHECK expressions.
    pub checks: Vec<SqlExpr>,
    /// Where it was created.
    pub defined_at: Loc,
}

/// A column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its declared type.
    pub ty: ColumnType,
    /// Part of the primary key.
    pub primary_key: bool,
    /// NOT NULL.
    pub not_null: bool,
    /// UNIQUE.
    pub unique: bool,
    /// DEFAULT expression.
    pub default: Option<SqlExpr>,
    /// Column CHECK expression.
    pub check: Option<SqlExpr>,
}

impl Column {
    /// Whether this column is an alias of the rowid (`integer primary key`).
    pub fn is_rowid_alias(&self) -> bool {
        self.primary_key && self.ty == ColumnType::Integer
    }
}

/// An index.
#[derive(Clone, Debug)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// The indexed columns with `desc`.
    pub columns: Vec<(String, bool)>,
    /// UNIQUE index.
    pub unique: bool,
    /// Where it was created.
    pub defined_at: Loc,
}

impl Schema {
    /// The table named `name` (case-insensitive).
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| same_name(&t.name, name))
    }

    /// The table named `name`, mutably.
    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| same_name(&t.name, name))
    }

    /// The index named `name`.
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| same_name(&i.name, name))
    }

    /// The indexes of table `table`, in creation order.
    pub fn indexes_of<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Index> + 'a {
        self.indexes
            .iter()
            .filter(move |i| same_name(&i.table, table))
    }

    /// Whether any table or index already uses `name` (they share SQLite's
    /// namespace), and what kind of object it is.
    pub fn object_kind(&self, name: &str) -> Option<&'static str> {
        if self.table(name).is_some() {
            Some("table")
        } else if self.index(name).is_some() {
            Some("index")
        } else {
            None
        }
    }
}

impl Table {
    /// The column named `name` (case-insensitive).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| same_name(&c.name, name))
    }

    /// The position of column `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| same_name(&c.name, name))
    }

    /// Whether rows keep a separate rowid that must be copied explicitly to be
    /// preserved (no `integer primary key` alias, and `rowid` not shadowed).
    pub fn copies_rowid(&self) -> bool {
        !self.columns.iter().any(Column::is_rowid_alias) && self.column("rowid").is_none()
    }
}
