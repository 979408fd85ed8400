//! Issue 5, benchmark 1: full rebuild throughput on a file, against the
//! floor — the same 12-step SQL sent directly through rusqlite (same
//! SQLite build, same settings, same foreign key checks).
//!
//! `cargo bench --bench rebuild` (N = 100k and 1M rows; set
//! `MIGRATE_DSL_BENCH_ROWS=100000` to run one size).
//!
//! Each iteration gets its own copy of a database at revision 0001
//! (copied outside the timing), so every run rebuilds the same table.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use migrate_dsl::rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[path = "../bench/rebuild_case.rs"]
mod rebuild_case;
use rebuild_case::{floor, prepare, ITEMS};

fn template(dir: &Path, rows: u64) -> PathBuf {
    let path = dir.join(format!("template_{rows}.db"));
    prepare(&path, rows);
    path
}

fn copy_of(template: &Path, dir: &Path) -> PathBuf {
    let path = dir.join("run.db");
    let _ = std::fs::remove_file(&path);
    std::fs::copy(template, &path).unwrap();
    path
}

fn sizes() -> Vec<u64> {
    match std::env::var("MIGRATE_DSL_BENCH_ROWS") {
        Ok(n) => vec![n.parse().expect("MIGRATE_DSL_BENCH_ROWS is a number")],
        Err(_) => vec![100_000, 1_000_000],
    }
}

fn rebuild(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    for rows in sizes() {
        let template = template(dir.path(), rows);
        let mut group = c.benchmark_group(format!("rebuild_{rows}_rows_on_a_file"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if rows > 200_000 { 40 } else { 10 }));
        // A/B in one group, same file layout, same page cache conditions.
        group.bench_function("raw_12_step_sql", |b| {
            b.iter_batched(
                || Connection::open(copy_of(&template, dir.path())).unwrap(),
                |conn| floor(&conn),
                BatchSize::PerIteration,
            )
        });
        group.bench_function("migrate_dsl", |b| {
            b.iter_batched(
                || Connection::open(copy_of(&template, dir.path())).unwrap(),
                |mut conn| ITEMS.apply_pending(&mut conn).unwrap(),
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, rebuild);
criterion_main!(benches);
