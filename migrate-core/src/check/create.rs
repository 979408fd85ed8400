//! Rules for `create table`, `create index` and `drop index`.

use super::exprs;
use super::names::{check_not_reserved, unknown_help};
use crate::diag::Diagnostics;
use crate::expr::SqlExpr;
use crate::model::{Column, Index, Schema, Table};
use crate::name::same_name;
use crate::op::{ColumnDef, CreateIndex, CreateTable};
use crate::{render, Name};

/// Checks `create table` and adds the table to the model; returns its SQL.
pub(super) fn create_table(
    schema: &mut Schema,
    ct: &CreateTable,
    diags: &mut Diagnostics,
) -> Option<String> {
    let before = diags.len();
    check_not_reserved("table", &ct.name, diags);
    check_name_free(schema, "table", &ct.name, diags);
    if ct.columns.is_empty() {
        diags.error_help(
            ct.name.at,
            format!("table `{}` has no columns", ct.name),
            "SQLite tables need at least one column",
        );
    }
    check_unique_columns(&ct.columns, diags);
    check_single_primary_key(&ct.columns, diags);
    if diags.len() > before {
        return None;
    }
    let names: Vec<&str> = ct.columns.iter().map(|c| c.name.text.as_str()).collect();
    let columns: Vec<Option<Column>> = ct
        .columns
        .iter()
        .map(|c| exprs::column(c, &ct.name.text, &names, diags))
        .collect();
    let checks: Vec<Option<SqlExpr>> = ct
        .checks
        .iter()
        .map(|e| exprs::row_expr(e, "CHECK", &ct.name.text, &names, diags))
        .collect();
    let table = Table {
        name: ct.name.text.clone(),
        columns: columns.into_iter().collect::<Option<_>>()?,
        checks: checks.into_iter().collect::<Option<_>>()?,
        defined_at: ct.name.at,
    };
    let sql = render::create_table(&table, &table.name);
    schema.tables.push(table);
    Some(sql)
}

/// Tables and indexes share one namespace in SQLite, compared
/// case-insensitively: `Foo` and `foo` collide, and so do a table and an
/// index of the same name.
pub(super) fn check_name_free(schema: &Schema, kind: &str, name: &Name, diags: &mut Diagnostics) {
    if let Some(existing) = schema.object_kind(&name.text) {
        let help = if existing == kind {
            format!("a {existing} with this name already exists (SQLite compares names case-insensitively); choose another name or drop it first")
        } else {
            format!("tables and indexes share one namespace in SQLite and a {existing} is already named so; choose another name")
        };
        diags.error_help(name.at, format!("duplicate {kind} `{name}`"), help);
    }
}

/// Two columns with the same name (case-insensitive) are rejected by SQLite.
pub(super) fn check_unique_columns(columns: &[ColumnDef], diags: &mut Diagnostics) {
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].iter().any(|p| p.name.same(&c.name.text)) {
            diags.error_help(
                c.name.at,
                format!("duplicate column `{}`", c.name),
                "column names must be unique within a table (SQLite compares them case-insensitively)",
            );
        }
    }
}

/// SQLite refuses a table where more than one column says `primary key`.
fn check_single_primary_key(columns: &[ColumnDef], diags: &mut Diagnostics) {
    let mut keys = columns.iter().filter_map(|c| c.primary_key);
    if keys.next().is_some() {
        for extra in keys {
            diags.error_help(
                extra,
                "more than one column is marked `primary key`",
                "a table has one primary key; keep `primary key` on one column",
            );
        }
    }
}

/// Checks `create index` and adds it to the model; returns its SQL.
pub(super) fn create_index(
    schema: &mut Schema,
    ci: &CreateIndex,
    diags: &mut Diagnostics,
) -> Option<String> {
    let before = diags.len();
    check_not_reserved("index", &ci.name, diags);
    check_name_free(schema, "index", &ci.name, diags);
    let table = find_table(schema, &ci.table, diags)?;
    for (i, col) in ci.columns.iter().enumerate() {
        if find_column(table, &col.name, diags).is_some()
            && ci.columns[..i].iter().any(|p| p.name.same(&col.name.text))
        {
            diags.error_help(
                col.name.at,
                format!("column `{}` appears twice in index `{}`", col.name, ci.name),
                "list each column once",
            );
        }
    }
    if diags.len() > before {
        return None;
    }
    // Store the column names as the table spells them, so rendered SQL and
    // the model agree whatever case the index was written in.
    let columns = ci
        .columns
        .iter()
        .filter_map(|c| table.column(&c.name.text).map(|m| (m.name.clone(), c.desc)))
        .collect();
    let index = Index {
        name: ci.name.text.clone(),
        table: table.name.clone(),
        columns,
        unique: ci.unique,
        defined_at: ci.name.at,
    };
    let sql = render::create_index(&index);
    schema.indexes.push(index);
    Some(sql)
}

/// Checks `drop index` and removes it; returns the table and SQL.
pub(super) fn drop_index(
    schema: &mut Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    let Some(pos) = schema
        .indexes
        .iter()
        .position(|i| same_name(&i.name, &name.text))
    else {
        let help = unknown_help(
            "index",
            &name.text,
            schema.indexes.iter().map(|i| i.name.as_str()),
        );
        diags.error_help(name.at, format!("unknown index `{name}`"), help);
        return None;
    };
    let index = schema.indexes.remove(pos);
    Some((index.table, render::drop_index(&index.name)))
}

/// The table `name`, or an "unknown table" error with a suggestion.
pub(super) fn find_table<'s>(
    schema: &'s Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<&'s Table> {
    let found = schema.table(&name.text);
    if found.is_none() {
        let help = unknown_help(
            "table",
            &name.text,
            schema.tables.iter().map(|t| t.name.as_str()),
        );
        diags.error_help(name.at, format!("unknown table `{name}`"), help);
    }
    found
}

/// The column `name` of `table`, or an "unknown column" error.
pub(super) fn find_column<'t>(
    table: &'t Table,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<&'t Column> {
    let found = table.column(&name.text);
    if found.is_none() {
        let help = unknown_help(
            "column",
            &name.text,
            table.columns.iter().map(|c| c.name.as_str()),
        );
        diags.error_help(
            name.at,
            format!("table `{}` has no column `{name}`", table.name),
            help,
        );
    }
    found
}
