//! Constraints, foreign keys and table options through rebuilds, on real
//! files (docs/REBUILD_CASES.md, cases 1, 8, 24, 26 and friends).

use crate::common::*;
use migrate_dsl::migration;
use migrate_dsl::rusqlite::types::Value;

migration! {
    static FAMILY;
    revision "0001" {
        create table parent { id integer primary key, code text not null unique }
        create table child {
            id integer primary key,
            pid integer references parent on delete cascade,
            pcode text references parent (code) on update cascade,
        }
        insert into parent (id, code) values (1, "a"), (2, "b");
        insert into child (id, pid, pcode) values (10, 1, "a"), (11, 2, "b");
    }
    revision "0002" {
        batch alter table parent recreate = always {
            add column note text;
            rename column code to label;
        }
    }
    revision "0003" {
        // The child's foreign key followed the rename (SQLite rewrote it);
        // rebuilding the child renders it from the model, which followed too.
        batch alter table child recreate = always { add column extra text; }
    }
}

/// A1 through the DSL: rebuilding a parent with ON DELETE CASCADE children
/// keeps every child row; the renamed parent key stays referenced.
#[test]
fn case_a1_parent_rebuild_keeps_children_and_keys_follow_renames() {
    let db = TempDb::new();
    let mut conn = db.open();
    FAMILY.apply_pending(&mut conn).unwrap();
    assert_eq!(
        table_rows(&conn, "child"),
        [
            vec![
                Value::Integer(10),
                Value::Integer(10),
                Value::Integer(1),
                Value::Text("a".into()),
                Value::Null
            ],
            vec![
                Value::Integer(11),
                Value::Integer(11),
                Value::Integer(2),
                Value::Text("b".into()),
                Value::Null
            ],
        ]
    );
    assert_eq!(
        schema_sql(&conn, "child").unwrap(),
        "CREATE TABLE \"child\" (\"id\" integer PRIMARY KEY, \"pid\" integer REFERENCES \"parent\" (\"id\") ON DELETE CASCADE, \"pcode\" text REFERENCES \"parent\" (\"label\") ON UPDATE CASCADE, \"extra\" text)"
    );
    assert!(pragma(&conn, "foreign_keys"));
    assert_healthy(&conn);
    // The keys are enforced and the cascades still work.
    assert!(conn
        .execute("INSERT INTO child (id, pid) VALUES (12, 99)", [])
        .is_err());
    conn.execute("UPDATE parent SET label = 'z' WHERE id = 1", [])
        .unwrap();
    let pcode: String = conn
        .query_row("SELECT pcode FROM child WHERE id = 10", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pcode, "z");
    conn.execute("DELETE FROM parent WHERE id = 2", []).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM child", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

migration! {
    static TREE;
    revision "0001" {
        create table node { id integer primary key, parent integer references node (id), name text }
        insert into node (id, parent, name) values (1, null, "root"), (2, 1, "leaf");
    }
    revision "0002" {
        batch alter table node { alter column name set not null; }
    }
}

/// A8: after the rebuild the self-reference names the table, not the
/// temporary one.
#[test]
fn case_a8_self_reference_names_the_table_after_rebuild() {
    let db = TempDb::new();
    let mut conn = db.open();
    TREE.apply_pending(&mut conn).unwrap();
    let sql = schema_sql(&conn, "node").unwrap();
    assert!(sql.contains("REFERENCES \"node\" (\"id\")"), "{sql}");
    assert!(!sql.contains("_migrate_tmp"), "{sql}");
    assert_healthy(&conn);
    assert!(conn
        .execute(
            "INSERT INTO node (id, parent, name) VALUES (3, 42, 'x')",
            []
        )
        .is_err());
}

migration! {
    static SEQ_1;
    revision "0001" {
        create table t { id integer primary key autoincrement, v text }
        insert into t (v) values ("a"), ("b"), ("c");
    }
}

migration! {
    static SEQ;
    revision "0001" {
        create table t { id integer primary key autoincrement, v text }
        insert into t (v) values ("a"), ("b"), ("c");
    }
    revision "0002" {
        batch alter table t recreate = always { add column w text default ("w"); }
    }
}

/// D24: sequence at 3, row 3 deleted; after the rebuild a new row gets 4.
#[test]
fn case_d24_autoincrement_never_reuses_ids_after_rebuild() {
    let db = TempDb::new();
    let mut conn = db.open();
    SEQ_1.apply_pending(&mut conn).unwrap();
    conn.execute("DELETE FROM t WHERE id = 3", []).unwrap();
    SEQ.apply_pending(&mut conn).unwrap();
    conn.execute("INSERT INTO t (v) VALUES ('d')", []).unwrap();
    let id: i64 = conn
        .query_row("SELECT id FROM t WHERE v = 'd'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 4);
    assert!(schema_sql(&conn, "t")
        .unwrap()
        .contains("PRIMARY KEY AUTOINCREMENT"));
    assert_healthy(&conn);
}

migration! {
    static OPTIONS;
    revision "0001" {
        create table kv { k text primary key, v integer } without rowid
        create table s { id integer primary key, n integer not null } strict
        insert into kv (k, v) values ("a", 1), ("b", 2);
        insert into s (id, n) values (1, 10);
    }
    revision "0002" {
        batch alter table kv recreate = always { add column note text; }
        batch alter table s { alter column n drop not null; }
    }
}

/// D26: WITHOUT ROWID and STRICT stay in the definition through a rebuild.
#[test]
fn case_d26_without_rowid_and_strict_survive_rebuilds() {
    let db = TempDb::new();
    let mut conn = db.open();
    OPTIONS.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "kv").unwrap(),
        "CREATE TABLE \"kv\" (\"k\" text PRIMARY KEY, \"v\" integer, \"note\" text) WITHOUT ROWID"
    );
    assert_eq!(
        schema_sql(&conn, "s").unwrap(),
        "CREATE TABLE \"s\" (\"id\" integer PRIMARY KEY, \"n\" integer) STRICT"
    );
    // STRICT still rejects a value of the wrong type.
    assert!(conn
        .execute("INSERT INTO s (id, n) VALUES (2, 'x')", [])
        .is_err());
    let v: i64 = conn
        .query_row("SELECT v FROM kv WHERE k = 'b'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 2);
    assert_healthy(&conn);
}

migration! {
    static KEYS;
    revision "0001" {
        create table member {
            org integer not null,
            login text not null collate nocase,
            email text,
            constraint member_pk primary key (org, login),
            constraint email_shape check (email like "%@%"),
            unique (org, email),
        }
        insert into member (org, login, email) values (1, "Ann", "ann@example.com");
    }
    revision "0002" {
        batch alter table member {
            drop constraint email_shape;
            drop constraint uq_member_org_email;
            alter column login drop collate;
        }
    }
}

/// Composite keys, named and generated constraint names, collations: named
/// constraints keep their name in the SQL; `drop constraint` finds both kinds.
#[test]
fn composite_keys_named_constraints_and_collations() {
    let db = TempDb::new();
    let mut conn = db.open();
    migration! {
        static KEYS_1;
        revision "0001" {
            create table member {
                org integer not null,
                login text not null collate nocase,
                email text,
                constraint member_pk primary key (org, login),
                constraint email_shape check (email like "%@%"),
                unique (org, email),
            }
            insert into member (org, login, email) values (1, "Ann", "ann@example.com");
        }
    }
    KEYS_1.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "member").unwrap(),
        "CREATE TABLE \"member\" (\"org\" integer NOT NULL, \"login\" text COLLATE \"nocase\" NOT NULL, \"email\" text, CONSTRAINT \"member_pk\" PRIMARY KEY (\"org\", \"login\"), CONSTRAINT \"email_shape\" CHECK (email like '%@%'), UNIQUE (\"org\", \"email\"))"
    );
    // NOCASE makes the key case-insensitive; the check rejects bad emails.
    assert!(conn
        .execute("INSERT INTO member VALUES (1, 'ANN', 'x@y')", [])
        .is_err());
    let err = conn
        .execute("INSERT INTO member VALUES (2, 'bob', 'nope')", [])
        .unwrap_err();
    assert!(err.to_string().contains("email_shape"), "{err}");

    KEYS.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "member").unwrap(),
        "CREATE TABLE \"member\" (\"org\" integer NOT NULL, \"login\" text NOT NULL, \"email\" text, CONSTRAINT \"member_pk\" PRIMARY KEY (\"org\", \"login\"))"
    );
    conn.execute("INSERT INTO member VALUES (1, 'ANN', 'nope')", [])
        .unwrap();
    assert_healthy(&conn);
}

migration! {
    static TABLES;
    revision "0001" {
        create table a { id integer primary key }
        create table b { id integer primary key, aid integer references a (id) }
        create index b_aid on b (aid);
        insert into a (id) values (1);
        insert into b (id, aid) values (1, 1);
    }
    revision "0002" {
        rename table a to a2;
        drop table b;
    }
    revision "0003" {
        create table b { id integer primary key, aid integer references a2 }
    }
}

#[test]
fn drop_and_rename_tables() {
    let db = TempDb::new();
    let mut conn = db.open();
    TABLES.apply_pending(&mut conn).unwrap();
    assert!(schema_sql(&conn, "a").is_none());
    assert!(
        schema_sql(&conn, "b_aid").is_none(),
        "the index went with its table"
    );
    assert_eq!(
        schema_sql(&conn, "b").unwrap(),
        "CREATE TABLE \"b\" (\"id\" integer PRIMARY KEY, \"aid\" integer REFERENCES \"a2\" (\"id\"))"
    );
    assert_eq!(
        table_rows(&conn, "a2"),
        [vec![Value::Integer(1), Value::Integer(1)]]
    );
    assert_healthy(&conn);
}
