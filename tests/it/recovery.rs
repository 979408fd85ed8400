//! Recovery at the start of a run (docs/REBUILD_CASES.md, case 34): leftover temporary
//! tables of interrupted rebuilds.

use crate::common::items::ITEMS_REBUILD;
use crate::common::*;
use migrate_dsl::ErrorKind;
use migrate_dsl::{Options, Target};

#[test]
fn case_34_a_leftover_whose_original_exists_is_removed_and_reported() {
    let db = TempDb::new();
    let mut conn = db.open();
    ITEMS_REBUILD
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch(
        "INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2);
         CREATE TABLE _migrate_tmp_items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER);
         INSERT INTO _migrate_tmp_items VALUES (1, 'a', 1);",
    )
    .unwrap();
    let report = ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert_eq!(report.removed_leftovers, ["_migrate_tmp_items"]);
    assert!(
        report
            .to_string()
            .contains("removed leftover temporary table _migrate_tmp_items"),
        "{report}"
    );
    assert_eq!(report.applied.len(), 1);
    assert!(temp_tables(&conn).is_empty());
    assert_eq!(table_rows(&conn, "items").len(), 2);
    assert_healthy(&conn);

    // With nothing pending, the start of the run still cleans up.
    conn.execute_batch("CREATE TABLE _MIGRATE_TMP_Items (x)")
        .unwrap();
    let report = ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert_eq!(report.removed_leftovers, ["_MIGRATE_TMP_Items"]);
    assert!(report.applied.is_empty());
    assert!(temp_tables(&conn).is_empty());
}

#[test]
fn case_34_a_leftover_without_its_original_is_refused_and_nothing_changes() {
    let db = TempDb::new();
    let mut conn = db.open();
    ITEMS_REBUILD
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE _migrate_tmp_orders (id INTEGER PRIMARY KEY, total REAL);
         INSERT INTO _migrate_tmp_orders VALUES (1, 9.5);",
    )
    .unwrap();
    let before = snapshot(&conn);
    for attempt in 0..2 {
        let err = ITEMS_REBUILD.apply_pending(&mut conn).unwrap_err();
        let ErrorKind::OrphanedTemporaryTable {
            table, temp_table, ..
        } = err.kind()
        else {
            panic!("{err:?}");
        };
        assert_eq!(
            (err.context(), table.as_str(), temp_table.as_str()),
            (None, "orders", "_migrate_tmp_orders"),
            "attempt {attempt}"
        );
        assert!(
            err.to_string()
                .starts_with("before applying anything: table `orders` is missing"),
            "{err}"
        );
        assert_eq!(snapshot(&conn), before, "attempt {attempt}");
    }
    // Once someone decided (here: it was the only copy of `orders`), the
    // run proceeds.
    conn.execute_batch("ALTER TABLE _migrate_tmp_orders RENAME TO orders")
        .unwrap();
    ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert_eq!(
        strings(&conn, "SELECT CAST(total AS TEXT) FROM orders"),
        ["9.5"]
    );
    assert_healthy(&conn);
}
