//! The run loop (`run::drive`), through the recording engine.

use super::{Call, Recording};
use crate::error::ErrorKind;
use crate::history::HistoryRow;
use crate::migrations::Migrations;
use crate::options::Options;
use crate::run::{drive, stamp, Direction, Target};
use migrate_dsl_core::op::{ColumnDef, ColumnType, CreateTable, History, Op, RevisionDef};
use migrate_dsl_core::plan::Down;
use migrate_dsl_core::{Loc, Name};
use std::borrow::Cow;
use std::time::Duration;

/// Three revisions, each creating a table: `0001`, `0002`, `0003`.
fn three() -> Migrations {
    let n = |s: &str| Name::new(s, Loc::NONE);
    let revisions = ["0001", "0002", "0003"]
        .iter()
        .map(|id| {
            let table = CreateTable::new(
                n(&format!("t{id}")),
                vec![ColumnDef::new(n("id"), ColumnType::INTEGER)],
            );
            RevisionDef::new(n(id), vec![Op::CreateTable(table)])
        })
        .collect();
    Migrations::from_history(&History::new(revisions)).expect("a valid history")
}

/// The ledger rows of the first `n` revisions of `m`, as applied.
fn rows(m: &Migrations, n: usize) -> Vec<HistoryRow> {
    m.revisions[..n]
        .iter()
        .map(|r| HistoryRow {
            id: r.id().to_owned(),
            checksum: r.checksum().to_owned(),
            applied_at: "2026-12-07T00:00:00.000Z".to_owned(),
            duration: Duration::ZERO,
        })
        .collect()
}

fn up(id: &str, flags: &[&str]) -> Call {
    let flags = flags.iter().map(|f| (*f).to_owned()).collect();
    Call::Revision(id.to_owned(), Direction::Up, false, flags)
}

fn down(id: &str) -> Call {
    Call::Revision(id.to_owned(), Direction::Down, true, Vec::new())
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_new_database_gets_every_revision_in_order_then_the_run_finishes() {
    let m = three();
    let mut engine = Recording::default();
    let options = Options::default().flag("demo");
    let report = drive(&m, &mut engine, Target::Head, &options).unwrap();
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::CanRun(Direction::Up, ids(&["0001", "0002", "0003"])),
            up("0001", &["demo"]),
            up("0002", &["demo"]),
            up("0003", &["demo"]),
            Call::Finish,
        ]
    );
    let applied: Vec<(&str, Duration)> = report
        .applied
        .iter()
        .map(|a| (a.id.as_str(), a.duration))
        .collect();
    // The durations are the engine's (what its ledger rows record).
    assert_eq!(
        applied,
        [
            ("0001", Duration::from_millis(1)),
            ("0002", Duration::from_millis(2)),
            ("0003", Duration::from_millis(3))
        ]
    );
    assert_eq!(report.removed_leftovers, ["_migrate_tmp_left"]);
    let noted: Vec<&str> = report
        .already_broken
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    assert_eq!(noted, ["noted_by_0001", "noted_by_0002", "noted_by_0003"]);
}

#[test]
fn a_proven_ledger_is_not_read_again_and_the_course_starts_after_it() {
    let m = three();
    let mut engine = Recording {
        ledger: Some(Ok(2)),
        ..Recording::default()
    };
    let report = drive(&m, &mut engine, Target::Head, &Options::default()).unwrap();
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::CanRun(Direction::Up, ids(&["0003"])),
            up("0003", &[]),
            Call::Finish,
        ]
    );
    assert_eq!(report.applied.len(), 1);
}

#[test]
fn rows_read_whole_are_verified_then_handed_back_to_the_engine() {
    let m = three();
    let mut engine = Recording {
        ledger: Some(Err(rows(&m, 1))),
        ..Recording::default()
    };
    drive(&m, &mut engine, Target::Next, &Options::default()).unwrap();
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::Verified(ids(&["0001"])),
            Call::CanRun(Direction::Up, ids(&["0002"])),
            up("0002", &[]),
            Call::Finish,
        ]
    );
}

#[test]
fn an_edited_revision_stops_the_run_before_the_engine_changes_anything() {
    let m = three();
    let mut edited = rows(&m, 2);
    edited[1].checksum = "0".repeat(64);
    let mut engine = Recording {
        ledger: Some(Err(edited)),
        ..Recording::default()
    };
    let err = drive(&m, &mut engine, Target::Head, &Options::default()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::History(crate::error::HistoryMismatch::ChecksumMismatch { .. })
        ),
        "{err:?}"
    );
    assert_eq!(engine.calls, [Call::Start]);
}

#[test]
fn a_move_down_undoes_newest_first_with_the_hooks_told_so() {
    let m = three();
    let mut engine = Recording {
        ledger: Some(Ok(3)),
        ..Recording::default()
    };
    let report = drive(&m, &mut engine, Target::DownTo("0001"), &Options::default()).unwrap();
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::CanRun(Direction::Down, ids(&["0003", "0002"])),
            down("0003"),
            down("0002"),
            Call::Finish,
        ]
    );
    let reverted: Vec<&str> = report.reverted.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(reverted, ["0003", "0002"]);
    assert!(report.applied.is_empty());
}

#[test]
fn a_move_down_through_an_irreversible_revision_is_refused_whole() {
    let mut m = three();
    m.revisions.to_mut()[1].plan.down = Down::Irreversible(Cow::Borrowed("it drops data"));
    let mut engine = Recording {
        ledger: Some(Ok(3)),
        ..Recording::default()
    };
    let err = drive(&m, &mut engine, Target::Empty, &Options::default()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Target(crate::error::TargetError::Irreversible { reason }) if reason == "it drops data"),
        "{err:?}"
    );
    // Not even the revision after it was undone.
    assert_eq!(engine.calls, [Call::Start]);
}

#[test]
fn a_course_the_engine_cannot_run_changes_nothing() {
    let m = three();
    let mut engine = Recording {
        refuse: true,
        ..Recording::default()
    };
    let err = drive(&m, &mut engine, Target::Head, &Options::default()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Unsupported { .. }),
        "{err:?}"
    );
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::CanRun(Direction::Up, ids(&["0001", "0002", "0003"]))
        ]
    );
}

#[test]
fn a_revision_applied_elsewhere_is_reported_so_and_not_as_applied() {
    let m = three();
    let mut engine = Recording {
        elsewhere: Some(1),
        ..Recording::default()
    };
    let report = drive(&m, &mut engine, Target::Head, &Options::default()).unwrap();
    assert_eq!(report.applied_elsewhere, ["0002"]);
    let applied: Vec<&str> = report.applied.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(applied, ["0001", "0003"]);
}

#[test]
fn a_failed_revision_ends_the_run_there_and_the_engine_keeps_what_came_before() {
    let m = three();
    let mut engine = Recording {
        fail_at: Some(1),
        ..Recording::default()
    };
    let err = drive(&m, &mut engine, Target::Head, &Options::default()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Unsupported { what } if what == "0002 failed"),
        "{err:?}"
    );
    // No third revision, and no `finish`: what the engine committed stays,
    // the rest is its own to undo (SQLite's batch and guards on drop,
    // PostgreSQL's transaction per revision).
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::CanRun(Direction::Up, ids(&["0001", "0002", "0003"])),
            up("0001", &[]),
            up("0002", &[]),
        ]
    );
}

#[test]
fn a_named_target_the_history_lacks_is_refused_before_the_engine_starts() {
    // (The verbs refuse it too, before taking a lock.)
    let m = three();
    let mut engine = Recording::default();
    let err = drive(&m, &mut engine, Target::DownTo("0042"), &Options::default()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(crate::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );
    assert!(engine.calls.is_empty());
}

#[test]
fn stamp_writes_the_missing_rows_without_running_a_revision() {
    let m = three();
    let mut engine = Recording {
        ledger: Some(Ok(1)),
        ..Recording::default()
    };
    let report = stamp(&m, &mut engine, Some("0003")).unwrap();
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::Mark(Direction::Up, ids(&["0002", "0003"])),
            Call::Finish,
        ]
    );
    assert_eq!(report.stamped, ids(&["0002", "0003"]));
    assert!(report.applied.is_empty() && report.unstamped.is_empty());
}

#[test]
fn stamp_below_the_ledger_deletes_newest_first_and_ignores_checksums() {
    let m = three();
    // An edited revision does not stop a stamp: setting the ledger right
    // is what it is for. Ids and order are still verified.
    let mut edited = rows(&m, 3);
    edited[2].checksum = "0".repeat(64);
    let mut engine = Recording {
        ledger: Some(Err(edited)),
        ..Recording::default()
    };
    let report = stamp(&m, &mut engine, Some("0001")).unwrap();
    assert_eq!(
        engine.calls,
        [
            Call::Start,
            Call::Verified(ids(&["0001", "0002", "0003"])),
            Call::Mark(Direction::Down, ids(&["0003", "0002"])),
            Call::Finish,
        ]
    );
    assert_eq!(report.unstamped, ids(&["0003", "0002"]));
    // None: every row deleted; an unknown id: refused before the start.
    let mut engine = Recording {
        ledger: Some(Ok(2)),
        ..Recording::default()
    };
    stamp(&m, &mut engine, None).unwrap();
    assert_eq!(
        engine.calls[1],
        Call::Mark(Direction::Down, ids(&["0002", "0001"]))
    );
    let mut engine = Recording::default();
    let err = stamp(&m, &mut engine, Some("0009")).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Target(crate::error::TargetError::UnknownTarget { .. })
        ),
        "{err:?}"
    );
    assert!(engine.calls.is_empty());
}

#[test]
fn stamp_on_a_ledger_naming_an_unknown_revision_is_refused_before_anything_changes() {
    let m = three();
    let mut unknown = rows(&m, 2);
    unknown[1].id = "0042".to_owned();
    let mut engine = Recording {
        ledger: Some(Err(unknown)),
        ..Recording::default()
    };
    let err = stamp(&m, &mut engine, Some("0003")).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::History(crate::error::HistoryMismatch::UnknownRevision { .. })
        ),
        "{err:?}"
    );
    assert_eq!(engine.calls, [Call::Start]);
}
