//! `migrate_dsl::testing`: databases at head from a template built once per
//! process, the stairway test, and drift checks.

use crate::common::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, testing, BoxError, Drift, ErrorKind};
use migrate_dsl::{Options, Target};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

fn seed(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("INSERT INTO kinds (name) VALUES ('book')", [])?;
    Ok(())
}

static TEMPLATE_BUILDS: AtomicUsize = AtomicUsize::new(0);

fn count_build(_: &Connection) -> Result<(), BoxError> {
    TEMPLATE_BUILDS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

migration! {
    /// Used by one test only, so the count of its hook's calls is exact.
    static COUNTED;
    revision "0001" {
        create table kinds { id integer primary key, name text not null unique }
        run seed;
        run count_build;
    }
}

migration! {
    static APP;
    revision "0001" {
        create table kinds { id integer primary key, name text not null unique }
        create table items {
            id integer primary key autoincrement,
            kind_id integer not null references kinds (id),
            title text,
        }
        run seed;
    }
    revision "0002" {
        create index items_kind on items (kind_id);
        batch alter table items { rename column title to label; add column price real default (0); }
    }
    revision "0003" {
        create view item_labels as "SELECT i.label, k.name FROM items AS i JOIN kinds AS k ON k.id = i.kind_id";
        create trigger items_trim after insert on items as "UPDATE items SET label = trim(new.label) WHERE id = new.id;";
        batch alter table kinds recreate = always { alter column name set collate nocase; }
    }
    revision "0004" {
        sql "CREATE VIRTUAL TABLE item_search USING fts5(label)" creates table item_search (label);
    }
}

#[test]
fn every_test_database_is_a_copy_of_one_template() {
    let first = testing::in_memory(&COUNTED);
    let second = testing::in_memory(&COUNTED);
    let db = TempDb::new();
    let third = testing::copy_to(&COUNTED, &db.path);
    // The history ran once, for the template; every copy has its rows.
    assert_eq!(TEMPLATE_BUILDS.load(Ordering::SeqCst), 1);
    for conn in [&first, &second, &third] {
        assert_eq!(strings(conn, "SELECT name FROM kinds"), ["book"]);
        assert!(COUNTED.is_up_to_date(conn).unwrap());
        testing::assert_matches(conn, &COUNTED);
    }
    // Copies are independent.
    first
        .execute("INSERT INTO kinds (name) VALUES ('film')", [])
        .unwrap();
    assert_eq!(table_rows(&first, "kinds").len(), 2);
    assert_eq!(table_rows(&second, "kinds").len(), 1);
    // The file copy is a real database another connection can open.
    drop(third);
    let reopened = Connection::open(&db.path).unwrap();
    assert!(COUNTED.is_up_to_date(&reopened).unwrap());
    assert_healthy(&reopened);
}

#[test]
fn a_copy_at_head_works_like_a_replayed_database() {
    let conn = testing::in_memory(&APP);
    assert_eq!(strings(&conn, "SELECT name FROM kinds"), ["book"]);
    conn.execute("INSERT INTO items (kind_id, label) VALUES (1, '  a  ')", [])
        .unwrap();
    assert_eq!(strings(&conn, "SELECT label FROM item_labels"), ["a"]);
    conn.execute("INSERT INTO item_search (label) VALUES ('red chair')", [])
        .unwrap();
    assert_eq!(
        strings(
            &conn,
            "SELECT label FROM item_search WHERE item_search MATCH 'chair'"
        ),
        ["red chair"]
    );
    testing::assert_matches(&conn, &APP);
}

#[test]
fn the_stairway_walks_every_revision_up_down_and_up() {
    testing::assert_history_consistent(&APP);
}

fn make_index_by_hand(conn: &Connection) -> Result<(), BoxError> {
    conn.execute_batch("CREATE INDEX by_hand ON notes (body)")?;
    Ok(())
}

migration! {
    static SNEAKY;
    revision "0001" {
        create table notes { id integer primary key, body text }
    }
    revision "0002" {
        create index notes_id on notes (id);
        run make_index_by_hand;
        down {
            drop index notes_id;
        }
    }
}

#[test]
fn the_stairway_reports_a_schema_the_model_does_not_have() {
    let panic = catch_unwind(AssertUnwindSafe(|| {
        testing::assert_history_consistent(&SNEAKY)
    }))
    .expect_err("a hook made an index the model does not know");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(
        message
            .starts_with("revision `0002`: after applying it, the schema differs from the model's"),
        "{message}"
    );
    assert!(
        message.contains("index: CREATE INDEX by_hand ON notes (body)"),
        "{message}"
    );
}

#[test]
fn check_reports_drift_against_the_head() {
    let conn = testing::in_memory(&APP);
    assert_eq!(APP.check(&conn).unwrap(), []);
    conn.execute_batch(
        "DROP INDEX items_kind;
         CREATE INDEX items_label ON items (label);
         DROP VIEW item_labels;
         CREATE VIEW item_labels AS SELECT label FROM items;
         CREATE TABLE _migrate_tmp_items (x);
         CREATE TABLE unrelated (x);
         CREATE INDEX unrelated_x ON unrelated (x);",
    )
    .unwrap();
    let drift = APP.check(&conn).unwrap();
    let names: Vec<String> = drift
        .iter()
        .map(|d| match d {
            Drift::Missing { kind, name, .. } => format!("missing {kind} {name}"),
            Drift::Changed { kind, name, .. } => format!("changed {kind} {name}"),
            Drift::Unexpected { kind, name, .. } => format!("unexpected {kind} {name}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "missing index items_kind",
            "changed view item_labels",
            "unexpected index items_label",
            "unexpected table _migrate_tmp_items",
        ]
    );
    let shown = drift[1].to_string();
    assert!(
        shown.contains("expected: CREATE VIEW \"item_labels\""),
        "{shown}"
    );
    assert!(
        shown.contains("actual:   CREATE VIEW item_labels AS SELECT label FROM items"),
        "{shown}"
    );

    let panic =
        catch_unwind(AssertUnwindSafe(|| testing::assert_matches(&conn, &APP))).expect_err("drift");
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(
            "the database has drifted from the history:\n- missing index `items_kind`"
        ),
        "{message}"
    );
}

#[test]
fn check_needs_a_database_at_head() {
    let mut conn = Connection::open_in_memory().unwrap();
    APP.migrate(&mut conn, Target::UpTo("0002"), &Options::default())
        .unwrap();
    let err = APP.check(&conn).unwrap_err();
    let ErrorKind::Target(migrate_dsl::error::TargetError::NotAtHead { current, head, .. }) =
        err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!((current.as_deref(), head.as_str()), (Some("0002"), "0004"));
}
