//! `sql "…"` steps: raw SQL for data changes, run with the schema watched.
//!
//! The checker cannot read every statement SQLite accepts, so the runtime
//! compares `sqlite_schema` before and after: a schema change the history
//! did not declare fails the revision (and is rolled back with it) instead
//! of leaving the model silently wrong.

use crate::error::{Error, ErrorKind};
use migrate_core::plan::Statement;
use rusqlite::Connection;

type Object = (String, String, Option<String>);

/// Runs the raw SQL of `st` for revision `revision`.
pub(crate) fn run(conn: &Connection, revision: &str, st: &Statement) -> Result<(), Error> {
    let sql_error = |sql: &str, source| {
        Error::from(ErrorKind::Sql {
            revision: revision.to_owned(),
            operation: st.operation.to_string(),
            table: st.table.to_string(),
            sql: sql.to_owned(),
            source,
        })
    };
    let before = schema(conn).map_err(|e| sql_error(SCHEMA, e))?;
    conn.execute_batch(&st.sql)
        .map_err(|e| sql_error(&st.sql, e))?;
    let after = schema(conn).map_err(|e| sql_error(SCHEMA, e))?;
    let changes = diff(&before, &after);
    if changes.is_empty() {
        Ok(())
    } else {
        Err(ErrorKind::UndeclaredSchemaChange {
            revision: revision.to_owned(),
            operation: st.operation.to_string(),
            sql: st.sql.to_string(),
            changes,
        }
        .into())
    }
}

const SCHEMA: &str = "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name";

fn schema(conn: &Connection) -> rusqlite::Result<Vec<Object>> {
    let mut stmt = conn.prepare(SCHEMA)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

fn diff(before: &[Object], after: &[Object]) -> Vec<String> {
    let find = |list: &[Object], o: &Object| {
        list.iter()
            .find(|x| x.0 == o.0 && x.1 == o.1)
            .map(|x| x.2.clone())
    };
    let mut changes = Vec::new();
    for o in after {
        match find(before, o) {
            None => changes.push(format!("created {} `{}`", o.0, o.1)),
            Some(sql) if sql != o.2 => changes.push(format!("changed {} `{}`", o.0, o.1)),
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
