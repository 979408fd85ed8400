//! The `sql "…"` escape hatch: data changes run; a schema change the history
//! was not told of fails the revision and is rolled back.

mod common;

use common::*;
use migrate_dsl::{migration, ErrorKind};

migration! {
    static DATA;
    revision "0001" {
        create table users { id integer primary key, name text }
        insert into users (id, name) values (1, " ann "), (2, "bob"), (3, null);
    }
    revision "0002" {
        sql "UPDATE users SET name = trim(name) WHERE name IS NOT NULL;
             DELETE FROM users WHERE name IS NULL" touches (users);
        // `IS NOT <expr>` is SQLite the checker's parser does not read: the
        // statement is run unchecked, guarded by its declaration.
        sql "UPDATE users SET name = upper(name) WHERE id IS NOT 2" touches (users);
    }
}

migration! {
    static SNEAKY;
    revision "0001" {
        create table users { id integer primary key, name text }
    }
    revision "0002" {
        sql "CREATE INDEX users_name ON users (name) WHERE name IS NOT 'x'" touches (users);
    }
}

#[test]
fn data_statements_run_in_the_revision() {
    let db = TempDb::new();
    let mut conn = db.open();
    DATA.apply_pending(&mut conn).unwrap();
    assert_eq!(
        strings(&conn, "SELECT name FROM users ORDER BY id"),
        ["ANN", "bob"]
    );
    assert_healthy(&conn);
}

#[test]
fn a_schema_change_hidden_in_sql_fails_and_is_rolled_back() {
    let db = TempDb::new();
    let mut conn = db.open();
    let err = SNEAKY.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::UndeclaredSchemaChange {
            revision, changes, ..
        } => {
            assert_eq!(revision, "0002");
            assert_eq!(changes, &["created index `users_name`"]);
        }
        other => panic!("expected UndeclaredSchemaChange, got {other:?}"),
    }
    assert!(schema_sql(&conn, "users_name").is_none(), "rolled back");
    assert_eq!(history_ids(&conn), ["0001"]);
    assert_healthy(&conn);
}
