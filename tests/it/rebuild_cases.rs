//! The cases of docs/REBUILD_CASES.md not covered elsewhere, one test per case,
//! numbered as there, on real database files. (1, 6, 8, 10, 12, 14, 15, 18,
//! 24, 26, 27, 33, 34, 36, 38, 39 and 40 have their own files: `apply.rs`,
//! `constraints.rs`, `views.rs`, `triggers.rs`, `indexes.rs`, `generated.rs`,
//! `recovery.rs`, `crash.rs`, `disk_full.rs`, `alter.rs`.)

use crate::common::*;
use migrate_dsl::rusqlite::{types::Value, Connection};
use migrate_dsl::Target;
use migrate_dsl::{migration, BoxError, ErrorKind, Options};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
        r.get(0)
    })
    .unwrap()
}

// ---------------------------------------------------------------- A. keys

migration! {
    static SET_NULL;
    revision "0001" {
        create table p { id integer primary key, name text }
        create table c { id integer primary key, pid integer references p on delete set null }
        insert into p (id, name) values (1, "one"), (2, "two");
        insert into c (id, pid) values (10, 1), (11, 2), (12, null);
    }
    revision "0002" {
        batch alter table p recreate = always { add column note text; }
    }
}

/// A2: `DROP TABLE p` with foreign keys ON would set the children's keys
/// to NULL; they keep their values and foreign keys are ON afterwards.
#[test]
fn case_02_rebuilding_a_parent_keeps_set_null_children() {
    let db = TempDb::new();
    let mut conn = db.open();
    SET_NULL
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let children = table_rows(&conn, "c");
    SET_NULL.apply_pending(&mut conn).unwrap();
    assert_eq!(table_rows(&conn, "c"), children);
    assert!(pragma(&conn, "foreign_keys"));
    assert_healthy(&conn);
}

static FOREIGN_KEYS_SEEN_BY_HOOK: AtomicI64 = AtomicI64::new(-1);

fn record_foreign_keys(conn: &Connection) -> Result<(), BoxError> {
    let on: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    FOREIGN_KEYS_SEEN_BY_HOOK.store(on, Ordering::SeqCst);
    Ok(())
}

migration! {
    static CASCADE;
    revision "0001" {
        create table p { id integer primary key, name text }
        create table c { id integer primary key, pid integer references p on delete cascade }
        insert into p (id, name) values (1, "one"), (2, "two");
        insert into c (id, pid) values (10, 1), (11, 2);
    }
    revision "0002" {
        batch alter table p recreate = always { add column note text; }
        run record_foreign_keys;
    }
}

/// A3: `defer_foreign_keys` (what a weaker tool relies on) does not stop
/// ON DELETE actions; the runtime switches foreign keys off outside the
/// transaction instead — the revision's own hook sees them off — and the
/// caller's `defer_foreign_keys` does not change that.
#[test]
fn case_03_foreign_keys_are_off_during_the_rebuild_not_merely_deferred() {
    let db = TempDb::new();
    let mut conn = db.open();
    CASCADE
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.pragma_update(None, "defer_foreign_keys", true)
        .unwrap();
    let children = table_rows(&conn, "c");
    CASCADE.apply_pending(&mut conn).unwrap();
    assert_eq!(FOREIGN_KEYS_SEEN_BY_HOOK.load(Ordering::SeqCst), 0);
    assert_eq!(table_rows(&conn, "c"), children);
    assert!(pragma(&conn, "foreign_keys"));
    assert_healthy(&conn);
}

/// A4: a caller holding a transaction with foreign keys ON: a rebuild is
/// refused before anything changes (the pragma cannot change inside a
/// transaction), and the caller's transaction and its work survive.
#[test]
fn case_04_a_rebuild_inside_a_caller_transaction_with_foreign_keys_on_is_refused() {
    let db = TempDb::new();
    let mut conn = db.open();
    CASCADE
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let before = snapshot(&conn);
    conn.execute_batch("BEGIN; INSERT INTO p (id, name) VALUES (3, 'mine')")
        .unwrap();
    let err = CASCADE.apply_pending(&mut conn).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Unfit(migrate_dsl::error::Unfit::TransactionOpen)
        ),
        "{err:?}"
    );
    assert_eq!(where_of(&err), ("0002", None, Some("p"), None));
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert!(
        !conn.is_autocommit(),
        "the caller's transaction is still open"
    );
    assert_eq!(count(&conn, "p"), 3, "the caller's own work is intact");
    conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(snapshot(&conn), before);

    // The same through `migrate` on a `&Connection` and a rusqlite
    // `Transaction`.
    let tx = conn.transaction().unwrap();
    let err = CASCADE
        .migrate(&tx, Target::Head, &Options::default())
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Unfit(migrate_dsl::error::Unfit::TransactionOpen)
        ),
        "{err:?}"
    );
    drop(tx);
    assert_eq!(snapshot(&conn), before);
}

/// A4, the other half: where it is safe — no rebuild, or foreign keys
/// switched off by the caller before the transaction — revisions run in
/// savepoints of the caller's transaction and share its fate.
#[test]
fn case_04_inside_a_caller_transaction_revisions_run_in_savepoints() {
    let db = TempDb::new();
    let mut conn = db.open();
    CASCADE
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let before = snapshot(&conn);

    conn.pragma_update(None, "foreign_keys", false).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO p (id, name) VALUES (3, 'mine')", [])
        .unwrap();
    let report = CASCADE
        .migrate(&tx, Target::Head, &Options::default())
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(count(&tx, "c"), 2);
    tx.rollback().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    assert_eq!(snapshot(&conn), before, "rolled back with the caller");

    conn.pragma_update(None, "foreign_keys", false).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO p (id, name) VALUES (3, 'mine')", [])
        .unwrap();
    CASCADE
        .migrate(&tx, Target::Head, &Options::default())
        .unwrap();
    tx.commit().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
    assert_eq!(count(&conn, "p"), 3);
    assert_eq!(count(&conn, "c"), 2);
    assert_healthy(&conn);
}

migration! {
    static PLAIN_THEN_FAILING;
    revision "0001" { create table t { id integer primary key } }
    revision "0002" { create table u { id integer primary key } }
    revision "0003" {
        create table v { id integer primary key }
        run fail_once;
    }
}

static FAIL: AtomicBool = AtomicBool::new(true);

fn fail_once(_: &Connection) -> Result<(), BoxError> {
    if FAIL.load(Ordering::SeqCst) {
        Err("not today".into())
    } else {
        Ok(())
    }
}

/// A failing revision inside a caller's transaction rolls back to its own
/// savepoint only: the caller's transaction stays open with the earlier
/// revisions and the caller's work; the caller decides.
#[test]
fn a_failure_inside_a_caller_transaction_undoes_only_that_revision() {
    let db = TempDb::new();
    let mut conn = db.open();
    FAIL.store(true, Ordering::SeqCst);
    let tx = conn.transaction().unwrap();
    tx.execute_batch("CREATE TABLE mine (x); INSERT INTO mine VALUES (1)")
        .unwrap();
    let err = PLAIN_THEN_FAILING
        .migrate(&tx, Target::Head, &Options::default())
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Hook { .. }), "{err:?}");
    assert_eq!(revision_of(&err), "0003");
    assert!(!tx.is_autocommit());
    assert_eq!(history_ids(&tx), ["0001", "0002"]);
    assert!(schema_sql(&tx, "v").is_none());
    assert_eq!(count(&tx, "mine"), 1);
    FAIL.store(false, Ordering::SeqCst);
    PLAIN_THEN_FAILING
        .migrate(&tx, Target::Head, &Options::default())
        .unwrap();
    tx.commit().unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002", "0003"]);
    assert_healthy(&conn);

    let err = PLAIN_THEN_FAILING
        .migrate(&conn, Target::Head, &Options::default().progress(|_| {}))
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Unfit(migrate_dsl::error::Unfit::ProgressInTransaction)
        ),
        "{err:?}"
    );
}

static HOOK_MODE: AtomicI64 = AtomicI64::new(0);

/// 0: succeed, 1: return an error, 2: panic.
fn after_rebuild(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("UPDATE p SET note = 'touched'", [])?;
    match HOOK_MODE.load(Ordering::SeqCst) {
        1 => Err("the data migration failed".into()),
        2 => panic!("the data migration panicked"),
        _ => Ok(()),
    }
}

migration! {
    static HOOKED;
    revision "0001" {
        create table p { id integer primary key, name text }
        create table c { id integer primary key, pid integer references p on delete cascade }
        insert into p (id, name) values (1, "one");
        insert into c (id, pid) values (10, 1);
    }
    revision "0002" {
        batch alter table p recreate = always { add column note text; }
        run after_rebuild;
    }
}

/// A5 and E35: an error or a panic after the pragmas were changed (a hook
/// after the rebuild) → Unchanged, pragmas back to what they were (both
/// settings of `legacy_alter_table`), the panic propagates, and a retry
/// after fixing the hook succeeds.
#[test]
fn case_05_and_35_a_failing_or_panicking_hook_after_a_rebuild_restores_everything() {
    for legacy in [false, true] {
        let db = TempDb::new();
        let mut conn = db.open();
        HOOKED
            .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
            .unwrap();
        conn.pragma_update(None, "legacy_alter_table", legacy)
            .unwrap();
        let before = snapshot(&conn);
        assert!(before.foreign_keys);
        assert_eq!(before.legacy_alter_table, legacy);

        HOOK_MODE.store(1, Ordering::SeqCst);
        let err = HOOKED.apply_pending(&mut conn).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Hook { hook, .. } if hook == "after_rebuild"),
            "{err:?}"
        );
        assert_eq!(revision_of(&err), "0002");
        assert_eq!(snapshot(&conn), before);

        HOOK_MODE.store(2, Ordering::SeqCst);
        let panic = catch_unwind(AssertUnwindSafe(|| HOOKED.apply_pending(&mut conn)))
            .expect_err("the panic propagates");
        assert_eq!(
            panic.downcast_ref::<&str>(),
            Some(&"the data migration panicked")
        );
        assert_eq!(snapshot(&conn), before);
        assert!(conn.is_autocommit());

        HOOK_MODE.store(0, Ordering::SeqCst);
        HOOKED.apply_pending(&mut conn).unwrap();
        assert_eq!(history_ids(&conn), ["0001", "0002"]);
        assert!(pragma(&conn, "foreign_keys"));
        assert_eq!(pragma(&conn, "legacy_alter_table"), legacy);
        assert_eq!(count(&conn, "c"), 1);
        assert_healthy(&conn);
    }
}

// ---------------------------------------------------------- A7: mismatch

migration! {
    static DROP_UNIQUE;
    revision "0001" {
        create table p { id integer primary key, code text not null, constraint p_code unique (code) }
        insert into p (id, code) values (1, "a");
    }
    revision "0002" {
        batch alter table p { drop constraint p_code; }
    }
}

/// A7: the child that relies on `p(code)` being UNIQUE was made by hand, so
/// the model cannot see it (when it can, it is a compile error: ui-tests
/// `constraints/drop_key_a_foreign_key_relies_on`). The foreign key check
/// raises "foreign key mismatch"; the revision fails naming it; Unchanged.
#[test]
fn case_07_removing_the_unique_key_a_hand_made_child_references_fails_clearly() {
    let db = TempDb::new();
    let mut conn = db.open();
    DROP_UNIQUE
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE c (id integer primary key, pcode text REFERENCES p (code)); INSERT INTO c VALUES (1, 'a')",
    )
    .unwrap();
    let before = snapshot(&conn);
    let err = DROP_UNIQUE.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Sql { source, .. } => {
            let (revision, _, table, sql) = where_of(&err);
            let sql = sql.unwrap();
            assert_eq!((revision, table), ("0002", Some("p")));
            assert!(sql.contains("foreign_key_check"), "{sql}");
            assert!(
                source.to_string().contains("foreign key mismatch"),
                "{source}"
            );
        }
        other => panic!("expected the foreign key mismatch, got {other:?}"),
    }
    assert_eq!(snapshot(&conn), before);
}

// ----------------------------------------------------------- C. indexes

migration! {
    static INDEXED;
    revision "0001" {
        create table x {
            id integer primary key,
            a text,
            b integer,
            email text unique,
            check (length(a) < 10),
        }
        create index ix_a on x (a);
        insert into x (id, a, b, email) values (1, "one", 1, "o@x"), (2, "two", 2, "t@x");
    }
    revision "0002" {
        batch alter table x recreate = always { alter column b set not null; }
    }
}

/// C17, C19, C20, D22, D23 on one rebuild: `ix_a` is Preserved and
/// belongs to `x` (created after the rename, so no "already exists"
/// collision with the old table's index); the automatic index of UNIQUE is
/// SQLite's own (SQL NULL, never recreated by us) and still enforces
/// uniqueness; the CHECK still rejects bad rows; the new definition names
/// `x`, never the temporary table.
fn rebuilt_indexed() -> (TempDb, Connection, Option<String>) {
    let db = TempDb::new();
    let mut conn = db.open();
    INDEXED
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let ix_a = schema_sql(&conn, "ix_a");
    INDEXED.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
    (db, conn, ix_a)
}

#[test]
fn case_17_an_index_on_another_column_is_preserved() {
    let (_db, conn, ix_a) = rebuilt_indexed();
    assert_eq!(schema_sql(&conn, "ix_a"), ix_a);
    assert!(ix_a.is_some());
}

#[test]
fn case_19_automatic_indexes_come_from_the_definition_and_still_enforce() {
    let (_db, conn, _) = rebuilt_indexed();
    let auto = strings(
        &conn,
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'x' AND sql IS NULL",
    );
    assert_eq!(auto, ["sqlite_autoindex_x_1"]);
    let dup = conn.execute("INSERT INTO x (a, b, email) VALUES ('dup', 3, 'o@x')", []);
    assert!(
        dup.unwrap_err()
            .to_string()
            .contains("UNIQUE constraint failed: x.email"),
        "uniqueness still enforced, under the real table's name"
    );
}

#[test]
fn case_20_indexes_are_created_after_the_rename_on_the_real_table() {
    let (_db, conn, _) = rebuilt_indexed();
    let owner: String = conn
        .query_row(
            "SELECT tbl_name FROM sqlite_schema WHERE name = 'ix_a'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(owner, "x");
    // EXPLAIN QUERY PLAN's detail is its fourth column.
    let mut stmt = conn
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM x WHERE a = 'one'")
        .unwrap();
    let details: Vec<String> = stmt
        .query_map([], |r| r.get(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(details.iter().any(|d| d.contains("ix_a")), "{details:?}");
}

#[test]
fn case_22_a_check_constraint_still_rejects_bad_rows() {
    let (_db, conn, _) = rebuilt_indexed();
    let err = conn
        .execute(
            "INSERT INTO x (a, b) VALUES ('much too long a value', 1)",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
    conn.execute("INSERT INTO x (a, b) VALUES ('short', 1)", [])
        .unwrap();
}

#[test]
fn case_23_the_new_definition_names_the_final_table() {
    let (_db, conn, _) = rebuilt_indexed();
    let sql = schema_sql(&conn, "x").unwrap();
    assert!(sql.starts_with("CREATE TABLE \"x\""), "{sql}");
    assert!(!sql.contains("_migrate_tmp_"), "{sql}");
    let anywhere = strings(
        &conn,
        "SELECT name FROM sqlite_schema WHERE sql LIKE '%\\_migrate\\_tmp\\_%' ESCAPE '\\'",
    );
    assert!(anywhere.is_empty(), "{anywhere:?}");
}

migration! {
    static DROP_USED;
    revision "0001" {
        create table x {
            id integer primary key,
            a text,
            b text,
            constraint a_short check (length(a) < 10),
        }
        create index ix_a on x (a);
        insert into x (id, a, b) values (1, "one", "kept");
    }
    revision "0002" {
        drop index ix_a;
        batch alter table x {
            drop constraint a_short;
            drop column a;
        }
    }
}

/// C21: dropping a column an index or a CHECK uses is a compile error
/// naming the object (ui-tests `batch/drop_indexed_column`,
/// `batch/drop_column_used_by_check`) — unless the same revision drops the
/// index and the same block drops the CHECK, as here; then it applies.
#[test]
fn case_21_a_column_is_dropped_together_with_the_index_and_check_using_it() {
    let db = TempDb::new();
    let mut conn = db.open();
    DROP_USED.apply_pending(&mut conn).unwrap();
    assert!(schema_sql(&conn, "ix_a").is_none());
    let sql = schema_sql(&conn, "x").unwrap();
    assert!(!sql.contains("a_short") && !sql.contains("\"a\""), "{sql}");
    assert_eq!(
        table_rows(&conn, "x"),
        [vec![
            Value::Integer(1),
            Value::Integer(1),
            Value::Text("kept".into())
        ]]
    );
    assert_healthy(&conn);
}

// ------------------------------------------------- D. the definition

migration! {
    static REORDERED;
    revision "0001" {
        create table r { id integer primary key, a text, b integer, c blob }
        insert into r (id, a, b, c) values (1, "a1", 10, b"\x0c"), (2, "a2", 20, b"\x0d");
    }
    revision "0002" {
        batch alter table r {
            drop column a;
            add column a text default ("new");
        }
    }
}

/// D29: the change moves `a` to the end (`id, b, c, a`); every value stays
/// in its named column — explicit column lists, never `SELECT *`.
#[test]
fn case_29_reordered_columns_keep_every_value_in_its_named_column() {
    let db = TempDb::new();
    let mut conn = db.open();
    REORDERED.apply_pending(&mut conn).unwrap();
    let names = strings(
        &conn,
        "SELECT name FROM pragma_table_info('r') ORDER BY cid",
    );
    assert_eq!(names, ["id", "b", "c", "a"]);
    assert_eq!(
        table_rows(&conn, "r"),
        [
            vec![
                Value::Integer(1),
                Value::Integer(1),
                Value::Integer(10),
                Value::Blob(vec![0x0c]),
                Value::Text("new".into())
            ],
            vec![
                Value::Integer(2),
                Value::Integer(2),
                Value::Integer(20),
                Value::Blob(vec![0x0d]),
                Value::Text("new".into())
            ],
        ]
    );
}

migration! {
    static RETYPED;
    revision "0001" {
        create table t { id integer primary key, v text }
        insert into t (id, v) values (1, "12"), (2, "abc"), (3, "3.5"), (4, null);
    }
    revision "0002" {
        batch alter table t { alter column v type integer; }
    }
}

/// D30: TEXT → INTEGER follows the rule the DSL documents (`type <ty>`
/// copies values as they are; INTEGER affinity converts only what converts
/// losslessly): `'12'` becomes 12, `'3.5'` becomes 3.5, `'abc'` stays text.
/// Nothing is silently lost or truncated.
#[test]
fn case_30_a_type_change_converts_only_losslessly() {
    let db = TempDb::new();
    let mut conn = db.open();
    RETYPED.apply_pending(&mut conn).unwrap();
    let mut stmt = conn
        .prepare("SELECT v, typeof(v) FROM t ORDER BY id")
        .unwrap();
    let rows: Vec<(Value, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            (Value::Integer(12), "integer".to_owned()),
            (Value::Text("abc".into()), "text".to_owned()),
            (Value::Real(3.5), "real".to_owned()),
            (Value::Null, "null".to_owned()),
        ]
    );
}

migration! {
    static MADE_UNIQUE;
    revision "0001" {
        create table u { id integer primary key, email text, team text }
        insert into u (id, email, team) values
            (1, "a@x", "red"), (2, "a@x", "red"), (3, "b@x", "red"), (4, "b@x", "blue"),
            (5, null, "red"), (6, null, "red"), (7, "a@x", "blue");
    }
    revision "0002" {
        batch alter table u { add constraint u_email_team unique (email, team); }
    }
}

/// D33 for UNIQUE: duplicates make the revision fail naming the real table,
/// the columns and how many rows violate (rows 1 and 2; NULLs are distinct
/// in SQLite's UNIQUE) — not the temporary table; Unchanged.
#[test]
fn case_33_a_new_unique_over_duplicates_names_table_columns_and_count() {
    let db = TempDb::new();
    let mut conn = db.open();
    MADE_UNIQUE
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let before = snapshot(&conn);
    let err = MADE_UNIQUE.apply_pending(&mut conn).unwrap_err();
    let message = err.to_string();
    assert!(!message.contains("_migrate_tmp_"), "{message}");
    match err.kind() {
        ErrorKind::Violation(migrate_dsl::error::Violation::ConstraintViolation {
            constraint,
            columns,
            rows,
            ..
        }) => {
            let (revision, _, table, _) = where_of(&err);
            assert_eq!(
                (revision, table, columns.as_slice(), *rows),
                (
                    "0002",
                    Some("u"),
                    &["email".to_owned(), "team".to_owned()][..],
                    2
                )
            );
            assert_eq!(constraint, "the UNIQUE constraint `u_email_team`");
        }
        other => panic!("expected ConstraintViolation, got {other:?}"),
    }
    assert_eq!(snapshot(&conn), before);
    conn.execute("DELETE FROM u WHERE id = 2", []).unwrap();
    MADE_UNIQUE.apply_pending(&mut conn).unwrap();

    // Only new keys are counted: a rebuild keeping `email text unique` (and
    // the rowid alias) checks nothing.
    let unique_checks = |m: &migrate_dsl::Migrations| match &m.revisions()[1].steps()[0] {
        migrate_dsl_core::plan::Step::Rebuild(r) => r.constraint_checks.len(),
        other => panic!("expected a rebuild, got {other:?}"),
    };
    assert_eq!(unique_checks(&MADE_UNIQUE), 1);
    assert_eq!(unique_checks(&INDEXED), 0);
}

migration! {
    static CHECKED;
    revision "0001" {
        create table k { id integer primary key, qty integer, name text }
        insert into k (id, qty, name) values (1, 5, "a"), (2, -1, "b"), (3, -7, "c"), (4, null, "d");
    }
    revision "0002" {
        batch alter table k {
            rename column qty to amount;
            add constraint amount_positive check (amount > 0);
        }
    }
}

/// D33 for CHECK: a CHECK added over rows that break it fails naming the
/// real table, the constraint and how many rows (2: NULL passes a CHECK, as
/// in SQLite); Unchanged — the column rename of the same block included.
#[test]
fn case_33_a_new_check_over_violating_rows_names_table_constraint_and_count() {
    let db = TempDb::new();
    let mut conn = db.open();
    CHECKED
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let before = snapshot(&conn);
    let err = CHECKED.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Violation(migrate_dsl::error::Violation::ConstraintViolation {
            constraint,
            columns,
            rows,
            ..
        }) => {
            assert_eq!(
                (
                    where_of(&err).2.unwrap(),
                    constraint.as_str(),
                    columns.as_slice(),
                    *rows
                ),
                (
                    "k",
                    "the CHECK `amount_positive`",
                    &["amount".to_owned()][..],
                    2
                )
            );
        }
        other => panic!("expected ConstraintViolation, got {other:?}"),
    }
    assert!(!err.to_string().contains("_migrate_tmp_"), "{err}");
    assert_eq!(snapshot(&conn), before);
    conn.execute("UPDATE k SET qty = 1 WHERE qty < 0", [])
        .unwrap();
    CHECKED.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
}

// ----------------------------------------------------------- E. history

/// E37: the history row is written in the revision's transaction. A
/// trigger that makes the history write fail shows it: the rebuild before
/// it is rolled back with it; Unchanged; nothing half-recorded.
#[test]
fn case_37_a_failing_history_write_undoes_the_revision() {
    let db = TempDb::new();
    let mut conn = db.open();
    INDEXED
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_more BEFORE INSERT ON _migrate_history BEGIN SELECT RAISE(ABORT, 'history is read-only today'); END",
    )
    .unwrap();
    let before = snapshot(&conn);
    let err = INDEXED.apply_pending(&mut conn).unwrap_err();
    assert!(
        err.to_string().contains("history is read-only today"),
        "{err}"
    );
    assert_eq!(snapshot(&conn), before);
    conn.execute_batch("DROP TRIGGER no_more").unwrap();
    INDEXED.apply_pending(&mut conn).unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
    assert_healthy(&conn);
}

migration! {
    static RECOLLATED;
    revision "0001" {
        create table tags { id integer primary key, name text unique }
        insert into tags (id, name) values (1, "rust"), (2, "Rust"), (3, "sql");
    }
    revision "0002" {
        batch alter table tags { alter column name set collate nocase; }
    }
}

/// Case 33 with the block's own collation change: `rust` and `Rust` are
/// distinct under BINARY but duplicates under NOCASE. The pre-check counts
/// them under the new collation and names the real table, never the
/// temporary one's.
#[test]
fn case_33_a_unique_broken_by_the_blocks_own_collation_change_is_counted() {
    let db = TempDb::new();
    let mut conn = db.open();
    RECOLLATED
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let before = snapshot(&conn);
    let err = RECOLLATED.apply_pending(&mut conn).unwrap_err();
    assert!(!err.to_string().contains("_migrate_tmp_"), "{err}");
    match err.kind() {
        ErrorKind::Violation(migrate_dsl::error::Violation::ConstraintViolation {
            columns,
            rows,
            ..
        }) => assert_eq!(
            (where_of(&err).2.unwrap(), columns.as_slice(), *rows),
            ("tags", &["name".to_owned()][..], 2)
        ),
        other => panic!("expected ConstraintViolation, got {other:?}"),
    }
    assert_eq!(snapshot(&conn), before);
    conn.execute("DELETE FROM tags WHERE id = 2", []).unwrap();
    RECOLLATED.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
}

migration! {
    static CONVERTED;
    revision "0001" {
        create table t {
            id integer primary key,
            v text check (typeof(v) <> "integer"),
            code text unique,
        }
        insert into t (id, v, code) values (1, "x10", "1"), (2, "7", "2"), (3, "abc", "01");
    }
    revision "0002" {
        batch alter table t { alter column v type integer; }
    }
    revision "0003" {
        batch alter table t { alter column code type integer; }
    }
}

/// Case 33 with the block's own type change: the copy converts `'7'` to 7,
/// which breaks `typeof(v) <> 'integer'`, and `'01'` to 1, which
/// duplicates `'1'`. The pre-checks cannot count converted values in
/// advance, so the copy's failure is explained on the real table: the
/// constraint, its columns and how many rows — never the temporary table's
/// name. Unchanged.
#[test]
fn case_33_constraints_broken_by_the_blocks_own_type_change_name_the_real_table() {
    let db = TempDb::new();
    let mut conn = db.open();
    CONVERTED
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    let violation = |conn: &mut migrate_dsl::rusqlite::Connection| {
        let before = snapshot(conn);
        let err = CONVERTED.apply_pending(&mut *conn).unwrap_err();
        assert!(!err.to_string().contains("_migrate_tmp_"), "{err}");
        assert_eq!(snapshot(conn), before);
        assert!(temp_tables(conn).is_empty());
        match err.kind() {
            ErrorKind::Violation(migrate_dsl::error::Violation::ConstraintViolation {
                constraint,
                columns,
                rows,
                ..
            }) => (
                where_of(&err).2.unwrap().to_owned(),
                constraint.clone(),
                columns.clone(),
                *rows,
            ),
            other => panic!("expected ConstraintViolation, got {other:?}"),
        }
    };
    let (table, constraint, columns, rows) = violation(&mut conn);
    assert_eq!(
        (table.as_str(), columns.as_slice(), rows),
        ("t", &["v".to_owned()][..], 1)
    );
    assert!(
        constraint.starts_with("the CHECK on column `v`"),
        "{constraint}"
    );
    conn.execute("UPDATE t SET v = 'seven' WHERE id = 2", [])
        .unwrap();
    CONVERTED
        .migrate(&mut conn, Target::UpTo("0002"), &Options::default())
        .unwrap();
    let (table, constraint, columns, rows) = violation(&mut conn);
    assert_eq!(
        (table.as_str(), columns.as_slice(), rows),
        ("t", &["code".to_owned()][..], 2)
    );
    assert!(
        constraint.starts_with("the UNIQUE constraint"),
        "{constraint}"
    );
    conn.execute("DELETE FROM t WHERE id = 3", []).unwrap();
    CONVERTED.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
}
