//! SQLite's 12-step table rebuild ("Making Other Kinds Of Table Schema
//! Changes", lang_altertable.html), run inside a [`RevisionGuard`].
//!
//! Steps 1–2 (foreign keys off outside the transaction, `BEGIN IMMEDIATE`)
//! and 11–12 (commit, pragmas restored) belong to the guard. This module does
//! the middle: it refuses when the table carries objects the history does not
//! know (they would be dropped silently), checks NOT NULL additions against
//! the real table, creates the new table from its complete definition, copies
//! rows by explicit column lists, drops the old table, renames the new one
//! (with `legacy_alter_table` on, so views and triggers elsewhere are not
//! re-resolved mid-swap), recreates the indexes after the rename, and checks
//! foreign keys of the table and of every table that references it.

use crate::error::{Error, ErrorKind, ForeignKeyViolation};
use crate::fault::{hit, FaultPoint};
use crate::guard::{exists, RevisionGuard};
use migrate_core::plan::Rebuild;
use migrate_core::sql;
use rusqlite::Connection;

/// What a rebuild did besides the rebuild itself.
#[derive(Default)]
pub(crate) struct RebuildOutcome {
    /// A leftover temporary table of an earlier interrupted run was removed.
    pub(crate) removed_leftover: Option<String>,
}

/// Runs one rebuild of revision `revision`.
pub(crate) fn run(
    guard: &mut RevisionGuard<'_>,
    revision: &str,
    r: &Rebuild,
) -> Result<RebuildOutcome, Error> {
    let conn: &Connection = guard.tx();
    let sql_err = |sql: &str| {
        let sql = sql.to_owned();
        move |source| {
            Error::from(ErrorKind::Sql {
                revision: revision.to_owned(),
                operation: r.operation.to_string(),
                table: r.table.to_string(),
                sql,
                source,
            })
        }
    };
    let exec = |sql: &str| conn.execute(sql, []).map(drop).map_err(sql_err(sql));
    let mut outcome = RebuildOutcome::default();

    if exists(conn, &r.temp_table) {
        if !exists(conn, &r.table) {
            return Err(Error::from(ErrorKind::OrphanedTemporaryTable {
                revision: revision.to_owned(),
                table: r.table.to_string(),
                temp_table: r.temp_table.to_string(),
            }));
        }
        exec(&format!("DROP TABLE {}", sql::ident(&r.temp_table)))?;
        outcome.removed_leftover = Some(r.temp_table.to_string());
    }
    check_known_objects(conn, revision, r)?;
    for check in r.not_null_checks.iter() {
        let rows: i64 = conn
            .query_row(&check.count_sql, [], |row| row.get(0))
            .map_err(sql_err(&check.count_sql))?;
        if rows > 0 {
            return Err(Error::from(ErrorKind::NotNullViolation {
                revision: revision.to_owned(),
                operation: r.operation.to_string(),
                table: r.table.to_string(),
                column: check.column.to_string(),
                rows: rows.unsigned_abs(),
            }));
        }
    }

    guard.track_temp_table(&r.temp_table, &r.table);
    let conn: &Connection = guard.tx();
    let exec = |sql: &str| conn.execute(sql, []).map(drop).map_err(sql_err(sql));
    exec(&r.create_sql)?;
    hit(FaultPoint::AfterCreate)?;
    exec(&r.copy_sql)?;
    hit(FaultPoint::AfterCopy)?;
    exec(&format!("DROP TABLE {}", sql::ident(&r.table)))?;
    hit(FaultPoint::AfterDrop)?;

    guard.set_legacy_alter_table(true)?;
    let conn: &Connection = guard.tx();
    let rename = format!(
        "ALTER TABLE {} RENAME TO {}",
        sql::ident(&r.temp_table),
        sql::ident(&r.table)
    );
    conn.execute(&rename, []).map_err(sql_err(&rename))?;
    guard.restore_legacy_alter_table()?;
    hit(FaultPoint::AfterRename)?;

    let conn: &Connection = guard.tx();
    for (i, st) in r.recreate.iter().enumerate() {
        conn.execute(&st.sql, []).map_err(sql_err(&st.sql))?;
        hit(FaultPoint::AfterRecreate(i))?;
    }
    check_views(conn, revision, r)?;
    hit(FaultPoint::BeforeForeignKeyCheck)?;
    if guard.foreign_keys_were_on() {
        check_foreign_keys(conn, revision, r)?;
    }
    Ok(outcome)
}

/// Indexes and triggers on the table are dropped with it. The history
/// recreates the indexes it knows; anything else (a hand-made index, a
/// trigger) would be lost without a word, so it is an error.
fn check_known_objects(conn: &Connection, revision: &str, r: &Rebuild) -> Result<(), Error> {
    let q = "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = ?1 COLLATE NOCASE AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name";
    let objects = (|| -> rusqlite::Result<Vec<(String, String, String)>> {
        let mut stmt = conn.prepare(q)?;
        let rows = stmt.query_map([&*r.table], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
        rows.collect()
    })()
    .map_err(|source| {
        Error::from(ErrorKind::Sql {
            revision: revision.to_owned(),
            operation: r.operation.to_string(),
            table: r.table.to_string(),
            sql: q.to_owned(),
            source,
        })
    })?;
    for (kind, name, sql) in objects {
        let known = kind == "index"
            && r.expected_indexes
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&name));
        if !known {
            return Err(Error::from(ErrorKind::UnknownObject {
                revision: revision.to_owned(),
                operation: r.operation.to_string(),
                table: r.table.to_string(),
                kind,
                name,
                sql,
            }));
        }
    }
    Ok(())
}

/// With `legacy_alter_table` on, the rename re-checks no view; a view that
/// used a dropped column would be committed broken. Preparing a query on
/// every view resolves it again.
fn check_views(conn: &Connection, revision: &str, r: &Rebuild) -> Result<(), Error> {
    let q = "SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name";
    let views = (|| -> rusqlite::Result<Vec<(String, String)>> {
        let mut stmt = conn.prepare(q)?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect()
    })()
    .map_err(|source| {
        Error::from(ErrorKind::Sql {
            revision: revision.to_owned(),
            operation: r.operation.to_string(),
            table: r.table.to_string(),
            sql: q.to_owned(),
            source,
        })
    })?;
    for (view, sql) in views {
        let probe = format!("SELECT * FROM {} LIMIT 0", sql::ident(&view));
        if let Err(source) = conn.prepare(&probe) {
            return Err(Error::from(ErrorKind::BrokenView {
                revision: revision.to_owned(),
                operation: r.operation.to_string(),
                table: r.table.to_string(),
                view,
                sql,
                source,
            }));
        }
    }
    Ok(())
}

/// `foreign_key_check` on the rebuilt table finds only its own rows that
/// point nowhere; rows of *other* tables that pointed at it are found only by
/// checking those tables. Check both.
fn check_foreign_keys(conn: &Connection, revision: &str, r: &Rebuild) -> Result<(), Error> {
    let q_children = "SELECT DISTINCT m.name FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE";
    let q_check = "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(?1)";
    let sql_err = |sql: &str| {
        let sql = sql.to_owned();
        move |source| {
            Error::from(ErrorKind::Sql {
                revision: revision.to_owned(),
                operation: r.operation.to_string(),
                table: r.table.to_string(),
                sql,
                source,
            })
        }
    };
    let children: Vec<String> = (|| {
        let mut stmt = conn.prepare(q_children)?;
        let rows = stmt.query_map([&*r.table], |row| row.get(0))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
    })()
    .map_err(sql_err(q_children))?;
    let mut violations = Vec::new();
    let mut stmt = conn.prepare(q_check).map_err(sql_err(q_check))?;
    for table in std::iter::once(r.table.to_string()).chain(children) {
        let rows = stmt
            .query_map([&table], |row| {
                Ok(ForeignKeyViolation {
                    table: row.get(0)?,
                    rowid: row.get(1)?,
                    parent: row.get(2)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(sql_err(q_check))?;
        violations.extend(rows);
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::from(ErrorKind::ForeignKeyViolation {
            revision: revision.to_owned(),
            operation: r.operation.to_string(),
            table: r.table.to_string(),
            violations,
        }))
    }
}
