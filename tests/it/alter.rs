//! Plain `ALTER TABLE` where SQLite can make the change: `alter table t …;`
//! outside a block, and `batch alter table` blocks in `recreate = auto`.

use crate::common::*;
use migrate_dsl::migration;
use migrate_dsl_core::plan::{InPlaceStep, Step};

migration! {
    static PLAIN;
    revision "0001" {
        create table users { id integer primary key, email text not null, check (length(email) > 3) }
        insert into users (id, email) values (1, "ann@example.com"), (2, "bob@example.com");
    }
    revision "0002" {
        alter table users add column name text default ("?") collate nocase;
        alter table users rename column email to mail;
        batch alter table users { add column age integer check (age >= 0); drop column name; }
    }
}

#[test]
fn cheap_changes_run_as_alter_statements_and_match_the_model() {
    let steps: Vec<String> = PLAIN.revisions()[1]
        .steps()
        .iter()
        .flat_map(|s| match s {
            Step::Execute(st) => vec![st.sql.to_string()],
            // DROP COLUMN needs SQLite 3.35: in place there, by a rebuild
            // on an older SQLite.
            Step::AlterInPlace(a) => {
                let native = a.native.as_ref().expect("ALTER TABLE statements");
                assert_eq!(native.needs, 3_035_000);
                assert_eq!(a.edit, None, "no definition edit adds or drops columns");
                native
                    .steps
                    .iter()
                    .map(|s| match s {
                        InPlaceStep::Execute(st) => st.sql.to_string(),
                        other => panic!("expected statements, got {other:?}"),
                    })
                    .collect()
            }
            other => panic!("expected plain statements, got {other:?}"),
        })
        .collect();
    assert_eq!(
        steps,
        [
            "ALTER TABLE \"users\" ADD COLUMN \"name\" text DEFAULT ('?') COLLATE \"nocase\"",
            "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\"",
            "ALTER TABLE \"users\" ADD COLUMN \"age\" integer CHECK (age >= 0)",
            "ALTER TABLE \"users\" DROP COLUMN \"name\"",
        ]
    );
    let db = TempDb::new();
    let mut conn = db.open();
    PLAIN.apply_pending(&mut conn).unwrap();
    // SQLite splices added columns in before the table constraints, which is
    // where the model renders them.
    assert_eq!(
        schema_sql(&conn, "users").unwrap(),
        "CREATE TABLE \"users\" (\"id\" integer PRIMARY KEY, \"mail\" text NOT NULL, \"age\" integer CHECK (age >= 0), CHECK (length(\"mail\") > 3))"
    );
    assert_eq!(
        table_rows(&conn, "users").len(),
        2,
        "rows kept through the ALTERs"
    );
    assert_healthy(&conn);
}

/// Plain RENAME COLUMN needs SQLite 3.25 and DROP COLUMN 3.35; the SQLite
/// linked in (rusqlite's bundled build) must have both.
#[test]
fn the_linked_sqlite_has_rename_and_drop_column() {
    assert!(
        migrate_dsl::rusqlite::version_number() >= 3_035_000,
        "SQLite {} is older than 3.35",
        migrate_dsl::rusqlite::version()
    );
}

migration! {
    static ADOPTING;
    revision "0001" {
        create table if not exists users { id integer primary key, email text }
        create index if not exists users_email on users (email);
        drop table if exists legacy_sessions;
    }
}

#[test]
fn if_not_exists_adopts_a_database_made_by_hand_and_if_exists_cleans_up() {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.execute_batch(
        "CREATE TABLE \"users\" (\"id\" integer PRIMARY KEY, \"email\" text);
         INSERT INTO users VALUES (1, 'kept@example.com');
         CREATE TABLE legacy_sessions (token TEXT);",
    )
    .unwrap();
    ADOPTING.apply_pending(&mut conn).unwrap();
    assert_eq!(
        table_rows(&conn, "users").len(),
        1,
        "the existing rows stay"
    );
    assert!(schema_sql(&conn, "users_email").is_some());
    assert!(schema_sql(&conn, "legacy_sessions").is_none());
    // On an empty database the same history creates everything.
    let fresh = TempDb::new();
    let mut conn = fresh.open();
    ADOPTING.apply_pending(&mut conn).unwrap();
    assert!(schema_sql(&conn, "users").is_some());
    assert_healthy(&conn);
}
