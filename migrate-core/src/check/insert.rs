//! Rules for `insert into … values …`.

use super::create::{find_column, find_table};
use crate::diag::Diagnostics;
use crate::model::Schema;
use crate::op::{Insert, Literal};
use crate::render;

/// Checks an insert against the model; returns its SQL.
pub(super) fn insert(schema: &Schema, ins: &Insert, diags: &mut Diagnostics) -> Option<String> {
    let before = diags.len();
    let table = find_table(schema, &ins.table, diags)?;
    let mut columns = Vec::with_capacity(ins.columns.len());
    for (i, name) in ins.columns.iter().enumerate() {
        let Some(col) = find_column(table, name, diags) else {
            continue;
        };
        if col.generated.is_some() {
            diags.error_help(
                name.at,
                format!("column `{name}` is generated; it cannot be given a value"),
                "leave it out of the column list: SQLite computes it",
            );
        }
        if ins.columns[..i].iter().any(|p| p.same(&name.text)) {
            diags.error_help(
                name.at,
                format!("column `{name}` is listed twice"),
                "list each column once",
            );
        }
        columns.push((i, col));
    }
    // A row with too few or too many values is an SQLite error at run time;
    // catch it here, where the row can be pointed at.
    for row in &ins.rows {
        if row.values.len() != ins.columns.len() {
            diags.error_help(
                row.at,
                format!(
                    "this row has {} but {} listed",
                    count(row.values.len(), "value", "values"),
                    count(ins.columns.len(), "column is", "columns are"),
                ),
                "give one value per listed column",
            );
        }
    }
    // NOT NULL without a default: leaving it out or giving null fails at run
    // time on the first row, long after the code shipped.
    for col in &table.columns {
        let required = col.not_null
            && col.default.is_none()
            && col.generated.is_none()
            && !table.is_rowid_alias(&col.name);
        if !required {
            continue;
        }
        match columns.iter().find(|(_, c)| c.name == col.name) {
            None => diags.error_help(
                ins.table.at,
                format!(
                    "column `{}` of table `{}` is NOT NULL and has no default, but this insert gives it no value",
                    col.name, table.name
                ),
                format!("add `{}` to the column list", col.name),
            ),
            Some((pos, _)) => {
                for row in &ins.rows {
                    if row.values.get(*pos) == Some(&Literal::Null) {
                        diags.error_help(
                            row.at,
                            format!("null given for NOT NULL column `{}`", col.name),
                            "give a value, or make the column nullable first",
                        );
                    }
                }
            }
        }
    }
    if diags.len() > before {
        return None;
    }
    let names: Vec<&str> = columns.iter().map(|(_, c)| c.name.as_str()).collect();
    let rows: Vec<Vec<Literal>> = ins.rows.iter().map(|r| r.values.clone()).collect();
    Some(render::insert(&table.name, &names, &rows))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
