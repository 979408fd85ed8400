//! Issue 6's figures: a 200-revision history replayed vs built directly by
//! `create_fresh`, and a suite of 200 tests each getting a database at head
//! from `testing::in_memory` (one template per process) vs replaying the
//! history per test.
//!
//! `cargo bench --bench fresh_vs_replay` (the history is
//! `benches/history_200.rs`, made by `benches/gen_history.py`).

use criterion::{criterion_group, criterion_main, Criterion};
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::testing;
use std::time::Duration;

include!("history_200.rs");

fn history_200(c: &mut Criterion) {
    let mut group = c.benchmark_group("history_200_on_a_file");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut fresh_file = || {
        n += 1;
        Connection::open(dir.path().join(format!("{n}.db"))).unwrap()
    };
    group.bench_function("replay", |b| {
        b.iter(|| {
            let mut conn = fresh_file();
            HISTORY_200.apply_pending(&mut conn).unwrap()
        })
    });
    group.bench_function("create_fresh", |b| {
        b.iter(|| {
            let mut conn = fresh_file();
            HISTORY_200
                .create_fresh(&mut conn, &Default::default())
                .unwrap()
        })
    });
    group.finish();
}

fn suite_of_200_tests(c: &mut Criterion) {
    let mut group = c.benchmark_group("suite_of_200_tests_in_memory");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("testing::in_memory", |b| {
        b.iter(|| {
            for _ in 0..200 {
                let conn = testing::in_memory(&HISTORY_200);
                std::hint::black_box(conn);
            }
        })
    });
    group.bench_function("replay_per_test", |b| {
        b.iter(|| {
            for _ in 0..200 {
                let mut conn = Connection::open_in_memory().unwrap();
                HISTORY_200.apply_pending(&mut conn).unwrap();
                std::hint::black_box(conn);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, history_200, suite_of_200_tests);
criterion_main!(benches);
