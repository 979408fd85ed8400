//! Data-migration switches: `run … when "flag"` / `unless "flag"` hooks that
//! the caller includes or skips by flag, and the context every hook gets.

use crate::common::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Dialect;
use migrate_dsl::Target;
use migrate_dsl::{migration, BoxError, HookContext, Options};

migration! {
    static MIGRATIONS;
    revision "0001" {
        create table kinds { id integer primary key, name text not null }
        create table calls { revision text not null, downgrade integer not null, flags text not null }
        run seed_demo when "demo_data";
        run seed_kinds unless "no_reference_data";
        run record_call;
    }
    revision "0002" {
        create index kinds_name on kinds (name);
        run record_call;
        down {
            drop index kinds_name;
            run record_call;
        }
    }
}

fn seed_demo(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("INSERT INTO kinds (name) VALUES ('demo')", [])?;
    Ok(())
}

fn seed_kinds(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("INSERT INTO kinds (name) VALUES ('book'), ('film')", [])?;
    Ok(())
}

/// Records what the context says, so the test can read it back.
fn record_call(conn: &Connection, cx: &HookContext) -> Result<(), BoxError> {
    let flags: Vec<&str> = cx.flags().collect();
    conn.execute(
        "INSERT INTO calls VALUES (?1, ?2, ?3)",
        (cx.revision(), cx.is_revert(), flags.join(",")),
    )?;
    Ok(())
}

fn calls(conn: &migrate_dsl::rusqlite::Connection) -> Vec<String> {
    strings(
        conn,
        "SELECT revision || ':' || downgrade || ':' || flags FROM calls ORDER BY rowid",
    )
}

#[test]
fn without_flags_when_steps_are_skipped_and_unless_steps_run() {
    let db = TempDb::new();
    let mut conn = db.open();
    let report = MIGRATIONS.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 2);
    assert_eq!(report.skipped_hooks.len(), 1);
    assert_eq!(report.skipped_hooks[0].revision, "0001");
    assert_eq!(report.skipped_hooks[0].hook, "seed_demo");
    assert_eq!(report.skipped_hooks[0].condition, "when \"demo_data\"");
    assert!(
        report
            .to_string()
            .contains("skipped `run seed_demo` of 0001"),
        "{report}"
    );
    assert_eq!(
        strings(&conn, "SELECT name FROM kinds ORDER BY id"),
        ["book", "film"]
    );
    assert_eq!(calls(&conn), ["0001:0:", "0002:0:"]);
    assert_healthy(&conn);
}

#[test]
fn flags_include_and_skip_data_steps_and_reach_every_hook() {
    let db = TempDb::new();
    let mut conn = db.open();
    let options = Options::default()
        .flag("demo_data")
        .flag("no_reference_data");
    let report = MIGRATIONS
        .migrate(&mut conn, Target::Head, &options)
        .unwrap();
    assert_eq!(report.skipped_hooks.len(), 1);
    assert_eq!(report.skipped_hooks[0].hook, "seed_kinds");
    assert_eq!(
        report.skipped_hooks[0].condition,
        "unless \"no_reference_data\""
    );
    assert_eq!(strings(&conn, "SELECT name FROM kinds"), ["demo"]);
    assert_eq!(
        calls(&conn),
        [
            "0001:0:demo_data,no_reference_data",
            "0002:0:demo_data,no_reference_data"
        ]
    );

    // Flags are not part of what was applied: the checksums are the
    // revisions', and a later run with other flags has nothing to do.
    let rerun = MIGRATIONS.apply_pending(&mut conn).unwrap();
    assert!(rerun.applied.is_empty() && rerun.skipped_hooks.is_empty());
    assert!(MIGRATIONS.is_up_to_date(&conn).unwrap());

    // Hooks in a `down` block know they undo.
    MIGRATIONS
        .migrate(
            &mut conn,
            Target::DownTo("0001"),
            &Options::default().flag("x"),
        )
        .unwrap();
    assert_eq!(calls(&conn).last().unwrap(), "0002:1:x");
    assert_healthy(&conn);
}

migration! {
    static OFFLINE;
    revision "0001" {
        create table kinds { id integer primary key, name text not null }
        run seed_demo when "demo_data";
    }
    revision "0002" {
        run seed_kinds unless "no_reference_data";
    }
}

#[test]
fn the_script_skips_when_steps_and_names_steps_that_would_run() {
    let script = OFFLINE
        .script(Dialect::Sqlite, None, Target::UpTo("0001"))
        .unwrap();
    assert!(
        script.contains("-- skipped: run seed_demo when \"demo_data\""),
        "{script}"
    );
    let conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(&script).unwrap();
    assert_eq!(table_rows(&conn, "kinds").len(), 0);

    let script = OFFLINE
        .script(Dialect::Sqlite, None, Target::UpTo("0002"))
        .unwrap();
    assert!(
        script.contains("-- run seed_kinds: Rust code, which a script cannot run"),
        "{script}"
    );
}
