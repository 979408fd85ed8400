//! Conflict clauses (`ON CONFLICT …` on a PRIMARY KEY, UNIQUE or NOT NULL)
//! decide what an INSERT does, so a rebuild keeps them: for each clause on
//! each kind of constraint, a table made by raw SQL is adopted, rebuilt,
//! and must answer a conflicting insert exactly as before. A live clause
//! the history does not know stops the rebuild instead of being dropped.

use crate::common::*;
use migrate_dsl::rusqlite::{types::Value, Connection};
use migrate_dsl::{migration, Drift, ErrorKind};

const CLAUSES: [&str; 5] = ["rollback", "abort", "fail", "ignore", "replace"];

migration! {
    static ADOPTED;
    revision "0001_adopted" {
        create table pk_rollback { id integer primary key on conflict rollback, v text }
        create table uq_rollback { id integer primary key, v text unique on conflict rollback }
        create table nn_rollback { id integer primary key, v text not null on conflict rollback default ("d") }
        create table tk_rollback { id integer not null, v text not null, primary key (id, v) on conflict rollback }
        create table pk_abort { id integer primary key on conflict abort, v text }
        create table uq_abort { id integer primary key, v text unique on conflict abort }
        create table nn_abort { id integer primary key, v text not null on conflict abort default ("d") }
        create table tk_abort { id integer not null, v text not null, primary key (id, v) on conflict abort }
        create table pk_fail { id integer primary key on conflict fail, v text }
        create table uq_fail { id integer primary key, v text unique on conflict fail }
        create table nn_fail { id integer primary key, v text not null on conflict fail default ("d") }
        create table tk_fail { id integer not null, v text not null, primary key (id, v) on conflict fail }
        create table pk_ignore { id integer primary key on conflict ignore, v text }
        create table uq_ignore { id integer primary key, v text unique on conflict ignore }
        create table nn_ignore { id integer primary key, v text not null on conflict ignore default ("d") }
        create table tk_ignore { id integer not null, v text not null, primary key (id, v) on conflict ignore }
        create table pk_replace { id integer primary key on conflict replace, v text }
        create table uq_replace { id integer primary key, v text unique on conflict replace }
        create table nn_replace { id integer primary key, v text not null on conflict replace default ("d") }
        create table tk_replace { id integer not null, v text not null, primary key (id, v) on conflict replace }
    }
    revision "0002_rebuild_all" {
        batch alter table pk_rollback recreate = always {}
        batch alter table uq_rollback recreate = always {}
        batch alter table nn_rollback recreate = always {}
        batch alter table tk_rollback recreate = always {}
        batch alter table pk_abort recreate = always {}
        batch alter table uq_abort recreate = always {}
        batch alter table nn_abort recreate = always {}
        batch alter table tk_abort recreate = always {}
        batch alter table pk_fail recreate = always {}
        batch alter table uq_fail recreate = always {}
        batch alter table nn_fail recreate = always {}
        batch alter table tk_fail recreate = always {}
        batch alter table pk_ignore recreate = always {}
        batch alter table uq_ignore recreate = always {}
        batch alter table nn_ignore recreate = always {}
        batch alter table tk_ignore recreate = always {}
        batch alter table pk_replace recreate = always {}
        batch alter table uq_replace recreate = always {}
        batch alter table nn_replace recreate = always {}
        batch alter table tk_replace recreate = always {}
    }
}

/// The raw SQL another tool would have written for table `kind_clause`,
/// in its own spelling, and the multi-row INSERT whose middle row
/// conflicts with the row every table starts with, `(1, 'a')`.
fn table(kind: &str, clause: &str) -> (String, String) {
    let c = clause.to_uppercase();
    let name = format!("{kind}_{clause}");
    let (create, middle) = match kind {
        "pk" => (format!("CREATE TABLE {name} (id INTEGER PRIMARY KEY ON CONFLICT {c}, v TEXT)"), "(1, 'dup')"),
        "uq" => (format!("CREATE TABLE {name} (id INTEGER PRIMARY KEY, v TEXT UNIQUE ON CONFLICT {c})"), "(12, 'a')"),
        "nn" => (format!("CREATE TABLE {name} (id INTEGER PRIMARY KEY, v TEXT DEFAULT 'd' NOT NULL ON CONFLICT {c})"), "(12, NULL)"),
        _ => (format!("CREATE TABLE {name} (id INTEGER NOT NULL, v TEXT NOT NULL, PRIMARY KEY (id, v) ON CONFLICT {c})"), "(1, 'a')"),
    };
    let insert = format!("INSERT INTO {name} (id, v) VALUES (10, 'n1'), {middle}, (11, 'n2')");
    (
        format!("{create}; INSERT INTO {name} VALUES (1, 'a');"),
        insert,
    )
}

const KINDS: [&str; 4] = ["pk", "uq", "nn", "tk"];

/// What a conflicting insert does inside a transaction that already wrote
/// a row: its result, whether the transaction is still open, and the rows
/// then. The database is left as it was.
fn behaviour(
    conn: &Connection,
    name: &str,
    insert: &str,
) -> (Result<usize, String>, bool, Vec<Vec<Value>>) {
    conn.execute_batch(&format!(
        "BEGIN; INSERT INTO {name} (id, v) VALUES (99, 'marker');"
    ))
    .unwrap();
    let result = conn.execute(insert, []).map_err(|e| e.to_string());
    let open = !conn.is_autocommit();
    let rows = table_rows(conn, name);
    if open {
        conn.execute_batch("ROLLBACK").unwrap();
    }
    (result, open, rows)
}

#[test]
fn every_conflict_clause_survives_adoption_and_a_rebuild() {
    let db = TempDb::new();
    let mut conn = db.open();
    let mut before = Vec::new();
    for kind in KINDS {
        for clause in CLAUSES {
            let (create, insert) = table(kind, clause);
            conn.execute_batch(&create).unwrap();
            before.push(behaviour(&conn, &format!("{kind}_{clause}"), &insert));
        }
    }
    // The probe tells the clauses apart: a dropped clause (ABORT's
    // behaviour) would show for all but ABORT.
    for (k, kind) in KINDS.iter().enumerate() {
        let mine = &before[k * CLAUSES.len()..(k + 1) * CLAUSES.len()];
        for i in 0..mine.len() {
            for j in 0..i {
                assert_ne!(
                    mine[i], mine[j],
                    "{kind}: {} and {}",
                    CLAUSES[i], CLAUSES[j]
                );
            }
        }
    }
    ADOPTED.stamp(&mut conn, Some("0001_adopted")).unwrap();
    // Each rebuild first compares the live table with the model: the
    // adopted tables are not drift.
    ADOPTED.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
    let mut after = Vec::new();
    for kind in KINDS {
        for clause in CLAUSES {
            let name = format!("{kind}_{clause}");
            let sql = schema_sql(&conn, &name).unwrap();
            let want = format!("ON CONFLICT {}", clause.to_uppercase());
            assert!(sql.contains(&want), "{name} lost `{want}`: {sql}");
            after.push(behaviour(&conn, &name, &table(kind, clause).1));
        }
    }
    assert_eq!(after, before);
    assert!(ADOPTED.check(&conn).unwrap().is_empty());
}

migration! {
    static UNAWARE;
    revision "0001" {
        create table if not exists tags { id integer primary key, name text not null unique }
    }
    revision "0002" {
        batch alter table tags recreate = always { add column note text; }
    }
}

/// A table made with a clause, adopted by a history that does not state
/// it: the rebuild would drop the clause, so it refuses, naming the table,
/// the constraint and the clause, and changes nothing.
#[test]
fn a_live_clause_the_history_does_not_know_stops_the_rebuild() {
    let db = TempDb::new();
    let mut conn = db.open();
    conn.execute_batch(
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE ON CONFLICT IGNORE);
         INSERT INTO tags VALUES (1, 'rust');",
    )
    .unwrap();
    let before = snapshot(&conn);
    let err = UNAWARE.apply_pending(&mut conn).unwrap_err();
    let ErrorKind::Drift { drift, .. } = err.kind() else {
        panic!("expected drift, got {err}");
    };
    let [Drift::Changed {
        name, difference, ..
    }] = drift.as_slice()
    else {
        panic!("expected one change, got {drift:?}");
    };
    assert_eq!(name, "tags");
    assert_eq!(
        difference,
        "UNIQUE (name): conflict clause: expected none, found `ON CONFLICT IGNORE`"
    );
    let message = err.to_string();
    assert!(
        message.contains("`tags`") && message.contains("ON CONFLICT IGNORE"),
        "{message}"
    );
    let mut after = snapshot(&conn);
    after.rows.remove("_migrate_history");
    let mut before = before;
    before.rows.remove("_migrate_history");
    assert_eq!(after.rows, before.rows);
    assert!(schema_sql(&conn, "tags")
        .unwrap()
        .contains("ON CONFLICT IGNORE"));
}

migration! {
    static COLLAPSE;
    revision "0001" {
        create table codes { id integer primary key, code text unique on conflict replace }
        insert into codes (id, code) values (1, "a"), (2, "A");
    }
    revision "0002" {
        // Under NOCASE both codes are equal: the new table's REPLACE
        // would delete a row during the copy.
        batch alter table codes { alter column code set collate nocase; }
    }
}

/// A row the new definition refuses fails the revision instead of being
/// skipped or replaced without a word by the new table's conflict clause
/// (the constraint check before the rebuild names the rows; the copy
/// itself is `INSERT OR ABORT` besides).
#[test]
fn a_rebuild_copy_never_resolves_a_conflict_silently() {
    let db = TempDb::new();
    let mut conn = db.open();
    COLLAPSE
        .migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0001"),
            &Default::default(),
        )
        .unwrap();
    let err = COLLAPSE.apply_pending(&mut conn).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("2 row(s) violate the UNIQUE constraint on column `code`"),
        "{message}"
    );
    assert_eq!(revision_of(&err), "0002");
    assert_eq!(table_rows(&conn, "codes").len(), 2, "both rows kept");
    assert_eq!(history_ids(&conn), ["0001"]);
    assert!(temp_tables(&conn).is_empty());
    assert_healthy(&conn);
}
