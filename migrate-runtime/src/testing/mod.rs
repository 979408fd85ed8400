//! Helpers for the tests of applications that use migrate-dsl (feature
//! `testing`): a database at head in one call, copied from a template built
//! once per process; the "stairway" test of a whole history; a drift
//! assertion. With the `postgres` feature, the database and the stairway
//! on PostgreSQL are in [`postgres`]; the drift assertion takes either
//! engine's connection.
//!
//! ```
//! use migrate_dsl::{migration, testing};
//!
//! migration! {
//!     static MIGRATIONS;
//!     revision "0001" { create table notes { id integer primary key, body text } }
//!     revision "0002" { create index notes_body on notes (body); }
//! }
//!
//! // Every test gets its own database at head; the history is replayed
//! // once per process, not once per test.
//! let conn = testing::in_memory(&MIGRATIONS);
//! conn.execute("INSERT INTO notes (body) VALUES ('hi')", [])?;
//! testing::assert_matches(&conn, &MIGRATIONS);
//!
//! // Up, down and up again, revision by revision, against the model.
//! testing::assert_history_consistent(&MIGRATIONS);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::engine::Database;
use crate::migrations::Migrations;
use crate::sqlite::catalog::user_objects;
use crate::{Options, Target};
use migrate_dsl_core::plan::Down;
use rusqlite::backup::Backup;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Template databases at head, one per history, keyed by its address.
static TEMPLATES: Mutex<Vec<(usize, Connection)>> = Mutex::new(Vec::new());

/// A new in-memory database at the head of `migrations`: a copy of a
/// template that the first call in the process builds by applying every
/// revision (so `insert` and `run` data are there, as in production).
///
/// # Panics
///
/// When the history cannot be applied to an empty database; the message
/// is the run's error.
pub fn in_memory(migrations: &'static Migrations) -> Connection {
    let mut conn = Connection::open_in_memory().expect("open an in-memory database");
    copy_template(migrations, &mut conn);
    conn
}

/// [`in_memory`], but into the database file at `path` (whatever the file
/// held is replaced), for tests that need a real file: several
/// connections, WAL, another process.
///
/// # Panics
///
/// As [`in_memory`], and when the file cannot be opened or written.
pub fn copy_to(migrations: &'static Migrations, path: impl AsRef<Path>) -> Connection {
    let path = path.as_ref();
    let mut conn =
        Connection::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    copy_template(migrations, &mut conn);
    conn
}

fn copy_template(migrations: &'static Migrations, into: &mut Connection) {
    let key = migrations as *const Migrations as usize;
    // A panic while building poisons the lock but leaves no entry behind:
    // the next test builds again and reports the same error.
    let mut templates = TEMPLATES.lock().unwrap_or_else(|e| e.into_inner());
    let index = match templates.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            let mut template = Connection::open_in_memory().expect("open an in-memory database");
            if let Err(e) = migrations.apply_pending(&mut template) {
                panic!("cannot build the template database at head: {e}");
            }
            templates.push((key, template));
            templates.len() - 1
        }
    };
    let template = &templates[index].1;
    Backup::new(template, into)
        .and_then(|backup| backup.run_to_completion(1024, Duration::ZERO, None))
        .unwrap_or_else(|e| panic!("cannot copy the template database: {e}"));
}

/// The "stairway" test: on an empty in-memory database, applies each
/// revision, then undoes it and applies it again, and asserts after each
/// step that the schema is what the model says — after the revision, the
/// model's schema at that revision; after undoing it, exactly what it was
/// before. Irreversible revisions are applied without the round trip. At
/// the end, [`assert_matches`].
///
/// # Panics
///
/// At the first step that fails or leaves another schema, with the
/// revision, the step and the differing objects.
pub fn assert_history_consistent(migrations: &Migrations) {
    let mut conn = Connection::open_in_memory().expect("open an in-memory database");
    let mut before = schema_map(&conn, migrations);
    let mut previous: Option<&str> = None;
    for rev in migrations.revisions() {
        let id = rev.id();
        let up = |conn: &mut Connection, step: &str| {
            if let Err(e) = migrations.migrate(&mut *conn, Target::UpTo(id), &Options::default()) {
                panic!("revision `{id}`: {step} failed: {e}");
            }
            let live = migrations
                .live_fingerprint(conn)
                .unwrap_or_else(|e| panic!("revision `{id}`: cannot read the schema: {e}"));
            if live != rev.schema_fingerprint() {
                panic!(
                    "revision `{id}`: after {step}, the schema differs from the model's; the database has:\n{}",
                    describe(&schema_map(conn, migrations))
                );
            }
            schema_map(conn, migrations)
        };
        let after = up(&mut conn, "applying it");
        if let Down::Steps(_) = rev.down() {
            if let Err(e) =
                migrations.migrate(&mut conn, Target::down_to(previous), &Options::default())
            {
                panic!("revision `{id}`: undoing it failed: {e}");
            }
            let undone = schema_map(&conn, migrations);
            if undone != before {
                panic!(
                    "revision `{id}`: undoing it does not restore the schema before it:\n{}",
                    diff(&before, &undone)
                );
            }
            let again = up(&mut conn, "applying it again");
            if again != after {
                panic!(
                    "revision `{id}`: applying it again gives another schema than the first time:\n{}",
                    diff(&after, &again)
                );
            }
        }
        before = after;
        previous = Some(id);
    }
    assert_matches(&conn, migrations);
}

/// Asserts that the database of `db` (either engine's connection) is at
/// the head of `migrations` with no drift (see [`Migrations::check`]).
///
/// # Panics
///
/// When it is not at the head, with every difference found, or with the
/// error of the check.
pub fn assert_matches(mut db: impl Database, migrations: &Migrations) {
    match migrations.status(db.again()) {
        Ok(status) if status.is_up_to_date() => {}
        Ok(status) => panic!("the database is not at the head of the history:\n{status}"),
        Err(e) => panic!("cannot read where the database stands: {e}"),
    }
    assert_no_drift(migrations.check(db), "");
}

/// Panics with every difference of a drift check (or its error); `at`
/// says where, e.g. ` after revision 0002`.
pub(crate) fn assert_no_drift(checked: Result<Vec<crate::Drift>, crate::Error>, at: &str) {
    match checked {
        Ok(drift) if drift.is_empty() => {}
        Ok(drift) => {
            let lines: Vec<String> = drift.iter().map(|d| format!("- {d}")).collect();
            panic!(
                "the database has drifted from the history{at}:\n{}",
                lines.join("\n")
            );
        }
        Err(e) => panic!("cannot check the database against the history{at}: {e}"),
    }
}

/// The live schema as name → `kind: SQL`.
fn schema_map(conn: &Connection, migrations: &Migrations) -> BTreeMap<String, String> {
    user_objects(conn, migrations.history_table())
        .unwrap_or_else(|e| panic!("cannot read the schema: {e}"))
        .into_iter()
        .map(|o| (o.name, format!("{}: {}", o.kind, o.sql)))
        .collect()
}

fn describe(schema: &BTreeMap<String, String>) -> String {
    if schema.is_empty() {
        return "  (nothing)".to_owned();
    }
    let lines: Vec<String> = schema.values().map(|sql| format!("  {sql}")).collect();
    lines.join("\n")
}

fn diff(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) -> String {
    let mut lines = Vec::new();
    for (name, sql) in expected {
        match actual.get(name) {
            None => lines.push(format!("- missing `{name}`: {sql}")),
            Some(other) if other != sql => lines.push(format!(
                "- changed `{name}`:\n    expected {sql}\n    actual   {other}"
            )),
            Some(_) => {}
        }
    }
    for (name, sql) in actual {
        if !expected.contains_key(name) {
            lines.push(format!("- unexpected `{name}`: {sql}"));
        }
    }
    lines.join("\n")
}

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres;
