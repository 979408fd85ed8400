//! Status, `is_up_to_date`, `create_fresh` and `stamp` on real files.

use crate::common::*;
use migrate_dsl::rusqlite::{Connection, OpenFlags};
use migrate_dsl::{migration, ErrorKind};
use migrate_dsl::{Options, Target};

migration! {
    static SCHEMA;
    revision "0001" {
        create table users { id integer primary key, email text not null unique }
        create table posts {
            id integer primary key autoincrement,
            user_id integer not null references users (id) on delete cascade,
            title text,
        }
    }
    revision "0002" {
        create index posts_user on posts (user_id);
        batch alter table posts { rename column title to heading; add column body text default (""); }
    }
    revision "0003" {
        create view post_titles as "SELECT p.id, p.heading, u.email FROM posts AS p JOIN users AS u ON u.id = p.user_id";
        create trigger users_lower after insert on users as "UPDATE users SET email = lower(new.email) WHERE id = new.id;";
        batch alter table users recreate = always { alter column email set collate nocase; }
    }
}

migration! {
    /// The first two revisions of SCHEMA: an older program.
    static OLDER;
    revision "0001" {
        create table users { id integer primary key, email text not null unique }
        create table posts {
            id integer primary key autoincrement,
            user_id integer not null references users (id) on delete cascade,
            title text,
        }
    }
    revision "0002" {
        create index posts_user on posts (user_id);
        batch alter table posts { rename column title to heading; add column body text default (""); }
    }
}

migration! {
    static SEEDED;
    revision "0001" {
        create table kinds { id integer primary key, name text }
        insert into kinds (id, name) values (1, "a");
    }
}

/// `sqlite_schema` without the history table.
fn user_schema(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name <> '_migrate_history' ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn status_reads_without_writing() {
    let db = TempDb::new();
    drop(db.open()); // an empty file
    let ro = Connection::open_with_flags(&db.path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let status = SCHEMA.status(&ro).unwrap();
    assert!(status.applied.is_empty());
    assert_eq!(status.pending, ["0001", "0002", "0003"]);
    assert_eq!(status.current(), None);
    assert!(!status.is_up_to_date());
    assert!(!SCHEMA.is_up_to_date(&ro).unwrap());
    drop(ro);

    let mut conn = db.open();
    SCHEMA
        .migrate(&mut conn, Target::UpTo("0002"), &Options::default())
        .unwrap();
    let ro = Connection::open_with_flags(&db.path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let status = SCHEMA.status(&ro).unwrap();
    assert_eq!(status.current(), Some("0002"));
    assert_eq!(status.pending, ["0003"]);
    assert!(status.applied[0].applied_at.ends_with('Z'));
    assert!(!SCHEMA.is_up_to_date(&ro).unwrap());
    let text = status.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    for (line, row) in lines.iter().zip(&status.applied) {
        assert_eq!(
            *line,
            format!(
                "{}  applied  {}  {} ms",
                row.id,
                row.applied_at,
                row.duration.as_millis()
            )
        );
    }
    assert_eq!(
        lines[2..],
        ["0003  pending", "2 applied, 1 pending: at 0002"]
    );
    assert!(OLDER.is_up_to_date(&ro).unwrap());

    SCHEMA.apply_pending(&mut conn).unwrap();
    assert!(SCHEMA.is_up_to_date(&ro).unwrap());
    assert!(SCHEMA.status(&ro).unwrap().is_up_to_date());
    // The older program sees a revision it does not know.
    let older = OLDER.status(&ro).unwrap();
    assert_eq!(older.unknown, ["0003"]);
    assert!(!older.is_up_to_date());
    let text = older.to_string();
    assert!(
        text.lines()
            .nth(2)
            .unwrap()
            .ends_with("ms  (not in this history)"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "3 applied, 0 pending, 1 not in this history (migrated by a newer program): at 0003"
        ),
        "{text}"
    );
    assert!(!OLDER.is_up_to_date(&ro).unwrap());

    // An edited head revision is not "up to date".
    conn.execute(
        "UPDATE _migrate_history SET checksum = 'edited' WHERE id = '0003'",
        [],
    )
    .unwrap();
    assert!(!SCHEMA.is_up_to_date(&ro).unwrap());
}

#[test]
fn create_fresh_builds_what_a_replay_builds() {
    let replayed = TempDb::new();
    let mut replay = replayed.open();
    SCHEMA.apply_pending(&mut replay).unwrap();

    let fresh_db = TempDb::new();
    let mut fresh = fresh_db.open();
    let report = SCHEMA
        .create_fresh(&mut fresh, &Default::default())
        .unwrap();
    assert_eq!(report.stamped, ["0001", "0002", "0003"]);
    assert!(report.applied.is_empty());
    assert_eq!(user_schema(&fresh), user_schema(&replay));
    assert_eq!(history_ids(&fresh), history_ids(&replay));
    assert!(SCHEMA.is_up_to_date(&fresh).unwrap());
    assert!(SCHEMA.apply_pending(&mut fresh).unwrap().is_empty());
    assert_healthy(&fresh);

    // It works like the replayed one: the trigger, the FK cascade.
    fresh
        .execute("INSERT INTO users (id, email) VALUES (1, 'A@X')", [])
        .unwrap();
    assert_eq!(strings(&fresh, "SELECT email FROM users"), ["a@x"]);
}

#[test]
fn create_fresh_refuses_objects_in_the_way_or_a_history_with_data() {
    let mut conn = Connection::open_in_memory().unwrap();
    // Objects the head schema does not have are left alone; one it has is
    // in the way.
    conn.execute_batch("CREATE TABLE mine (x); CREATE TABLE Users (x)")
        .unwrap();
    let err = SCHEMA
        .create_fresh(&mut conn, &Default::default())
        .unwrap_err();
    let ErrorKind::NotFresh(migrate_dsl::error::NotFresh::NotEmpty { objects, .. }) = err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(objects, &["table Users".to_owned()]);
    assert_eq!(
        strings(&conn, "SELECT name FROM sqlite_schema"),
        ["mine", "Users"]
    );
    conn.execute_batch("DROP TABLE Users").unwrap();
    SCHEMA.create_fresh(&mut conn, &Default::default()).unwrap();
    assert!(SCHEMA.is_up_to_date(&conn).unwrap());
    assert_eq!(
        strings(&conn, "SELECT x FROM mine"),
        Vec::<String>::new(),
        "the unrelated table is still there"
    );
    // A second time: this history is recorded as applied.
    let err = SCHEMA
        .create_fresh(&mut conn, &Default::default())
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::NotFresh(migrate_dsl::error::NotFresh::NotEmpty { .. })
        ),
        "{err:?}"
    );

    let mut conn = Connection::open_in_memory().unwrap();
    let err = SEEDED
        .create_fresh(&mut conn, &Default::default())
        .unwrap_err();
    let ErrorKind::NotFresh(migrate_dsl::error::NotFresh::DataInHistory) = err.kind() else {
        panic!("{err:?}");
    };
    let (revision, operation, _, _) = where_of(&err);
    let operation = operation.unwrap();
    assert_eq!(revision, "0001");
    assert!(operation.starts_with("insert into kinds"), "{operation}");
    assert!(strings(&conn, "SELECT name FROM sqlite_schema").is_empty());

    SEEDED
        .create_fresh(&mut conn, &Options::default().schema_only(true))
        .unwrap();
    assert_eq!(table_rows(&conn, "kinds").len(), 0);
    assert!(SEEDED.is_up_to_date(&conn).unwrap());
}

#[test]
fn stamp_marks_revisions_without_running_them() {
    let db = TempDb::new();
    let mut conn = db.open();
    // A database whose schema at 0002 was made another way.
    OLDER.create_fresh(&mut conn, &Default::default()).unwrap();
    conn.execute_batch("DELETE FROM _migrate_history").unwrap();
    let schema_before = user_schema(&conn);

    let report = SCHEMA.stamp(&mut conn, Some("0002")).unwrap();
    assert_eq!(report.stamped, ["0001", "0002"]);
    assert_eq!(user_schema(&conn), schema_before, "stamp runs nothing");
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
    SCHEMA.apply_pending(&mut conn).unwrap();
    assert!(SCHEMA.is_up_to_date(&conn).unwrap());

    let report = SCHEMA.stamp(&mut conn, Some("0001")).unwrap();
    assert_eq!(report.unstamped, ["0003", "0002"]);
    assert_eq!(history_ids(&conn), ["0001"]);
    let report = SCHEMA.stamp(&mut conn, None).unwrap();
    assert_eq!(report.unstamped, ["0001"]);
    assert!(history_ids(&conn).is_empty());

    let err = SCHEMA.stamp(&mut conn, Some("9999")).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(migrate_dsl::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );
}

migration! {
    static QUIET;
    history table "app_history";
    revision "0001" { create table quiet { id integer primary key } }
    revision "0002" { create index quiet_id on quiet (id); }
}

migration! {
    /// QUIET with its history table's name in capitals.
    static SHOUTING;
    history table "APP_HISTORY";
    revision "0001" { create table quiet { id integer primary key } }
    revision "0002" { create index quiet_id on quiet (id); }
}

#[test]
fn the_history_table_is_found_whatever_the_case_of_its_name() {
    let db = TempDb::new();
    let mut conn = db.open();
    QUIET.apply_pending(&mut conn).unwrap();
    // SQLite compares names case-insensitively: the same table.
    let status = SHOUTING.status(&conn).unwrap();
    assert_eq!(status.current(), Some("0002"), "{status:?}");
    assert!(status.pending.is_empty(), "{status:?}");
    assert!(SHOUTING.is_up_to_date(&conn).unwrap());
    assert!(SHOUTING
        .apply_pending(&mut conn)
        .unwrap()
        .applied
        .is_empty());
}
