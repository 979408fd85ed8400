//! A column stops or starts aliasing the rowid only when the block says so
//! (`rowid alias ends;` / `begins;`; without it, a compile error: ui cases
//! `types/rowid_alias_*`), and then the copy keeps every rowid.

use crate::common::*;
use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{Options, Target};

migration! {
    static ENDS;
    revision "0001" {
        create table t { id integer primary key, name text }
        insert into t (id, name) values (1, "a"), (5, "b"), (9, "c");
    }
    revision "0002" {
        batch alter table t {
            alter column id type bigint;
            rowid alias ends;
        }
    }
}

migration! {
    static BEGINS;
    revision "0001" {
        create table u { id int primary key, name text }
        insert into u (id, name) values (30, "x"), (70, "y");
    }
    revision "0002" {
        batch alter table u {
            alter column id type integer;
            rowid alias begins;
        }
    }
}

fn rowids(conn: &Connection, table: &str) -> Vec<(i64, Option<i64>)> {
    let mut stmt = conn
        .prepare(&format!("SELECT rowid, id FROM {table} ORDER BY rowid"))
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn an_alias_that_ends_keeps_every_rowid_and_the_column_becomes_ordinary() {
    let db = TempDb::new();
    let mut conn = db.open();
    ENDS.migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute("DELETE FROM t WHERE id = 5", []).unwrap();
    ENDS.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "t").unwrap(),
        "CREATE TABLE \"t\" (\"id\" bigint PRIMARY KEY, \"name\" text)"
    );
    assert_eq!(rowids(&conn, "t"), [(1, Some(1)), (9, Some(9))]);
    // What ending the alias means: an insert without `id` stores NULL.
    conn.execute("INSERT INTO t (name) VALUES ('d')", [])
        .unwrap();
    assert_eq!(rowids(&conn, "t")[2], (10, None));
    assert_healthy(&conn);
}

#[test]
fn an_alias_that_begins_takes_the_columns_values_and_undoes_exactly() {
    let db = TempDb::new();
    let mut conn = db.open();
    BEGINS
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    assert_eq!(rowids(&conn, "u"), [(1, Some(30)), (2, Some(70))]);
    BEGINS.apply_pending(&mut conn).unwrap();
    assert_eq!(rowids(&conn, "u"), [(30, Some(30)), (70, Some(70))]);
    conn.execute("INSERT INTO u (name) VALUES ('z')", [])
        .unwrap();
    assert_eq!(rowids(&conn, "u")[2], (71, Some(71)));
    // The generated inverse (same affinity: nothing was converted) ends
    // the alias again, keeping the rowids it has now.
    BEGINS
        .migrate(&mut conn, Target::DownTo("0001"), &Options::default())
        .unwrap();
    assert_eq!(
        schema_sql(&conn, "u").unwrap(),
        "CREATE TABLE \"u\" (\"id\" int PRIMARY KEY, \"name\" text)"
    );
    assert_eq!(
        rowids(&conn, "u"),
        [(30, Some(30)), (70, Some(70)), (71, Some(71))]
    );
    assert_healthy(&conn);
}
