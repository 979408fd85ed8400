//! Triggers written in the history survive rebuilds of their table and keep
//! firing, without firing for the copied rows (docs/REBUILD_CASES.md, cases 14, 15).

use crate::common::*;
use migrate_dsl::migration;

migration! {
    static AUDITED;
    revision "0001" {
        create table x { id integer primary key, a text }
        create table audit { x_id integer, what text }
        create trigger x_insert after insert on x
            as "INSERT INTO audit (x_id, what) VALUES (new.id, 'insert')";
        create trigger x_update after update of a on x when "new.a IS DISTINCT FROM old.a"
            as "INSERT INTO audit (x_id, what) VALUES (new.id, 'update: ' || old.a || ' -> ' || new.a);";
        insert into x (id, a) values (1, "one"), (2, "two");
    }
    revision "0002" {
        batch alter table x recreate = always { add column b text default ("b"); alter column a set not null; }
    }
}

fn audit_rows(conn: &migrate_dsl::rusqlite::Connection) -> Vec<(i64, String)> {
    let mut stmt = conn
        .prepare("SELECT x_id, what FROM audit ORDER BY rowid")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn case_b14_triggers_are_preserved_by_a_rebuild_and_still_fire() {
    let db = TempDb::new();
    let mut conn = db.open();
    AUDITED.apply_pending(&mut conn).unwrap();
    for name in ["x_insert", "x_update"] {
        let sql = schema_sql(&conn, name).expect("trigger recreated");
        assert!(
            sql.starts_with(&format!("CREATE TRIGGER \"{name}\"")),
            "{sql}"
        );
    }
    conn.execute("INSERT INTO x (id, a) VALUES (3, 'three')", [])
        .unwrap();
    conn.execute("UPDATE x SET a = 'uno' WHERE id = 1", [])
        .unwrap();
    assert_eq!(
        audit_rows(&conn),
        [
            (1, "insert".to_owned()),
            (2, "insert".to_owned()),
            (3, "insert".to_owned()),
            (1, "update: one -> uno".to_owned()),
        ]
    );
    assert_healthy(&conn);
}

#[test]
fn case_b15_an_audit_trigger_does_not_fire_for_the_copied_rows() {
    let db = TempDb::new();
    let mut conn = db.open();
    let report = AUDITED.apply_pending(&mut conn).unwrap();
    assert_eq!(
        report.applied.len(),
        2,
        "0002 rebuilt `x` after 0001 filled it"
    );
    // Two rows inserted by 0001, audited once each; a trigger recreated
    // before the copy would have added two more.
    assert_eq!(
        audit_rows(&conn),
        [(1, "insert".to_owned()), (2, "insert".to_owned())]
    );
    assert_healthy(&conn);
}
