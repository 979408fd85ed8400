//! Several revisions in one durable commit (`batch.rs` of the runtime): the
//! number of commits does not grow with the number of revisions, a failed
//! revision leaves the ones before it applied and durable, a rebuild runs
//! in a transaction of its own, and failing any statement of a batched run
//! leaves the history at a prefix.

use crate::common::*;
use migrate_dsl::fault::{count_statements, fail_statements, statements_sent};
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, BoxError, ErrorKind, Migrations, Options, Target};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

migration! {
    /// Six small revisions, then a rebuild, then one more.
    static SMALL;
    revision "0001" { create table a { id integer primary key, v text } }
    revision "0002" { create index a_v on a (v); }
    revision "0003" { create table b { id integer primary key, a_id integer references a (id) } }
    revision "0004" { insert into a (id, v) values (1, "one"), (2, "two"); }
    revision "0005" { create index b_a on b (a_id); }
    revision "0006" { alter table a add column w integer default 0; }
    revision "0007" { batch alter table a recreate = always { alter column v set not null; } }
    revision "0008" { insert into b (id, a_id) values (10, 1); }
}

/// Commits made while `run` runs on `conn`.
fn commits(conn: &mut Connection, run: impl FnOnce(&mut Connection)) -> usize {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    conn.commit_hook(Some(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        false
    }))
    .unwrap();
    run(conn);
    conn.commit_hook(None::<fn() -> bool>).unwrap();
    count.load(Ordering::SeqCst)
}

#[test]
fn commits_do_not_grow_with_the_number_of_revisions() {
    let up_to = |target: &'static str| {
        let db = TempDb::new();
        let mut conn = db.open();
        commits(&mut conn, |conn| {
            SMALL
                .migrate(conn, Target::UpTo(target), &Options::default())
                .unwrap();
        })
    };
    let (two, six) = (up_to("0002"), up_to("0006"));
    assert_eq!(two, six, "2 revisions: {two} commits, 6 revisions: {six}");
    // The start of the run (history table) and the revisions: one commit.
    assert_eq!(six, 1, "{six} commits for 6 revisions");
    // A rebuild runs alone: the batch before it, its own, the batch after.
    assert_eq!(up_to("0008"), six + 2);
}

fn fail_in_0005(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("INSERT INTO b (id, a_id) VALUES (99, 1)", [])?;
    Err("refused".into())
}

fn panic_in_0005(_: &Connection) -> Result<(), BoxError> {
    panic!("hook panicked");
}

migration! {
    static FAILS;
    revision "0001" { create table a { id integer primary key, v text } }
    revision "0002" { create table b { id integer primary key, a_id integer } }
    revision "0003" { insert into b (id, a_id) values (1, 1); }
    revision "0004" { create index b_a on b (a_id); run fail_in_0005; }
    revision "0005" { create table c { id integer primary key } }
}

migration! {
    static PANICS;
    revision "0001" { create table a { id integer primary key, v text } }
    revision "0002" { create table b { id integer primary key, a_id integer } }
    revision "0003" { insert into b (id, a_id) values (1, 1); }
    revision "0004" { create index b_a on b (a_id); run panic_in_0005; }
    revision "0005" { create table c { id integer primary key } }
}

/// After the failure of 0004: 0001–0003 durable, nothing of 0004 or 0005,
/// and no transaction left open.
fn assert_stopped_before_0004(db: &TempDb, conn: &Connection) {
    assert!(conn.is_autocommit(), "no transaction left open");
    let other = db.open();
    assert_eq!(history_ids(&other), ["0001", "0002", "0003"]);
    assert_eq!(table_rows(&other, "b").len(), 1);
    let index: i64 = other
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('b_a', 'c')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, 0);
    assert_healthy(&other);
}

#[test]
fn a_failed_revision_leaves_the_ones_before_it_applied() {
    let db = TempDb::new();
    let mut conn = db.open();
    let err = FAILS.apply_pending(&mut conn).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Hook { .. }), "{err:?}");
    assert_eq!(revision_of(&err), "0004");
    assert_stopped_before_0004(&db, &conn);
}

#[test]
fn a_panicking_hook_leaves_the_ones_before_it_applied() {
    let db = TempDb::new();
    let mut conn = db.open();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = PANICS.apply_pending(&mut conn);
    }));
    assert!(panicked.is_err());
    assert_stopped_before_0004(&db, &conn);
}

fn note_in_0002(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("INSERT INTO a (id, v) VALUES (7, 'hook')", [])?;
    Ok(())
}

migration! {
    /// 0004 fails on a duplicate key: no hooks anywhere.
    static SQL_FAILS;
    revision "0001" { create table a { id integer primary key, v text } }
    revision "0002" { create table b { id integer primary key, a_id integer } }
    revision "0003" { insert into b (id, a_id) values (1, 1); }
    revision "0004" { create index b_a on b (a_id); insert into b (id, a_id) values (1, 2); }
    revision "0005" { create table c { id integer primary key } }
}

migration! {
    /// The same, with a hook in 0002: revisions with and without hooks mixed.
    static SQL_FAILS_AFTER_A_HOOK;
    revision "0001" { create table a { id integer primary key, v text } }
    revision "0002" { create table b { id integer primary key, a_id integer } run note_in_0002; }
    revision "0003" { insert into b (id, a_id) values (1, 1); }
    revision "0004" { create index b_a on b (a_id); insert into b (id, a_id) values (1, 2); }
    revision "0005" { create table c { id integer primary key } }
}

#[test]
fn a_revision_without_hooks_that_fails_is_undone_alone() {
    for (m, hook_rows) in [(&SQL_FAILS, 0), (&SQL_FAILS_AFTER_A_HOOK, 1)] {
        let db = TempDb::new();
        let mut conn = db.open();
        let err = m.apply_pending(&mut conn).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Sql { .. }), "{err:?}");
        assert_eq!(revision_of(&err), "0004");
        assert_stopped_before_0004(&db, &conn);
        assert_eq!(table_rows(&db.open(), "a").len(), hook_rows);
    }
}

/// The state after a clean run to each prefix of `SMALL`: `states[k]` has
/// the first `k` revisions applied.
fn prefix_states(m: &Migrations) -> Vec<(Snapshot, Vec<String>)> {
    let ids: Vec<&str> = m.revisions().iter().map(|r| r.id()).collect();
    let mut states = Vec::new();
    for k in 0..=ids.len() {
        let db = TempDb::new();
        let mut conn = db.open();
        let target = match k {
            0 => Target::Empty,
            k => Target::UpTo(ids[k - 1]),
        };
        m.migrate(&mut conn, target, &Options::default()).unwrap();
        states.push(without_times(&conn));
    }
    states
}

/// The snapshot without the history's times, and the applied revisions
/// (none when the history table was never created).
fn without_times(conn: &Connection) -> (Snapshot, Vec<String>) {
    let mut s = snapshot(conn);
    let ids = match s.rows.remove("_migrate_history") {
        Some(_) => history_ids(conn),
        None => Vec::new(),
    };
    (s, ids)
}

#[test]
fn every_statement_of_a_batched_run_can_fail_leaving_a_prefix() {
    let states = prefix_states(&SMALL);
    let head = states.last().unwrap();
    let db = TempDb::new();
    let mut conn = db.open();
    count_statements(None);
    SMALL.apply_pending(&mut conn).unwrap();
    let total = statements_sent();
    println!("batched run: {total} statements, each failed in turn");
    // Statement `n` fails; then also the next one, the first of what the
    // run does after the failure (applying again what it undid, when the
    // revision ran under the batch's mark).
    let mut prefixes = std::collections::BTreeSet::new();
    for failing in (1..=total).flat_map(|n| [vec![n], vec![n, n + 1]]) {
        let n = failing[0];
        let db = TempDb::new();
        let mut conn = db.open();
        fail_statements(failing.iter().copied());
        let err = SMALL
            .apply_pending(&mut conn)
            .expect_err(&format!("statements {failing:?} of {total} fail"));
        count_statements(None);
        assert!(
            conn.is_autocommit(),
            "statements {failing:?}: a transaction is left open"
        );
        let after = without_times(&db.open());
        // Before the history table exists, the database is simply empty.
        let untouched = without_times(&TempDb::new().open());
        let k = states
            .iter()
            .position(|s| *s == after)
            .or((after == untouched).then_some(0))
            .unwrap_or_else(|| {
                panic!("statements {failing:?}: not a prefix of the history ({err})")
            });
        if failing.len() == 1 {
            prefixes.insert(k);
        }
        assert!(temp_tables(&conn).is_empty(), "statement {n}");
        assert_healthy(&conn);
        SMALL
            .apply_pending(&mut conn)
            .unwrap_or_else(|e| panic!("retry after statements {failing:?}: {e}"));
        assert_eq!(
            &without_times(&conn),
            head,
            "statements {failing:?}: the retry ends at head"
        );
    }
    // A single failure in revision k leaves the k - 1 before it: every
    // prefix but the whole history is reached.
    let all: std::collections::BTreeSet<usize> = (0..states.len() - 1).collect();
    assert_eq!(prefixes, all);
}
