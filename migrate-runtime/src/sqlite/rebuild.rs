//! SQLite's 12-step table rebuild ("Making Other Kinds Of Table Schema
//! Changes", lang_altertable.html), run inside a [`RevisionGuard`].
//!
//! Steps 1–2 (foreign keys off outside the transaction, `BEGIN IMMEDIATE`)
//! and 11–12 (commit, pragmas restored) belong to the guard. This module does
//! the middle: it refuses when the live table, its indexes or triggers differ
//! from the model (drift: the difference would be lost), checks NOT NULL additions against
//! the real table, creates the new table from its complete definition, copies
//! rows by explicit column lists, drops the old table, renames the new one
//! (with `legacy_alter_table` on, so views and triggers elsewhere are not
//! re-resolved mid-swap), recreates the indexes and triggers after the rename, checks
//! that every view still resolves, and checks foreign keys of the table and
//! of every table that references it.

use crate::drift;
use crate::error::{self, Error, ErrorKind, ForeignKeyViolation};
use crate::fault::{hit, FaultPoint};
use crate::progress::Tracker;
use crate::report::AlreadyBroken;
use crate::sqlite::dependents;
use crate::sqlite::guard::RevisionGuard;
use migrate_dsl_core::plan::{ConstraintCheck, NotNullCheck, Rebuild, RebuildStep};
use migrate_dsl_core::render;
use migrate_dsl_core::sql;
use rusqlite::{Connection, Params, Row};

/// The revision and rebuild every error of this module names.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) revision: &'a str,
    pub(crate) rebuild: &'a Rebuild,
}

impl Context<'_> {
    /// `kind` in this rebuild: the revision, the operation, the real table.
    pub(crate) fn fail(&self, kind: ErrorKind) -> Error {
        let at = error::Context::revision(self.revision)
            .operation(&self.rebuild.operation)
            .table(&self.rebuild.table);
        Error::at(at, kind)
    }

    pub(crate) fn error(&self, sql: &str, source: rusqlite::Error) -> Error {
        let at = error::Context::revision(self.revision)
            .operation(&self.rebuild.operation)
            .table(&self.rebuild.table)
            .sql(sql);
        Error::at(at, ErrorKind::Sql { source })
    }

    pub(crate) fn exec(&self, conn: &Connection, sql: &str) -> Result<(), Error> {
        crate::sqlite::trace::execute(conn, sql, false).map_err(|e| self.error(sql, e))
    }

    /// The single number a `SELECT count(*) …` statement returns.
    pub(crate) fn count(&self, conn: &Connection, sql: &str) -> Result<u64, Error> {
        crate::fault::checked(|| conn.query_row(sql, [], |row| row.get::<_, i64>(0)))
            .map(i64::unsigned_abs)
            .map_err(|e| self.error(sql, e))
    }

    fn query<T>(
        &self,
        conn: &Connection,
        sql: &str,
        params: impl Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, Error> {
        let run = || -> rusqlite::Result<Vec<T>> {
            let mut stmt = crate::fault::checked(|| conn.prepare(sql))?;
            let rows = stmt.query_map(params, map)?;
            rows.collect()
        };
        run().map_err(|e| self.error(sql, e))
    }
}

/// Runs one rebuild of revision `revision`: the steps of
/// [`Rebuild::procedure`] in order, each with this runtime's guard, fault
/// points and progress.
pub(crate) fn run(
    guard: &mut RevisionGuard<'_>,
    revision: &str,
    r: &Rebuild,
    history_table: &str,
    progress: Option<&Tracker>,
) -> Result<Vec<AlreadyBroken>, Error> {
    let cx = Context {
        revision,
        rebuild: r,
    };
    // What was broken before is not this rebuild's doing (and is returned
    // for the report).
    let broken_before = dependents::broken(guard.conn())?;
    // A leftover temporary table of an interrupted run cannot be here: the
    // start of every run removes or refuses them (`remove_leftovers`).
    let mut sequence = None;
    let mut recreated = 0;
    for step in r.procedure() {
        match step {
            RebuildStep::CheckDrift => {
                check_drift(guard.conn(), cx, history_table)?;
                // SQLite refuses column renames while anything in the schema
                // is broken: such objects wait outside until the end.
                dependents::set_aside(guard.conn(), &broken_before)?;
            }
            RebuildStep::RenameColumn(sql) => cx.exec(guard.conn(), sql)?,
            RebuildStep::CheckNotNull(check) => check_not_null(guard.conn(), cx, check)?,
            RebuildStep::CheckConstraint(check) => check_constraint(guard.conn(), cx, check)?,
            RebuildStep::SaveSequence => sequence = read_sequence(guard.conn(), cx)?,
            RebuildStep::Create(sql) => {
                guard.track_temp_table(&r.temp_table, &r.table);
                cx.exec(guard.conn(), sql)?;
                hit(FaultPoint::AfterCreate)?;
            }
            RebuildStep::Copy(_) => {
                let conn: &Connection = guard.conn();
                match progress {
                    Some(tracker) => {
                        let count = format!("SELECT count(*) FROM {}", sql::ident(&r.table));
                        let total = cx.count(conn, &count)?;
                        let copying = tracker.copying(revision, &r.table, total);
                        copy(conn, cx)?;
                        copying.done();
                    }
                    None => copy(conn, cx)?,
                }
                hit(FaultPoint::AfterCopy)?;
            }
            RebuildStep::DropOld(sql) => {
                cx.exec(guard.conn(), &sql)?;
                hit(FaultPoint::AfterDrop)?;
            }
            RebuildStep::RenameNew(sql) => {
                guard.set_flag("legacy_alter_table", true)?;
                cx.exec(guard.conn(), &sql)?;
                guard.restore_flag("legacy_alter_table")?;
                hit(FaultPoint::AfterRename)?;
            }
            RebuildStep::RestoreSequence => {
                if let Some(seq) = sequence {
                    write_sequence(guard.conn(), cx, seq)?;
                }
            }
            RebuildStep::Recreate(st) => {
                cx.exec(guard.conn(), &st.sql)?;
                hit(FaultPoint::AfterRecreate(recreated))?;
                recreated += 1;
            }
            RebuildStep::CheckDependents => {
                dependents::put_back(guard.conn(), &broken_before)?;
                check_dependents(guard.conn(), cx, &broken_before)?;
                hit(FaultPoint::BeforeForeignKeyCheck)?;
            }
            RebuildStep::CheckForeignKeys => {
                if guard.foreign_keys_were_on() {
                    check_foreign_keys(guard.conn(), cx)?;
                }
            }
        }
    }
    Ok(broken_before.iter().map(|b| b.already(revision)).collect())
}

/// The AUTOINCREMENT high-water mark of the table (SQLite deletes it with the
/// table, and the copy sets the new one only to the largest id present).
fn read_sequence(conn: &Connection, cx: Context<'_>) -> Result<Option<i64>, Error> {
    let has_sequence = crate::sqlite::catalog::has_table(conn, "sqlite_sequence")
        .map_err(|e| cx.error(crate::sqlite::catalog::TABLE_EXISTS, e))?;
    if !has_sequence {
        return Ok(None);
    }
    let q = "SELECT seq FROM sqlite_sequence WHERE name = ?1";
    Ok(cx
        .query(conn, q, [&*cx.rebuild.table], |row| row.get(0))?
        .into_iter()
        .next())
}

/// Carries the high-water mark over, so ids of deleted rows are never
/// reused (docs/REBUILD_CASES.md, case 24).
fn write_sequence(conn: &Connection, cx: Context<'_>, seq: i64) -> Result<(), Error> {
    let update = "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1";
    let changed =
        crate::fault::checked(|| conn.execute(update, rusqlite::params![&*cx.rebuild.table, seq]))
            .map_err(|e| cx.error(update, e))?;
    if changed == 0 {
        let insert = "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)";
        crate::fault::checked(|| conn.execute(insert, rusqlite::params![&*cx.rebuild.table, seq]))
            .map_err(|e| cx.error(insert, e))?;
    }
    Ok(())
}

/// Before anything changes, the live table with its indexes and triggers
/// must be what the model expects: the new table is created from the model's
/// definition and the old one dropped, so a column, index or trigger added by
/// hand would be lost without a word, and a changed definition replaced.
pub(crate) fn check_drift(
    conn: &Connection,
    cx: Context<'_>,
    history_table: &str,
) -> Result<(), Error> {
    let r = cx.rebuild;
    let mut live = crate::sqlite::catalog::user_objects(conn, history_table)?;
    live.retain(|o| o.table.eq_ignore_ascii_case(&r.table));
    let drift = drift::compare(&r.expected_objects, &live, |_| false, |_| true);
    if drift.is_empty() {
        Ok(())
    } else {
        Err(cx.fail(ErrorKind::Drift { drift }))
    }
}

/// Refuses an in-place `SET NOT NULL` over NULLs, naming the table, the
/// column and the rows (SQLite's own error names none of them).
pub(crate) fn refuse_nulls(
    conn: &Connection,
    revision: &str,
    r: &Rebuild,
    check: &NotNullCheck,
) -> Result<(), Error> {
    let cx = Context {
        revision,
        rebuild: r,
    };
    check_not_null(conn, cx, check)
}

/// Refuses an in-place `ADD CHECK` the rows fail, naming the table, the
/// constraint and the rows.
pub(crate) fn refuse_violations(
    conn: &Connection,
    revision: &str,
    r: &Rebuild,
    check: &ConstraintCheck,
) -> Result<(), Error> {
    let cx = Context {
        revision,
        rebuild: r,
    };
    check_constraint(conn, cx, check)
}

/// A column that gains NOT NULL is checked on the real table before the
/// copy, so the error names the table, the column and how many rows.
fn check_not_null(conn: &Connection, cx: Context<'_>, check: &NotNullCheck) -> Result<(), Error> {
    let rows = cx.count(conn, &check.count_sql)?;
    if rows > 0 {
        return Err(cx.fail(ErrorKind::Violation(
            crate::error::Violation::NotNullViolation {
                column: check.column.to_string(),
                rows,
            },
        )));
    }
    Ok(())
}

/// A key or CHECK the change adds is checked on the real table before the
/// copy, so the error names the table, the constraint and how many rows.
/// The copy. When it fails on a constraint the pre-checks could not count
/// in advance (one over a column whose type the block changes, whose
/// values the copy converts), the failure is explained on the real table:
/// which constraint, which columns, how many rows — never SQLite's message
/// about the temporary table.
fn copy(conn: &Connection, cx: Context<'_>) -> Result<(), Error> {
    let r = cx.rebuild;
    match crate::sqlite::trace::execute(conn, &r.copy_sql, false) {
        Ok(()) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Err(explain_violation(conn, cx).unwrap_or_else(|| cx.error(&r.copy_sql, e)))
        }
        Err(e) => Err(cx.error(&r.copy_sql, e)),
    }
}

/// Copies the rows, converted as the copy converts them, into a TEMP table
/// with the new columns' types and collations but no constraints, and
/// counts there the rows that break each constraint of the new definition.
fn explain_violation(conn: &Connection, cx: Context<'_>) -> Option<Error> {
    let r = cx.rebuild;
    let def = migrate_dsl_core::ddl::parse_table(&r.create_sql)?;
    const PROBE: &str = "temp.\"_migrate_probe\"";
    let columns: Vec<String> = def
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .map(|c| {
            let mut s = format!("{} {}", sql::ident(&c.name), c.ty);
            if let Some(coll) = &c.collate {
                s.push_str(&format!(" COLLATE {}", sql::ident(coll)));
            }
            s
        })
        .collect();
    let fill = r.copy_sql.replacen(&sql::ident(&r.temp_table), PROBE, 1);
    let found = (|| -> rusqlite::Result<Option<(String, Vec<String>, u64)>> {
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE {PROBE} ({})",
            columns.join(", ")
        ))?;
        conn.execute_batch(&fill)?;
        let count = |q: &str| conn.query_row(q, [], |row| row.get::<_, i64>(0));
        for check in &def.checks {
            let expr = check.expr.to_sql();
            let rows = count(&render::failing_check_sql(PROBE, &expr))?;
            if rows > 0 {
                let what = match (&check.name, &check.inline) {
                    (Some(n), _) => format!("the CHECK `{n}`"),
                    (None, Some(c)) => format!("the CHECK on column `{c}` (`{expr}`)"),
                    (None, None) => format!("the CHECK `{expr}`"),
                };
                let cols = check.inline.iter().cloned().collect();
                return Ok(Some((what, cols, rows.unsigned_abs())));
            }
        }
        let keys = def.primary_key.iter().map(|k| ("the PRIMARY KEY", k));
        let keys = keys.chain(def.uniques.iter().map(|k| ("the UNIQUE constraint", k)));
        for (kind, key) in keys {
            let cols: Vec<String> = key.columns.iter().map(|(c, _)| c.clone()).collect();
            // The probe's columns carry their collations.
            let plain: Vec<(&str, Option<&str>)> =
                cols.iter().map(|c| (c.as_str(), None)).collect();
            let rows = count(&render::duplicate_rows_sql(PROBE, &plain))?;
            if rows > 0 {
                let what = match &key.name {
                    Some(n) => format!("{kind} `{n}`"),
                    None => format!("{kind} on ({})", cols.join(", ")),
                };
                return Ok(Some((what, cols, rows.unsigned_abs())));
            }
        }
        Ok(None)
    })();
    let _ = conn.execute_batch(&format!("DROP TABLE IF EXISTS {PROBE}"));
    let (constraint, columns, rows) = found.ok()??;
    Some(cx.fail(ErrorKind::Violation(
        crate::error::Violation::ConstraintViolation {
            constraint,
            columns,
            rows,
        },
    )))
}

fn check_constraint(
    conn: &Connection,
    cx: Context<'_>,
    check: &ConstraintCheck,
) -> Result<(), Error> {
    let rows = cx.count(conn, &check.count_sql)?;
    if rows > 0 {
        return Err(cx.fail(ErrorKind::Violation(
            crate::error::Violation::ConstraintViolation {
                constraint: check.constraint.to_string(),
                columns: check.columns.iter().map(|c| c.to_string()).collect(),
                rows,
            },
        )));
    }
    Ok(())
}

/// With `legacy_alter_table` on, the rename re-checks no view or trigger:
/// every one in the database is compiled again (`dependents::check`).
fn check_dependents(
    conn: &Connection,
    cx: Context<'_>,
    broken_before: &[dependents::Broken],
) -> Result<(), Error> {
    dependents::check(
        conn,
        broken_before,
        cx.revision,
        &cx.rebuild.operation,
        &cx.rebuild.table,
    )
}

/// `foreign_key_check` on the rebuilt table finds only its own rows that
/// point nowhere; rows of *other* tables that pointed at it are found only by
/// checking those tables. Check both.
fn check_foreign_keys(conn: &Connection, cx: Context<'_>) -> Result<(), Error> {
    let r = cx.rebuild;
    let children: Vec<String> = cx.query(
        conn,
        "SELECT DISTINCT m.name FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE",
        [&*r.table],
        |row| row.get(0),
    )?;
    let mut violations = Vec::new();
    for table in std::iter::once(r.table.to_string()).chain(children) {
        violations.extend(cx.query(
            conn,
            "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(?1)",
            [&table],
            |row| {
                Ok(ForeignKeyViolation {
                    table: row.get(0)?,
                    rowid: row.get(1)?,
                    parent: row.get(2)?,
                })
            },
        )?);
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(cx.fail(ErrorKind::Violation(
            crate::error::Violation::ForeignKeyViolation { violations },
        )))
    }
}

/// Every leftover temporary table of an interrupted rebuild: dropped when
/// its original table exists (docs/REBUILD_CASES.md, case 34), a refusal when it does
/// not. Returns the dropped tables.
pub(crate) fn remove_leftovers(conn: &Connection) -> Result<Vec<String>, Error> {
    let prefix = migrate_dsl_core::TEMP_PREFIX;
    let q = format!(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, {}) = ?1 COLLATE NOCASE ORDER BY name",
        prefix.len()
    );
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = crate::fault::checked(|| conn.prepare(&q))?;
        let rows = stmt.query_map([prefix], |r| r.get(0))?;
        rows.collect()
    };
    let leftovers = run().map_err(|source| {
        Error::from(ErrorKind::Connection {
            action: format!("look for leftover temporary tables ({q})"),
            source,
        })
    })?;
    let mut removed = Vec::new();
    for temp in leftovers {
        let table = &temp[prefix.len()..];
        let has_original = crate::sqlite::catalog::has_table(conn, table).map_err(|source| {
            Error::from(ErrorKind::Connection {
                action: format!(
                    "look for the table of `{temp}` ({})",
                    crate::sqlite::catalog::TABLE_EXISTS
                ),
                source,
            })
        })?;
        if !has_original {
            return Err(ErrorKind::OrphanedTemporaryTable {
                table: table.to_owned(),
                temp_table: temp,
            }
            .into());
        }
        let drop = format!("DROP TABLE {}", sql::ident(&temp));
        crate::sqlite::trace::execute(conn, &drop, false).map_err(|source| {
            Error::from(ErrorKind::Connection {
                action: format!("remove the leftover temporary table ({drop})"),
                source,
            })
        })?;
        removed.push(temp);
    }
    Ok(removed)
}
