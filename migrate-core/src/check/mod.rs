//! Replays a history on the schema model, collecting every problem.
//!
//! One function per rule, each with the reason it exists. An operation that
//! fails a rule leaves the model as it was, so later references to what it
//! would have created are reported too rather than hidden.

mod batch;
mod constraints;
mod create;
mod exprs;
mod insert;
mod names;
mod revision;

use crate::canonical::{checksum, describe};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Schema;
use crate::op::{History, Op};
use crate::plan::{HookCall, RevisionPlan, Statement, Step};
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
    let mut diags = Diagnostics::new();
    let mut schema = Schema::default();
    revision::check_ids(history, &mut diags);
    let mut plans = Vec::with_capacity(history.revisions.len());
    for rev in &history.revisions {
        if rev.ops.is_empty() {
            diags.error_help(
                rev.id.at,
                format!("revision `{}` is empty", rev.id),
                "a revision must change something; remove it or add operations",
            );
        }
        let mut steps = Vec::with_capacity(rev.ops.len());
        let mut hooks = 0;
        for op in &rev.ops {
            steps.extend(apply(&mut schema, op, &mut hooks, &mut diags));
        }
        plans.push(RevisionPlan {
            id: Cow::Owned(rev.id.text.clone()),
            checksum: Cow::Owned(checksum(rev)),
            steps: Cow::Owned(steps),
        });
    }
    diags.finish((plans, schema))
}

/// Checks one operation against `schema`, applies it when valid, and
/// returns its steps (none when it is invalid).
fn apply(schema: &mut Schema, op: &Op, hooks: &mut usize, diags: &mut Diagnostics) -> Vec<Step> {
    if let Op::Batch(b) = op {
        return batch::batch(schema, b, describe(op), diags);
    }
    step(schema, op, hooks, diags).into_iter().collect()
}

/// The single step of an operation other than a batch block.
fn step(schema: &mut Schema, op: &Op, hooks: &mut usize, diags: &mut Diagnostics) -> Option<Step> {
    let statement = |table: &str, sql: String| {
        Step::Execute(Statement {
            operation: Cow::Owned(describe(op)),
            table: Cow::Owned(table.to_owned()),
            sql: Cow::Owned(sql),
        })
    };
    match op {
        Op::CreateTable(ct) => {
            let sql = create::create_table(schema, ct, diags)?;
            Some(statement(&ct.name.text, sql))
        }
        Op::DropTable(name) => {
            let sql = create::drop_table(schema, name, diags)?;
            Some(statement(&name.text, sql))
        }
        Op::RenameTable { from, to } => {
            let (table, sql) = create::rename_table(schema, from, to, diags)?;
            Some(statement(&table, sql))
        }
        Op::CreateIndex(ci) => {
            let sql = create::create_index(schema, ci, diags)?;
            Some(statement(&ci.table.text, sql))
        }
        Op::DropIndex(name) => {
            let (table, sql) = create::drop_index(schema, name, diags)?;
            Some(statement(&table, sql))
        }
        Op::Insert(ins) => {
            let sql = insert::insert(schema, ins, diags)?;
            Some(statement(&ins.table.text, sql))
        }
        Op::Batch(_) => None,
        Op::Run(h) => {
            let call = HookCall {
                name: Cow::Owned(h.path.text.clone()),
                index: *hooks,
            };
            *hooks += 1;
            Some(Step::Hook(call))
        }
    }
}

#[cfg(test)]
mod tests;
