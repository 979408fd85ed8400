//! Offline SQL (Alembic's `--sql`): the script a run between two revisions
//! would execute, in either engine's SQL, for a DBA to review or to run
//! with the `sqlite3` shell or `psql` — the one script writer; each engine
//! writes a revision (`sqlite/script.rs`, `postgres/mod.rs`).
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

use crate::error::Error;
use crate::history;
use crate::migrations::{Migrations, Revision};
use crate::run::{Course, Direction, Target};
use migrate_dsl_core::op::Dialect;
use migrate_dsl_core::plan::HookCall;
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
            _ => self.write_script(
                &course,
                history::Sql::sqlite(table),
                crate::sqlite::script::revision,
            ),
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
