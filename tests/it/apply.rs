//! The run-time contract of `apply_pending` on real database files.

use crate::common::*;
use migrate_dsl::rusqlite::types::Value;
use migrate_dsl::Target;
use migrate_dsl::{migration, Drift, ErrorKind, Options};

migration! {
    static TWO;
    revision "0001" {
        create table items { id integer primary key, name text not null }
        create unique index items_name on items (name);
        insert into items (id, name) values (1, "a"), (2, "b");
    }
    revision "0002" {
        batch alter table items recreate = always {
            add column qty integer not null default 0;
            rename column name to label;
        }
    }
}

migration! {
    static ONE;
    revision "0001" {
        create table items { id integer primary key, name text not null }
        create unique index items_name on items (name);
        insert into items (id, name) values (1, "a"), (2, "b");
    }
}

migration! {
    static ONE_EDITED;
    revision "0001" {
        create table items { id integer primary key, name text not null }
        create unique index items_name on items (name);
        insert into items (id, name) values (1, "a"), (2, "B");
    }
}

migration! {
    static ONE_REFORMATTED;
    revision "0001" {
        create table items {
            id    integer   primary key ,
            name  text not null
        }
        create unique index items_name on items ( name ) ;
        insert into items (id, name)
            values (1, "a"),
                   (2, "b");
    }
}

#[test]
fn applies_pending_revisions_once_and_records_them() {
    let db = TempDb::new();
    let mut conn = db.open();
    let report = TWO.apply_pending(&mut conn).unwrap();
    let ids: Vec<&str> = report.applied.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["0001", "0002"]);
    assert!(
        report.to_string().starts_with("applied 2 revision(s)"),
        "{report}"
    );

    let again = TWO.apply_pending(&mut conn).unwrap();
    assert!(again.applied.is_empty());
    assert_eq!(
        again.to_string(),
        "nothing to apply; the database is up to date"
    );

    let rows = TWO.status(&conn).unwrap().applied;
    assert_eq!(rows.len(), 2);
    for ((row, rev), applied) in rows.iter().zip(TWO.revisions()).zip(&report.applied) {
        assert_eq!(row.id, rev.id());
        assert_eq!(row.checksum, rev.checksum());
        assert_eq!(row.checksum.len(), 64);
        assert!(row.applied_at.ends_with('Z'), "{}", row.applied_at);
        // The report's duration, stored in whole milliseconds.
        assert_eq!(row.duration.as_millis(), applied.duration.as_millis());
    }
    assert_eq!(
        schema_sql(&conn, "items").unwrap(),
        "CREATE TABLE \"items\" (\"id\" integer PRIMARY KEY, \"label\" text NOT NULL, \"qty\" integer DEFAULT (0) NOT NULL)"
    );
    // The index followed the renamed column and is still unique.
    assert_eq!(
        schema_sql(&conn, "items_name").unwrap(),
        "CREATE UNIQUE INDEX \"items_name\" ON \"items\" (\"label\")"
    );
    assert!(conn
        .execute("INSERT INTO items (id, label) VALUES (3, 'a')", [])
        .is_err());
    assert_healthy(&conn);
}

#[test]
fn upgrading_a_database_applies_only_the_new_revision() {
    let db = TempDb::new();
    let mut conn = db.open();
    ONE.apply_pending(&mut conn).unwrap();
    let report = TWO.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(report.applied[0].id, "0002");
    assert_eq!(
        table_rows(&conn, "items"),
        [
            vec![
                Value::Integer(1),
                Value::Integer(1),
                Value::Text("a".into()),
                Value::Integer(0)
            ],
            vec![
                Value::Integer(2),
                Value::Integer(2),
                Value::Text("b".into()),
                Value::Integer(0)
            ],
        ]
    );
}

#[test]
fn an_edited_applied_revision_is_refused_unless_verification_is_off() {
    let db = TempDb::new();
    let mut conn = db.open();
    ONE.apply_pending(&mut conn).unwrap();
    let before = snapshot(&conn);
    let err = ONE_EDITED.apply_pending(&mut conn).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::History(migrate_dsl::error::HistoryMismatch::ChecksumMismatch { .. })
        ),
        "{err:?}"
    );
    assert_eq!(revision_of(&err), "0001");
    // What to do: undo the edit, or switch the comparison off knowingly.
    let message = err.to_string();
    assert!(
        message.contains("it was edited after it was applied")
            && message.contains("Undo the edit and make the change in a new revision")
            && message.contains("Options::verify_checksums(false)"),
        "{message}"
    );
    assert_eq!(snapshot(&conn), before);
    let off = Options::default().verify_checksums(false);
    assert!(ONE_EDITED
        .migrate(&mut conn, Target::Head, &off)
        .unwrap()
        .applied
        .is_empty());
}

#[test]
fn reformatting_a_revision_does_not_change_its_checksum() {
    assert_eq!(
        ONE.revisions()[0].checksum(),
        ONE_REFORMATTED.revisions()[0].checksum()
    );
    assert_ne!(
        ONE.revisions()[0].checksum(),
        ONE_EDITED.revisions()[0].checksum()
    );
}

#[test]
fn a_database_ahead_of_the_program_is_refused() {
    let db = TempDb::new();
    let mut conn = db.open();
    TWO.apply_pending(&mut conn).unwrap();
    let err = ONE.apply_pending(&mut conn).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::History(migrate_dsl::error::HistoryMismatch::UnknownRevision { revision , .. }) if revision == "0002"),
        "{err:?}"
    );
}

#[test]
fn a_rebuild_inside_a_caller_transaction_with_foreign_keys_on_is_refused() {
    let db = TempDb::new();
    let mut conn = db.open();
    ONE.apply_pending(&mut conn).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    let err = TWO.apply_pending(&mut conn).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Unfit(migrate_dsl::error::Unfit::TransactionOpen)
        ),
        "{err:?}"
    );
    assert_eq!(where_of(&err), ("0002", None, Some("items"), None));
    conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(history_ids(&conn), ["0001"]);
}

#[test]
fn the_busy_timeout_of_the_connection_is_restored() {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.busy_timeout(std::time::Duration::from_millis(1234))
        .unwrap();
    TWO.apply_pending(&mut conn).unwrap();
    let ms: i64 = conn
        .pragma_query_value(None, "busy_timeout", |r| r.get(0))
        .unwrap();
    assert_eq!(ms, 1234);
}

migration! {
    static FAMILY;
    revision "0001" {
        create table parent { id integer primary key, name text }
        create table child { id integer primary key, pid integer }
        insert into parent (id, name) values (1, "p1"), (2, "p2");
    }
    revision "0002" {
        batch alter table parent recreate = always { add column note text; }
    }
}

/// docs/REBUILD_CASES.md, case 1: with foreign keys ON, `DROP TABLE parent` inside a
/// transaction would run the child's ON DELETE CASCADE. The child table is
/// created by hand here because foreign keys are not in this DSL subset yet.
#[test]
fn case_a1_rebuilding_a_parent_keeps_cascading_children() {
    let db = TempDb::new();
    let mut conn = db.open();
    assert!(
        pragma(&conn, "foreign_keys"),
        "rusqlite's bundled SQLite defaults to ON"
    );
    conn.execute_batch(
        "CREATE TABLE parent (id integer primary key, name text);
         CREATE TABLE child (id integer primary key, pid integer REFERENCES parent(id) ON DELETE CASCADE);
         INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');
         INSERT INTO child VALUES (10, 1), (11, 2);",
    )
    .unwrap();
    // Record revision 1 as applied with its real checksum.
    conn.execute_batch(
        "CREATE TABLE _migrate_history (id TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL)",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO _migrate_history VALUES ('0001', ?1, '2026-01-01T00:00:00Z', 0)",
        [FAMILY.revisions()[0].checksum()],
    )
    .unwrap();
    FAMILY.apply_pending(&mut conn).unwrap();
    assert_eq!(
        table_rows(&conn, "child"),
        [
            vec![Value::Integer(10), Value::Integer(10), Value::Integer(1)],
            vec![Value::Integer(11), Value::Integer(11), Value::Integer(2)],
        ]
    );
    assert!(pragma(&conn, "foreign_keys"), "foreign keys back ON");
    assert_healthy(&conn);
}

migration! {
    static STRICTER;
    revision "0001" {
        create table foo { id integer primary key, bar text }
        insert into foo (id, bar) values (1, "x"), (2, null), (3, null);
    }
    revision "0002" {
        batch alter table foo { alter column bar set not null; }
    }
}

/// docs/REBUILD_CASES.md, case 33: the error names the real table, the column and the
/// number of violating rows, not the temporary table.
#[test]
fn case_33_set_not_null_over_nulls_names_table_column_and_count() {
    let db = TempDb::new();
    let mut conn = db.open();
    let err = STRICTER.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Violation(migrate_dsl::error::Violation::NotNullViolation {
            column,
            rows,
            ..
        }) => {
            let (revision, _, table, _) = where_of(&err);
            assert_eq!(
                (revision, table, column.as_str(), *rows),
                ("0002", Some("foo"), "bar", 2)
            );
        }
        other => panic!("expected NotNullViolation, got {other:?}"),
    }
    assert!(!err.to_string().contains("_migrate_tmp"), "{err}");
    // Revision 1 stays applied; revision 2 left nothing behind.
    assert_eq!(history_ids(&conn), ["0001"]);
    assert_eq!(
        schema_sql(&conn, "foo").unwrap(),
        "CREATE TABLE \"foo\" (\"id\" integer PRIMARY KEY, \"bar\" text)"
    );
    assert_healthy(&conn);
}

/// An index made by hand on a table the history rebuilds would be dropped
/// silently by `DROP TABLE`; the rebuild refuses instead.
#[test]
fn an_unknown_index_on_a_rebuilt_table_is_refused() {
    let db = TempDb::new();
    let mut conn = db.open();
    ONE.apply_pending(&mut conn).unwrap();
    conn.execute_batch("CREATE INDEX by_hand ON items (name DESC)")
        .unwrap();
    let before = snapshot(&conn);
    let err = TWO.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Drift { drift, .. } => {
            let (revision, _, table, _) = where_of(&err);
            assert_eq!(revision, "0002");
            assert_eq!(table, Some("items"));
            assert_eq!(
                drift,
                &[Drift::Unexpected {
                    kind: migrate_dsl::report::ObjectKind::Index,
                    name: "by_hand".into(),
                    actual: "CREATE INDEX by_hand ON items (name DESC)".into(),
                }]
            );
        }
        other => panic!("expected Drift, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("unexpected index `by_hand`"), "{message}");
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(snapshot(&conn), before);
}

migration! {
    static QUOTED;
    revision "0001" {
        create table "order details" {
            "select" text not null,
            "a\"b" integer default (-1),
            "group" text check ("group" != ""),
        }
        insert into "order details" ("select", "a\"b", "group") values ("it's", 7, "g");
    }
    revision "0002" {
        batch alter table "order details" recreate = always {
            rename column "a\"b" to "c d";
            add column "where" text default ("x");
        }
    }
}

/// docs/REBUILD_CASES.md, case 40: names that need quoting round-trip exactly.
#[test]
fn case_40_names_that_need_quoting_round_trip() {
    let db = TempDb::new();
    let mut conn = db.open();
    QUOTED.apply_pending(&mut conn).unwrap();
    let (a, b, c, d): (String, i64, String, String) = conn
        .query_row(
            "SELECT \"select\", \"c d\", \"group\", \"where\" FROM \"order details\"",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (a.as_str(), b, c.as_str(), d.as_str()),
        ("it's", 7, "g", "x")
    );
    assert_healthy(&conn);
}

migration! {
    static NO_KEY;
    revision "0001" {
        create table log { msg text, level integer }
        insert into log (msg, level) values ("a", 1), ("b", 2), ("c", 3);
    }
    revision "0002" {
        batch alter table log recreate = always { drop column level; }
    }
}

migration! {
    static NO_KEY_1;
    revision "0001" {
        create table log { msg text, level integer }
        insert into log (msg, level) values ("a", 1), ("b", 2), ("c", 3);
    }
}

/// A table without an `integer primary key` keeps its rowids through a
/// rebuild (FTS content tables and caches rely on them).
#[test]
fn rowids_survive_a_rebuild_of_a_table_without_integer_key() {
    let db = TempDb::new();
    let mut conn = db.open();
    // Apply 0001, punch a hole in the rowids, then rebuild.
    NO_KEY_1.apply_pending(&mut conn).unwrap();
    conn.execute("DELETE FROM log WHERE msg = 'b'", []).unwrap();
    NO_KEY.apply_pending(&mut conn).unwrap();
    assert_eq!(
        table_rows(&conn, "log"),
        [
            vec![Value::Integer(1), Value::Text("a".into())],
            vec![Value::Integer(3), Value::Text("c".into())],
        ]
    );
}

migration! {
    static HALFWAY;
    revision "0001" {
        create table t { id integer primary key }
    }
    revision "0002" {
        insert into t (id) values (1);
        insert into t (id) values (1);
    }
}

/// A failing revision does not undo the revisions before it, and its own
/// earlier statements are rolled back with it.
#[test]
fn a_failing_statement_names_revision_operation_table_and_sql() {
    let db = TempDb::new();
    let mut conn = db.open();
    let err = HALFWAY.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Sql { .. } => {
            assert_eq!(
                where_of(&err),
                (
                    "0002",
                    Some("insert into t (id) values (1);"),
                    Some("t"),
                    Some("INSERT INTO \"t\" (\"id\") VALUES (1)")
                )
            );
        }
        other => panic!("expected Sql, got {other:?}"),
    }
    assert!(
        err.to_string().contains("UNIQUE constraint failed"),
        "{err}"
    );
    assert_eq!(history_ids(&conn), ["0001"]);
    assert!(table_rows(&conn, "t").is_empty());
}

fn delete_parent_one(
    conn: &migrate_dsl::rusqlite::Connection,
) -> Result<(), migrate_dsl::BoxError> {
    conn.execute("DELETE FROM parent WHERE id = 1", [])?;
    Ok(())
}

migration! {
    static ORPHANING;
    revision "0001" {
        create table parent { id integer primary key, name text }
        create table child { id integer primary key, pid integer }
        insert into parent (id, name) values (1, "p1"), (2, "p2");
    }
    revision "0002" {
        run delete_parent_one;
        batch alter table parent recreate = always { add column note text; }
    }
}

/// docs/REBUILD_CASES.md, case 6: a row of *another* table left pointing at a missing
/// parent is found only by checking that table; the rebuild checks every
/// table referencing the rebuilt one, fails listing the violation, and the
/// revision (hook included) is rolled back.
#[test]
fn case_a6_a_child_left_dangling_fails_the_revision() {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.execute_batch(
        "CREATE TABLE parent (id integer primary key, name text);
         CREATE TABLE child (id integer primary key, pid integer REFERENCES parent(id));
         INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');
         INSERT INTO child VALUES (10, 1), (11, 2);
         CREATE TABLE _migrate_history (id TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL);",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO _migrate_history VALUES ('0001', ?1, '2026-01-01T00:00:00Z', 0)",
        [ORPHANING.revisions()[0].checksum()],
    )
    .unwrap();
    let before = snapshot(&conn);
    let err = ORPHANING.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Violation(migrate_dsl::error::Violation::ForeignKeyViolation {
            violations,
            ..
        }) => {
            let (revision, _, table, _) = where_of(&err);
            assert_eq!((revision, table), ("0002", Some("parent")));
            let found: Vec<_> = violations
                .iter()
                .map(|v| (v.table.as_str(), v.rowid, v.parent.as_str()))
                .collect();
            assert_eq!(found, [("child", Some(10), "parent")]);
        }
        other => panic!("expected ForeignKeyViolation, got {other:?}"),
    }
    assert!(err.to_string().contains("row 10 of `child`"), "{err}");
    assert_eq!(snapshot(&conn), before);
    assert_healthy(&conn);
}

migration! {
    /// TWO with a revision inserted before the applied 0002.
    static TWO_WITH_INSERTED;
    revision "0001" {
        create table items { id integer primary key, name text not null }
        create unique index items_name on items (name);
        insert into items (id, name) values (1, "a"), (2, "b");
    }
    revision "0001b" {
        create table notes { id integer primary key }
    }
    revision "0002" {
        batch alter table items recreate = always {
            add column qty integer not null default 0;
            rename column name to label;
        }
    }
}

/// A revision applied while an earlier one is not (a history edited to
/// insert a revision before applied ones, or a history row deleted by
/// hand) is refused before anything runs.
#[test]
fn a_gap_in_the_applied_revisions_is_refused() {
    let db = TempDb::new();
    let mut conn = db.open();
    TWO.apply_pending(&mut conn).unwrap();
    let before = snapshot(&conn);
    let err = TWO_WITH_INSERTED.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::History(migrate_dsl::error::HistoryMismatch::OutOfOrder {
            missing,
            later,
            ..
        }) => {
            assert_eq!((missing.as_str(), later.as_str()), ("0001b", "0002"));
        }
        other => panic!("expected OutOfOrder, got {other:?}"),
    }
    assert_eq!(snapshot(&conn), before);
    assert!(!TWO_WITH_INSERTED.is_up_to_date(&conn).unwrap());
    assert_eq!(TWO_WITH_INSERTED.status(&conn).unwrap().pending, ["0001b"]);

    // A row written without its digest (as an offline script writes
    // them) makes a run read the history whole: a gap left by hand is
    // found.
    conn.execute("DELETE FROM _migrate_history WHERE id = '0002'", [])
        .unwrap();
    conn.execute("DELETE FROM _migrate_history WHERE id = '0001'", [])
        .unwrap();
    conn.execute(
        "INSERT INTO _migrate_history (id, checksum, applied_at, duration_ms) VALUES ('0002', ?1, 'then', 0)",
        [TWO.revisions()[1].checksum()],
    )
    .unwrap();
    let err = TWO.apply_pending(&mut conn).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::History(migrate_dsl::error::HistoryMismatch::OutOfOrder { .. })
        ),
        "{err:#?}"
    );
}

#[test]
fn errors_print_their_message_from_main() {
    let db = TempDb::new();
    let mut conn = db.open();
    let err = TWO
        .migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0009"),
            &Default::default(),
        )
        .unwrap_err();
    // `fn main() -> Result<(), Box<dyn Error>>` prints `Debug`.
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    let shown = format!("{boxed:?}");
    assert_eq!(shown, boxed.to_string());
    assert!(shown.contains("0009"), "{shown}");
    assert!(!shown.contains("UnknownTarget"), "{shown}");
    let err = TWO
        .migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0009"),
            &Default::default(),
        )
        .unwrap_err();
    assert!(format!("{err:#?}").contains("UnknownTarget"), "{err:#?}");
    // A caller's own SQL converts with `?`.
    fn own_sql(conn: &migrate_dsl::rusqlite::Connection) -> Result<(), migrate_dsl::Error> {
        conn.execute("SELEKT 1", [])?;
        Ok(())
    }
    let err = own_sql(&conn).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Sql { .. }), "{err:#?}");
    assert!(err.context().is_none());
    assert!(format!("{err:?}").contains("syntax error"), "{err:?}");
}

/// A database whose tables were made another way (here: the history's own
/// first revision, then its history table dropped) is not migrated from
/// nothing: `apply_pending` and `check` both say to stamp it, naming the
/// revision whose schema it has, and change nothing.
#[test]
fn a_database_with_tables_but_no_history_is_told_to_stamp() {
    migration! {
        static TWO;
        revision "0001_users" { create table users { id integer primary key, email text } }
        revision "0002_posts" { create table posts { id integer primary key, title text } }
    }
    let db = TempDb::new();
    let mut conn = db.open();
    TWO.migrate(&mut conn, Target::UpTo("0001_users"), &Options::default())
        .unwrap();
    conn.execute_batch("DROP TABLE _migrate_history").unwrap();
    // The tables and their rows; the history table may be made (empty).
    let tables = |conn: &migrate_dsl::rusqlite::Connection| {
        let mut s = snapshot(conn);
        s.rows.retain(|t, _| t != "_migrate_history");
        s.schema
            .retain(|(_, _, table, _)| table != "_migrate_history");
        s
    };
    let before = tables(&conn);
    for err in [
        TWO.apply_pending(&mut conn).unwrap_err(),
        TWO.check(&conn).unwrap_err(),
    ] {
        assert!(
            matches!(err.kind(), ErrorKind::NotStamped { matches: Some(m), .. } if m == "0001_users"),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("tables (`users`)"), "{message}");
        assert!(
            message.contains(r#"MIGRATIONS.stamp(&mut conn, Some("0001_users"))"#)
                && message.contains("`stamp 0001_users`"),
            "{message}"
        );
        assert!(!message.contains("already exists"), "{message}");
        assert_eq!(tables(&conn), before);
    }
    // A schema that is no revision's: stamp the right one, or adopt it.
    conn.execute_batch("CREATE TABLE extra (x)").unwrap();
    let message = TWO.apply_pending(&mut conn).unwrap_err().to_string();
    assert!(message.contains("`dump`"), "{message}");
    // Stamped, it goes on.
    conn.execute_batch("DROP TABLE extra").unwrap();
    TWO.stamp(&mut conn, Some("0001_users")).unwrap();
    TWO.apply_pending(&mut conn).unwrap();
    assert!(TWO.check(&conn).unwrap().is_empty());
}
