//! Definition edits (issue 18): removing NOT NULL, CHECK or FOREIGN KEY
//! constraints and changing DEFAULTs write the table's new `CREATE TABLE`
//! text into the schema table — no row copied — where SQLite's
//! statements cannot and the connection allows it; the result is the
//! rebuild's, exactly.
//!
//! - every connection sees the edit (the schema version is bumped);
//! - a DEFAULT that rows stored before `ADD COLUMN` read is changed by the
//!   rebuild instead, so those rows keep the value they read;
//! - a defensive connection rebuilds;
//! - a definition SQLite cannot read, or a fault after the edit, never
//!   commits, and the connection's `writable_schema` is back off.

use crate::common::*;
use migrate_dsl::fault::{arm, disarm, FaultAction, FaultPoint};
use migrate_dsl::report::Strategy;
use migrate_dsl::rusqlite::config::DbConfig;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Dialect;
use migrate_dsl::{migration, ErrorKind, Options, Target};

migration! {
    static EDITS;
    revision "0001" {
        create table parent { id integer primary key, name text }
        create table item {
            id integer primary key,
            parent_id integer not null references parent,
            qty integer not null default 1,
            label text check (length(label) < 10),
        }
        create index item_qty on item (qty);
        insert into parent (id, name) values (1, "p");
        insert into item (id, parent_id, qty, label) values (1, 1, 5, "a"), (2, 1, 6, "b");
    }
    revision "0002" {
        // Rows 1 and 2 do not store `tag`: they read its DEFAULT.
        alter table item add column tag text default ("old");
        create index item_tag on item (tag);
    }
    revision "0003" {
        insert into item (id, parent_id, qty) values (3, 1, 7);
    }
    revision "0004" {
        batch alter table item {
            alter column qty set default 2;
            alter column parent_id drop not null;
            drop constraint ck_item_label;
            drop constraint fk_item_parent_id_parent;
        }
    }
    revision "0005" {
        batch alter table item { alter column tag set default ("new"); }
    }
}

fn at(target: &str) -> (TempDb, Connection) {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    EDITS
        .migrate(&mut conn, Target::UpTo(target), &Options::default())
        .unwrap();
    (db, conn)
}

fn strategies(report: &migrate_dsl::Report) -> Vec<(String, Strategy)> {
    report
        .table_changes
        .iter()
        .map(|c| (c.revision.clone(), c.strategy))
        .collect()
}

fn column(conn: &Connection, sql: &str) -> Vec<migrate_dsl::rusqlite::types::Value> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn removals_and_defaults_edit_the_definition_without_copying() {
    let (db, mut conn) = at("0003");
    let page = root_page(&conn, "item");
    // A second connection that has read the schema before the edit.
    let other = db.open();
    other.pragma_update(None, "foreign_keys", true).unwrap();
    assert_eq!(column(&other, "SELECT qty FROM item").len(), 3);
    let report = EDITS
        .migrate(&mut conn, Target::UpTo("0004"), &Options::default())
        .unwrap();
    assert_eq!(
        strategies(&report),
        [("0004".to_owned(), Strategy::EditDefinition)]
    );
    assert!(
        report
            .to_string()
            .contains("0004: table `item` definition edited"),
        "{report}"
    );
    assert_eq!(root_page(&conn, "item"), page, "no row was copied");
    assert_eq!(
        schema_sql(&conn, "item").unwrap(),
        "CREATE TABLE \"item\" (\"id\" integer PRIMARY KEY, \"parent_id\" integer, \"qty\" integer DEFAULT (2) NOT NULL, \"label\" text, \"tag\" text DEFAULT ('old'))"
    );
    // Every constraint removed, the new DEFAULT in use, on both connections.
    for c in [&conn, &other] {
        c.execute(
            "INSERT INTO item (parent_id, label) VALUES (99, 'far too long a label')",
            [],
        )
        .unwrap();
        c.execute("INSERT INTO item (parent_id) VALUES (NULL)", [])
            .unwrap();
    }
    assert_eq!(
        column(&conn, "SELECT qty FROM item ORDER BY id"),
        [5, 6, 7, 2, 2, 2, 2].map(migrate_dsl::rusqlite::types::Value::Integer)
    );
    assert!(!pragma(&conn, "writable_schema"));
    conn.execute("DELETE FROM item WHERE id > 3", []).unwrap();
    assert_healthy(&conn);
    migrate_dsl::testing::assert_history_consistent(&EDITS);
}

#[test]
fn a_default_rows_stored_before_add_column_read_is_changed_by_the_rebuild() {
    let (_db, mut conn) = at("0004");
    let page = root_page(&conn, "item");
    let report = EDITS.apply_pending(&mut conn).unwrap();
    // Editing the DEFAULT would have turned rows 1 and 2 into 'new'.
    assert_eq!(
        strategies(&report),
        [("0005".to_owned(), Strategy::Rebuild)]
    );
    assert_ne!(root_page(&conn, "item"), page);
    conn.execute("INSERT INTO item (id, parent_id) VALUES (4, 1)", [])
        .unwrap();
    assert_eq!(
        column(&conn, "SELECT tag FROM item ORDER BY id"),
        ["old", "old", "old", "new"].map(|s| migrate_dsl::rusqlite::types::Value::Text(s.into()))
    );
    assert_healthy(&conn);
}

#[test]
fn a_default_every_row_stores_is_edited() {
    // After 0005's rebuild every row stores `tag`: the probe finds none.
    migration! {
        static AGAIN;
        revision "0001" {
            create table t { id integer primary key, tag text default ("a") }
            insert into t (id) values (1), (2);
        }
        revision "0002" {
            batch alter table t { alter column tag set default ("b"); }
        }
        revision "0003" {
            batch alter table t { alter column tag drop default; }
        }
    }
    let db = TempDb::new();
    let mut conn = db.open();
    let report = AGAIN.apply_pending(&mut conn).unwrap();
    assert_eq!(
        strategies(&report),
        [
            ("0002".to_owned(), Strategy::EditDefinition),
            ("0003".to_owned(), Strategy::EditDefinition)
        ]
    );
    conn.execute("INSERT INTO t (id) VALUES (3)", []).unwrap();
    assert_eq!(
        table_rows(&conn, "t"),
        [(1, Some("a")), (2, Some("a")), (3, None)].map(|(id, tag)| vec![
            id.into(),
            id.into(),
            tag.map_or(migrate_dsl::rusqlite::types::Value::Null, |t: &str| t
                .to_owned()
                .into())
        ])
    );
    migrate_dsl::testing::assert_history_consistent(&AGAIN);
}

#[test]
fn a_defensive_connection_rebuilds_and_ends_the_same() {
    let run = |defensive: bool| {
        let (db, mut conn) = at("0003");
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, defensive)
            .unwrap();
        let report = EDITS.apply_pending(&mut conn).unwrap();
        let mut s = snapshot(&conn);
        s.rows.remove("_migrate_history");
        assert_healthy(&conn);
        (strategies(&report), s, db)
    };
    let (edited, a, _a) = run(false);
    let (rebuilt, b, _b) = run(true);
    assert_eq!(edited[0].1, Strategy::EditDefinition);
    assert!(
        rebuilt.iter().all(|s| s.1 == Strategy::Rebuild),
        "{rebuilt:?}"
    );
    assert_eq!(a, b);
}

#[test]
fn a_definition_sqlite_cannot_read_never_commits() {
    let (db, mut conn) = at("0003");
    let before = snapshot(&conn);
    migrate_dsl::fault::break_definition_edits(true);
    let err = EDITS.apply_pending(&mut conn);
    migrate_dsl::fault::break_definition_edits(false);
    let err = err.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Sql { .. }), "{err:?}");
    let (revision, operation, table, sql) = where_of(&err);
    assert_eq!(
        (revision, operation, table),
        ("0004", Some("batch alter table item { … }"), Some("item"))
    );
    assert!(sql.unwrap().starts_with("CREATE TABLE \"item\""), "{err}");
    assert!(
        err.to_string().contains("malformed database schema"),
        "{err}"
    );
    assert_eq!(
        snapshot(&conn),
        before,
        "nothing changed, writable_schema off"
    );
    drop(conn);
    // The file reads as before, and the run succeeds.
    let mut conn = db.open();
    assert_eq!(snapshot(&conn), before);
    assert_healthy(&conn);
    EDITS.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
}

#[test]
fn a_fault_after_an_edit_rolls_it_back() {
    for action in [FaultAction::Error, FaultAction::Panic] {
        let (_db, mut conn) = at("0003");
        let before = snapshot(&conn);
        arm(FaultPoint::AfterEdit, action);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            EDITS.apply_pending(&mut conn)
        }));
        disarm();
        match (action, result) {
            (FaultAction::Error, Ok(Err(e))) => {
                assert!(matches!(e.kind(), ErrorKind::Injected(_)), "{e:?}")
            }
            (FaultAction::Panic, Err(_)) => {}
            (_, other) => panic!("{action:?}: {other:?}"),
        }
        assert_eq!(snapshot(&conn), before, "{action:?}");
        assert_healthy(&conn);
        EDITS.apply_pending(&mut conn).unwrap();
        assert_healthy(&conn);
    }
}

#[test]
fn the_offline_script_rebuilds_and_ends_the_same() {
    let script = EDITS
        .script(Dialect::Sqlite, None, Target::UpTo("0005"))
        .unwrap();
    assert!(
        script.contains(
            "-- the runtime edits the table's definition instead (with PRAGMA writable_schema, unless the connection is defensive) to:\n--   CREATE TABLE \"item\" (\"id\" integer PRIMARY KEY, \"parent_id\" integer, \"qty\" integer DEFAULT (2) NOT NULL"
        ),
        "{script}"
    );
    let (a, b) = (TempDb::new(), TempDb::new());
    let by_script = b.open();
    by_script.execute_batch(&script).unwrap();
    let mut by_runtime = a.open();
    EDITS.apply_pending(&mut by_runtime).unwrap();
    let without_times = |conn: &Connection| {
        let mut s = snapshot(conn);
        s.rows.remove("_migrate_history");
        s
    };
    assert_eq!(without_times(&by_script), without_times(&by_runtime));
    assert!(EDITS.is_up_to_date(&by_script).unwrap());
    assert_healthy(&by_script);
}
