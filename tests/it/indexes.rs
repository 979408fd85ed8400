//! Indexes through rebuilds (docs/REBUILD_CASES.md, cases 17–20).

use crate::common::*;
use migrate_dsl::migration;

migration! {
    static IX;
    revision "0001" {
        create table users {
            id integer primary key,
            email text not null,
            name text,
            deleted integer default 0,
            score integer,
        }
        create unique index users_email_live on users (lower(email)) where deleted = 0;
        create index users_name on users (name collate nocase desc, score);
        create index users_score on users (score desc) where score is not null;
        insert into users (id, email, name, score) values (1, "A@x", "ann", 5), (2, "b@x", "bob", null);
    }
    revision "0002" {
        batch alter table users { alter column name set default ("?"); }
    }
}

/// C17/C18: partial, expression, DESC and COLLATE indexes keep their exact
/// SQL through a rebuild, and still work.
#[test]
fn case_c18_special_indexes_survive_rebuilds_verbatim() {
    let db = TempDb::new();
    let mut conn = db.open();
    migration! {
        static IX_1;
        revision "0001" {
            create table users {
                id integer primary key,
                email text not null,
                name text,
                deleted integer default 0,
                score integer,
            }
            create unique index users_email_live on users (lower(email)) where deleted = 0;
            create index users_name on users (name collate nocase desc, score);
            create index users_score on users (score desc) where score is not null;
            insert into users (id, email, name, score) values (1, "A@x", "ann", 5), (2, "b@x", "bob", null);
        }
    }
    IX_1.apply_pending(&mut conn).unwrap();
    let before: Vec<Option<String>> = ["users_email_live", "users_name", "users_score"]
        .iter()
        .map(|n| schema_sql(&conn, n))
        .collect();
    assert_eq!(
        before[0].as_deref(),
        Some("CREATE UNIQUE INDEX \"users_email_live\" ON \"users\" ((lower(email))) WHERE deleted = 0")
    );
    assert_eq!(
        before[1].as_deref(),
        Some("CREATE INDEX \"users_name\" ON \"users\" (\"name\" COLLATE \"nocase\" DESC, \"score\")")
    );
    IX.apply_pending(&mut conn).unwrap();
    let after: Vec<Option<String>> = ["users_email_live", "users_name", "users_score"]
        .iter()
        .map(|n| schema_sql(&conn, n))
        .collect();
    assert_eq!(before, after);
    // The expression index still enforces uniqueness, case-insensitively,
    // and only among live rows.
    assert!(conn
        .execute("INSERT INTO users (id, email) VALUES (3, 'a@X')", [])
        .is_err());
    conn.execute(
        "INSERT INTO users (id, email, deleted) VALUES (4, 'a@X', 1)",
        [],
    )
    .unwrap();
    assert_healthy(&conn);
}

migration! {
    static RENAMED;
    revision "0001" {
        create table t { id integer primary key, a text, b integer }
        create index t_expr on t (lower(a)) where b > 0;
        insert into t (id, a, b) values (1, "X", 1);
    }
    revision "0002" {
        batch alter table t recreate = always { rename column a to label; rename column b to weight; add column c text; }
    }
}

/// A rename follows into index expressions and WHERE clauses.
#[test]
fn renames_follow_into_index_expressions_and_filters() {
    let db = TempDb::new();
    let mut conn = db.open();
    RENAMED.apply_pending(&mut conn).unwrap();
    assert_eq!(
        schema_sql(&conn, "t_expr").unwrap(),
        "CREATE INDEX \"t_expr\" ON \"t\" ((lower(\"label\"))) WHERE \"weight\" > 0"
    );
    assert_healthy(&conn);
}
