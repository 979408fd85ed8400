//! A batch block made by editing the table's definition in the schema
//! table: SQLite's "simpler procedure" (lang_altertable.html, "Making
//! Other Kinds Of Table Schema Changes"), for the changes it lists as safe
//! so (constraints removed, DEFAULTs changed; see
//! [`migrate_dsl_core::plan::DefinitionEdit`]). No row is copied.
//!
//! Inside the revision's transaction: the live table is compared with the
//! model (drift, as before a rebuild: the model's definition replaces the
//! live one); a DEFAULT change first probes for rows stored before the
//! column was added ([`DefaultProbe`]), and if it finds one the edit is
//! undone and the caller rebuilds instead; then the new text is written
//! with `writable_schema` on (the guard turns it off on every exit), the
//! schema version bumped so every connection reads it again, and SQLite
//! made to read it back: a definition it cannot parse, or one with other
//! columns, fails the revision before anything commits (committed, it
//! would make the file unreadable).

use crate::error::{Error, ErrorKind};
use crate::fault::{checked, hit, FaultPoint};
use crate::sqlite::guard::RevisionGuard;
use crate::sqlite::rebuild::{self, Context};
use migrate_dsl_core::plan::{DefaultProbe, DefinitionEdit, Rebuild};
use migrate_dsl_core::sql;
use rusqlite::config::DbConfig;
use rusqlite::Connection;

/// The savepoint a probed edit runs in, so a probe that finds old rows
/// can be undone alone.
const SAVEPOINT: &str = "\"_migrate_edit\"";

/// Whether `SQLITE_DBCONFIG_DEFENSIVE` is on: the schema table cannot be
/// written, and an edit rebuilds instead. (Unknown counts as on.)
pub(crate) fn defensive(conn: &Connection) -> bool {
    conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)
        .unwrap_or(true)
}

/// What an edit did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The definition was replaced.
    Edited,
    /// The probe found a row reading a changed DEFAULT: nothing was
    /// changed, and the change must be made by `fallback`.
    NeedsRebuild,
}

/// Runs `edit` of `fallback.table` (the block's rebuild, whose drift
/// check and names it shares) in revision `revision`.
pub(crate) fn run(
    guard: &mut RevisionGuard<'_>,
    revision: &str,
    edit: &DefinitionEdit,
    fallback: &Rebuild,
    history_table: &str,
) -> Result<Outcome, Error> {
    let cx = Context {
        revision,
        rebuild: fallback,
    };
    rebuild::check_drift(guard.conn(), cx, history_table)?;
    let columns = columns(guard.conn(), cx)?;
    if let Some(probe) = &edit.probe {
        cx.exec(guard.conn(), &format!("SAVEPOINT {SAVEPOINT}"))?;
        if rows_read_default(guard, cx, probe, &columns)? {
            tracing::info!(table = %fallback.table, "rows stored before a column was added read its DEFAULT: rebuilding");
            cx.exec(guard.conn(), &format!("ROLLBACK TO {SAVEPOINT}"))?;
            cx.exec(guard.conn(), &format!("RELEASE {SAVEPOINT}"))?;
            return Ok(Outcome::NeedsRebuild);
        }
        write(guard, cx, &edit.sql, &columns)?;
        cx.exec(guard.conn(), &format!("RELEASE {SAVEPOINT}"))?;
    } else {
        write(guard, cx, &edit.sql, &columns)?;
    }
    hit(FaultPoint::AfterEdit)?;
    Ok(Outcome::Edited)
}

/// Gives the changed columns the probe's DEFAULT and scans for a row that
/// reads it.
fn rows_read_default(
    guard: &mut RevisionGuard<'_>,
    cx: Context<'_>,
    probe: &DefaultProbe,
    columns: &[String],
) -> Result<bool, Error> {
    write(guard, cx, &probe.sql, columns)?;
    Ok(cx.count(guard.conn(), &probe.exists_sql)? > 0)
}

/// Writes `definition` over the table's, bumps the schema version, and
/// has SQLite read the schema back: it must parse, with `columns`.
fn write(
    guard: &mut RevisionGuard<'_>,
    cx: Context<'_>,
    definition: &str,
    columns: &[String],
) -> Result<(), Error> {
    let table = &cx.rebuild.table;
    let version = cx.count(guard.conn(), "PRAGMA schema_version")?;
    guard.set_flag("writable_schema", true)?;
    let definition = crate::fault::edited_definition(definition);
    let written = checked(|| {
        guard
            .conn()
            .execute(DefinitionEdit::WRITE_SQL, [&*definition, table])
    })
    .map_err(|e| cx.error(&definition, e))?;
    if written != 1 {
        // The drift check found the table: never reached.
        return Err(cx.fail(ErrorKind::DefinitionMismatch {
            before: columns.to_vec(),
            after: Vec::new(),
        }));
    }
    cx.exec(
        guard.conn(),
        &format!("PRAGMA schema_version = {}", version + 1),
    )?;
    guard.restore_flag("writable_schema")?;
    // Read back: SQLite parses the schema again on the next statement.
    let q = columns_sql(table);
    let after = read_columns(guard.conn(), &q)
        .map_err(|e| cx.error(&format!("{definition}\n-- read back by: {q}"), e))?;
    if after != columns {
        return Err(cx.fail(ErrorKind::DefinitionMismatch {
            before: columns.to_vec(),
            after,
        }));
    }
    Ok(())
}

/// The table's columns, generated and hidden ones included, in order.
fn columns(conn: &Connection, cx: Context<'_>) -> Result<Vec<String>, Error> {
    let q = columns_sql(&cx.rebuild.table);
    read_columns(conn, &q).map_err(|e| cx.error(&q, e))
}

fn columns_sql(table: &str) -> String {
    format!(
        "SELECT name FROM pragma_table_xinfo({})",
        sql::string(table)
    )
}

fn read_columns(conn: &Connection, q: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = checked(|| conn.prepare(q))?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
