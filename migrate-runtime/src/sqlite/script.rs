//! One revision of an offline script in SQLite's SQL (the script writer
//! is `offline.rs`): its transaction, foreign keys switched off around a
//! rebuild, the 12-step procedure printed from the same typed list the
//! run executes.

use crate::error::Error;
use crate::migrations::Revision;
use crate::offline::hook_comment;
use crate::run::Direction;
use migrate_dsl_core::plan::{InPlaceStep, Rebuild, RebuildStep, Step};
use migrate_dsl_core::sql;
use std::fmt::Write;

/// One revision on SQLite: its transaction, steps and history change.
pub(crate) fn revision(
    out: &mut String,
    rev: &Revision,
    direction: Direction,
    record: &str,
) -> Result<(), Error> {
    // (A course never undoes an irreversible revision.)
    let steps = super::steps(rev, direction);
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
