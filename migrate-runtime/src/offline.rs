//! Offline SQL (Alembic's `--sql`): the script a run between two revisions
//! would execute, for a DBA to review or to run with the `sqlite3` shell.
//! No reflection is needed: every statement was rendered from the model at
//! compile time, and these are the runtime's own statements.
//!
//! What the script cannot do is what needs a live database: `run` hooks
//! (Rust code: a comment names each one and says that from there on the
//! script is not what a run does; a `when "flag"` data step, which a run
//! without flags skips, is a comment saying so), the runtime's checks (unknown
//! objects on a rebuilt table, NOT NULL and foreign key checks, views still
//! resolving, schema unchanged by `sql`) and reading the history first: it
//! assumes the database is at `from`.

use crate::error::{Context, Error, ErrorKind};
use crate::history;
use crate::migrations::{Migrations, Revision};
use crate::run::{Course, Direction, Target};
use migrate_dsl_core::op::Dialect;
use migrate_dsl_core::plan::{Down, HookCall, InPlaceStep, Rebuild, RebuildStep, Step};
use migrate_dsl_core::sql;
use std::fmt::Write;

impl Migrations {
    /// The SQL script a run from revision `from` (`None`: nothing applied)
    /// to `target` would execute on `dialect`'s engine — up or down, one
    /// transaction per revision, history rows included — to review, or to
    /// run with the `sqlite3` shell or `psql -v ON_ERROR_STOP=1 -f`.
    ///
    /// ```
    /// use migrate_dsl::{migration, Dialect, Target};
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     dialects sqlite, postgres;
    ///     revision "0001" { create table notes { id integer primary key, body text } }
    ///     revision "0002" { create index notes_body on notes (body); }
    /// }
    ///
    /// let script = MIGRATIONS.script(Dialect::Sqlite, None, Target::Head)?;
    /// assert!(script.contains("CREATE INDEX \"notes_body\" ON \"notes\" (\"body\");"));
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch(&script)?;
    /// assert!(MIGRATIONS.is_up_to_date(&conn)?);
    ///
    /// // One revision alone: from the one before it, the next.
    /// let script = MIGRATIONS.script(Dialect::Postgres, Some("0001"), Target::Next)?;
    /// assert!(script.contains("-- revision 0002 (up)"));
    /// assert!(!script.contains("CREATE TABLE \"notes\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn script(
        &self,
        dialect: Dialect,
        from: Option<&str>,
        target: Target<'_>,
    ) -> Result<String, Error> {
        if let Target::UpTo(id) | Target::DownTo(id) = target {
            self.count_through(Some(id))?;
        }
        let course = self.course(self.count_through(from)?, target)?;
        let table = &self.history_table;
        match dialect {
            Dialect::Postgres => self.write_script(
                &course,
                history::Sql::postgres(table),
                crate::postgres::revision,
            ),
            _ => self.write_script(&course, history::Sql::sqlite(table), revision),
        }
    }

    /// The script of `course`, in one engine's SQL — the one script
    /// writer: the history table, then each revision as `write` spells it
    /// for its engine (its transaction, steps and `record`, the statement
    /// adding or removing its history row).
    fn write_script(
        &self,
        course: &Course,
        ledger: history::Sql<'_>,
        write: fn(&mut String, &Revision, Direction, &str) -> Result<(), Error>,
    ) -> Result<String, Error> {
        let mut out = format!("{};\n", ledger.create());
        for &index in &course.revisions {
            let rev = &self.revisions[index];
            let record = match course.direction {
                Direction::Up => ledger.record_script(rev.id(), rev.checksum()),
                Direction::Down => ledger.remove_script(rev.id()),
            };
            write(&mut out, rev, course.direction, &record)?;
        }
        Ok(out)
    }
}

/// One revision on SQLite: its transaction, steps and history change.
fn revision(
    out: &mut String,
    rev: &Revision,
    direction: Direction,
    record: &str,
) -> Result<(), Error> {
    let steps = match (direction, rev.down()) {
        (Direction::Up, _) => rev.steps(),
        (Direction::Down, Down::Steps(steps)) => steps,
        (Direction::Down, Down::Irreversible(reason)) => {
            return Err(Error::at(
                Context::revision(rev.id()),
                ErrorKind::Irreversible {
                    reason: reason.to_string(),
                },
            ))
        }
    };
    let rebuilds = steps
        .iter()
        .any(|s| matches!(s, Step::Rebuild(_) | Step::AlterInPlace(_)));
    let _ = writeln!(out, "\n-- revision {} ({})", rev.id(), direction.as_str());
    if rebuilds {
        // Outside the transaction, where SQLite honours it (step 1).
        out.push_str("PRAGMA foreign_keys = OFF;\n");
    }
    out.push_str("BEGIN IMMEDIATE;\n");
    for step in steps {
        match step {
            Step::Execute(st) | Step::Insert(st) => {
                let _ = writeln!(out, "{};", st.sql);
            }
            Step::RawSql(raw) => {
                let _ = writeln!(out, "{};", raw.statement.sql.trim_end_matches(';'));
            }
            Step::Rebuild(r) => rebuild(out, r),
            // A script cannot ask which SQLite runs it: the rebuild works on
            // every one; the in-place statements are shown for a reader.
            Step::AlterInPlace(a) => {
                if let Some(native) = &a.native {
                    let _ = writeln!(
                        out,
                        "-- on SQLite {} or later the runtime makes this change in place:",
                        migrate_dsl_core::needs::version_text(native.needs)
                    );
                    for s in native.steps.iter() {
                        if let InPlaceStep::Execute(st) = s {
                            let _ = writeln!(out, "--   {};", st.sql);
                        }
                    }
                }
                if let Some(edit) = &a.edit {
                    let _ = writeln!(
                        out,
                        "-- {}the runtime edits the table's definition instead (with PRAGMA writable_schema, unless the connection is defensive) to:",
                        if a.native.is_some() { "before that " } else { "" }
                    );
                    let _ = writeln!(out, "--   {};", edit.sql);
                }
                rebuild(out, &a.fallback);
            }
            Step::Hook(h) => hook_comment(out, h),
        }
    }
    let _ = writeln!(out, "{record};");
    out.push_str("COMMIT;\n");
    if rebuilds {
        out.push_str("PRAGMA foreign_keys = ON;\n");
    }
    Ok(())
}

/// What a script says of a `run` hook: Rust code it cannot run, or, for
/// a data step the caller's flags leave out (a script runs without flags),
/// that it is skipped.
pub(crate) fn hook_comment(out: &mut String, h: &HookCall) {
    match &h.condition {
        Some(c) if !h.runs(|_| false) => {
            let (keyword, flag) = (c.keyword(), c.flag());
            let _ = writeln!(out, "-- skipped: run {} {keyword} {flag:?}", h.name);
        }
        _ => {
            let _ = writeln!(
                out,
                "-- run {}: Rust code, which a script cannot run; from here on this script is not what a run does (apply this revision with the runtime, or do what the hook does by hand here)",
                h.name
            );
        }
    }
}

/// The statements of [`Rebuild::procedure`], in its order. The checks are
/// the runtime's (an offline script cannot count rows and refuse); the
/// AUTOINCREMENT counter is carried in a temporary table instead of a Rust
/// variable.
fn rebuild(out: &mut String, r: &Rebuild) {
    let name = sql::string(&r.table);
    for step in r.procedure() {
        match step {
            RebuildStep::CheckDrift
            | RebuildStep::CheckNotNull(_)
            | RebuildStep::CheckConstraint(_)
            | RebuildStep::CheckDependents
            | RebuildStep::CheckForeignKeys => {}
            RebuildStep::RenameColumn(sql) | RebuildStep::Create(sql) | RebuildStep::Copy(sql) => {
                let _ = writeln!(out, "{sql};");
            }
            RebuildStep::DropOld(sql) => {
                let _ = writeln!(out, "{sql};");
            }
            RebuildStep::RenameNew(sql) => {
                out.push_str("PRAGMA legacy_alter_table = ON;\n");
                let _ = writeln!(out, "{sql};");
                out.push_str("PRAGMA legacy_alter_table = OFF;\n");
            }
            RebuildStep::Recreate(st) => {
                let _ = writeln!(out, "{};", st.sql);
            }
            RebuildStep::SaveSequence => {
                let _ = writeln!(
                    out,
                    "CREATE TEMP TABLE \"_migrate_seq\" AS SELECT seq FROM sqlite_sequence WHERE name = {name};"
                );
            }
            RebuildStep::RestoreSequence => {
                let _ = writeln!(
                    out,
                    "UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM temp.\"_migrate_seq\")) WHERE name = {name};"
                );
                let _ = writeln!(
                    out,
                    "INSERT INTO sqlite_sequence (name, seq) SELECT {name}, seq FROM temp.\"_migrate_seq\" WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {name});"
                );
                out.push_str("DROP TABLE temp.\"_migrate_seq\";\n");
            }
        }
    }
}
