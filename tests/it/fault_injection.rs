//! A failure at every step of a rebuild, as an error and as a panic: the
//! database is unchanged, the pragmas are restored, and a retry without the
//! fault succeeds.

use crate::common::*;
use migrate_dsl::fault::{arm, disarm, FaultAction, FaultPoint};
use migrate_dsl::{migration, ErrorKind};
use std::panic::{catch_unwind, AssertUnwindSafe};

migration! {
    static BASE;
    revision "0001" {
        create table items { id integer primary key, name text not null, qty integer }
        create index items_name on items (name);
        create index items_qty on items (qty desc);
        insert into items (id, name, qty) values (1, "a", 10), (2, "b", null), (3, "c", 30);
    }
}

migration! {
    static FULL;
    revision "0001" {
        create table items { id integer primary key, name text not null, qty integer }
        create index items_name on items (name);
        create index items_qty on items (qty desc);
        insert into items (id, name, qty) values (1, "a", 10), (2, "b", null), (3, "c", 30);
    }
    revision "0002" {
        batch alter table items recreate = always {
            alter column name drop not null;
            rename column qty to quantity;
            add column note text default ("none");
        }
    }
}

const POINTS: [FaultPoint; 9] = [
    FaultPoint::AfterCreate,
    FaultPoint::AfterCopy,
    FaultPoint::AfterDrop,
    FaultPoint::AfterRename,
    FaultPoint::AfterRecreate(0),
    FaultPoint::AfterRecreate(1),
    FaultPoint::BeforeForeignKeyCheck,
    FaultPoint::BeforeHistoryWrite,
    FaultPoint::BeforeCommit,
];

fn check_point(point: FaultPoint, action: FaultAction) {
    let db = TempDb::new();
    let mut conn = db.open();
    BASE.apply_pending(&mut conn).unwrap();
    let before = snapshot(&conn);

    arm(point, action);
    match action {
        FaultAction::Error => {
            let err = FULL.apply_pending(&mut conn).unwrap_err();
            assert!(
                matches!(err.kind(), ErrorKind::Injected(_)),
                "{point:?}: {err:?}"
            );
        }
        FaultAction::Panic => {
            let outcome = catch_unwind(AssertUnwindSafe(|| FULL.apply_pending(&mut conn)));
            assert!(outcome.is_err(), "{point:?}: the panic must propagate");
        }
    }
    disarm();

    assert!(conn.is_autocommit(), "{point:?}: transaction left open");
    assert_eq!(
        snapshot(&conn),
        before,
        "{point:?} {action:?}: database changed"
    );
    assert_healthy(&conn);
    drop(conn);

    let mut conn = db.open();
    assert_eq!(
        snapshot(&conn),
        before,
        "{point:?} {action:?}: file changed"
    );
    let report = FULL.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 1, "{point:?}: retry");
    assert_eq!(
        schema_sql(&conn, "items_qty").unwrap(),
        "CREATE INDEX \"items_qty\" ON \"items\" (\"quantity\" DESC)"
    );
    assert_healthy(&conn);
}

#[test]
fn an_error_at_every_step_leaves_the_database_unchanged() {
    for point in POINTS {
        check_point(point, FaultAction::Error);
    }
}

#[test]
fn a_panic_at_every_step_leaves_the_database_unchanged() {
    for point in POINTS {
        check_point(point, FaultAction::Panic);
    }
}
