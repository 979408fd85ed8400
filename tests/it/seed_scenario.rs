//! The failure this project exists to make impossible (seed 000): a data
//! migration fails after a batch block, and with Alembic the temporary table
//! survives so every retry fails. Here the revision rolls back entirely,
//! nothing is left behind, and the retry after the fix succeeds.

use crate::common::*;
use migrate_dsl::rusqlite::{types::Value, Connection};
use migrate_dsl::{migration, BoxError, ErrorKind};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[derive(Clone, Copy, PartialEq)]
enum Hook {
    Fails,
    Panics,
    Fixed,
}

thread_local! {
    // Tests run on separate threads; the hook runs on the caller's thread.
    static HOOK: Cell<Hook> = const { Cell::new(Hook::Fixed) };
}

/// The data migration: it writes through the rebuilt table (proving the
/// rebuild happened), then fails, panics, or succeeds.
fn data_migration(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("INSERT INTO foo (foo_id, bar) VALUES (4, NULL)", [])?;
    match HOOK.with(Cell::get) {
        Hook::Fails => Err("an exception is raised during the data migration".into()),
        Hook::Panics => panic!("the data migration panicked"),
        Hook::Fixed => Ok(()),
    }
}

migration! {
    /// Revision 1 alone: the database as it is before the failing upgrade.
    static V1;

    revision "0001_create_foo" {
        create table foo {
            foo_id integer primary key,
            bar varchar(512) not null,
        }
        insert into foo (foo_id, bar) values (1, "one"), (2, "two"), (3, "three");
    }
}

migration! {
    /// The whole history: revision 2 makes `bar` nullable, then runs the hook.
    static SEED;

    revision "0001_create_foo" {
        create table foo {
            foo_id integer primary key,
            bar varchar(512) not null,
        }
        insert into foo (foo_id, bar) values (1, "one"), (2, "two"), (3, "three");
    }

    revision "0002_relax_bar" {
        batch alter table foo {
            alter column bar drop not null;
        }
        run data_migration;
    }
}

fn at_revision_1() -> (TempDb, migrate_dsl::rusqlite::Connection) {
    let db = TempDb::new();
    let mut conn = db.open();
    V1.apply_pending(&mut conn).unwrap();
    (db, conn)
}

fn assert_retry_succeeds(conn: &mut migrate_dsl::rusqlite::Connection) {
    HOOK.with(|h| h.set(Hook::Fixed));
    let report = SEED.apply_pending(&mut *conn).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(report.applied[0].id, "0002_relax_bar");
    assert_eq!(history_ids(conn), ["0001_create_foo", "0002_relax_bar"]);
    assert_eq!(
        schema_sql(conn, "foo").unwrap(),
        "CREATE TABLE \"foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" varchar(512))"
    );
    assert_eq!(
        table_rows(conn, "foo"),
        [
            vec![
                Value::Integer(1),
                Value::Integer(1),
                Value::Text("one".into())
            ],
            vec![
                Value::Integer(2),
                Value::Integer(2),
                Value::Text("two".into())
            ],
            vec![
                Value::Integer(3),
                Value::Integer(3),
                Value::Text("three".into())
            ],
            vec![Value::Integer(4), Value::Integer(4), Value::Null],
        ]
    );
    assert!(pragma(conn, "foreign_keys"), "foreign keys back on");
    assert_healthy(conn);
}

#[test]
fn failing_hook_leaves_the_database_exactly_as_before_and_retry_succeeds() {
    let (db, mut conn) = at_revision_1();
    let before = snapshot(&conn);

    HOOK.with(|h| h.set(Hook::Fails));
    let err = SEED.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Hook { hook, .. } => {
            assert_eq!(revision_of(&err), "0002_relax_bar");
            assert_eq!(hook, "data_migration");
        }
        other => panic!("expected a hook error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("0002_relax_bar") && message.contains("data_migration"),
        "{message}"
    );
    assert!(
        message.contains("an exception is raised during the data migration"),
        "{message}"
    );

    assert_eq!(snapshot(&conn), before);
    assert_eq!(history_ids(&conn), ["0001_create_foo"]);
    assert_healthy(&conn);

    // A fresh connection to the file sees the same: nothing half-done on disk.
    drop(conn);
    let mut conn = db.open();
    assert_eq!(snapshot(&conn), before);
    assert_healthy(&conn);

    assert_retry_succeeds(&mut conn);
}

#[test]
fn panicking_hook_cleans_up_propagates_and_leaves_the_connection_usable() {
    let (db, mut conn) = at_revision_1();
    let before = snapshot(&conn);

    HOOK.with(|h| h.set(Hook::Panics));
    let outcome = catch_unwind(AssertUnwindSafe(|| SEED.apply_pending(&mut conn)));
    let payload = outcome.expect_err("the panic must propagate, not be swallowed");
    let text = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(text, "the data migration panicked");

    // Cleanup ran during unwinding: same schema, rows, history and pragmas.
    assert!(conn.is_autocommit(), "no transaction left open");
    assert_eq!(snapshot(&conn), before);
    assert_eq!(history_ids(&conn), ["0001_create_foo"]);
    assert_healthy(&conn);

    // The same connection is still usable, and the fixed hook applies.
    assert_retry_succeeds(&mut conn);
    drop(conn);
    let conn = db.open();
    assert_healthy(&conn);
}

#[test]
fn retry_after_failure_on_a_fresh_process_view_of_the_file() {
    // Alembic's bug: the retry fails with "table _alembic_tmp_foo already
    // exists". Fail twice in a row, then succeed: every attempt starts clean.
    let (db, mut conn) = at_revision_1();
    HOOK.with(|h| h.set(Hook::Fails));
    for _ in 0..2 {
        let err = SEED.apply_pending(&mut conn).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Hook { .. }), "{err}");
        assert_eq!(temp_tables(&conn), Vec::<String>::new());
    }
    drop(conn);
    let mut conn = db.open();
    assert_retry_succeeds(&mut conn);
}
