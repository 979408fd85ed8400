//! After a rebuild, or a plain `drop table` / `alter table`, every view and
//! trigger in the database is compiled again, the history's or not: one the
//! change breaks fails the revision, naming it; one that was already broken
//! (before a rebuild) is reported, never blamed.

use crate::common::*;
use migrate_dsl::{migration, ErrorKind};
use migrate_dsl::{Options, Target};

migration! {
    static SCORES;
    revision "0001" {
        create table players { id integer primary key, name text, score integer }
        create table log { what text }
        insert into players (id, name, score) values (1, "ann", 10);
    }
    revision "0002" {
        batch alter table players recreate = always { drop column score; }
    }
}

#[test]
fn a_hand_made_trigger_on_another_table_that_the_rebuild_breaks_fails_it() {
    let db = TempDb::new();
    let mut conn = db.open();
    SCORES
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    // Made by hand, on `log`, reading the column the revision drops.
    conn.execute_batch(
        "CREATE TRIGGER log_best AFTER INSERT ON log
         BEGIN UPDATE log SET what = (SELECT max(score) FROM players) WHERE rowid = new.rowid; END",
    )
    .unwrap();
    let before = snapshot(&conn);
    let err = SCORES.apply_pending(&mut conn).unwrap_err();
    match err.kind() {
        ErrorKind::Broken(migrate_dsl::error::Broken::BrokenTrigger { trigger, on, .. }) => {
            assert_eq!(
                (
                    revision_of(&err),
                    where_of(&err).2.unwrap(),
                    trigger.as_str(),
                    on.as_str()
                ),
                ("0002", "players", "log_best", "log")
            )
        }
        other => panic!("expected BrokenTrigger, got {other:?}"),
    }
    assert!(err.to_string().contains("no such column: score"), "{err}");
    assert_eq!(snapshot(&conn), before);
    // Without the trigger, the revision runs and inserts into `log` work.
    conn.execute_batch("DROP TRIGGER log_best").unwrap();
    SCORES.apply_pending(&mut conn).unwrap();
    conn.execute("INSERT INTO log (what) VALUES ('x')", [])
        .unwrap();
    assert_healthy(&conn);
}

#[test]
fn a_view_that_was_already_broken_is_reported_not_blamed() {
    let db = TempDb::new();
    let mut conn = db.open();
    SCORES
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    // Broken before the revision: it reads a table that is gone.
    conn.execute_batch(
        "CREATE TABLE gone (x); CREATE VIEW stale AS SELECT x FROM gone; DROP TABLE gone",
    )
    .unwrap();
    let report = SCORES.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(report.already_broken.len(), 1, "{report}");
    assert!(
        report.already_broken[0]
            .to_string()
            .starts_with("view `stale` (already broken before revision `0002`: "),
        "{report}"
    );
    assert!(
        report.to_string().contains("warning: view `stale`"),
        "{report}"
    );
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
}

migration! {
    static DROPS;
    revision "0001" {
        create table scratch { id integer primary key, v text }
        create table events { id integer primary key }
    }
    revision "0002" {
        drop table scratch;
    }
}

/// SQLite drops a table without checking the views and triggers that read
/// it: a plain `drop table` is checked like a rebuild.
#[test]
fn a_dropped_table_that_a_hand_made_view_or_trigger_reads_fails_naming_it() {
    for (hand_made, kind, name) in [
        ("CREATE VIEW recent AS SELECT v FROM scratch", "view", "recent"),
        (
            "CREATE TRIGGER copy_events AFTER INSERT ON events BEGIN INSERT INTO scratch (v) VALUES ('e'); END",
            "trigger",
            "copy_events",
        ),
    ] {
        let db = TempDb::new();
        let mut conn = db.open();
        DROPS.migrate(&mut conn, Target::UpTo("0001"), &Options::default()).unwrap();
        conn.execute_batch(hand_made).unwrap();
        let before = snapshot(&conn);
        let err = DROPS.apply_pending(&mut conn).unwrap_err();
        let (got_kind, got_name) = match err.kind() {
            ErrorKind::Broken(migrate_dsl::error::Broken::BrokenView { view, .. }) => ("view", view),
            ErrorKind::Broken(migrate_dsl::error::Broken::BrokenTrigger { trigger, .. }) => ("trigger", trigger),
            other => panic!("expected a broken view or trigger, got {other:?}"),
        };
        assert_eq!((got_kind, got_name.as_str()), (kind, name));
        assert_eq!(where_of(&err).1, Some("drop table scratch;"));
        assert_eq!(snapshot(&conn), before, "{hand_made}");
    }
}

migration! {
    static RENAMES;
    revision "0001" {
        create table users { id integer primary key, name text, age integer }
        insert into users (id, name, age) values (1, "ann", 30);
    }
    revision "0002" {
        alter table users rename column age to years;
        alter table users drop column years;
        rename table users to people;
    }
    revision "0003" {
        batch alter table people recreate = always { rename column name to full_name; }
    }
}

/// SQLite refuses `RENAME COLUMN`, `DROP COLUMN` and `RENAME TABLE` while
/// any view of the database is broken, even an unrelated one; such objects
/// are set aside for the change and put back as they were, and reported.
#[test]
fn an_unrelated_broken_view_does_not_block_plain_alters_or_rebuilds() {
    let db = TempDb::new();
    let mut conn = db.open();
    RENAMES
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE gone (x); CREATE VIEW stale AS SELECT x FROM gone; DROP TABLE gone",
    )
    .unwrap();
    let stale = schema_sql(&conn, "stale").unwrap();
    let report = RENAMES.apply_pending(&mut conn).unwrap();
    assert_eq!(history_ids(&conn), ["0001", "0002", "0003"]);
    assert_eq!(
        report
            .already_broken
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "view `stale` (already broken before revision `0002`: no such table: main.gone)",
            "view `stale` (already broken before revision `0003`: no such table: main.gone)",
        ],
        "{report}"
    );
    // Still there, exactly as it was; the changes were made.
    assert_eq!(schema_sql(&conn, "stale").unwrap(), stale);
    let name: String = conn
        .query_row("SELECT full_name FROM people WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "ann");
}
