//! The `sql "…"` escape hatch: data changes run; a declared `creates table`
//! (a virtual table) must happen exactly; a schema change the history was
//! not told of fails the revision and is rolled back.

use crate::common::*;
use migrate_dsl::{migration, ErrorKind, Migrations};
use migrate_dsl::{Options, Target};

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

/// A schema change hidden in `sql`: the macro refuses it at compile time
/// (ui case `sql/schema_change_hidden_in_sql`), so it is built by hand, as a
/// history made at run time would be; the runtime refuses it too.
fn sneaky() -> Migrations {
    use migrate_dsl_core::op::*;
    use migrate_dsl_core::{Loc, Name};
    let n = |s: &str| Name::new(s, Loc::NONE);
    let mut id = ColumnDef::new(n("id"), ColumnType::INTEGER);
    id.constraints.push(ColumnConstraint::new(
        ColumnConstraintKind::PrimaryKey {
            desc: false,
            autoincrement: None,
        },
        Loc::NONE,
    ));
    let users = CreateTable::new(
        n("users"),
        vec![id, ColumnDef::new(n("name"), ColumnType::TEXT)],
    );
    let mut raw = RawSql::new(Expr::new(
        // A window frame the checker's parser cannot read hides the CREATE
        // INDEX from it.
        "SELECT sum(1) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM users; CREATE INDEX users_name ON users (name)",
        Loc::NONE,
    ));
    raw.touches = vec![n("users")];
    let history = History::new(vec![
        RevisionDef::new(n("0001"), vec![Op::CreateTable(users)]),
        RevisionDef::new(n("0002"), vec![Op::Sql(raw)]),
    ]);
    Migrations::from_history(&history).unwrap()
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
    let err = sneaky().apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::RawSql(migrate_dsl::error::RawSqlMismatch::UndeclaredSchemaChange {
            changes,
            ..
        }) => {
            assert_eq!(revision_of(&err), "0002");
            assert_eq!(changes, &["created index `users_name`"]);
        }
        other => panic!("expected UndeclaredSchemaChange, got {other:?}"),
    }
    assert!(schema_sql(&conn, "users_name").is_none(), "rolled back");
    assert_eq!(history_ids(&conn), ["0001"]);
    assert_healthy(&conn);
}

migration! {
    static FTS;
    revision "0001" {
        create table notes { id integer primary key, title text, body text }
        insert into notes (id, title, body) values (1, "rust", "a language"), (2, "sqlite", "a database");
    }
    revision "0002" {
        sql "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body)" creates table notes_fts (title, body);
    }
    revision "0003" {
        sql "INSERT INTO notes_fts (title, body) SELECT title, body FROM notes" touches (notes_fts, notes);
        create view note_titles as "SELECT title FROM notes_fts";
    }
}

#[test]
fn a_virtual_table_is_created_by_declared_sql_and_known_to_the_model() {
    let db = TempDb::new();
    let mut conn = db.open();
    FTS.apply_pending(&mut conn).unwrap();
    assert_eq!(
        strings(
            &conn,
            "SELECT title FROM notes_fts WHERE notes_fts MATCH 'database'"
        ),
        ["sqlite"]
    );
    assert_eq!(
        strings(&conn, "SELECT title FROM note_titles ORDER BY 1"),
        ["rust", "sqlite"]
    );
    assert_healthy(&conn);

    // Its generated inverse drops it, shadow tables and all.
    assert!(FTS.revisions()[1].irreversible().is_none());
    assert!(FTS.revisions()[2].irreversible().is_some());
    let fresh = TempDb::new();
    let mut other = fresh.open();
    FTS.migrate(&mut other, Target::UpTo("0002"), &Options::default())
        .unwrap();
    assert!(
        strings(
            &other,
            "SELECT name FROM sqlite_schema WHERE name LIKE 'notes_fts%'"
        )
        .len()
            > 1
    );
    FTS.migrate(&mut other, Target::DownTo("0001"), &Options::default())
        .unwrap();
    assert_eq!(
        strings(
            &other,
            "SELECT name FROM sqlite_schema WHERE name LIKE 'notes_fts%'"
        ),
        Vec::<String>::new()
    );
}

migration! {
    static WRONG_COLUMNS;
    revision "0001" {
        sql "CREATE VIRTUAL TABLE docs USING fts5(title, body)" creates table docs (title, text);
    }
}

migration! {
    static MORE_THAN_DECLARED;
    revision "0001" {
        create table users { id integer primary key, name text }
    }
    revision "0002" {
        sql "CREATE TABLE audit (id INTEGER); CREATE INDEX users_name ON users (name)" creates table audit (id);
    }
}

#[test]
fn a_declared_creation_must_happen_exactly() {
    let db = TempDb::new();
    let mut conn = db.open();
    let before = snapshot(&conn);
    let err = WRONG_COLUMNS.apply_pending(&mut conn).unwrap_err();
    let ErrorKind::RawSql(migrate_dsl::error::RawSqlMismatch::CreatedTableMismatch {
        found, ..
    }) = err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(where_of(&err).2, Some("docs"));
    assert_eq!(
        found.as_deref(),
        Some(&["title".to_owned(), "body".to_owned()][..])
    );
    assert!(err.to_string().contains("columns (title, text)"), "{err}");
    let mut after = snapshot(&conn);
    after.schema.retain(|o| o.2 != "_migrate_history");
    after.rows.remove("_migrate_history");
    assert_eq!(after, before, "rolled back");

    let err = MORE_THAN_DECLARED.apply_pending(&mut conn).unwrap_err();
    let ErrorKind::RawSql(migrate_dsl::error::RawSqlMismatch::UndeclaredSchemaChange {
        changes,
        ..
    }) = err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (revision_of(&err), &changes[..]),
        ("0002", &["created index `users_name`".to_owned()][..])
    );
    assert_eq!(
        strings(&conn, "SELECT name FROM sqlite_schema WHERE name = 'audit'"),
        Vec::<String>::new()
    );
    assert_healthy(&conn);
}

/// A `run` hook names a Rust function only the macro can link: a history
/// built at run time that holds one (`build` leaves its type out; the core
/// crate has it) is refused, not failed at run time.
#[test]
fn a_history_built_at_run_time_cannot_call_hooks() {
    use migrate_dsl::build::*;
    use migrate_dsl_core::op::RunHook;
    let n = |s: &str| Name::new(s, Loc::NONE);
    let table = CreateTable::new(n("t"), vec![ColumnDef::new(n("id"), ColumnType::INTEGER)]);
    let history = History::new(vec![RevisionDef::new(
        n("0001"),
        vec![Op::CreateTable(table), Op::Run(RunHook::new(n("fill")))],
    )]);
    let problems = Migrations::from_history(&history).expect_err("a hook cannot be linked");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .starts_with("`run fill`: a history built at run time cannot call Rust functions"),
        "{}",
        problems[0].message
    );
}
