//! Child processes: SIGKILL in the middle of a large rebuild
//! (docs/REBUILD_CASES.md, cases 36 and 37), and two processes migrating one
//! file at once (case 38). The child
//! is `tests/helper.rs`.
//!
//! `MIGRATE_DSL_KILL_TRIALS=300 cargo test --test crash` soaks longer than
//! the default 30 trials per journal mode.

use crate::common::*;
use migrate_dsl::rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const ROWS: i64 = 200_000;

fn helper() -> Command {
    Command::new(env!("CARGO_BIN_EXE_migrate-dsl-test-helper"))
}

fn run_helper(args: &[&str]) -> Output {
    let out = helper().args(args).output().expect("run the helper");
    assert!(
        out.status.success(),
        "helper {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

/// A small deterministic generator (fixed seed: the same delays every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn qty_not_null(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT \"notnull\" FROM pragma_table_info('items') WHERE name = 'qty'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Fully old (0001: `qty` NOT NULL) or fully new (0002 applied: nullable),
/// every row there, the file sound.
fn assert_old_or_new(conn: &Connection, trial: usize) -> bool {
    assert_eq!(
        strings(conn, "PRAGMA integrity_check"),
        ["ok"],
        "trial {trial}"
    );
    let ids = history_ids(conn);
    let new = ids.iter().any(|id| id == "0002");
    assert!(
        ids == ["0001"] || ids == ["0001", "0002"] || ids == ["0001", "0002", "0003"],
        "trial {trial}: history {ids:?}"
    );
    assert_eq!(
        qty_not_null(conn),
        !new,
        "trial {trial}: schema and history disagree"
    );
    assert_eq!(count(conn, "items"), ROWS, "trial {trial}");
    assert_eq!(count(conn, "orders"), ROWS / 10, "trial {trial}");
    new
}

fn kill_during_rebuilds(mode: &str) {
    let trials: usize = std::env::var("MIGRATE_DSL_KILL_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.db");
    let out = run_helper(&["prepare", path_str(&template), mode, &ROWS.to_string()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("journal_mode={mode}")
    );

    // How long an uninterrupted run takes: the range of the kill delays.
    let timed = dir.path().join("timed.db");
    std::fs::copy(&template, &timed).unwrap();
    let started = Instant::now();
    run_helper(&["apply", path_str(&timed)]);
    let full = u64::try_from(started.elapsed().as_micros()).unwrap();

    let mut rng = Lcg(0x5eed);
    let (mut killed, mut old, mut new) = (0, 0, 0);
    for trial in 0..trials {
        let db = dir.path().join(format!("trial{trial}.db"));
        std::fs::copy(&template, &db).unwrap();
        let mut child = helper().args(["apply", path_str(&db)]).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(full)));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        // Reopen: SQLite rolls back a hot journal (or ignores uncommitted
        // WAL frames); nothing of ours deletes them.
        let conn = Connection::open(&db).unwrap();
        if assert_old_or_new(&conn, trial) {
            new += 1;
        } else {
            old += 1;
        }
        drop(conn);

        // The next run finishes the job.
        run_helper(&["apply", path_str(&db)]);
        let conn = Connection::open(&db).unwrap();
        assert!(assert_old_or_new(&conn, trial));
        assert_eq!(history_ids(&conn), ["0001", "0002", "0003"]);
        assert!(temp_tables(&conn).is_empty(), "trial {trial}");
        assert_healthy(&conn);
    }
    eprintln!(
        "{mode}: {trials} trials, {killed} killed while running ({old} left fully old, {new} fully new), uninterrupted run {full} µs"
    );
    assert!(
        killed * 3 >= trials,
        "most kills must land while the child runs: {killed} of {trials}"
    );
}

#[test]
fn case_36_sigkill_mid_rebuild_rollback_journal() {
    kill_during_rebuilds("delete");
}

#[test]
fn case_36_sigkill_mid_rebuild_wal() {
    kill_during_rebuilds("wal");
}

fn race(mode: &str) {
    let mut elsewhere = 0;
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("race.db");
        run_helper(&["prepare", path_str(&db), mode, "5000"]);
        let children: Vec<_> = (0..2)
            .map(|_| {
                helper()
                    .args(["apply", path_str(&db)])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut applied = Vec::new();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8(out.stdout).unwrap();
            elsewhere += stdout
                .lines()
                .filter(|l| l.starts_with("elsewhere "))
                .count();
            applied.extend(
                stdout
                    .lines()
                    .filter_map(|l| l.strip_prefix("applied "))
                    .map(str::to_owned),
            );
        }
        applied.sort();
        assert_eq!(
            applied,
            ["0002", "0003"],
            "round {round}: each applied exactly once"
        );
        let conn = Connection::open(&db).unwrap();
        assert_eq!(
            history_ids(&conn),
            ["0001", "0002", "0003"],
            "round {round}"
        );
        assert!(!qty_not_null(&conn));
        assert_eq!(count(&conn, "items"), 5000);
        assert!(temp_tables(&conn).is_empty());
        assert_healthy(&conn);
    }
    eprintln!("{mode}: 10 rounds, {elsewhere} revision(s) found applied by the other process inside the lock");
}

#[test]
fn case_38_two_processes_race_rollback_journal() {
    race("delete");
}

#[test]
fn case_38_two_processes_race_wal() {
    race("wal");
}
