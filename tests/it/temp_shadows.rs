//! A TEMP object with the name of one the migration uses would capture the
//! migration's statements (SQLite resolves unqualified names to TEMP
//! first): the run is refused before anything is sent, for TEMP tables,
//! views, triggers and indexes, and for the history table.

use crate::common::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, ErrorKind};
use migrate_dsl::{Options, Target};

migration! {
    static M;
    revision "0001" {
        create table users { id integer primary key, name text }
        create index users_name on users (name);
        create trigger users_audit after insert on users as "SELECT 1";
    }
    revision "0002" {
        alter table users add column email text;
        insert into users (id, name) values (1, "ann");
    }
    revision "0003" {
        batch alter table users { alter column name set not null; }
    }
}

fn refused(conn: &mut Connection) -> (String, String, String) {
    match M.apply_pending(conn).unwrap_err().kind() {
        ErrorKind::Unfit(migrate_dsl::error::Unfit::ShadowedByTemp {
            kind, name, what, ..
        }) => (kind.to_string(), name.clone(), what.clone()),
        other => panic!("expected ShadowedByTemp, got {other:?}"),
    }
}

#[test]
fn a_temp_table_view_index_or_trigger_with_a_used_name_refuses_the_run() {
    for (temp, kind, what) in [
        ("CREATE TEMP TABLE users (x)", "table", "table `users`"),
        ("CREATE TEMP VIEW users AS SELECT 1", "view", "table `users`"),
        ("CREATE TEMP TABLE t (x); CREATE INDEX temp.users_name ON t (x)", "index", "index `users_name`"),
        ("CREATE TEMP TABLE t (x); CREATE TEMP TRIGGER users_audit AFTER INSERT ON t BEGIN SELECT 1; END", "trigger", "trigger `users_audit`"),
        ("CREATE TEMP TABLE _migrate_history (x)", "table", "the history table"),
    ] {
        let db = TempDb::new();
        let mut conn = db.open();
        M.migrate(&mut conn, Target::UpTo("0001"), &Options::default()).unwrap();
        let before = snapshot(&conn);
        conn.execute_batch(temp).unwrap();
        let (k, name, w) = refused(&mut conn);
        assert_eq!((k.as_str(), w.as_str()), (kind, what), "{temp}");
        assert!(temp.contains(&name), "{temp}: {name}");
        // Compared on a new connection: the TEMP object would capture the
        // snapshot's own queries.
        drop(conn);
        let conn = db.open();
        assert_eq!(snapshot(&conn), before, "{temp}: nothing changed");
        assert_eq!(history_ids(&conn), ["0001"]);
    }
}

#[test]
fn the_silent_wrong_result_is_gone_and_a_clean_connection_migrates() {
    let db = TempDb::new();
    let mut conn = db.open();
    M.migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    // The capture: a TEMP table named like the real one would have taken
    // the ALTER and the insert, and the revision would have been recorded.
    conn.execute_batch("CREATE TEMP TABLE users (id integer primary key, name text)")
        .unwrap();
    refused(&mut conn);
    conn.execute_batch("DROP TABLE temp.users").unwrap();
    M.apply_pending(&mut conn).unwrap();
    let email: Option<String> = conn
        .query_row("SELECT email FROM main.users WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(email, None);
    assert_eq!(history_ids(&conn), ["0001", "0002", "0003"]);
    // Unrelated TEMP objects are fine.
    let db = TempDb::new();
    let mut conn = db.open();
    conn.execute_batch("CREATE TEMP TABLE scratch (x)").unwrap();
    M.apply_pending(&mut conn).unwrap();
    assert_healthy(&conn);
}
