//! `tracing` spans and events for runs, revisions and statements. One test
//! in its own binary: callsite interest is process-wide, and a test running
//! in parallel without a subscriber would race with the scoped one.

mod common;

use common::items::ITEMS_REBUILD;
use common::*;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A writer the fmt subscriber appends to.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn traced(level: tracing::Level, run: impl FnOnce()) -> String {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, run);
    let bytes = out.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn runs_revisions_and_statements_are_traced() {
    let db = TempDb::new();
    let debug = traced(tracing::Level::DEBUG, || {
        let mut conn = db.open();
        ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    });
    // Spans nest run > revision > statement; SQL is at debug level.
    assert!(
        debug.contains("migrate{history=_migrate_history direction=\"up\"}"),
        "{debug}"
    );
    assert!(debug.contains("revision{id=0002}:statement: "), "{debug}");
    assert!(
        debug.contains("INSERT INTO \"_migrate_tmp_items\""),
        "{debug}"
    );
    assert!(debug.contains("executed elapsed_us="), "{debug}");
    assert!(
        debug.contains("revision{id=0001}: ") && debug.contains("applied elapsed_ms="),
        "{debug}"
    );

    let db = TempDb::new();
    let info = traced(tracing::Level::INFO, || {
        let mut conn = db.open();
        ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    });
    // At info: timings of the run and each revision, no SQL.
    assert_eq!(info.matches("applied elapsed_ms=").count(), 2, "{info}");
    assert!(info.contains("finished elapsed_ms="), "{info}");
    assert!(!info.contains("CREATE TABLE"), "{info}");

    // Revisions without hooks share the batch's one savepoint (its mark);
    // a revision with a hook has one of its own. (The run's start, before
    // the revisions, has one too.)
    let db = TempDb::new();
    let debug = traced(tracing::Level::DEBUG, || {
        let mut conn = db.open();
        THREE.apply_pending(&mut conn).unwrap();
    });
    let savepoints: Vec<&str> = debug
        .lines()
        .filter(|l| l.contains("revision{"))
        .filter_map(|l| l.split("sql=").nth(1))
        .filter(|sql| sql.starts_with("SAVEPOINT"))
        .collect();
    assert_eq!(
        savepoints,
        [
            "SAVEPOINT \"_migrate_batch\"",
            "SAVEPOINT \"_migrate_revision\"",
            "SAVEPOINT \"_migrate_batch\""
        ],
        "{debug}"
    );
}

fn seed(conn: &migrate_dsl::rusqlite::Connection) -> Result<(), migrate_dsl::BoxError> {
    conn.execute("INSERT INTO a (id) VALUES (1)", [])?;
    Ok(())
}

migrate_dsl::migration! {
    static THREE;
    revision "0001" { create table a { id integer primary key } }
    revision "0002" { create table b { id integer primary key } }
    revision "0003" { create index b_id on b (id); run seed; }
    revision "0004" { create table c { id integer primary key } }
    revision "0005" { create table d { id integer primary key } }
}
