//! Helpers shared by the integration tests: real database files in a temp
//! dir, and the "Unchanged" snapshot of docs/REBUILD_CASES.md.
#![allow(dead_code)]

pub mod items;
pub mod ops;

use migrate_dsl::rusqlite::{types::Value, Connection};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A database file in its own temporary directory (removed on drop).
pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TempDb {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("app.db");
        TempDb { dir, path }
    }

    pub fn open(&self) -> Connection {
        Connection::open(&self.path).expect("open database file")
    }
}

/// Everything "Unchanged" compares: schema rows, every table's rows (with
/// rowids), and the connection's pragmas.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub schema: Vec<(String, String, String, Option<String>)>,
    pub rows: BTreeMap<String, Vec<Vec<Value>>>,
    pub foreign_keys: bool,
    pub legacy_alter_table: bool,
    pub writable_schema: bool,
}

pub fn snapshot(conn: &Connection) -> Snapshot {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    let schema: Vec<(String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rows = BTreeMap::new();
    for (ty, name, _, _) in &schema {
        if ty != "table" || name.starts_with("sqlite_") {
            continue;
        }
        rows.insert(name.clone(), table_rows(conn, name));
    }
    Snapshot {
        schema,
        rows,
        foreign_keys: pragma(conn, "foreign_keys"),
        legacy_alter_table: pragma(conn, "legacy_alter_table"),
        writable_schema: pragma(conn, "writable_schema"),
    }
}

/// All rows of `table`, rowid first, in rowid order.
pub fn table_rows(conn: &Connection, table: &str) -> Vec<Vec<Value>> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut stmt = conn
        .prepare(&format!("SELECT rowid, * FROM {quoted} ORDER BY rowid"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The root page of table or index `name`: a new one after a copy, the
/// same after an in-place change.
pub fn root_page(conn: &Connection, name: &str) -> i64 {
    conn.query_row(
        "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .unwrap()
}

pub fn pragma(conn: &Connection, name: &str) -> bool {
    conn.pragma_query_value(None, name, |r| r.get(0)).unwrap()
}

/// The first column of every row of `query`, as text.
pub fn strings(conn: &Connection, query: &str) -> Vec<String> {
    let mut stmt = conn.prepare(query).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Tables whose name starts with our temporary prefix.
pub fn temp_tables(conn: &Connection) -> Vec<String> {
    strings(
        conn,
        "SELECT name FROM sqlite_schema WHERE name LIKE '\\_migrate\\_tmp\\_%' ESCAPE '\\'",
    )
}

/// `PRAGMA integrity_check` is `ok`, `foreign_key_check` is empty, and no
/// temporary table of ours exists.
pub fn assert_healthy(conn: &Connection) {
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk_violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk_violations, 0, "foreign key violations");
    assert_eq!(
        temp_tables(conn),
        Vec::<String>::new(),
        "temporary tables left"
    );
}

/// The `sql` of schema object `name`.
pub fn schema_sql(conn: &Connection, name: &str) -> Option<String> {
    conn.query_row(
        "SELECT sql FROM sqlite_schema WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .ok()
}

/// The ids recorded in the history table.
pub fn history_ids(conn: &Connection) -> Vec<String> {
    strings(conn, "SELECT id FROM _migrate_history ORDER BY rowid")
}

/// Where an error happened: revision, operation, table, SQL (the error's
/// context; panics when it has none).
pub fn where_of(err: &migrate_dsl::Error) -> (&str, Option<&str>, Option<&str>, Option<&str>) {
    let cx = err
        .context()
        .unwrap_or_else(|| panic!("no context: {err:?}"));
    (
        &cx.revision,
        cx.operation.as_deref(),
        cx.table.as_deref(),
        cx.sql.as_deref(),
    )
}

/// The revision an error happened in (panics when it names none).
pub fn revision_of(err: &migrate_dsl::Error) -> &str {
    where_of(err).0
}
