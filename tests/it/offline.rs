//! Offline SQL is what the runtime executes: the script run with
//! `execute_batch` on one copy and the runtime on another give the same
//! schema, rows, AUTOINCREMENT counters and history.

use crate::common::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Dialect;
use migrate_dsl::{migration, ErrorKind};
use migrate_dsl::{Options, Target};
use std::collections::BTreeMap;

migration! {
    static HISTORY;
    revision "0001" {
        create table users { id integer primary key autoincrement, email text not null, note text }
        create table posts { id integer primary key, user_id integer references users (id) on delete cascade, title text }
        create index users_email on users (email);
        insert into users (id, email, note) values (1, "a@x", "n1"), (2, "b@x", null), (3, "c@x", "n3");
        insert into posts (id, user_id, title) values (10, 1, "hello"), (11, 3, "again");
    }
    revision "0002" {
        sql "DELETE FROM posts WHERE user_id = 3; DELETE FROM users WHERE id = 3" touches (posts, users);
        batch alter table users recreate = always {
            rename column note to bio;
            alter column email set collate nocase;
            add column active integer not null default (1);
        }
        create view active_users as "SELECT id, email FROM users WHERE active = 1";
    }
    revision "0003" {
        create trigger users_touch after update of email on users as "UPDATE users SET bio = 'changed' WHERE id = new.id;";
        batch alter table posts { rename column title to heading; }
        drop index users_email;
    }
}

type Schema = Vec<(String, String, Option<String>)>;

/// Schema, rows of every table (incl. the history's ids and checksums, and
/// sqlite_sequence), all compared.
fn state(conn: &Connection) -> (Schema, BTreeMap<String, Vec<String>>) {
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    let schema: Schema = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rows = BTreeMap::new();
    for (ty, name, _) in &schema {
        if ty != "table" {
            continue;
        }
        let q = if name == "_migrate_history" {
            "SELECT id || ' ' || checksum FROM _migrate_history ORDER BY rowid".to_owned()
        } else {
            format!("SELECT quote(rowid) || ' ' || json_array(*) FROM (SELECT rowid, * FROM \"{name}\") ORDER BY 1")
        };
        let q = if name == "sqlite_sequence" {
            "SELECT name || ' ' || seq FROM sqlite_sequence ORDER BY name".to_owned()
        } else {
            q
        };
        rows.insert(name.clone(), strings(conn, &q));
    }
    (schema, rows)
}

#[test]
fn the_offline_script_does_what_the_runtime_does() {
    let (a, b) = (TempDb::new(), TempDb::new());
    let (mut runtime, script_db) = (a.open(), b.open());

    let script = HISTORY
        .script(Dialect::Sqlite, None, Target::UpTo("0003"))
        .unwrap();
    script_db.execute_batch(&script).unwrap();
    HISTORY.apply_pending(&mut runtime).unwrap();
    assert_eq!(state(&script_db), state(&runtime));
    assert!(HISTORY.is_up_to_date(&script_db).unwrap());
    assert_healthy(&script_db);
    // The deleted row's id is not reused on either side.
    assert_eq!(
        strings(&script_db, "SELECT name || seq FROM sqlite_sequence"),
        ["users3"]
    );

    // Down and up again, on both.
    let down = HISTORY
        .script(Dialect::Sqlite, Some("0003"), Target::DownTo("0002"))
        .unwrap();
    assert!(
        down.contains("DELETE FROM \"_migrate_history\" WHERE id = '0003';"),
        "{down}"
    );
    script_db.execute_batch(&down).unwrap();
    HISTORY
        .migrate(&mut runtime, Target::DownTo("0002"), &Options::default())
        .unwrap();
    assert_eq!(state(&script_db), state(&runtime));

    let err = HISTORY
        .script(Dialect::Sqlite, Some("0002"), Target::Empty)
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(migrate_dsl::error::TargetError::Irreversible { .. })
        ),
        "{err:?}"
    );
    assert_eq!(revision_of(&err), "0002");
    let up = HISTORY
        .script(Dialect::Sqlite, Some("0002"), Target::UpTo("0003"))
        .unwrap();
    assert!(up.contains("-- revision 0003 (up)"));
    assert!(!up.contains("revision 0002"));
    script_db.execute_batch(&up).unwrap();
    HISTORY.apply_pending(&mut runtime).unwrap();
    assert_eq!(state(&script_db), state(&runtime));
}

fn hook(_: &migrate_dsl::rusqlite::Connection) -> Result<(), migrate_dsl::BoxError> {
    Ok(())
}

migration! {
    static WITH_HOOK;
    revision "0001" { create table t { id integer primary key } }
    revision "0002" { run hook; }
}

#[test]
fn a_hook_is_a_comment_saying_the_script_stops_being_equivalent() {
    let script = WITH_HOOK
        .script(Dialect::Sqlite, None, Target::UpTo("0002"))
        .unwrap();
    let hook_at = script
        .find("-- run hook: Rust code, which a script cannot run; from here on this script is not what a run does")
        .unwrap_or_else(|| panic!("{script}"));
    assert!(hook_at > script.find("-- revision 0002 (up)").unwrap());
    // One revision alone: from the one before it, the next.
    let one = WITH_HOOK
        .script(Dialect::Sqlite, Some("0001"), Target::Next)
        .unwrap();
    assert!(one.contains("-- revision 0002 (up)"), "{one}");
    assert!(!one.contains("revision 0001"), "{one}");
    let first = WITH_HOOK
        .script(Dialect::Sqlite, None, Target::Next)
        .unwrap();
    assert!(first.contains("-- revision 0001 (up)") && !first.contains("0002"));
    let err = WITH_HOOK
        .script(Dialect::Sqlite, None, Target::UpTo("0042"))
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(migrate_dsl::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );
    let err = WITH_HOOK
        .script(Dialect::Sqlite, Some("0042"), Target::Next)
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(migrate_dsl::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );
}
