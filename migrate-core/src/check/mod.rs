//! Replays a history on the schema model, collecting every problem.
//!
//! One function per rule, each with the reason it exists. An operation that
//! fails a rule leaves the model as it was, so later references to what it
//! would have created are reported too rather than hidden.

pub mod read;

mod batch;
mod constraints;
mod create;
mod dialects;
mod down;
mod exprs;
mod fingerprint;
mod insert;
mod inverse;
mod names;
mod revision;
mod same;
mod views;

use crate::canonical::{checksum_with, describe};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Schema;
use crate::name::same_name;
use crate::op::{
    Change, ColumnConstraintKind, ColumnDef, CreateTable, Dialect, History, Op, RunIf,
    TableConstraint, TableConstraintKind,
};
use crate::plan::ObjectKind;
use crate::plan::{CreatedTable, Down, HookCall, RawStep, RevisionPlan, Statement, Step};
use crate::{render, Loc};
use std::borrow::Cow;

pub use names::{is_reserved, suggest};

/// Checks a whole history and returns the plan of every revision, or every
/// problem found.
pub fn check_history(history: &History) -> Result<Vec<RevisionPlan>, Vec<Diagnostic>> {
    check_history_to_head(history).map(|(plans, _)| plans)
}

/// [`check_history`], also returning the schema at the head of the history.
pub fn check_history_to_head(
    history: &History,
) -> Result<(Vec<RevisionPlan>, Schema), Vec<Diagnostic>> {
    check_history_traced(history).map(|checked| (checked.plans, checked.head))
}

/// A checked history: its plans, the schema at its head, and where each
/// step came from.
#[derive(Debug)]
pub struct Checked {
    /// The plan of every revision.
    pub plans: Vec<RevisionPlan>,
    /// The schema after the last revision.
    pub head: Schema,
    /// For each revision, for each of its steps: the index of the operation
    /// in `RevisionDef::ops` that produced it.
    pub origins: Vec<Vec<usize>>,
}

/// [`check_history`], also returning the head schema and each step's
/// operation (so a later stage can point at the operation a step came
/// from).
pub fn check_history_traced(history: &History) -> Result<Checked, Vec<Diagnostic>> {
    let mut diags = Diagnostics::new();
    let mut schema = Schema {
        naming: history.naming.clone(),
        ..Schema::default()
    };
    revision::check_ids(history, &mut diags);
    names::check_history_table(history, &mut diags);
    dialects::check(history, &mut diags);
    let mut plans = Vec::with_capacity(history.revisions.len());
    let mut origins = Vec::with_capacity(history.revisions.len());
    let mut fingerprint = fingerprint::SchemaFingerprint::default();
    let postgres = history.targets(crate::op::Dialect::Postgres);
    for rev in &history.revisions {
        // An empty revision is allowed: histories keep numbers that way.
        schema.forward = forward_tables(&rev.ops);
        let errors = diags.len();
        let before = schema.clone();
        let mut steps = Vec::with_capacity(rev.ops.len());
        let mut hooks = 0;
        // The generated inverse: each operation's, from the schema just
        // before it, in reverse order.
        let mut undo: Result<Vec<Vec<Op>>, String> = Ok(Vec::new());
        let mut created = Vec::new();
        let mut origin = Vec::new();
        let mut pg_steps = crate::postgres::PgSteps::default();
        for (index, op) in rev.ops.iter().enumerate() {
            if let (None, Ok(list)) = (&rev.down, &mut undo) {
                match inverse::inverse(&schema, op, &created) {
                    Ok(ops) => list.push(ops),
                    Err(why) => undo = Err(why),
                }
            }
            match op {
                Op::CreateTable(ct) => created.push(ct.name.text.clone()),
                Op::RenameTable { from, to }
                    if created.iter().any(|t| same_name(t, &from.text)) =>
                {
                    created.push(to.text.clone())
                }
                _ => {}
            }
            if postgres {
                dialects::postgres_view_columns(&schema, op, &mut diags);
            }
            let before_op = postgres.then(|| schema.clone());
            let made = apply(&mut schema, op, &rev.id.text, &mut hooks, &mut diags);
            origin.extend(std::iter::repeat_n(index, made.len()));
            steps.extend(made);
            if let Some(before_op) = before_op {
                pg_steps.add(op, &before_op, &schema);
            }
        }
        origins.push(origin);
        if !schema.forward.is_empty() {
            constraints::check_forward_keys(&schema, &mut diags);
            schema.forward.clear();
        }
        let mut pg_down = crate::postgres::PgSteps::down(pg_steps.hooks);
        let down = if diags.len() == errors {
            let undo = undo.map(|list| list.into_iter().rev().flatten().collect());
            let pg = postgres.then_some(&mut pg_down);
            down::plan(rev, &schema, &before, undo, &mut hooks, &mut diags, pg)
        } else {
            Down::Irreversible(Cow::Borrowed("the revision has errors"))
        };
        let postgres_down = match &down {
            Down::Steps(_) if postgres => Some(Cow::Owned(pg_down.steps)),
            _ => None,
        };
        let checksum = checksum_with(rev, &history.naming);
        let previous = plans.last().map_or("", |p: &RevisionPlan| &p.digest);
        let digest = crate::canonical::chain_digest(previous, &rev.id.text, &checksum);
        plans.push(RevisionPlan {
            id: Cow::Owned(rev.id.text.clone()),
            checksum: Cow::Owned(checksum),
            digest: Cow::Owned(digest),
            steps: Cow::Owned(steps),
            down,
            schema_after: Cow::Owned(fingerprint.update(&before, &schema)),
            postgres: postgres.then_some(Cow::Owned(pg_steps.steps)),
            postgres_down,
        });
    }
    diags.finish(Checked {
        plans,
        head: schema,
        origins,
    })
}

/// The tables `ops` create, with their primary key columns as written: a
/// foreign key may reference one before it is created (SQLite resolves
/// foreign keys when they are used). Empty when no foreign key of `ops`
/// names one of them, so a revision without such a key costs nothing more.
fn forward_tables(ops: &[Op]) -> Vec<(String, Vec<String>)> {
    fn unguarded(op: &Op) -> &Op {
        match op {
            Op::IfExists(inner) => inner,
            other => other,
        }
    }
    let created: Vec<&CreateTable> = ops
        .iter()
        .filter_map(|op| match unguarded(op) {
            Op::CreateTable(ct) => Some(ct),
            _ => None,
        })
        .collect();
    let parents: Vec<&str> = ops
        .iter()
        .flat_map(|op| fk_parents(unguarded(op)))
        .collect();
    if !created
        .iter()
        .any(|ct| parents.iter().any(|p| same_name(p, &ct.name.text)))
    {
        return Vec::new();
    }
    created
        .iter()
        .map(|ct| {
            let inline = ct
                .columns
                .iter()
                .filter(|c| c.primary_key().is_some())
                .map(|c| c.name.text.clone());
            let table_level = ct.constraints.iter().flat_map(|k| match &k.kind {
                TableConstraintKind::PrimaryKey(cols) => {
                    cols.iter().map(|c| c.name.text.clone()).collect()
                }
                _ => Vec::new(),
            });
            (ct.name.text.clone(), inline.chain(table_level).collect())
        })
        .collect()
}

/// The parent tables of the foreign keys an operation writes.
fn fk_parents(op: &Op) -> Vec<&str> {
    fn of_column(c: &ColumnDef) -> impl Iterator<Item = &str> {
        c.constraints.iter().filter_map(|k| match &k.kind {
            ColumnConstraintKind::References(t) => Some(t.table.text.as_str()),
            _ => None,
        })
    }
    fn of_table(k: &TableConstraint) -> Option<&str> {
        match &k.kind {
            TableConstraintKind::ForeignKey { target, .. } => Some(target.table.text.as_str()),
            _ => None,
        }
    }
    match op {
        Op::CreateTable(ct) => ct
            .columns
            .iter()
            .flat_map(of_column)
            .chain(ct.constraints.iter().filter_map(of_table))
            .collect(),
        Op::Batch(b) => b
            .changes
            .iter()
            .flat_map(|change| match change {
                Change::AddColumn(c) => of_column(c).collect(),
                Change::AddConstraint(k) => of_table(k).into_iter().collect(),
                _ => Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks one operation of revision `revision` against `schema`, applies it
/// when valid, and returns its steps (none when it is invalid).
fn apply(
    schema: &mut Schema,
    op: &Op,
    revision: &str,
    hooks: &mut usize,
    diags: &mut Diagnostics,
) -> Vec<Step> {
    let statement = |table: &str, sql: String| {
        Step::Execute(Statement {
            operation: Cow::Owned(describe(op)),
            table: Cow::Owned(table.to_owned()),
            sql: Cow::Owned(sql),
        })
    };
    let one = |table: &str, sql: Option<String>| {
        sql.map(|sql| statement(table, sql)).into_iter().collect()
    };
    let pair = |found: Option<(String, String)>| {
        found
            .map(|(table, sql)| statement(&table, sql))
            .into_iter()
            .collect()
    };
    match op {
        Op::CreateTable(ct) => one(&ct.name.text, create::create_table(schema, ct, diags)),
        Op::DropTable(name) => one(&name.text, create::drop_table(schema, name, diags)),
        Op::RenameTable { from, to } => pair(create::rename_table(schema, from, to, diags)),
        Op::CreateIndex(ci) => one(&ci.table.text, create::create_index(schema, ci, diags)),
        Op::DropIndex(name) => pair(create::drop_index(schema, name, diags)),
        // Rows, not schema: a step of their own kind.
        Op::Insert(ins) => one(&ins.table.text, insert::insert(schema, ins, diags))
            .into_iter()
            .map(|step| match step {
                Step::Execute(st) => Step::Insert(st),
                other => other,
            })
            .collect(),
        Op::Batch(b) => batch::batch(schema, b, describe(op), diags),
        Op::Run(h) => {
            if let Some(flag) = h.condition.as_ref().map(RunIf::flag) {
                if flag.text.trim().is_empty() {
                    diags.error_help(
                        flag.at,
                        "the flag name is empty",
                        "name the flag the caller sets, e.g. `run seed_demo when \"demo_data\";`",
                    );
                }
            }
            let call = HookCall::of(h, *hooks, Dialect::Sqlite);
            *hooks += 1;
            vec![Step::Hook(call)]
        }
        Op::CreateView(cv) => views::create_view(schema, cv, revision, diags)
            .unwrap_or_default()
            .into_iter()
            .map(|sql| statement(&cv.name.text, sql))
            .collect(),
        Op::DropView(name) => one(&name.text, views::drop_view(schema, name, diags)),
        Op::CreateTrigger(ct) => pair(views::create_trigger(schema, ct, revision, diags)),
        Op::DropTrigger(name) => pair(views::drop_trigger(schema, name, diags)),
        Op::IfExists(inner) => if_exists(schema, inner, revision, hooks, diags),
        Op::Sql(raw) => views::raw_sql(schema, raw, diags)
            .map(|table| {
                Step::RawSql(RawStep {
                    statement: Statement {
                        operation: Cow::Owned(describe(op)),
                        table: Cow::Owned(table),
                        sql: Cow::Owned(raw.sql.text.trim().to_owned()),
                    },
                    creates: raw.creates.as_ref().map(|c| CreatedTable {
                        name: Cow::Owned(c.name.text.clone()),
                        columns: c
                            .columns
                            .iter()
                            .map(|n| Cow::Owned(n.text.clone()))
                            .collect(),
                    }),
                })
            })
            .into_iter()
            .collect(),
    }
}

/// `create … if not exists` / `drop … if exists`. The model knows whether
/// the object exists at this point: a create of something that exists does
/// nothing, which is almost always a mistake, so it is an error; a drop of
/// something the history never made is allowed (it removes what was made
/// outside the history) and changes nothing in the model. Otherwise the
/// operation is checked as usual and its SQL carries the guard, so a
/// database made outside the history is tolerated at run time.
fn if_exists(
    schema: &mut Schema,
    op: &Op,
    revision: &str,
    hooks: &mut usize,
    diags: &mut Diagnostics,
) -> Vec<Step> {
    let Some((create, kind, name)) = op.object() else {
        diags.error(
            Loc::NONE,
            "`if exists` applies only to a create or drop of a table, index, view or trigger",
        );
        return Vec::new();
    };
    let exists = match kind {
        ObjectKind::Table => schema.table(&name.text).is_some(),
        ObjectKind::Index => schema.index(&name.text).is_some(),
        ObjectKind::View => schema.view(&name.text).is_some(),
        ObjectKind::Trigger => schema.trigger(&name.text).is_some(),
    };
    if create && exists {
        diags.error_help(
            name.at,
            format!("{kind} `{name}` already exists at this point of the history"),
            "`if not exists` would do nothing here; remove this statement, or drop the old one first",
        );
        return Vec::new();
    }
    // What `describe` gives for the guarded operation, without rebuilding it.
    let operation = render::guarded(&describe(op), create);
    if !create && !exists {
        return vec![Step::Execute(Statement {
            operation: Cow::Owned(operation),
            table: Cow::Owned(name.text.clone()),
            sql: Cow::Owned(render::guarded(&render::drop(kind, &name.text), false)),
        })];
    }
    apply(schema, op, revision, hooks, diags)
        .into_iter()
        .map(|step| match step {
            Step::Execute(mut st) => {
                st.sql = Cow::Owned(render::guarded(&st.sql, create));
                st.operation = Cow::Owned(operation.clone());
                Step::Execute(st)
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests;
