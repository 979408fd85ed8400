//! `sql "…"` steps: raw SQL run with the schema watched.
//!
//! The checker cannot read every statement SQLite accepts, so the runtime
//! compares `sqlite_schema` before and after: a schema change the history
//! did not declare fails the revision (and is rolled back with it) instead
//! of leaving the model silently wrong. The one change a step may declare,
//! `creates table t (c, …)`, must happen exactly: the table with those
//! visible columns, plus the shadow tables a virtual table module makes.

use crate::error::{Context, Error, ErrorKind};
use migrate_dsl_core::plan::{CreatedTable, RawStep};
use rusqlite::Connection;

/// One row of `sqlite_schema`: type, name, table name, SQL.
type Object = (String, String, String, Option<String>);

/// Runs the raw SQL of `step` for revision `revision`.
pub(crate) fn run(conn: &Connection, revision: &str, step: &RawStep) -> Result<(), Error> {
    let st = &step.statement;
    let sql_error = |sql: &str, source| {
        Error::at(
            Context::statement(revision, st).sql(sql),
            ErrorKind::Sql { source },
        )
    };
    let before = schema(conn).map_err(|e| sql_error(SCHEMA, e))?;
    crate::sqlite::trace::execute(conn, &st.sql, true).map_err(|e| sql_error(&st.sql, e))?;
    let after = schema(conn).map_err(|e| sql_error(SCHEMA, e))?;
    let mut allowed = Vec::new();
    if let Some(created) = &step.creates {
        let found = columns(conn, &created.name).map_err(|e| sql_error(COLUMNS, e))?;
        if !same_columns(created, found.as_deref()) {
            return Err(Error::at(
                Context::statement(revision, st).table(&created.name),
                ErrorKind::RawSql(crate::error::RawSqlMismatch::CreatedTableMismatch {
                    expected: created.columns.iter().map(ToString::to_string).collect(),
                    found,
                }),
            ));
        }
        allowed.push(created.name.to_string());
        allowed.extend(shadow_tables(conn, &created.name).map_err(|e| sql_error(SHADOW, e))?);
    }
    let changes = diff(&before, &after, &allowed);
    if changes.is_empty() {
        Ok(())
    } else {
        Err(Error::at(
            Context::statement(revision, st),
            ErrorKind::RawSql(crate::error::RawSqlMismatch::UndeclaredSchemaChange { changes }),
        ))
    }
}

const SCHEMA: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name";
const COLUMNS: &str = "SELECT name FROM pragma_table_info(?1)";
const SHADOW: &str = "SELECT name FROM pragma_table_list WHERE type = 'shadow' AND name LIKE ?1 || '\\_%' ESCAPE '\\'";

fn schema(conn: &Connection) -> rusqlite::Result<Vec<Object>> {
    let mut stmt = crate::fault::checked(|| conn.prepare(SCHEMA))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// The visible columns of `table`, or `None` when it does not exist.
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Option<Vec<String>>> {
    let mut stmt = crate::fault::checked(|| conn.prepare(COLUMNS))?;
    let names: Vec<String> = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok((!names.is_empty()).then_some(names))
}

fn same_columns(created: &CreatedTable, found: Option<&[String]>) -> bool {
    found.is_some_and(|found| {
        found.len() == created.columns.len()
            && found
                .iter()
                .zip(created.columns.iter())
                .all(|(f, c)| f.eq_ignore_ascii_case(c))
    })
}

/// The shadow tables a virtual table module made for `table`.
fn shadow_tables(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = crate::fault::checked(|| conn.prepare(SHADOW))?;
    let rows = stmt.query_map([table], |r| r.get(0))?;
    rows.collect()
}

/// What changed, except objects that belong to an `allowed` table.
fn diff(before: &[Object], after: &[Object], allowed: &[String]) -> Vec<String> {
    let find = |list: &[Object], o: &Object| {
        list.iter()
            .find(|x| x.0 == o.0 && x.1 == o.1)
            .map(|x| x.3.clone())
    };
    let is_allowed = |o: &Object| allowed.iter().any(|a| a.eq_ignore_ascii_case(&o.2));
    let mut changes = Vec::new();
    for o in after {
        match find(before, o) {
            None if is_allowed(o) => {}
            None => changes.push(format!("created {} `{}`", o.0, o.1)),
            Some(sql) if sql != o.3 => changes.push(format!("changed {} `{}`", o.0, o.1)),
            Some(_) => {}
        }
    }
    for o in before {
        if find(after, o).is_none() {
            changes.push(format!("dropped {} `{}`", o.0, o.1));
        }
    }
    changes
}
