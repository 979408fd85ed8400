//! Rules for `batch alter table` blocks, and the rebuild plan they produce.
//!
//! Changes apply in order to a working copy of the table; each new column
//! remembers where its values come from (an old column, or nothing for an
//! added one), which yields the explicit column lists of the copy.

use super::create::{find_column, find_table};
use super::exprs;
use crate::diag::Diagnostics;
use crate::model::{Index, Schema, Table};
use crate::name::same_name;
use crate::op::{BatchAlter, Change, ColumnAlter, ColumnDef};
use crate::plan::{NotNullCheck, Rebuild, Statement};
use crate::{render, sql, Name, TEMP_PREFIX};
use std::borrow::Cow;

/// The table being changed: its columns with their sources, and its indexes.
struct Work {
    table: Table,
    /// For each column of `table`, the old column its values come from.
    sources: Vec<Option<String>>,
    indexes: Vec<Index>,
}

/// Checks a batch block; on success applies it to the model and returns the
/// rebuild.
pub(super) fn batch(
    schema: &mut Schema,
    b: &BatchAlter,
    operation: String,
    diags: &mut Diagnostics,
) -> Option<Rebuild> {
    let old = find_table(schema, &b.table, diags)?.clone();
    let before = diags.len();
    if b.changes.is_empty() {
        diags.error_help(
            b.at,
            format!("batch block for table `{}` is empty", old.name),
            "add at least one change, or remove the block",
        );
    }
    let mut work = Work {
        sources: old.columns.iter().map(|c| Some(c.name.clone())).collect(),
        table: old.clone(),
        indexes: schema.indexes_of(&old.name).cloned().collect(),
    };
    for change in &b.changes {
        match change {
            Change::AddColumn(def) => add_column(&mut work, def, diags),
            Change::DropColumn(name) => drop_column(&mut work, name, diags),
            Change::RenameColumn { from, to } => rename_column(&mut work, from, to, diags),
            Change::AlterColumn { column, alter } => alter_column(&mut work, column, alter, diags),
        }
    }
    if work.table.columns.iter().filter(|c| c.primary_key).count() > 1 {
        diags.error_help(
            b.table.at,
            format!(
                "table `{}` would have more than one primary key column",
                old.name
            ),
            "a table has one primary key; keep `primary key` on one column",
        );
    }
    if diags.len() > before {
        return None;
    }
    let rebuild = plan(&old, &work, operation);
    schema.indexes.retain(|i| !same_name(&i.table, &old.name));
    schema.indexes.extend(work.indexes);
    if let Some(t) = schema.table_mut(&old.name) {
        *t = work.table;
    }
    Some(rebuild)
}

/// A new column is NULL in every existing row unless it has a default, so a
/// NOT NULL column without one fails on any table that has rows.
fn add_column(work: &mut Work, def: &ColumnDef, diags: &mut Diagnostics) {
    if work.table.column(&def.name.text).is_some() {
        diags.error_help(
            def.name.at,
            format!(
                "table `{}` already has a column `{}`",
                work.table.name, def.name
            ),
            "choose another name, or `rename column` the existing one first",
        );
        return;
    }
    if let Some(pk) = def.primary_key {
        if let Some(existing) = work.table.columns.iter().find(|c| c.primary_key) {
            diags.error_help(
                pk,
                format!(
                    "table `{}` already has a primary key (column `{}`)",
                    work.table.name, existing.name
                ),
                "a table has one primary key; add this column with `unique` instead",
            );
            return;
        }
    }
    let mut names: Vec<&str> = work.table.columns.iter().map(|c| c.name.as_str()).collect();
    names.push(&def.name.text);
    let Some(column) = exprs::column(def, &work.table.name, &names, diags) else {
        return;
    };
    if column.not_null && column.default.is_none() && !column.is_rowid_alias() {
        diags.error_help(
            def.name.at,
            format!("new column `{}` is NOT NULL but has no default", def.name),
            format!(
                "existing rows would hold NULL; add `default (…)`, or add the column nullable, fill it with a `run` hook and then `alter column {} set not null`",
                def.name
            ),
        );
        return;
    }
    work.table.columns.push(column);
    work.sources.push(None);
}

/// Dropping a column an index uses would make the index's recreation fail at
/// run time; the index must be dropped first.
fn drop_column(work: &mut Work, name: &Name, diags: &mut Diagnostics) {
    let Some(pos) = position(&work.table, name, diags) else {
        return;
    };
    let col = &work.table.columns[pos].name;
    if let Some(ix) = work
        .indexes
        .iter()
        .find(|i| i.columns.iter().any(|(c, _)| same_name(c, col)))
    {
        diags.error_help(
            name.at,
            format!("cannot drop column `{name}`: index `{}` uses it", ix.name),
            format!(
                "drop the index first: `drop index {};` before this batch block",
                ix.name
            ),
        );
        return;
    }
    if let Some(dependent) = expression_using(&work.table, pos) {
        diags.error_help(
            name.at,
            format!("cannot drop column `{name}`: {dependent} uses it"),
            "the new table definition would name a column that no longer exists; remove what uses it first",
        );
        return;
    }
    if work.table.columns.len() == 1 {
        diags.error_help(
            name.at,
            format!(
                "cannot drop `{name}`: it is the only column of table `{}`",
                work.table.name
            ),
            "SQLite tables need at least one column",
        );
        return;
    }
    work.table.columns.remove(pos);
    work.sources.remove(pos);
}

/// Renames keep values and follow into indexes; the new name must be free.
fn rename_column(work: &mut Work, from: &Name, to: &Name, diags: &mut Diagnostics) {
    let Some(pos) = position(&work.table, from, diags) else {
        return;
    };
    if let Some(other) = work.table.column_index(&to.text) {
        if other != pos {
            diags.error_help(
                to.at,
                format!("table `{}` already has a column `{to}`", work.table.name),
                "choose another name, or drop or rename the existing column first",
            );
            return;
        }
    }
    let old = std::mem::replace(&mut work.table.columns[pos].name, to.text.clone());
    // As SQLite's own RENAME COLUMN does, references in CHECK and DEFAULT
    // expressions follow the column.
    for c in &mut work.table.columns {
        for e in c.check.iter_mut().chain(c.default.iter_mut()) {
            e.rename(&old, &to.text);
        }
    }
    for e in &mut work.table.checks {
        e.rename(&old, &to.text);
    }
    for ix in &mut work.indexes {
        for (c, _) in &mut ix.columns {
            if same_name(c, &old) {
                c.clone_from(&to.text);
            }
        }
    }
}

/// A change that changes nothing is almost always aimed at the wrong column.
fn alter_column(work: &mut Work, name: &Name, alter: &ColumnAlter, diags: &mut Diagnostics) {
    let Some(pos) = position(&work.table, name, diags) else {
        return;
    };
    let col = &mut work.table.columns[pos];
    let redundant = match alter {
        ColumnAlter::DropNotNull if !col.not_null => Some("is already nullable"),
        ColumnAlter::SetNotNull if col.not_null => Some("is already NOT NULL"),
        ColumnAlter::DropDefault if col.default.is_none() => Some("has no default"),
        ColumnAlter::Type(t) if col.ty == *t => Some("already has this type"),
        _ => None,
    };
    if let Some(why) = redundant {
        diags.error_help(
            name.at,
            format!("column `{name}` {why}; this change does nothing"),
            "remove it, or name the column you meant",
        );
        return;
    }
    match alter {
        ColumnAlter::DropNotNull => col.not_null = false,
        ColumnAlter::SetNotNull => col.not_null = true,
        ColumnAlter::SetDefault(e) => {
            if let Some(d) = exprs::default_expr(e, diags) {
                col.default = Some(d);
            }
        }
        ColumnAlter::DropDefault => col.default = None,
        ColumnAlter::Type(t) => col.ty = *t,
    }
}

/// The CHECK or DEFAULT expression, other than column `pos`'s own, that
/// names column `pos`.
fn expression_using(table: &Table, pos: usize) -> Option<String> {
    let col = &table.columns[pos].name;
    for (i, c) in table.columns.iter().enumerate() {
        if i == pos {
            continue;
        }
        if c.check.as_ref().is_some_and(|e| e.mentions(col)) {
            return Some(format!("the CHECK of column `{}`", c.name));
        }
        if c.default.as_ref().is_some_and(|e| e.mentions(col)) {
            return Some(format!("the DEFAULT of column `{}`", c.name));
        }
    }
    table
        .checks
        .iter()
        .find(|e| e.mentions(col))
        .map(|e| format!("the table CHECK `{}`", e.to_sql()))
}

fn position(table: &Table, name: &Name, diags: &mut Diagnostics) -> Option<usize> {
    find_column(table, name, diags)?;
    table.column_index(&name.text)
}

/// The rebuild of `old` into `work.table`.
fn plan(old: &Table, work: &Work, operation: String) -> Rebuild {
    let new = &work.table;
    let temp = format!("{TEMP_PREFIX}{}", old.name);
    let mut targets = Vec::new();
    let mut selects = Vec::new();
    // Tables without an `integer primary key` keep a hidden rowid that other
    // data (FTS content tables, application caches) may rely on.
    if new.copies_rowid() && old.column("rowid").is_none() {
        targets.push("rowid".to_owned());
        selects.push("rowid".to_owned());
    }
    let mut not_null_checks = Vec::new();
    for (col, source) in new.columns.iter().zip(&work.sources) {
        let Some(src) = source else { continue };
        targets.push(sql::ident(&col.name));
        selects.push(sql::ident(src));
        let was_not_null = old.column(src).is_some_and(|c| c.not_null);
        if col.not_null && !was_not_null {
            not_null_checks.push(NotNullCheck {
                column: Cow::Owned(col.name.clone()),
                count_sql: Cow::Owned(format!(
                    "SELECT count(*) FROM {} WHERE {} IS NULL",
                    sql::ident(&old.name),
                    sql::ident(src)
                )),
            });
        }
    }
    let copy_sql = format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        sql::ident(&temp),
        targets.join(", "),
        selects.join(", "),
        sql::ident(&old.name)
    );
    let recreate = work
        .indexes
        .iter()
        .map(|ix| Statement {
            operation: Cow::Owned(operation.clone()),
            table: Cow::Owned(old.name.clone()),
            sql: Cow::Owned(render::create_index(ix)),
        })
        .collect::<Vec<_>>();
    Rebuild {
        create_sql: Cow::Owned(render::create_table(new, &temp)),
        copy_sql: Cow::Owned(copy_sql),
        operation: Cow::Owned(operation),
        table: Cow::Owned(old.name.clone()),
        temp_table: Cow::Owned(temp),
        not_null_checks: Cow::Owned(not_null_checks),
        // A batch block neither creates nor drops indexes, so the names
        // expected before the rebuild are the ones recreated after it.
        expected_indexes: Cow::Owned(
            work.indexes
                .iter()
                .map(|i| Cow::Owned(i.name.clone()))
                .collect(),
        ),
        recreate: Cow::Owned(recreate),
    }
}
