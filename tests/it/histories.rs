//! Several histories in one database: each records its revisions in its own
//! history table and neither sees the other's.

use crate::common::*;
use migrate_dsl::migration;
use migrate_dsl::{Options, Target};

migration! {
    /// The application's own tables, in the default history table.
    static APP;
    revision "0001" {
        create table users { id integer primary key, email text not null }
    }
    revision "0002" {
        create index users_email on users (email);
        batch alter table users recreate = always { add column name text; }
    }
}

migration! {
    /// A plugin's tables, in the same file, recorded under its own name.
    static PLUGIN;
    history table "plugin_migrations";
    revision "0001" {
        create table plugin_jobs { id integer primary key, state text not null default ("new") }
    }
    revision "0002" {
        create index plugin_jobs_state on plugin_jobs (state);
    }
}

#[test]
fn two_histories_share_a_file_without_seeing_each_other() {
    assert_eq!(APP.history_table(), "_migrate_history");
    assert_eq!(PLUGIN.history_table(), "plugin_migrations");
    let db = TempDb::new();
    let mut conn = db.open();

    APP.migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    // The plugin's database starts from nothing although `0001` is applied
    // in the other history, and its fresh build ignores the app's tables.
    assert_eq!(PLUGIN.status(&conn).unwrap().pending.len(), 2);
    let report = PLUGIN.create_fresh(&mut conn, &Default::default()).unwrap();
    assert_eq!(report.stamped, ["0001", "0002"]);
    assert!(PLUGIN.is_up_to_date(&conn).unwrap());
    assert!(!APP.is_up_to_date(&conn).unwrap());

    // The app's rebuild leaves the plugin's objects alone.
    conn.execute("INSERT INTO plugin_jobs (id) VALUES (7)", [])
        .unwrap();
    let report = APP.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert!(APP.is_up_to_date(&conn).unwrap());
    assert_eq!(strings(&conn, "SELECT state FROM plugin_jobs"), ["new"]);

    // Each status lists only its own rows, with ids the other also uses.
    let app = APP.status(&conn).unwrap();
    let plugin = PLUGIN.status(&conn).unwrap();
    assert_eq!(app.applied.len(), 2);
    assert_eq!(plugin.applied.len(), 2);
    assert!(app.unknown.is_empty() && plugin.unknown.is_empty());

    // Undoing the plugin entirely leaves the app's history and tables.
    PLUGIN
        .migrate(&mut conn, Target::Empty, &Options::default())
        .unwrap();
    assert!(PLUGIN.status(&conn).unwrap().applied.is_empty());
    assert_eq!(
        strings(
            &conn,
            "SELECT name FROM sqlite_schema WHERE name LIKE 'plugin\\_jobs%' ESCAPE '\\'"
        ),
        Vec::<String>::new()
    );
    assert_eq!(history_ids(&conn), ["0001", "0002"]);
    assert!(APP.is_up_to_date(&conn).unwrap());
    assert_healthy(&conn);
}
