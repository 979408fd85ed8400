//! Views made outside the history survive rebuilds, or the rebuild refuses
//! to break them (docs/REBUILD_CASES.md, cases 10, 12).

use crate::common::*;
use migrate_dsl::{migration, ErrorKind};

migration! {
    static BASE;
    revision "0001" {
        create table x { id integer primary key, a text, b text }
        insert into x (id, a, b) values (1, "a1", "b1"), (2, "a2", "b2");
    }
}

migration! {
    static ADD_COLUMN;
    revision "0001" {
        create table x { id integer primary key, a text, b text }
        insert into x (id, a, b) values (1, "a1", "b1"), (2, "a2", "b2");
    }
    revision "0002" {
        batch alter table x recreate = always { add column c text default ("c"); }
    }
}

migration! {
    static DROP_B;
    revision "0001" {
        create table x { id integer primary key, a text, b text }
        insert into x (id, a, b) values (1, "a1", "b1"), (2, "a2", "b2");
    }
    revision "0002" {
        batch alter table x recreate = always { drop column b; }
    }
}

#[test]
fn case_b10_a_view_over_the_table_is_preserved_and_works() {
    let db = TempDb::new();
    let mut conn = db.open();
    BASE.apply_pending(&mut conn).unwrap();
    conn.execute_batch("CREATE VIEW v AS SELECT id, a FROM x")
        .unwrap();
    ADD_COLUMN.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "v").unwrap(),
        "CREATE VIEW v AS SELECT id, a FROM x"
    );
    let n: i64 = conn
        .query_row("SELECT count(*) FROM v", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    assert_healthy(&conn);
}

#[test]
fn case_b12_a_view_using_a_dropped_column_fails_naming_the_view() {
    let db = TempDb::new();
    let mut conn = db.open();
    BASE.apply_pending(&mut conn).unwrap();
    conn.execute_batch("CREATE VIEW uses_b AS SELECT id, b FROM x")
        .unwrap();
    let before = snapshot(&conn);
    let err = DROP_B.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Broken(migrate_dsl::error::Broken::BrokenView { view, .. }) => {
            let (revision, _, table, _) = where_of(&err);
            assert_eq!(
                (revision, table, view.as_str()),
                ("0002", Some("x"), "uses_b")
            );
        }
        other => panic!("expected BrokenView, got {other:?}"),
    }
    assert!(err.to_string().contains("no such column: b"), "{err}");
    assert_eq!(snapshot(&conn), before);
    assert_healthy(&conn);
}

migration! {
    static WITH_VIEWS;
    revision "0001" {
        create table x { id integer primary key, a text, b text }
        create table log { what text }
        create view ab as "SELECT id, a, b AS bee FROM x";
        create view only_a as "SELECT a FROM ab WHERE bee IS NOT NULL";
        create trigger ab_insert instead of insert on ab
            as "INSERT INTO x (id, a, b) VALUES (new.id, new.a, new.bee); INSERT INTO log (what) VALUES ('via view');";
        insert into x (id, a, b) values (1, "a1", "b1"), (2, "a2", null);
    }
    revision "0002" {
        batch alter table x recreate = always { add column c text default ("c"); }
        replace view ab as "SELECT id, a, b AS bee, c FROM x";
    }
}

#[test]
fn views_and_instead_of_triggers_written_in_the_history_work_after_a_rebuild() {
    let db = TempDb::new();
    let mut conn = db.open();
    WITH_VIEWS.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "ab").unwrap(),
        "CREATE VIEW \"ab\" AS SELECT id, a, b AS bee, c FROM x"
    );
    conn.execute("INSERT INTO ab (id, a, bee) VALUES (3, 'a3', 'b3')", [])
        .unwrap();
    assert_eq!(
        strings(&conn, "SELECT a FROM only_a ORDER BY a"),
        ["a1", "a3"]
    );
    let logged: i64 = conn
        .query_row("SELECT count(*) FROM log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, 1, "the INSTEAD OF trigger survived the replace");
    assert_healthy(&conn);
}
