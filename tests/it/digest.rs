//! The running digest of the history table (issue 15): each row's digest
//! covers the id and checksum of every revision up to it, so one lookup of
//! the newest row verifies all of them.
//!
//! - an edit of revision 3 of 10 is found by `status`, `is_up_to_date`,
//!   `check` and `apply_pending` alike, naming it;
//! - a history table from before digests is read exactly (whole, read-only)
//!   and upgraded in place by the next run that writes to it;
//! - rows an offline script writes (no digest) are filled in by the next run.

use crate::common::*;
use migrate_dsl::build::*;
use migrate_dsl::rusqlite::{Connection, OpenFlags};
use migrate_dsl::{Dialect, Target};
use migrate_dsl::{ErrorKind, Migrations};

/// `count` revisions, each creating table `t<i>`; revision `edited` (if
/// any) names its column differently.
fn history(count: usize, edited: Option<usize>) -> Migrations {
    let n = |s: &str| Name::new(s, Loc::NONE);
    let revisions = (1..=count)
        .map(|i| {
            let column = if Some(i) == edited { "w" } else { "v" };
            let table = CreateTable::new(
                n(&format!("t{i}")),
                vec![ColumnDef::new(n(column), ColumnType::TEXT)],
            );
            RevisionDef::new(n(&format!("{i:04}")), vec![Op::CreateTable(table)])
        })
        .collect();
    Migrations::from_history(&History::new(revisions)).expect("a valid history")
}

fn digests(conn: &Connection) -> Vec<Option<String>> {
    let mut stmt = conn
        .prepare("SELECT digest FROM _migrate_history ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_edited_older_revision_is_found_by_every_entry_point() {
    let db = TempDb::new();
    let mut conn = db.open();
    let ten = history(10, None);
    ten.apply_pending(&mut conn).unwrap();
    assert!(ten.is_up_to_date(&conn).unwrap());
    assert!(ten.status(&conn).unwrap().is_up_to_date());
    assert!(ten.check(&conn).unwrap().is_empty());
    let d = digests(&conn);
    assert_eq!(d.len(), 10);
    assert!(d.iter().all(|d| d.as_ref().is_some_and(|d| d.len() == 64)));
    assert_eq!(
        d.iter().collect::<std::collections::BTreeSet<_>>().len(),
        10,
        "each row's digest differs"
    );

    let edited = history(10, Some(3));
    assert!(!edited.is_up_to_date(&conn).unwrap());
    let status = edited.status(&conn).unwrap();
    assert_eq!(status.edited, ["0003"]);
    assert!(status.pending.is_empty());
    assert!(!status.is_up_to_date());
    assert!(
        status.to_string().contains("0003  applied")
            && status.to_string().contains("(edited since it was applied)"),
        "{status}"
    );
    for err in [
        edited.check(&conn).unwrap_err(),
        edited.apply_pending(&mut conn).unwrap_err(),
    ] {
        assert!(
            matches!(
                err.kind(),
                ErrorKind::History(migrate_dsl::error::HistoryMismatch::ChecksumMismatch { .. })
            ),
            "{err:#?}"
        );
        assert_eq!(err.context().unwrap().revision, "0003");
    }
    // The unedited history is still up to date.
    assert!(ten.is_up_to_date(&conn).unwrap());
}

/// The history table as versions before digests made it, with revisions
/// `0001`..=`upto` of `m` recorded.
fn old_format(conn: &Connection, m: &Migrations, upto: usize) {
    conn.execute_batch(
        "CREATE TABLE _migrate_history (id TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL)",
    )
    .unwrap();
    for (i, rev) in m.revisions()[..upto].iter().enumerate() {
        conn.execute_batch(&format!("CREATE TABLE t{} (v text)", i + 1))
            .unwrap();
        conn.execute(
            "INSERT INTO _migrate_history VALUES (?1, ?2, '2026-01-01T00:00:00Z', 1)",
            [rev.id(), rev.checksum()],
        )
        .unwrap();
    }
}

#[test]
fn a_history_from_before_digests_is_read_exactly_and_upgraded_in_place() {
    let db = TempDb::new();
    let ten = history(10, None);
    let conn = db.open();
    old_format(&conn, &ten, 10);
    drop(conn);
    // Read-only: exact, nothing written.
    let ro = Connection::open_with_flags(&db.path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    assert!(ten.is_up_to_date(&ro).unwrap());
    assert!(!history(10, Some(3)).is_up_to_date(&ro).unwrap());
    assert_eq!(history(10, Some(3)).status(&ro).unwrap().edited, ["0003"]);
    drop(ro);
    // A run with nothing to do writes nothing: still the old format.
    let mut conn = db.open();
    let before = snapshot(&conn);
    assert!(ten.apply_pending(&mut conn).unwrap().applied.is_empty());
    assert_eq!(snapshot(&conn), before);

    // A run that records a revision upgrades the table in its transaction.
    let twelve = history(12, None);
    let report = twelve.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 2);
    let d = digests(&conn);
    assert_eq!(d.len(), 12);
    assert!(d.iter().all(Option::is_some), "{d:?}");
    // The digests are those a new database gets.
    let fresh = TempDb::new();
    let mut other = fresh.open();
    twelve.apply_pending(&mut other).unwrap();
    assert_eq!(digests(&other), d);
    assert!(twelve.is_up_to_date(&conn).unwrap());
    assert_healthy(&conn);
}

#[test]
fn a_failed_first_run_leaves_the_old_format_as_it_was() {
    let db = TempDb::new();
    let mut conn = db.open();
    let three = history(3, None);
    old_format(&conn, &three, 2);
    // Revision 0003's table exists already: the revision fails.
    conn.execute_batch("CREATE TABLE t3 (v text)").unwrap();
    let before = snapshot(&conn);
    three.apply_pending(&mut conn).unwrap_err();
    assert_eq!(
        snapshot(&conn),
        before,
        "the upgrade went with the revision"
    );
}

#[test]
fn rows_an_offline_script_writes_get_their_digests_from_the_next_run() {
    let db = TempDb::new();
    let mut conn = db.open();
    let five = history(5, None);
    five.migrate(
        &mut conn,
        migrate_dsl::Target::UpTo("0002"),
        &Default::default(),
    )
    .unwrap();
    let script = five
        .script(Dialect::Sqlite, Some("0002"), Target::UpTo("0004"))
        .unwrap();
    conn.execute_batch(&script).unwrap();
    assert_eq!(digests(&conn)[2..], [None, None]);
    // Exact before the next run, by reading the history whole.
    assert_eq!(five.status(&conn).unwrap().pending, ["0005"]);
    assert!(!five.is_up_to_date(&conn).unwrap());
    five.apply_pending(&mut conn).unwrap();
    let d = digests(&conn);
    assert!(d.iter().all(Option::is_some), "{d:?}");
    assert!(five.is_up_to_date(&conn).unwrap());
}

/// Each row's digest chains from the rows stored before it: a run writes
/// the digests compiled into the history where the stored rows agree with
/// it, and computes them from the rows where they do not (here, revision
/// 0003 was edited and checksums are not verified).
#[test]
fn every_row_chains_from_the_rows_stored_before_it() {
    let db = TempDb::new();
    let mut conn = db.open();
    let ten = history(10, None);
    ten.migrate(
        &mut conn,
        migrate_dsl::Target::UpTo("0005"),
        &Default::default(),
    )
    .unwrap();
    let edited = history(10, Some(3));
    let unverified = migrate_dsl::Options::default().verify_checksums(false);
    let report = edited
        .migrate(&mut conn, migrate_dsl::Target::Head, &unverified)
        .unwrap();
    assert_eq!(report.applied.len(), 5);
    let mut stmt = conn
        .prepare("SELECT id, checksum, digest FROM _migrate_history ORDER BY rowid")
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 10);
    let mut chain = String::new();
    for (id, checksum, digest) in &rows {
        chain = migrate_dsl_core::canonical::chain_digest(&chain, id, checksum);
        assert_eq!(*digest, chain, "revision {id}");
    }
    // Rows 0006..0010 are the unedited ones: the unedited history is up to
    // date, the edited one is not (its 0003 differs from the stored row).
    assert!(ten.is_up_to_date(&conn).unwrap());
    assert!(!edited.is_up_to_date(&conn).unwrap());
    assert_eq!(edited.status(&conn).unwrap().edited, ["0003"]);
}
