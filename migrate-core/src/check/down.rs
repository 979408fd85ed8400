//! Downgrades: a revision's `down` block, or its generated inverse, checked
//! on the schema after the revision. Either must bring the schema back
//! exactly to what it was before the revision: every later revision was
//! checked against that schema, so a downgrade that leaves anything else
//! would make the next upgrade run on a database the checker never saw.

use super::{apply, same};
use crate::diag::Diagnostics;
use crate::model::Schema;
use crate::name::same_name;
use crate::op::{Op, RevisionDef};
use crate::plan::{Down, Step};
use crate::postgres::PgSteps;
use crate::render;
use std::borrow::Cow;

/// The down plan of `rev`. `after` is the schema after the revision,
/// `before` the schema before it, `generated` the generated inverse
/// (used when the revision has no `down` block). An explicit block is
/// checked like any operations, its problems reported in `diags`. With
/// `postgres` (the history targets it, and the revision's up steps there
/// counted that many hooks), the down steps on PostgreSQL are rendered
/// into it too.
pub(super) fn plan(
    rev: &RevisionDef,
    after: &Schema,
    before: &Schema,
    generated: Result<Vec<Op>, String>,
    hooks: &mut usize,
    diags: &mut Diagnostics,
    postgres: Option<&mut PgSteps>,
) -> Down {
    let Some(block) = &rev.down else {
        return match generated {
            Ok(ops) => generated_steps(rev, after, before, &ops, postgres),
            Err(why) => Down::Irreversible(Cow::Owned(why)),
        };
    };
    let mut schema = after.clone();
    let errors = diags.len();
    let steps = run(rev, &mut schema, &block.ops, hooks, diags, postgres);
    if diags.len() == errors {
        if let Some(diff) = difference(before, &schema) {
            diags.error_help(
                block.at,
                format!(
                    "the `down` block of revision `{}` does not restore the schema from before the revision",
                    rev.id
                ),
                format!("{diff}; later revisions were checked against that schema, so `down` must restore it exactly"),
            );
        }
    }
    Down::Steps(Cow::Owned(steps))
}

/// The generated inverse, checked as if written; a problem makes the
/// revision irreversible (with the reason) rather than a compile error the
/// user did not cause.
fn generated_steps(
    rev: &RevisionDef,
    after: &Schema,
    before: &Schema,
    ops: &[Op],
    postgres: Option<&mut PgSteps>,
) -> Down {
    let mut schema = after.clone();
    let mut scratch = Diagnostics::new();
    let steps = run(rev, &mut schema, ops, &mut 0, &mut scratch, postgres);
    let why = match scratch.finish(()) {
        Err(problems) => format!(
            "its generated inverse is not valid ({}); write a `down` block",
            problems[0].message
        ),
        Ok(()) => match difference(before, &schema) {
            Some(diff) => format!(
                "its generated inverse would not restore the schema ({diff}); write a `down` block"
            ),
            None => return Down::Steps(Cow::Owned(steps)),
        },
    };
    Down::Irreversible(Cow::Owned(why))
}

fn run(
    rev: &RevisionDef,
    schema: &mut Schema,
    ops: &[Op],
    hooks: &mut usize,
    diags: &mut Diagnostics,
    mut postgres: Option<&mut PgSteps>,
) -> Vec<Step> {
    ops.iter()
        .flat_map(|op| {
            let before_op = postgres.is_some().then(|| schema.clone());
            let steps = apply(schema, op, &rev.id.text, hooks, diags);
            if let (Some(pg), Some(before_op)) = (postgres.as_deref_mut(), before_op) {
                pg.add(op, &before_op, schema);
            }
            steps
        })
        .collect()
}

/// The first difference between the schema `before` a revision and the
/// schema `after` its downgrade, described; `None` when they define the
/// same objects. Where an object was defined does not count.
fn difference(before: &Schema, after: &Schema) -> Option<String> {
    fn first<T>(
        kind: &str,
        before: &[T],
        after: &[T],
        name: impl Fn(&T) -> &str,
        same: impl Fn(&T, &T) -> bool,
        sql: impl Fn(&T) -> String,
    ) -> Option<String> {
        for (i, b) in before.iter().enumerate() {
            // Objects usually keep their places: look there first, so that
            // comparing two large schemas is linear, not quadratic.
            let found = after
                .get(i)
                .filter(|a| same_name(name(a), name(b)))
                .or_else(|| after.iter().find(|a| same_name(name(a), name(b))));
            match found {
                None => {
                    return Some(format!(
                        "{kind} `{}` existed before the revision but not after `down`",
                        name(b)
                    ))
                }
                Some(a) if !same(a, b) => {
                    return Some(format!(
                        "{kind} `{}` was `{}` before the revision but is `{}` after `down`",
                        name(b),
                        sql(b),
                        sql(a)
                    ))
                }
                Some(_) => {}
            }
        }
        // Every object of `before` was found in `after`, and names are
        // unique per kind: with as many objects, `after` has no other.
        if after.len() == before.len() {
            return None;
        }
        after
            .iter()
            .find(|a| !before.iter().any(|b| same_name(name(a), name(b))))
            .map(|a| {
                format!(
                    "`down` leaves {kind} `{}`, which did not exist before the revision",
                    name(a)
                )
            })
    }
    first(
        "table",
        &before.tables,
        &after.tables,
        |t| &t.name,
        |a, b| std::sync::Arc::ptr_eq(a, b) || same::table(a, b),
        |t| render::create_table(t, &t.name),
    )
    .or_else(|| {
        first(
            "index",
            &before.indexes,
            &after.indexes,
            |i| &i.name,
            same::index,
            render::create_index,
        )
    })
    .or_else(|| {
        first(
            "view",
            &before.views,
            &after.views,
            |v| &v.name,
            same::view,
            render::create_view,
        )
    })
    .or_else(|| {
        first(
            "trigger",
            &before.triggers,
            &after.triggers,
            |t| &t.name,
            same::trigger,
            render::create_trigger,
        )
    })
}
