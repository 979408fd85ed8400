//! Drift before a rebuild: the live table, its indexes and triggers must be
//! what the history says they are at that revision, or the rebuild refuses
//! — with a readable difference, and nothing changed.

use crate::common::items::ITEMS_REBUILD;
use crate::common::*;
use migrate_dsl::{Drift, ErrorKind};
use migrate_dsl::{Options, Target};

/// A database at revision 0001 of `ITEMS_REBUILD`, with rows.
fn at_first_revision(db: &TempDb) -> migrate_dsl::rusqlite::Connection {
    let mut conn = db.open();
    ITEMS_REBUILD
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch("INSERT INTO items (name, qty) VALUES ('a', 1), ('b', 2)")
        .unwrap();
    conn
}

fn drift_of(err: &migrate_dsl::Error) -> &[Drift] {
    match err.kind() {
        ErrorKind::Drift { drift, .. } => {
            let (revision, operation, table, _) = where_of(err);
            let operation = operation.unwrap();
            assert_eq!(revision, "0002");
            assert_eq!(table, Some("items"));
            assert!(
                operation.starts_with("batch alter table items"),
                "{operation}"
            );
            drift
        }
        other => panic!("expected Drift, got {other:?}"),
    }
}

#[test]
fn a_column_added_by_hand_is_not_lost_by_a_rebuild() {
    let db = TempDb::new();
    let mut conn = at_first_revision(&db);
    conn.execute_batch("ALTER TABLE items ADD COLUMN note text; UPDATE items SET note = 'keep me'")
        .unwrap();
    let before = snapshot(&conn);
    let err = ITEMS_REBUILD.apply_pending(&mut conn).unwrap_err();
    let [Drift::Changed {
        kind,
        name,
        expected,
        actual,
        difference,
    }] = drift_of(&err)
    else {
        panic!("expected one changed table, got {err}");
    };
    assert_eq!((kind.as_str(), name.as_str()), ("table", "items"));
    assert!(!expected.contains("note"), "{expected}");
    assert!(
        actual.contains("\"note\" text") || actual.contains("note text"),
        "{actual}"
    );
    let message = err.to_string();
    println!("{message}");
    assert!(message.contains("changed table `items`"), "{message}");
    assert_eq!(difference, "column `note`: not expected, found");
    assert!(
        message.contains("changed table `items`: column `note`: not expected, found"),
        "{message}"
    );
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(snapshot(&conn), before);
    assert!(temp_tables(&conn).is_empty());

    // Once the database matches the history again, the rebuild proceeds.
    conn.execute_batch("ALTER TABLE items DROP COLUMN note")
        .unwrap();
    ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
    assert_eq!(table_rows(&conn, "items").len(), 2);
}

#[test]
fn a_dropped_index_an_extra_index_and_an_extra_trigger_are_reported_together() {
    let db = TempDb::new();
    let mut conn = at_first_revision(&db);
    conn.execute_batch(
        "DROP INDEX items_name; CREATE INDEX by_hand ON items (qty); CREATE TRIGGER t AFTER INSERT ON items BEGIN SELECT 1; END",
    )
    .unwrap();
    let before = snapshot(&conn);
    let err = ITEMS_REBUILD.apply_pending(&mut conn).unwrap_err();
    let drift = drift_of(&err);
    let names: Vec<(&str, &str)> = drift
        .iter()
        .map(|d| match d {
            Drift::Missing { name, .. } => ("missing", name.as_str()),
            Drift::Changed { name, .. } => ("changed", name.as_str()),
            Drift::Unexpected { name, .. } => ("unexpected", name.as_str()),
            other => panic!("unknown drift {other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            ("missing", "items_name"),
            ("unexpected", "by_hand"),
            ("unexpected", "t")
        ]
    );
    assert_eq!(snapshot(&conn), before);

    conn.execute_batch("DROP INDEX by_hand; DROP TRIGGER t")
        .unwrap();
    let err = ITEMS_REBUILD.apply_pending(&mut conn).unwrap_err();
    assert!(matches!(drift_of(&err), [Drift::Missing { .. }]));
    conn.execute_batch("CREATE INDEX items_name ON items (name)")
        .unwrap();
    ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
}

/// A database made by hand (or by another tool) and stamped: its SQL is
/// spelled differently from the model's rendering but says the same thing,
/// so it is not drift — neither before a rebuild nor for `check`.
#[test]
fn the_same_definition_spelled_differently_is_not_drift() {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.execute_batch(
        "create table items (
            id integer primary key, -- the key
            [name] TEXT NOT NULL,
            `qty` Integer Not Null
         );
         create index ITEMS_NAME on items(name);
         insert into items (name, qty) values ('a', 1);",
    )
    .unwrap();
    ITEMS_REBUILD.stamp(&mut conn, Some("0001")).unwrap();
    ITEMS_REBUILD.apply_pending(&mut conn).unwrap();
    assert!(ITEMS_REBUILD.check(&conn).unwrap().is_empty());
    assert_eq!(table_rows(&conn, "items").len(), 1);
}

/// A column whose definition changed by hand (here a default) would be
/// replaced by the model's silently; it is drift.
#[test]
fn a_changed_column_definition_is_drift() {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.execute_batch(
        "CREATE TABLE items (id integer primary key, name text not null default 'x', qty integer not null);
         CREATE INDEX items_name ON items (name);",
    )
    .unwrap();
    ITEMS_REBUILD.stamp(&mut conn, Some("0001")).unwrap();
    let before = snapshot(&conn);
    let err = ITEMS_REBUILD.apply_pending(&mut conn).unwrap_err();
    assert!(
        matches!(drift_of(&err), [Drift::Changed { name, .. }] if name == "items"),
        "{err}"
    );
    assert!(err.to_string().contains("default"), "{err}");
    assert_eq!(snapshot(&conn), before);
}
