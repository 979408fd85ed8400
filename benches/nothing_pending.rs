//! Issue 5, benchmark 3: a run that finds nothing to do, on a database
//! with 100 and with 10,000 applied revisions. It must not grow with the
//! history beyond reading the history table once.
//!
//! `cargo bench --bench nothing_pending`. The histories are built at run
//! time (`Migrations::from_history`) and stamped.

use criterion::{criterion_group, criterion_main, Criterion};
use migrate_dsl::build::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Migrations;

/// `revisions` revisions: a table, then an index created and dropped in
/// turn (the schema stays small, so building the history at run time is
/// cheap; what is measured is the length of the history).
fn history(revisions: usize) -> Migrations {
    let n = |s: &str| Name::new(s, Loc::NONE);
    let table = CreateTable::new(n("t"), vec![ColumnDef::new(n("id"), ColumnType::INTEGER)]);
    let op = |i: usize| match i {
        0 => Op::CreateTable(table.clone()),
        i if i % 2 == 1 => Op::CreateIndex(CreateIndex::new(
            n("t_id"),
            n("t"),
            vec![IndexKey::new(IndexTarget::Column(n("id")))],
        )),
        _ => Op::DropIndex(n("t_id")),
    };
    let revisions = (0..revisions)
        .map(|i| RevisionDef::new(n(&format!("{i:05}")), vec![op(i)]))
        .collect();
    let history = History::new(revisions);
    Migrations::from_history(&history).expect("a valid history")
}

fn nothing_pending(c: &mut Criterion) {
    let mut group = c.benchmark_group("nothing_pending");
    let dir = tempfile::tempdir().unwrap();
    for revisions in [100, 10_000] {
        let migrations = history(revisions);
        let mut conn = Connection::open(dir.path().join(format!("{revisions}.db"))).unwrap();
        // Stamped: the history table holds every row.
        migrations
            .stamp(&mut conn, Some(migrations.revisions().last().unwrap().id()))
            .unwrap();
        group.bench_function(format!("apply_pending_{revisions}_applied"), |b| {
            b.iter(|| {
                let report = migrations.apply_pending(&mut conn).unwrap();
                assert!(report.applied.is_empty());
            })
        });
        group.bench_function(format!("is_up_to_date_{revisions}_applied"), |b| {
            b.iter(|| assert!(migrations.is_up_to_date(&conn).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, nothing_pending);
criterion_main!(benches);
