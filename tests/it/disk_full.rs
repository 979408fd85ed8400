//! docs/REBUILD_CASES.md, case 39: the disk fills up during a rebuild's copy.

use crate::common::items::ITEMS_REBUILD;
use crate::common::*;
use migrate_dsl::rusqlite::ErrorCode;
use migrate_dsl::ErrorKind;
use migrate_dsl::{Options, Target};

#[test]
fn case_39_disk_full_during_the_copy_is_a_clear_error_and_changes_nothing() {
    let db = TempDb::new();
    let mut conn = db.open();
    ITEMS_REBUILD
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO items (id, name, qty) SELECT i, 'item number ' || i, i % 7 FROM n",
        [],
    )
    .unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let before = snapshot(&conn);

    // The file may grow by a few pages: far less than a copy of the table.
    let pages: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    conn.query_row(
        &format!("PRAGMA max_page_count = {}", pages + 8),
        [],
        |_| Ok(()),
    )
    .unwrap();
    let err = ITEMS_REBUILD.apply_pending(&mut conn).unwrap_err();
    let ErrorKind::Sql { source, .. } = err.kind() else {
        panic!("{err:?}");
    };
    let (revision, _, table, sql) = where_of(&err);
    let sql = sql.unwrap();
    assert_eq!((revision, table), ("0002", Some("items")));
    assert!(
        sql.starts_with("INSERT INTO \"_migrate_tmp_items\""),
        "{sql}"
    );
    assert_eq!(
        source.sqlite_error_code(),
        Some(ErrorCode::DiskFull),
        "{source}"
    );
    assert!(
        err.to_string().contains("database or disk is full"),
        "{err}"
    );
    // The transaction is gone (whether SQLite or the guard rolled it back)
    // and the pragmas are restored.
    assert!(conn.is_autocommit());
    assert_eq!(snapshot(&conn), before);
    assert!(temp_tables(&conn).is_empty());

    // Space again: the same call succeeds.
    conn.query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))
        .unwrap();
    ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert_eq!(table_rows(&conn, "items").len(), 20000);
    assert_healthy(&conn);
}
