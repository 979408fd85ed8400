//! The schema model: what the database looks like at one point of a history.

// What a history is made of — operations, names with their locations,
// diagnostics — beside the schema it builds (this module).
pub mod diag;
pub mod name;
pub mod op;

use crate::expr::SqlExpr;
use crate::name::same_name;
use crate::op::{ColumnType, Conflict, FkAction, Generated, Naming, TriggerEvent, TriggerTiming};
use crate::plan::ObjectKind;
use crate::Loc;
use std::fmt;
use std::sync::Arc;

/// All tables, indexes, views and triggers at one point of the history.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Tables in creation order, shared between the copies of the model the
    /// checker keeps per revision (a table is copied only when changed).
    pub tables: Vec<Arc<Table>>,
    /// Indexes in creation order.
    pub indexes: Vec<Index>,
    /// Views in creation order.
    pub views: Vec<View>,
    /// Triggers in creation order.
    pub triggers: Vec<Trigger>,
    /// How unnamed constraints are named.
    pub naming: Naming,
    /// While a revision is checked: the tables it creates later (name and
    /// primary key columns as written). SQLite resolves a foreign key when
    /// it is used, so a table may reference one of these; such keys are
    /// checked again when the revision ends.
    pub forward: Vec<(String, Vec<String>)>,
}

/// A view.
#[derive(Clone, Debug)]
pub struct View {
    /// The view's name.
    pub name: String,
    /// Its query as written (`SELECT …`).
    pub query: String,
    /// Its result columns, when the query is a plain `SELECT`.
    pub outputs: Option<Vec<ViewOutput>>,
    /// What the query uses.
    pub uses: Uses,
    /// Where it was created.
    pub defined_at: Loc,
    /// The revision that created it.
    pub revision: String,
}

/// One result column of a view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewOutput {
    /// A column with this name.
    Named(String),
    /// Every column of this table or view (`*`, `t.*`).
    AllOf(String),
    /// An expression SQLite names after its text.
    Unnamed,
}

/// A trigger.
#[derive(Clone, Debug)]
pub struct Trigger {
    /// The trigger's name.
    pub name: String,
    /// The table (or view) it is on.
    pub table: String,
    /// BEFORE, AFTER or INSTEAD OF.
    pub timing: TriggerTiming,
    /// INSERT, DELETE or UPDATE [OF columns].
    pub event: TriggerEvent<String>,
    /// WHEN condition as written.
    pub when: Option<String>,
    /// The statements as written.
    pub body: String,
    /// What the condition and statements use (`new.c` / `old.c` count as
    /// columns of the trigger's table).
    pub uses: Uses,
    /// Where it was created.
    pub defined_at: Loc,
    /// The revision that created it.
    pub revision: String,
}

/// The schema objects an SQL body uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    /// Tables and views read or written.
    pub objects: Vec<String>,
    /// Columns used: (table or view, column).
    pub columns: Vec<(String, String)>,
}

impl Uses {
    /// Whether the body reads or writes table or view `name`.
    pub fn object(&self, name: &str) -> bool {
        self.objects.iter().any(|o| same_name(o, name))
    }

    /// Whether the body uses column `column` of `table`.
    pub fn column(&self, table: &str, column: &str) -> bool {
        self.columns
            .iter()
            .any(|(t, c)| same_name(t, table) && same_name(c, column))
    }
}

/// A view or trigger that uses something, for messages.
#[derive(Clone, Copy, Debug)]
pub struct Dependent<'a> {
    /// A view or a trigger.
    pub kind: ObjectKind,
    /// Its name.
    pub name: &'a str,
    /// The revision that created it.
    pub revision: &'a str,
    /// What it uses.
    pub uses: &'a Uses,
    /// For a trigger, the table it is on.
    pub on: Option<&'a str>,
}

impl fmt::Display for Dependent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` (created in revision `{}`)",
            self.kind, self.name, self.revision
        )
    }
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
    /// For a table created by raw `sql … creates table`: that SQL. The
    /// model knows only its column names; the DSL does not alter it.
    pub external: Option<String>,
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
    /// NOT NULL's `ON CONFLICT` resolution.
    pub not_null_conflict: Option<Conflict>,
    /// DEFAULT expression.
    pub default: Option<SqlExpr>,
    /// COLLATE name.
    pub collate: Option<String>,
    /// GENERATED ALWAYS AS (…) STORED | VIRTUAL.
    pub generated: Option<Generated<SqlExpr>>,
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
    /// Its `ON CONFLICT` resolution (never on a foreign key).
    pub on_conflict: Option<Conflict>,
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
        self.tables
            .iter()
            .find(|t| same_name(&t.name, name))
            .map(|t| &**t)
    }

    /// The table named `name`, mutably.
    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables
            .iter_mut()
            .find(|t| same_name(&t.name, name))
            .map(Arc::make_mut)
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

    /// Whether any table, index or view already uses `name` (they share
    /// SQLite's namespace), and what kind of object it is.
    pub fn object_kind(&self, name: &str) -> Option<&'static str> {
        if self.table(name).is_some() {
            Some("table")
        } else if self.index(name).is_some() {
            Some("index")
        } else if self.view(name).is_some() {
            Some("view")
        } else {
            None
        }
    }

    /// The name, as defined, of the table or view `name`: what a query can
    /// read.
    pub fn relation(&self, name: &str) -> Option<&str> {
        self.table(name)
            .map(|t| t.name.as_str())
            .or_else(|| self.view(name).map(|v| v.name.as_str()))
    }

    /// The names of every table and view.
    pub fn relation_names(&self) -> impl Iterator<Item = &str> + Clone {
        let tables = self.tables.iter().map(|t| t.name.as_str());
        tables.chain(self.views.iter().map(|v| v.name.as_str()))
    }

    /// The view named `name`.
    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| same_name(&v.name, name))
    }

    /// The trigger named `name`.
    pub fn trigger(&self, name: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| same_name(&t.name, name))
    }

    /// The triggers on table or view `table`, in creation order.
    pub fn triggers_on<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Trigger> + 'a {
        self.triggers
            .iter()
            .filter(move |t| same_name(&t.table, table))
    }

    /// Every view and trigger, with what it uses.
    pub fn dependents(&self) -> impl Iterator<Item = Dependent<'_>> {
        let views = self.views.iter().map(|v| Dependent {
            kind: ObjectKind::View,
            name: &v.name,
            revision: &v.revision,
            uses: &v.uses,
            on: None,
        });
        let triggers = self.triggers.iter().map(|t| Dependent {
            kind: ObjectKind::Trigger,
            name: &t.name,
            revision: &t.revision,
            uses: &t.uses,
            on: Some(&t.table),
        });
        views.chain(triggers)
    }

    /// The first view or trigger whose SQL reads or writes table or view
    /// `name` (triggers *on* it go with it and do not count).
    pub fn user_of_object(&self, name: &str) -> Option<Dependent<'_>> {
        self.dependents()
            .find(|d| d.uses.object(name) && !d.on.is_some_and(|t| same_name(t, name)))
    }

    /// The first view or trigger that uses column `column` of `table`.
    pub fn user_of_column(&self, table: &str, column: &str) -> Option<Dependent<'_>> {
        self.dependents().find(|d| d.uses.column(table, column))
    }

    /// The result columns of table or view `name`, when known.
    pub fn columns_of(&self, name: &str) -> Option<Vec<String>> {
        self.columns_of_depth(name, 0)
    }

    fn columns_of_depth(&self, name: &str, depth: usize) -> Option<Vec<String>> {
        if let Some(t) = self.table(name) {
            return Some(t.columns.iter().map(|c| c.name.clone()).collect());
        }
        // Views only use what existed before them, so this ends; the depth
        // bound is a guard for hand-built models.
        if depth > 64 {
            return None;
        }
        let view = self.view(name)?;
        let mut out = Vec::new();
        for o in view.outputs.as_ref()? {
            match o {
                ViewOutput::Named(n) => out.push(n.clone()),
                ViewOutput::AllOf(t) => out.extend(self.columns_of_depth(t, depth + 1)?),
                ViewOutput::Unnamed => return None,
            }
        }
        Some(out)
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
            .flat_map(|t| t.constraints.iter().map(move |c| (&**t, c)))
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
    /// Whether raw SQL created it as a virtual table (FTS5, R*Tree, …),
    /// which SQLite does not let anyone index or put triggers on.
    pub fn is_virtual(&self) -> bool {
        self.external.as_deref().is_some_and(|sql| {
            let words: Vec<String> = sql
                .split_whitespace()
                .take(3)
                .map(str::to_ascii_lowercase)
                .collect();
            words == ["create", "virtual", "table"]
        })
    }

    /// The module of a virtual table (`fts5`, `rtree`, …), lower case.
    pub fn module(&self) -> Option<String> {
        if !self.is_virtual() {
            return None;
        }
        let sql = self.external.as_deref()?;
        let lower = sql.to_ascii_lowercase();
        let after = &sql[lower.find(" using ")? + 7..];
        let module: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        Some(module.to_ascii_lowercase())
    }

    /// Columns a query can name that the table does not declare: the rowid
    /// (`rowid`, `oid`, `_rowid_`) of a rowid table, and a full-text
    /// table's hidden columns (its own name; FTS5's `rank`, FTS3/4's
    /// `docid`).
    pub fn hidden_columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.without_rowid {
            out.extend(["rowid", "oid", "_rowid_"].map(str::to_owned));
        }
        match self.module().as_deref() {
            Some("fts5") => out.extend([self.name.clone(), "rank".to_owned()]),
            Some("fts3" | "fts4") => out.extend([self.name.clone(), "docid".to_owned()]),
            _ => {}
        }
        out.retain(|h| self.column(h).is_none());
        out
    }

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

    /// Whether a NOT NULL or a constraint of the table has an `ON CONFLICT`
    /// resolution.
    pub fn has_conflict_clause(&self) -> bool {
        self.columns.iter().any(|c| c.not_null_conflict.is_some())
            || self.constraints.iter().any(|k| k.on_conflict.is_some())
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
                self.column(name).filter(|col| col.ty.aliases_rowid())
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
