//! PostgreSQL: the statements an operation runs there, rendered from the
//! same schema model as SQLite's (before and after the operation), for a
//! history that targets it (`dialects sqlite, postgres;`). What PostgreSQL
//! refuses was refused by the checker (`check/dialects.rs`) first.
//!
//! A `batch alter table` block is plain `ALTER TABLE` statements there:
//! the constraints the block removes are dropped first, then its column
//! changes run in the order written (each names columns as they are at
//! that point, as in SQLite), then the constraints it adds are added.
//! With `recreate = always` it is a move-and-copy instead
//! (`move_and_copy`).

use crate::model::{Constraint, ConstraintKind, Schema, Table, View};
use crate::name::same_name;
use crate::op::{Change, ColumnAlter, Dialect, Literal, Op, Recreate};
use crate::plan::{HookCall, PgStep};
use crate::render;
use crate::sql;
use std::borrow::Cow;

/// A revision's (or its `down` block's) steps on PostgreSQL, built one
/// operation at a time.
#[derive(Debug, Default)]
pub struct PgSteps {
    /// The steps so far.
    pub steps: Vec<PgStep>,
    /// The `run` hooks so far (the next one's index).
    pub hooks: usize,
    /// Rows may have changed since the deferred constraints last fired.
    rows_changed: bool,
    /// A `down` block's: always inside the revision's transaction.
    down: bool,
    /// Foreign keys of tables created before their parent in this
    /// revision (valid in SQLite, which resolves a parent when it is
    /// used): each added, by name on its table, once the parent exists.
    forward: Vec<(String, Constraint)>,
}

impl PgSteps {
    /// A `down` block's steps: they continue after the revision's `hooks`
    /// hooks, and an index `concurrently` there is built in the revision's
    /// transaction.
    pub fn down(hooks: usize) -> Self {
        PgSteps {
            hooks,
            down: true,
            ..PgSteps::default()
        }
    }

    /// Adds the steps of `op`, given the schema just before and after it.
    ///
    /// PostgreSQL refuses to alter, drop or index a table with deferred
    /// constraint checks pending ("pending trigger events"), which rows
    /// changed earlier in the transaction leave behind a `deferrable`
    /// foreign key: before a schema change that follows changed rows,
    /// `SET CONSTRAINTS ALL IMMEDIATE` runs them (a violation then fails
    /// the revision, as it would at commit).
    pub fn add(&mut self, op: &Op, before: &Schema, after: &Schema) {
        let mut made = match op {
            Op::CreateTable(ct) => self.create_before_parents(&ct.name.text, after),
            _ => None,
        }
        .unwrap_or_else(|| steps(op, before, after, &mut self.hooks));
        let index = match op {
            Op::IfExists(inner) => inner,
            op => op,
        };
        if let (Op::CreateIndex(ci), false) = (index, self.down) {
            if ci.concurrently.is_some() {
                made = made
                    .into_iter()
                    .map(|s| match s {
                        PgStep::Execute(plain) => PgStep::ConcurrentIndex {
                            index: Cow::Owned(ci.name.text.clone()),
                            concurrently: Cow::Owned(plain.replacen(
                                "INDEX ",
                                "INDEX CONCURRENTLY ",
                                1,
                            )),
                            plain,
                        },
                        other => other,
                    })
                    .collect();
            }
        }
        let changes_rows = matches!(op, Op::Insert(_) | Op::Run(_) | Op::Sql(_));
        if let Op::Insert(_) = op {
            made = made
                .into_iter()
                .map(|s| match s {
                    PgStep::Execute(sql) => PgStep::Rows(sql),
                    other => other,
                })
                .collect();
        }
        if self.rows_changed && !changes_rows && !made.is_empty() {
            self.steps.push(PgStep::Execute(Cow::Borrowed(
                "SET CONSTRAINTS ALL IMMEDIATE",
            )));
            self.rows_changed = false;
        }
        self.rows_changed |= changes_rows;
        self.steps.extend(made);
        self.add_forward_keys(after);
    }

    /// `create table` of a table with a foreign key to a table not made
    /// yet: the table without those keys, which wait in `forward`.
    fn create_before_parents(&mut self, name: &str, after: &Schema) -> Option<Vec<PgStep>> {
        let table = after.table(name)?;
        let waits = |k: &Constraint| match &k.kind {
            ConstraintKind::ForeignKey(fk) => after.table(&fk.table).is_none(),
            _ => false,
        };
        if !table.constraints.iter().any(waits) {
            return None;
        }
        let mut now = table.clone();
        let (later, kept): (Vec<Constraint>, Vec<Constraint>) =
            now.constraints.drain(..).partition(|k| waits(k));
        now.constraints = kept;
        self.forward
            .extend(later.into_iter().map(|k| (table.name.clone(), k)));
        Some(vec![PgStep::Execute(Cow::Owned(render::create_table_in(
            Dialect::Postgres,
            &now,
            &now.name,
        )))])
    }

    /// The waiting foreign keys whose parent now exists, added (a key
    /// whose table is gone meanwhile went with it).
    fn add_forward_keys(&mut self, after: &Schema) {
        let forward = std::mem::take(&mut self.forward);
        for (child, k) in forward {
            let ConstraintKind::ForeignKey(fk) = &k.kind else {
                continue;
            };
            let Some(table) = after.table(&child) else {
                continue;
            };
            if after.table(&fk.table).is_none() {
                self.forward.push((child, k));
                continue;
            }
            // The key as the table has it now (columns renamed since are
            // renamed in it), else as it was made.
            let k = table
                .constraints
                .iter()
                .find(|c| same_name(&c.name, &k.name))
                .cloned()
                .unwrap_or(k);
            self.steps
                .push(PgStep::Execute(Cow::Owned(render::add_constraint_in(
                    Dialect::Postgres,
                    table,
                    &k,
                ))));
        }
    }
}

/// Moves the identity column of `table` (its rowid alias) past the
/// largest value in it. SQLite numbers a row after the largest rowid; a
/// PostgreSQL identity counts on from its own sequence, which rows given
/// their ids do not advance: without this, the next row numbered by the
/// identity would collide with them.
pub fn identity_after_rows(table: &Table) -> Option<String> {
    let column = table.rowid_alias()?;
    Some(format!(
        "SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({}), 0) + 1, false) FROM {}",
        sql::string(&sql::ident(&table.name)),
        sql::string(&column.name),
        sql::ident(&column.name),
        sql::ident(&table.name)
    ))
}

/// The PostgreSQL steps of `op`, given the schema just before it and just
/// after it; `hooks` counts the revision's `run` hooks so far.
fn steps(op: &Op, before: &Schema, after: &Schema, hooks: &mut usize) -> Vec<PgStep> {
    let sql = |s: String| PgStep::Execute(Cow::Owned(s));
    match op {
        Op::CreateTable(ct) => after
            .table(&ct.name.text)
            .map(|t| sql(render::create_table_in(Dialect::Postgres, t, &t.name)))
            .into_iter()
            .collect(),
        Op::DropTable(name) => vec![sql(render::drop_table(&name.text))],
        Op::RenameTable { from, to } => vec![sql(render::rename_table(&from.text, &to.text))],
        Op::CreateIndex(ci) => after
            .index(&ci.name.text)
            .map(|i| sql(render::create_index(i)))
            .into_iter()
            .collect(),
        Op::DropIndex(name) => vec![sql(render::drop_index(&name.text))],
        Op::Insert(ins) => {
            let columns: Vec<&str> = ins.columns.iter().map(|c| c.text.as_str()).collect();
            // `true` / `false` are 1 / 0 in the DSL, as in SQLite; a
            // PostgreSQL boolean column takes TRUE / FALSE.
            let boolean: Vec<bool> = columns
                .iter()
                .map(|c| {
                    after
                        .table(&ins.table.text)
                        .and_then(|t| t.column(c))
                        .is_some_and(render::is_boolean)
                })
                .collect();
            let rows: Vec<String> = ins
                .rows
                .iter()
                .map(|row| {
                    let values: Vec<String> = row
                        .values
                        .iter()
                        .zip(boolean.iter().chain(std::iter::repeat(&false)))
                        .map(|(v, boolean)| match (v, boolean) {
                            (Literal::Integer(0), true) => "FALSE".to_owned(),
                            (Literal::Integer(1), true) => "TRUE".to_owned(),
                            (v, _) => literal(v),
                        })
                        .collect();
                    format!("({})", values.join(", "))
                })
                .collect();
            let insert = sql(format!(
                "INSERT INTO {} ({}) VALUES {}",
                sql::ident(&ins.table.text),
                sql::ident_list(columns.iter().copied()),
                rows.join(", ")
            ));
            // Rows numbered by hand: the identity goes on after them.
            let numbered = after
                .table(&ins.table.text)
                .filter(|t| columns.iter().any(|c| t.is_rowid_alias(c)));
            std::iter::once(insert)
                .chain(numbered.and_then(identity_after_rows).map(sql))
                .collect()
        }
        Op::Batch(b) => match (before.table(&b.table.text), after.table(&b.table.text)) {
            (Some(old), Some(new)) if b.recreate == Recreate::Always => {
                move_and_copy(old, new, &b.changes, after)
                    .into_iter()
                    .map(sql)
                    .collect()
            }
            (Some(old), Some(new)) => batch(old, new, &b.changes, before, after)
                .into_iter()
                .map(sql)
                .collect(),
            _ => Vec::new(),
        },
        Op::Run(hook) => {
            *hooks += 1;
            vec![PgStep::Hook(HookCall::of(
                hook,
                *hooks - 1,
                Dialect::Postgres,
            ))]
        }
        Op::CreateView(v) => after
            .view(&v.name.text)
            .map(|view| {
                let create = if v.replace {
                    "CREATE OR REPLACE VIEW"
                } else {
                    "CREATE VIEW"
                };
                sql(format!(
                    "{create} {} AS {}",
                    sql::ident(&view.name),
                    view.query
                ))
            })
            .into_iter()
            .collect(),
        Op::DropView(name) => vec![sql(render::drop_view(&name.text))],
        // PostgreSQL's `CREATE VIEW` has no `IF NOT EXISTS`: a guarded view
        // is created or replaced (the model keeps the first definition).
        Op::IfExists(inner) => {
            match &**inner {
                Op::CreateView(v) => steps(inner, before, after, hooks)
                    .into_iter()
                    .map(|s| match (s, v.replace) {
                        (PgStep::Execute(text), false) => PgStep::Execute(Cow::Owned(
                            text.replacen("CREATE VIEW", "CREATE OR REPLACE VIEW", 1),
                        )),
                        (s, _) => s,
                    })
                    .collect(),
                other => {
                    let create = matches!(other, Op::CreateTable(_) | Op::CreateIndex(_));
                    steps(other, before, after, hooks)
                        .into_iter()
                        .map(|s| match s {
                            PgStep::Execute(text) => {
                                PgStep::Execute(Cow::Owned(render::guarded(&text, create)))
                            }
                            hook => hook,
                        })
                        .collect()
                }
            }
        }
        Op::Sql(raw) => vec![sql(raw.postgres.as_ref().unwrap_or(&raw.sql).text.clone())],
        // Refused by the checker for PostgreSQL.
        Op::CreateTrigger(_) | Op::DropTrigger(_) => Vec::new(),
    }
}

/// The statements of a `batch alter table` block that turns `old` into
/// `new` by `changes`.
/// `recreate = always` on PostgreSQL: a move-and-copy, as the seed
/// describes it for engines with a real ALTER TABLE. Column renames run
/// first (PostgreSQL follows them everywhere); the rows are copied out to
/// a temporary table; the table is dropped with what depends on it (its
/// indexes, the views reading it, other tables' foreign keys to it); the
/// new definition is created and the rows copied back (a changed type by
/// an explicit cast); then the identity goes on after the ids, and the
/// indexes, the views and the foreign keys are made again from the model
/// (`after`, the schema after the block). One transaction: all or none.
fn move_and_copy(old: &Table, new: &Table, changes: &[Change], after: &Schema) -> Vec<String> {
    let table = sql::ident(&new.name);
    let copy = sql::ident(&format!("_migrate_copy_{}", new.name));
    let mut out = Vec::new();
    // The old table's column names once the renames have run.
    let mut names: Vec<String> = old.columns.iter().map(|c| c.name.clone()).collect();
    for change in changes {
        if let Change::RenameColumn { from, to } = change {
            out.push(render::rename_column(&old.name, &from.text, &to.text));
            for n in names.iter_mut().filter(|n| same_name(n, &from.text)) {
                n.clone_from(&to.text);
            }
        }
    }
    out.push(format!(
        "CREATE TEMPORARY TABLE {copy} ON COMMIT DROP AS TABLE {table}"
    ));
    out.push(format!("DROP TABLE {table} CASCADE"));
    out.push(render::create_table_in(Dialect::Postgres, new, &new.name));
    let (mut into, mut from) = (Vec::new(), Vec::new());
    for column in new.columns.iter().filter(|c| c.generated.is_none()) {
        let Some(i) = names.iter().position(|n| same_name(n, &column.name)) else {
            continue;
        };
        into.push(sql::ident(&column.name));
        let value = sql::ident(&column.name);
        from.push(
            if old.columns[i].ty.same(&column.ty) || column.ty.is_none() {
                value
            } else {
                format!(
                    "CAST({value} AS {})",
                    column.ty.in_dialect(Dialect::Postgres)
                )
            },
        );
    }
    if !into.is_empty() {
        out.push(format!(
            "INSERT INTO {table} ({}) SELECT {} FROM {copy}",
            into.join(", "),
            from.join(", ")
        ));
        // The copied rows' deferred checks, now: PostgreSQL refuses to
        // index or alter a table with checks pending (`PgSteps::add`).
        out.push("SET CONSTRAINTS ALL IMMEDIATE".to_owned());
    }
    out.extend(identity_after_rows(new));
    out.push(format!("DROP TABLE {copy}"));
    for index in after
        .indexes
        .iter()
        .filter(|i| same_name(&i.table, &new.name))
    {
        out.push(render::create_index(index));
    }
    // The views the drop took with it, made again.
    out.extend(
        views_reading(after, &new.name)
            .into_iter()
            .map(render::create_view),
    );
    for child in after
        .tables
        .iter()
        .filter(|t| !same_name(&t.name, &new.name))
    {
        for k in &child.constraints {
            if let ConstraintKind::ForeignKey(fk) = &k.kind {
                if same_name(&fk.table, &new.name) {
                    out.push(render::add_constraint_in(Dialect::Postgres, child, k));
                }
            }
        }
    }
    out
}

/// The views that read table `table` in `schema`, and those reading them,
/// in the model's order (the order they can be made in).
fn views_reading<'s>(schema: &'s Schema, table: &str) -> Vec<&'s View> {
    let mut reading: Vec<&str> = vec![table];
    let mut views = Vec::new();
    for view in &schema.views {
        if reading.iter().any(|r| view.uses.object(r)) {
            reading.push(&view.name);
            views.push(view);
        }
    }
    views
}

fn batch(
    old: &Table,
    new: &Table,
    changes: &[Change],
    before: &Schema,
    after: &Schema,
) -> Vec<String> {
    let table = sql::ident(&new.name);
    // PostgreSQL refuses to drop or retype a column a view reads (and a
    // view's `*` reads every column): such views are dropped first,
    // dependents before what they read, and made again after, as the model
    // has them.
    let views_block = changes.iter().any(|c| {
        matches!(
            c,
            Change::DropColumn(_)
                | Change::AlterColumn {
                    alter: ColumnAlter::Type(..),
                    ..
                }
        )
    });
    let mut out: Vec<String> = Vec::new();
    if views_block {
        let dropped = views_reading(before, &old.name);
        out.extend(dropped.iter().rev().map(|v| render::drop_view(&v.name)));
    }
    out.extend(
        old.constraints
            .iter()
            .filter(|k| new.constraint(&k.name).is_none_or(|n| n.kind != k.kind))
            .map(|k| render::drop_constraint(&old.name, &k.name)),
    );
    for change in changes {
        match change {
            Change::AddColumn(def) => {
                if let Some(column) = new.column(&def.name.text) {
                    // Its constraints are added below with the others.
                    let mut bare = new.clone();
                    bare.constraints.clear();
                    out.push(render::add_column_in(Dialect::Postgres, &bare, column));
                }
            }
            Change::DropColumn(name) => out.push(render::drop_column(&new.name, &name.text)),
            Change::RenameColumn { from, to } => {
                out.push(render::rename_column(&new.name, &from.text, &to.text))
            }
            Change::AlterColumn { column, alter } => {
                let c = sql::ident(&column.text);
                let now = new.column(&column.text);
                out.push(match alter {
                    ColumnAlter::DropNotNull => {
                        render::alter_not_null(&new.name, &column.text, false)
                    }
                    ColumnAlter::SetNotNull => {
                        render::alter_not_null(&new.name, &column.text, true)
                    }
                    ColumnAlter::SetDefault(_) => {
                        match now.and_then(|c| render::default_in(Dialect::Postgres, c)) {
                            Some(d) => {
                                format!("ALTER TABLE {table} ALTER COLUMN {c} SET DEFAULT ({d})")
                            }
                            None => continue,
                        }
                    }
                    ColumnAlter::DropDefault => {
                        format!("ALTER TABLE {table} ALTER COLUMN {c} DROP DEFAULT")
                    }
                    ColumnAlter::Type(ty, _) => format!(
                        "ALTER TABLE {table} ALTER COLUMN {c} TYPE {ty} USING {c}::{ty}",
                        ty = ty.in_dialect(Dialect::Postgres)
                    ),
                    // Refused by the checker for PostgreSQL.
                    ColumnAlter::SetCollate(_) | ColumnAlter::DropCollate => continue,
                });
            }
            // Constraints: dropped above, added below.
            Change::AddConstraint(_) | Change::DropConstraint(_) | Change::RowidAlias { .. } => {}
        }
    }
    out.extend(
        new.constraints
            .iter()
            .filter(|k| old.constraint(&k.name).is_none_or(|o| o.kind != k.kind))
            .map(|k| {
                let mut k = k.clone();
                k.inline = None;
                render::add_constraint_in(Dialect::Postgres, new, &k)
            }),
    );
    if views_block {
        out.extend(
            views_reading(after, &new.name)
                .into_iter()
                .map(render::create_view),
        );
    }
    out
}

/// A literal as PostgreSQL SQL: blobs as `bytea`.
fn literal(value: &Literal) -> String {
    match value {
        Literal::Blob(bytes) => {
            format!("'\\x{}'::bytea", crate::canonical::hex(bytes))
        }
        other => render::literal(other),
    }
}
