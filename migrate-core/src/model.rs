//! The schema model: what the database looks like at one point of a history.

use crate::expr::SqlExpr;
use crate::name::same_name;
use crate::op::{ColumnType, FkAction};
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
    /// Its constraints, column-level and table-level, in order.
    pub constraints: Vec<Constraint>,
    /// `STRICT`.
    pub strict: bool,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
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
    /// NOT NULL.
    pub not_null: bool,
    /// DEFAULT expression.
    pub default: Option<SqlExpr>,
    /// COLLATE name.
    pub collate: Option<String>,
}

/// A named constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// Its name: explicit, or from the naming convention.
    pub name: String,
    /// Whether the name was written by the user (else generated).
    pub explicit: bool,
    /// The column it is written on, for a column-level constraint.
    pub inline: Option<String>,
    /// What it constrains.
    pub kind: ConstraintKind,
    /// Where it was defined.
    pub defined_at: Loc,
}

/// The kinds of constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// PRIMARY KEY on these columns (with DESC).
    PrimaryKey {
        /// The key columns.
        columns: Vec<(String, bool)>,
        /// AUTOINCREMENT.
        autoincrement: bool,
    },
    /// UNIQUE on these columns.
    Unique(Vec<String>),
    /// CHECK.
    Check(SqlExpr),
    /// FOREIGN KEY.
    ForeignKey(ForeignKey),
}

/// A foreign key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The parent table.
    pub table: String,
    /// The parent columns (always explicit in the model).
    pub ref_columns: Vec<String>,
    /// ON DELETE.
    pub on_delete: Option<FkAction>,
    /// ON UPDATE.
    pub on_update: Option<FkAction>,
    /// DEFERRABLE INITIALLY DEFERRED.
    pub deferred: bool,
}

/// An index.
#[derive(Clone, Debug)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// The keys.
    pub keys: Vec<IndexKey>,
    /// UNIQUE index.
    pub unique: bool,
    /// WHERE of a partial index.
    pub filter: Option<SqlExpr>,
    /// Where it was created.
    pub defined_at: Loc,
}

/// One key of an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexKey {
    /// A column or an expression.
    pub target: KeyTarget,
    /// COLLATE.
    pub collate: Option<String>,
    /// DESC.
    pub desc: bool,
}

/// What an index key indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyTarget {
    /// A column.
    Column(String),
    /// An expression.
    Expr(SqlExpr),
}

impl Index {
    /// Whether the index uses column `column` (as a key, inside a key
    /// expression, or in its WHERE).
    pub fn mentions(&self, column: &str) -> bool {
        self.keys.iter().any(|k| match &k.target {
            KeyTarget::Column(c) => same_name(c, column),
            KeyTarget::Expr(e) => e.mentions(column),
        }) || self.filter.as_ref().is_some_and(|f| f.mentions(column))
    }

    /// Renames column `from` to `to` everywhere in the index.
    pub fn rename(&mut self, from: &str, to: &str) {
        for k in &mut self.keys {
            match &mut k.target {
                KeyTarget::Column(c) if same_name(c, from) => *c = to.to_owned(),
                KeyTarget::Column(_) => {}
                KeyTarget::Expr(e) => e.rename(from, to),
            }
        }
        if let Some(f) = &mut self.filter {
            f.rename(from, to);
        }
    }

    /// The plain columns of a full (not partial) index whose keys are all
    /// columns: what can serve as a foreign key's parent key.
    pub fn plain_columns(&self) -> Option<Vec<String>> {
        if self.filter.is_some() {
            return None;
        }
        self.keys
            .iter()
            .map(|k| match &k.target {
                KeyTarget::Column(c) => Some(c.clone()),
                KeyTarget::Expr(_) => None,
            })
            .collect()
    }
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

    /// Foreign keys of *other* tables that reference `table`: (child table,
    /// constraint).
    pub fn references_to<'a>(
        &'a self,
        table: &'a str,
    ) -> impl Iterator<Item = (&'a Table, &'a Constraint)> + 'a {
        self.tables
            .iter()
            .filter(move |t| !same_name(&t.name, table))
            .flat_map(|t| t.constraints.iter().map(move |c| (t, c)))
            .filter(move |(_, c)| matches!(&c.kind, ConstraintKind::ForeignKey(fk) if same_name(&fk.table, table)))
    }

    /// Whether `columns` of `table` are its primary key or have a UNIQUE
    /// constraint or unique index on exactly them: what SQLite requires of a
    /// foreign key's parent columns.
    pub fn is_parent_key(&self, table: &Table, columns: &[String]) -> bool {
        let same_set = |a: &[String]| {
            a.len() == columns.len() && a.iter().all(|x| columns.iter().any(|y| same_name(x, y)))
        };
        let by_constraint = table.constraints.iter().any(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns: k, .. } => {
                same_set(&k.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
            }
            ConstraintKind::Unique(k) => same_set(k),
            _ => false,
        });
        by_constraint
            || self
                .indexes_of(&table.name)
                .any(|i| i.unique && i.plain_columns().is_some_and(|c| same_set(&c)))
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

    /// The constraint named `name`.
    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| same_name(&c.name, name))
    }

    /// The primary key's columns, if the table has one.
    pub fn primary_key(&self) -> Option<Vec<String>> {
        self.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } => {
                Some(columns.iter().map(|(n, _)| n.clone()).collect())
            }
            _ => None,
        })
    }

    /// Whether the table has an AUTOINCREMENT key (its sequence must survive
    /// a rebuild).
    pub fn autoincrement(&self) -> bool {
        self.constraints.iter().any(|c| {
            matches!(
                c.kind,
                ConstraintKind::PrimaryKey {
                    autoincrement: true,
                    ..
                }
            )
        })
    }

    /// The column that aliases the rowid (`integer primary key`), if any.
    pub fn rowid_alias(&self) -> Option<&Column> {
        if self.without_rowid {
            return None;
        }
        self.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } if columns.len() == 1 => {
                let (name, desc) = &columns[0];
                // SQLite quirk: `integer primary key desc` written on the
                // column is not an alias.
                if *desc && c.inline.is_some() {
                    return None;
                }
                self.column(name)
                    .filter(|col| col.ty == ColumnType::Integer)
            }
            _ => None,
        })
    }

    /// Whether column `name` is the rowid alias.
    pub fn is_rowid_alias(&self, name: &str) -> bool {
        self.rowid_alias().is_some_and(|c| same_name(&c.name, name))
    }

    /// Whether rows keep a separate rowid that must be copied explicitly to be
    /// preserved (a rowid table without an `integer primary key` alias, and
    /// `rowid` not shadowed by a column).
    pub fn copies_rowid(&self) -> bool {
        !self.without_rowid && self.rowid_alias().is_none() && self.column("rowid").is_none()
    }

    /// A description for messages: "the CHECK on column `hi` (`ck_t_hi`)".
    pub fn describe(c: &Constraint) -> String {
        let kind = match &c.kind {
            ConstraintKind::PrimaryKey { .. } => "the PRIMARY KEY",
            ConstraintKind::Unique(_) => "the UNIQUE constraint",
            ConstraintKind::Check(_) => "the CHECK",
            ConstraintKind::ForeignKey(_) => "the foreign key",
        };
        match &c.inline {
            Some(col) => format!("{kind} on column `{col}` (`{}`)", c.name),
            None => format!("{kind} `{}`", c.name),
        }
    }

    /// The names of the columns `constraint` covers.
    pub fn constraint_columns(c: &Constraint) -> Vec<String> {
        match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } => {
                columns.iter().map(|(n, _)| n.clone()).collect()
            }
            ConstraintKind::Unique(cols) => cols.clone(),
            ConstraintKind::Check(e) => e.columns().map(str::to_owned).collect(),
            ConstraintKind::ForeignKey(fk) => fk.columns.clone(),
        }
    }
}
