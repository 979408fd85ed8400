//! The progress callback of long rebuilds (tracing: `tests/tracing.rs`).

use crate::common::items::ITEMS_REBUILD;
use crate::common::*;
use migrate_dsl::report::Progress;
use migrate_dsl::Options;
use migrate_dsl::Target;
use std::sync::{Arc, Mutex};

const ROWS: u64 = 60_000;

fn fill(conn: &migrate_dsl::rusqlite::Connection) {
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO items (id, name, qty) SELECT i, 'item ' || i, i % 7 FROM n",
        [ROWS as i64],
    )
    .unwrap();
}

#[test]
fn progress_reports_rows_copied_while_a_rebuild_copies() {
    let db = TempDb::new();
    let mut conn = db.open();
    ITEMS_REBUILD
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    fill(&conn);
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let options = Options::default().progress(move |p| sink.lock().unwrap().push(p.clone()));
    ITEMS_REBUILD
        .migrate(&mut conn, Target::Head, &options)
        .unwrap();

    let seen = seen.lock().unwrap();
    assert!(seen
        .iter()
        .all(|p| p.revision == "0002" && p.table == "items" && p.rows_total == ROWS));
    let copied: Vec<u64> = seen.iter().map(|p| p.rows_copied).collect();
    assert_eq!(copied.first(), Some(&0), "{copied:?}");
    assert_eq!(copied.last(), Some(&ROWS), "{copied:?}");
    assert!(copied.windows(2).all(|w| w[0] < w[1]), "{copied:?}");
    let during = copied.iter().filter(|&&c| c > 0 && c < ROWS).count();
    assert!(
        during >= 3,
        "the handler reported during the copy: {copied:?}"
    );
    assert_eq!(table_rows(&conn, "items").len() as u64, ROWS);
}
