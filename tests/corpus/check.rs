//! Run inside each generated corpus program (see `tests/corpus.rs`): the
//! adopted history against the database it was dumped from.

use migrate_dsl_core::meaning::difference;
use migrate_dsl::rusqlite::types::Value;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Migrations;
use std::collections::BTreeMap;

/// `(type, lower-case name) → (name, sql)` of the user's objects.
fn objects(conn: &Connection) -> BTreeMap<(String, String), (String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT s.type, s.name, s.sql FROM sqlite_schema AS s WHERE s.sql IS NOT NULL \
             AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND s.name NOT LIKE '\\_migrate\\_%' ESCAPE '\\' \
             AND NOT EXISTS (SELECT 1 FROM pragma_table_list AS l WHERE l.name = s.name AND l.type = 'shadow')",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            let (kind, name, sql): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok(((kind, name.to_lowercase()), (name, sql)))
        })
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// Every row of every table (with its rowid where it has one).
fn rows(conn: &Connection) -> BTreeMap<String, Vec<Vec<Value>>> {
    let tables: Vec<(String, bool, String)> = conn
        .prepare("SELECT name, wr, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_migrate\\_%' ESCAPE '\\'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = BTreeMap::new();
    for (table, without_rowid, _) in tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let sql = if without_rowid {
            format!("SELECT * FROM {quoted} ORDER BY 1, 2")
        } else {
            format!("SELECT rowid, * FROM {quoted} ORDER BY rowid")
        };
        let mut stmt = conn.prepare(&sql).unwrap();
        let n = stmt.column_count();
        let all = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .collect::<Result<Vec<Vec<Value>>, _>>()
            .unwrap();
        out.insert(table, all);
    }
    out
}

fn healthy(conn: &Connection) {
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 0, "foreign_key_check is clean");
    let temp: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_migrate\\_tmp\\_%' ESCAPE '\\'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(temp, 0, "no temporary table left");
    // Full-text indexes still agree with their content tables.
    let fts: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in fts {
        conn.execute(
            &format!("INSERT INTO \"{t}\"(\"{t}\") VALUES ('integrity-check')"),
            [],
        )
        .unwrap();
    }
}

/// The checks of `tests/corpus.rs`, in order; panics on the first failure.
pub fn run(adopted: &Migrations, rebuilt: &Migrations, original: &str, revision: &str) {
    let mut orig = Connection::open_in_memory().unwrap();
    orig.execute_batch(original).unwrap();

    // 1. The dumped source builds the same schema, by meaning.
    let mut fresh = Connection::open_in_memory().unwrap();
    adopted.create_fresh(&mut fresh, &Default::default()).unwrap();
    let (want, got) = (objects(&orig), objects(&fresh));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "the same objects"
    );
    for (key, (name, sql)) in &want {
        let (_, fresh_sql) = &got[key];
        assert_eq!(
            difference(sql, fresh_sql),
            None,
            "{} `{name}`:\n  original: {sql}\n  adopted:  {fresh_sql}",
            key.0
        );
    }
    assert!(adopted.check(&fresh).unwrap().is_empty());

    // 2. The original, stamped at the dumped revision, has no drift.
    adopted.stamp(&mut orig, Some(revision)).unwrap();
    let drift = adopted.check(&orig).unwrap();
    assert!(drift.is_empty(), "{drift:#?}");

    // 3. Rebuilding every DSL table keeps every row and rowid.
    let before = rows(&orig);
    let report = rebuilt.apply_pending(&mut orig).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(rows(&orig), before, "rows and rowids intact");
    healthy(&orig);
    assert!(rebuilt.check(&orig).unwrap().is_empty());
    println!(
        "{} objects, {} tables with {} rows: same meaning, no drift, rebuilt intact",
        want.len(),
        before.len(),
        before.values().map(Vec::len).sum::<usize>()
    );
}
