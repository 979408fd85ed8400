//! Downgrades: generated inverses and `down` blocks bring the database back
//! to exactly what an upgrade to the target produces, rows included; a
//! revision without an inverse refuses before anything changes; a failure
//! at any step leaves the database unchanged.

use crate::common::*;
use migrate_dsl::fault::{arm, disarm, FaultAction, FaultPoint};
use migrate_dsl::rusqlite::{types::Value, Connection};
use migrate_dsl::{migration, BoxError, ErrorKind, Migrations};
use migrate_dsl::{Options, Target};
use std::panic::{catch_unwind, AssertUnwindSafe};

migration! {
    /// Every revision has a generated inverse.
    static GENERATED;
    revision "0001" {
        create table items { id integer primary key, name text not null, qty integer }
        insert into items (id, name, qty) values (1, "a", 10), (2, "b", null), (3, "c", 30);
    }
    revision "0002" { create index items_name on items (name); }
    revision "0003" {
        batch alter table items {
            add column note text default ("none");
            rename column qty to quantity;
        }
    }
    revision "0004" { create view item_names as "SELECT id, name FROM items"; }
    revision "0005" { replace view item_names as "SELECT id, name, note FROM items"; }
    revision "0006" {
        create trigger items_touch after update of name on items
            as "UPDATE items SET note = 'touched' WHERE id = new.id;";
    }
    revision "0007" { drop index items_name; }
    revision "0008" {
        batch alter table items recreate = always {
            alter column note set default ("later");
            alter column name set collate nocase;
        }
    }
    revision "0009" {
        create table tags { id integer primary key, label text unique }
        rename table tags to labels;
    }
}

/// The normalized schema: what `sqlite_schema` holds, whitespace collapsed.
fn schema(conn: &Connection) -> Vec<(String, String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let sql: String = r.get(2)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            sql.split_whitespace().collect::<Vec<_>>().join(" "),
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The schema a fresh database has after upgrading to `target`.
fn schema_at(migrations: &Migrations, target: &str) -> Vec<(String, String, String)> {
    let mut fresh = Connection::open_in_memory().unwrap();
    migrations
        .migrate(&mut fresh, Target::UpTo(target), &Options::default())
        .unwrap();
    schema(&fresh)
}

fn ids(m: &Migrations) -> Vec<String> {
    m.revisions().iter().map(|r| r.id().to_owned()).collect()
}

#[test]
fn every_revision_of_the_generated_history_is_reversible() {
    for rev in GENERATED.revisions() {
        assert_eq!(rev.irreversible(), None, "{}", rev.id());
    }
}

#[test]
fn stairway_down_one_revision_at_a_time_then_up_again() {
    let db = TempDb::new();
    let mut conn = db.open();
    GENERATED.apply_pending(&mut conn).unwrap();
    let head = schema(&conn);
    let ids = ids(&GENERATED);
    for k in (0..ids.len() - 1).rev() {
        let report = GENERATED
            .migrate(&mut conn, Target::DownTo(&ids[k]), &Options::default())
            .unwrap();
        let undone: Vec<_> = report.reverted.iter().map(|r| r.id.clone()).collect();
        assert_eq!(undone, [ids[k + 1].clone()]);
        assert_eq!(
            schema(&conn),
            schema_at(&GENERATED, &ids[k]),
            "down to {}",
            ids[k]
        );
        assert_eq!(history_ids(&conn), ids[..=k]);
        assert_healthy(&conn);
        // The rows survive every step (column 3 is qty/quantity).
        let qty: Vec<Value> = table_rows(&conn, "items")
            .iter()
            .map(|r| r[3].clone())
            .collect();
        assert_eq!(
            qty,
            [Value::Integer(10), Value::Null, Value::Integer(30)],
            "at {}",
            ids[k]
        );
    }
    let report = GENERATED
        .migrate(&mut conn, Target::Empty, &Options::default())
        .unwrap();
    assert_eq!(report.reverted[0].id, "0001");
    assert_eq!(schema(&conn), schema_at_nothing(&GENERATED));
    assert!(history_ids(&conn).is_empty());

    let report = GENERATED.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), ids.len());
    assert_eq!(schema(&conn), head);
    assert_healthy(&conn);
}

/// The schema of a database that had every revision undone: only the
/// history table.
fn schema_at_nothing(m: &Migrations) -> Vec<(String, String, String)> {
    let mut conn = Connection::open_in_memory().unwrap();
    // A run with nothing to do creates the history table.
    m.migrate(&mut conn, Target::Empty, &Options::default())
        .unwrap();
    schema(&conn)
}

#[test]
fn downgrade_many_at_once_keeps_the_rows_of_surviving_columns() {
    let db = TempDb::new();
    let mut conn = db.open();
    GENERATED.apply_pending(&mut conn).unwrap();
    conn.execute("UPDATE items SET note = 'kept?' WHERE id = 1", [])
        .unwrap();
    let report = GENERATED
        .migrate(&mut conn, Target::DownTo("0002"), &Options::default())
        .unwrap();
    let undone: Vec<_> = report.reverted.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        undone,
        ["0009", "0008", "0007", "0006", "0005", "0004", "0003"]
    );
    assert_eq!(schema(&conn), schema_at(&GENERATED, "0002"));
    assert_eq!(
        strings(
            &conn,
            "SELECT json_array(rowid, id, name, qty) FROM items ORDER BY rowid"
        ),
        ["[1,1,\"a\",10]", "[2,2,\"b\",null]", "[3,3,\"c\",30]"]
    );
    assert_healthy(&conn);
}

migration! {
    static LOSSY;
    revision "0001" {
        create table items { id integer primary key, name text }
        create table old_log { id integer primary key }
    }
    revision "0002" { create index items_name on items (name); }
    revision "0003" { drop table old_log; }
    revision "0004" { insert into items (id, name) values (1, "a"); }
}

#[test]
fn an_irreversible_revision_refuses_before_anything_changes() {
    let db = TempDb::new();
    let mut conn = db.open();
    LOSSY.apply_pending(&mut conn).unwrap();
    let before = snapshot(&conn);

    // 0004 (insert) is the first in the way: the error names it.
    let err = LOSSY
        .migrate(&mut conn, Target::DownTo("0001"), &Options::default())
        .unwrap_err();
    let ErrorKind::Target(migrate_dsl::error::TargetError::Irreversible { reason, .. }) =
        err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(revision_of(&err), "0004");
    assert!(reason.contains("insert into items"), "{reason}");
    assert_eq!(snapshot(&conn), before, "nothing may change");
    assert_eq!(history_ids(&conn), ["0001", "0002", "0003", "0004"]);

    let Some(why) = LOSSY.revisions()[2].irreversible() else {
        panic!("a dropped table cannot come back");
    };
    assert_eq!(why, "`drop table old_log` loses the table's rows");
    assert!(err.to_string().contains("cannot be undone"), "{err}");
}

fn restore_notes(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("UPDATE notes SET note = 'restored by down'", [])?;
    Ok(())
}

migration! {
    static EXPLICIT;
    revision "0001" {
        create table notes { id integer primary key, body text not null, note text }
        insert into notes (id, body, note) values (1, "x", "first"), (2, "y", null);
    }
    revision "0002" {
        batch alter table notes recreate = always { drop column note; }
        down {
            batch alter table notes recreate = always { add column note text; }
            run restore_notes;
        }
    }
}

#[test]
fn a_down_block_with_a_rebuild_and_a_hook() {
    let db = TempDb::new();
    let mut conn = db.open();
    EXPLICIT.apply_pending(&mut conn).unwrap();
    assert_eq!(schema(&conn), schema_at(&EXPLICIT, "0002"));
    let report = EXPLICIT
        .migrate(&mut conn, Target::DownTo("0001"), &Options::default())
        .unwrap();
    assert_eq!(report.reverted[0].id, "0002");
    assert_eq!(schema(&conn), schema_at(&EXPLICIT, "0001"));
    assert_eq!(
        strings(&conn, "SELECT note FROM notes ORDER BY id"),
        ["restored by down", "restored by down"]
    );
    assert_healthy(&conn);
    EXPLICIT.apply_pending(&mut conn).unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
}

const POINTS: [FaultPoint; 7] = [
    FaultPoint::AfterCreate,
    FaultPoint::AfterCopy,
    FaultPoint::AfterDrop,
    FaultPoint::AfterRename,
    FaultPoint::BeforeForeignKeyCheck,
    FaultPoint::BeforeHistoryWrite,
    FaultPoint::BeforeCommit,
];

#[test]
fn a_failure_at_every_step_of_a_downgrade_leaves_the_database_unchanged() {
    for action in [FaultAction::Error, FaultAction::Panic] {
        for point in POINTS {
            let db = TempDb::new();
            let mut conn = db.open();
            EXPLICIT.apply_pending(&mut conn).unwrap();
            let before = snapshot(&conn);
            arm(point, action);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                EXPLICIT.migrate(&mut conn, Target::DownTo("0001"), &Options::default())
            }));
            disarm();
            match (action, outcome) {
                (FaultAction::Error, Ok(Err(e))) => {
                    assert!(
                        matches!(e.kind(), ErrorKind::Injected(_)),
                        "{point:?}: {e:?}"
                    )
                }
                (FaultAction::Panic, Err(_)) => {}
                (_, other) => panic!("{point:?} {action:?}: {other:?}"),
            }
            assert!(conn.is_autocommit());
            assert_eq!(snapshot(&conn), before, "{point:?} {action:?}");
            assert_healthy(&conn);
            EXPLICIT
                .migrate(&mut conn, Target::DownTo("0001"), &Options::default())
                .unwrap();
            assert_eq!(
                schema(&conn),
                schema_at(&EXPLICIT, "0001"),
                "{point:?} retry"
            );
        }
    }
}

#[test]
fn bad_targets_are_refused_with_what_exists() {
    let mut conn = Connection::open_in_memory().unwrap();
    GENERATED
        .migrate(&mut conn, Target::UpTo("0002"), &Options::default())
        .unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002"]);

    let err = GENERATED
        .migrate(&mut conn, Target::DownTo("0042"), &Options::default())
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(migrate_dsl::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("0001, 0002, 0003"), "{err}");

    let err = GENERATED
        .migrate(&mut conn, Target::DownTo("0005"), &Options::default())
        .unwrap_err();
    let ErrorKind::Target(migrate_dsl::error::TargetError::TargetNotApplied {
        target,
        current,
        ..
    }) = err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (target.as_str(), current.as_deref()),
        ("0005", Some("0002"))
    );

    let err = GENERATED
        .migrate(&mut conn, Target::UpTo("nope"), &Options::default())
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(migrate_dsl::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );

    // Upgrading to a revision already passed changes nothing.
    assert!(GENERATED
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap()
        .is_empty());
    assert_eq!(history_ids(&conn), ["0001", "0002"]);

    // Inside a caller's transaction the downgrade runs in savepoints (no
    // rebuild is involved) and goes away with the caller's rollback.
    conn.execute_batch("BEGIN").unwrap();
    let report = GENERATED
        .migrate(&mut conn, Target::Empty, &Options::default())
        .unwrap();
    assert_eq!(report.reverted.len(), 2);
    assert!(history_ids(&conn).is_empty());
    conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
}

#[test]
fn one_step_up_and_one_step_down() {
    let db = TempDb::new();
    let mut conn = db.open();
    let ids = ids(&GENERATED);
    for (k, id) in ids.iter().enumerate() {
        let report = GENERATED
            .migrate(&mut conn, Target::Next, &Options::default())
            .unwrap();
        assert_eq!(report.applied.len(), 1);
        assert_eq!(&report.applied[0].id, id);
        assert_eq!(schema(&conn), schema_at(&GENERATED, id), "up to {id}");
        assert_eq!(history_ids(&conn), ids[..=k]);
    }
    assert!(GENERATED
        .migrate(&mut conn, Target::Next, &Options::default())
        .unwrap()
        .applied
        .is_empty());
    for k in (0..ids.len()).rev() {
        let report = GENERATED
            .migrate(&mut conn, Target::Previous, &Options::default())
            .unwrap();
        assert_eq!(report.reverted.len(), 1);
        assert_eq!(report.reverted[0].id, ids[k]);
        assert_eq!(history_ids(&conn), ids[..k]);
    }
    assert_eq!(schema(&conn), schema_at_nothing(&GENERATED));
    assert!(GENERATED
        .migrate(&mut conn, Target::Previous, &Options::default())
        .unwrap()
        .is_empty());
    assert_healthy(&conn);
}

#[test]
fn the_testing_stairway_accepts_this_history() {
    migrate_dsl::testing::assert_history_consistent(&GENERATED);
}
