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
use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

migration! {
    static ITEMS;
    revision "0001" {
        create table items {
            id integer primary key,
            name text not null,
            qty integer not null,
            price real,
            note text,
        }
        create index items_name on items (name);
        create index items_qty_price on items (qty, price);
        create table orders { id integer primary key, item_id integer references items (id) }
    }
    revision "0002" {
        batch alter table items recreate = always { alter column qty drop not null; }
    }
}

/// The 12 steps by hand, with the statements the runtime sends (the new
/// table's definition as the model renders it).
const FLOOR: &str = r#"
BEGIN IMMEDIATE;
CREATE TABLE "_migrate_tmp_items" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "qty" INTEGER, "price" REAL, "note" TEXT);
INSERT INTO "_migrate_tmp_items" ("id", "name", "qty", "price", "note") SELECT "id", "name", "qty", "price", "note" FROM "items";
DROP TABLE "items";
ALTER TABLE "_migrate_tmp_items" RENAME TO "items";
CREATE INDEX "items_name" ON "items" ("name");
CREATE INDEX "items_qty_price" ON "items" ("qty", "price");
"#;

/// A database at revision 0001 with `rows` items and `rows / 10` orders.
fn prepare(dir: &Path, rows: u64) -> PathBuf {
    let path = dir.join(format!("template_{rows}.db"));
    let mut conn = Connection::open(&path).unwrap();
    ITEMS.upgrade_to(&mut conn, "0001").unwrap();
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
         INSERT INTO items (id, name, qty, price, note)
           SELECT i, 'item ' || (i * 7919 % {rows}), i % 100, (i % 1000) / 10.0,
                  CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows} / 10)
         INSERT INTO orders (id, item_id) SELECT i, i * 10 FROM n;
         COMMIT;"
    ))
    .unwrap();
    path
}

fn copy_of(template: &Path, dir: &Path) -> PathBuf {
    let path = dir.join("run.db");
    let _ = std::fs::remove_file(&path);
    std::fs::copy(template, &path).unwrap();
    path
}

fn floor(conn: &Connection) {
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(FLOOR).unwrap();
    for table in ["items", "orders"] {
        let violations: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_foreign_key_check(?1)",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(violations, 0);
    }
    conn.execute_batch("COMMIT").unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
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
        let template = prepare(dir.path(), rows);
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
