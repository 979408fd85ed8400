//! What each subcommand does, in text and in JSON.

use super::open::{self, Access};
use super::output::{table, Output};
use super::{Cli, Command};
use crate::error::{Error, ErrorKind};
use crate::migrations::Migrations;
use crate::options::Options;
use crate::report::Report;
use crate::run::Target;
use migrate_dsl_core::op::Dialect;
use serde_json::{json, Value};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// `check` found something.
const FOUND: u8 = 3;

/// Why a command failed: its message, and for an error of the run, which
/// kind it is and where (revision, operation, table, SQL) — what `--json`
/// prints.
pub(super) struct Failure {
    /// `checksum_mismatch`, `drift`, …; `command` for the command's own
    /// checks (a missing file, a bad argument), `locked` for a lock held
    /// past the busy timeout.
    pub(super) kind: String,
    /// The message, one line.
    pub(super) message: String,
    /// Where in the history, for an error inside a revision.
    pub(super) context: Option<Box<crate::error::Context>>,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure {
            kind: "command".to_owned(),
            message,
            context: None,
        }
    }
}

impl Failure {
    /// The JSON object `--json` prints.
    pub(super) fn to_json(&self) -> Value {
        let cx = self.context.as_ref();
        json!({
            "error": true,
            "kind": self.kind,
            "message": self.message,
            "revision": cx.map(|c| &c.revision),
            "operation": cx.and_then(|c| c.operation.as_ref()),
            "table": cx.and_then(|c| c.table.as_ref()),
            "sql": cx.and_then(|c| c.sql.as_ref()),
        })
    }
}

pub(super) fn run(cli: &Cli, m: &Migrations, out: &Output) -> Result<ExitCode, Failure> {
    if !(cli.busy_timeout.is_finite() && cli.busy_timeout >= 0.0) {
        return Err(format!(
            "--busy-timeout {}: not a number of seconds",
            cli.busy_timeout
        )
        .into());
    }
    let busy = Duration::from_secs_f64(cli.busy_timeout);
    // What this program knows of the history must be what is on disk.
    if !matches!(
        cli.command,
        Command::New { .. } | Command::Fmt { .. } | Command::Dump { .. }
    ) {
        refuse_unbuilt(m)?;
    }
    let path = || {
        cli.database
            .as_deref()
            .ok_or_else(|| "no database: pass --database FILE (or set DATABASE_PATH)".to_owned())
    };
    match &cli.command {
        Command::Status => {
            let path = path()?;
            let conn = open::open(path, Access::Read, busy)?;
            let status = m.status(&conn).map_err(failed(path, busy))?;
            if out.json {
                out.json(&json!({
                    "current": status.current(),
                    "up_to_date": status.is_up_to_date(),
                    "applied": status.applied.iter().map(|r| json!({
                        "id": r.id,
                        "checksum": r.checksum,
                        "applied_at": r.applied_at,
                        "duration_ms": u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
                    })).collect::<Vec<_>>(),
                    "pending": status.pending,
                    "unknown": status.unknown,
                    "edited": status.edited,
                }));
            } else {
                let text = status
                    .to_string()
                    .replace("  applied  ", &format!("  {}  ", out.good("applied")))
                    .replace("  pending", &format!("  {}", out.notable("pending")));
                out.text(&text);
            }
        }
        Command::History => {
            let path = path()?;
            let conn = open::open(path, Access::Read, busy)?;
            let status = m.status(&conn).map_err(failed(path, busy))?;
            let rows: Vec<(String, &str, String, Option<&str>)> = m
                .revisions()
                .iter()
                .map(|r| {
                    let row = status.applied.iter().find(|a| a.id == r.id());
                    let state = match row {
                        Some(_) if status.edited.iter().any(|e| e == r.id()) => "edited",
                        Some(_) => "applied",
                        None => "pending",
                    };
                    let at = row.map(|a| a.applied_at.clone()).unwrap_or_default();
                    (r.id().to_owned(), state, at, r.irreversible())
                })
                .collect();
            if out.json {
                out.json(&Value::Array(
                    rows.iter()
                        .map(|(id, state, at, irreversible)| {
                            json!({
                                "id": id,
                                "state": state,
                                "applied_at": (!at.is_empty()).then_some(at),
                                "irreversible": irreversible,
                            })
                        })
                        .collect(),
                ));
            } else {
                let cells: Vec<Vec<String>> = rows
                    .iter()
                    .map(|(id, state, at, irreversible)| {
                        let mut row = vec![id.clone(), (*state).to_owned(), at.clone()];
                        if let Some(why) = irreversible {
                            row.push(format!("irreversible: {why}"));
                        }
                        row
                    })
                    .collect();
                out.text(&table(&cells, |column, cell| match (column, cell) {
                    (1, "applied") => out.good(cell),
                    (1, "pending") => out.notable(cell),
                    (1, _) => out.bad(cell),
                    _ => cell.to_owned(),
                }));
            }
        }
        Command::Up { to, create, flags } => {
            let path = path()?;
            let mut conn = open::open(path, Access::Write { create: *create }, busy)?;
            let mut options = Options::default().busy_timeout(Some(busy));
            for flag in flags {
                options = options.flag(flag.clone());
            }
            if !out.json {
                options = super::progress::bar(options);
            }
            let target = to.as_deref().map_or(Target::Head, Target::UpTo);
            let report = m
                .migrate(&mut conn, target, &options)
                .map_err(failed(path, busy))?;
            report_out(out, &report);
        }
        Command::Down { to, all } => {
            let path = path()?;
            let mut conn = open::open(path, Access::Write { create: false }, busy)?;
            let target = match (to, all) {
                (_, true) => Target::Empty,
                (Some(to), false) => Target::DownTo(to),
                (None, false) => return Err("down: pass --to REV or --all".to_owned().into()),
            };
            let mut options = Options::default().busy_timeout(Some(busy));
            if !out.json {
                options = super::progress::bar(options);
            }
            let report = m
                .migrate(&mut conn, target, &options)
                .map_err(failed(path, busy))?;
            report_out(out, &report);
        }
        Command::Sql { from, to, revision } => {
            let script = match revision {
                // From the revision before it, the next one.
                Some(id) => m.count_through(Some(id)).and_then(|n| {
                    let before = n.checked_sub(2).map(|i| m.revisions()[i].id());
                    m.script(Dialect::Sqlite, before, Target::Next)
                }),
                None => script_to(m, from.as_deref(), to.as_deref()),
            }
            .map_err(|e| e.to_string())?;
            if out.json {
                out.json(&json!({ "sql": script }));
            } else {
                out.text(&script);
            }
        }
        Command::Stamp { revision } => {
            let path = path()?;
            let mut conn = open::open(path, Access::Write { create: false }, busy)?;
            let report = m
                .stamp(&mut conn, Some(revision))
                .map_err(failed(path, busy))?;
            report_out(out, &report);
        }
        Command::Check => {
            let path = path()?;
            let conn = open::open(path, Access::Read, busy)?;
            let (drift, edited) = match m.check(&conn) {
                Ok(drift) => (drift.iter().map(ToString::to_string).collect(), None),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::History(crate::error::HistoryMismatch::ChecksumMismatch { .. })
                    ) =>
                {
                    (Vec::new(), Some(message(path, busy, &e).message))
                }
                Err(e) => return Err(message(path, busy, &e)),
            };
            let clean = drift.is_empty() && edited.is_none();
            if out.json {
                out.json(&json!({ "drift": drift, "edited": edited, "clean": clean }));
            } else if clean {
                out.text(&out.good(
                    "no drift: the schema is the history's head, and no applied revision was edited",
                ));
            } else {
                let mut text = String::new();
                for finding in edited.iter().chain(&drift) {
                    text.push_str(&format!("{} {finding}\n", out.bad("-")));
                }
                out.text(&text);
            }
            if !clean {
                return Ok(ExitCode::from(FOUND));
            }
        }
        Command::Fmt { check, files } => {
            let changed = super::new::format_all(m, files, *check)?;
            if out.json {
                out.json(&json!({ "changed": changed, "check": check }));
            } else if changed.is_empty() {
                out.text("every file is formatted");
            } else {
                let verb = if *check { "would format" } else { "formatted" };
                let list: Vec<String> = changed.iter().map(|f| format!("{verb} {f}")).collect();
                out.text(&list.join("\n"));
            }
            if *check && !changed.is_empty() {
                return Ok(ExitCode::from(FOUND));
            }
        }
        Command::New { name } => {
            let path = super::new::create(m, name)?;
            let build_script = super::new::build_script(m);
            if out.json {
                out.json(
                    &json!({ "created": path.to_string_lossy(), "build_script": build_script }),
                );
            } else {
                out.text(&format!(
                    "created {}\nthe next build sees it; for files you add by hand, a build script rebuilds the crate whenever the directory changes (build.rs, beside Cargo.toml):\n    {build_script}",
                    path.display()
                ));
            }
        }
        Command::Dump { revision } => {
            let path = path()?;
            let conn = open::open(path, Access::Read, busy)?;
            let dump = crate::tools::dump::dump(&conn, revision).map_err(failed(path, busy))?;
            if out.json {
                out.json(&json!({
                    "revision": dump.revision,
                    "source": dump.source,
                    "tables": dump.tables,
                    "notes": dump.notes,
                    "stamp": dump.stamp_call(),
                }));
            } else {
                out.text(&dump.source);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A run's report.
fn report_out(out: &Output, report: &Report) {
    if !out.json {
        out.text(&report.to_string());
        return;
    }
    let revisions = |list: &[crate::report::AppliedRevision]| {
        list.iter()
            .map(|r| json!({ "id": r.id, "duration_ms": millis(r.duration) }))
            .collect::<Vec<_>>()
    };
    out.json(&json!({
        "applied": revisions(&report.applied),
        "reverted": revisions(&report.reverted),
        "stamped": report.stamped,
        "unstamped": report.unstamped,
        "table_changes": report.table_changes.iter().map(|c| json!({
            "revision": c.revision,
            "table": c.table,
            "strategy": c.strategy.describe(),
        })).collect::<Vec<_>>(),
        "already_broken": report.already_broken.iter().map(|b| json!({
            "revision": b.revision,
            "kind": b.kind.as_str(),
            "name": b.name,
            "message": b.message,
        })).collect::<Vec<_>>(),
        "removed_leftovers": report.removed_leftovers,
        "duration_ms": millis(report.duration),
    }));
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// [`message`] as a `map_err` function.
fn failed(path: &Path, busy: Duration) -> impl FnOnce(Error) -> Failure + '_ {
    move |e| message(path, busy, &e)
}

/// An error as the command reports it: a lock another connection held
/// past the busy timeout says so; everything else is the error's message.
fn message(path: &Path, busy: Duration, e: &Error) -> Failure {
    let failure = |kind: String, message: String| Failure {
        kind,
        message,
        context: e.context().cloned().map(Box::new),
    };
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(rusqlite::Error::SqliteFailure(f, _)) = s.downcast_ref::<rusqlite::Error>() {
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) {
                return failure("locked".to_owned(), open::locked(path, busy));
            }
        }
        source = s.source();
    }
    // The library's hint names an option the command line does not have.
    if let (
        ErrorKind::History(crate::error::HistoryMismatch::ChecksumMismatch { recorded, expected }),
        Some(cx),
    ) = (e.kind(), e.context())
    {
        return failure(kind_name(e.kind()), format!(
            "revision `{}` was applied with checksum {recorded} but its definition now has checksum {expected}: it was edited after it was applied (whitespace and comments do not count). Undo the edit, rebuild this program, and make the change in a new revision",
            cx.revision
        ));
    }
    failure(kind_name(e.kind()), e.to_string())
}

/// The kind of an error as `--json` names it: the [`ErrorKind`] variant in
/// snake case (`NotStamped` → `not_stamped`), or for a group of them the
/// variant inside it (`History(ChecksumMismatch { … })` →
/// `checksum_mismatch`).
fn kind_name(kind: &ErrorKind) -> String {
    let debug = format!("{kind:?}");
    let mut words = debug.split(|c: char| !c.is_alphanumeric());
    let outer = words.next().unwrap_or_default();
    let inner = debug[outer.len()..]
        .strip_prefix('(')
        .and_then(|rest| rest.split(|c: char| !c.is_alphanumeric()).next())
        .filter(|word| word.starts_with(char::is_uppercase));
    let variant = inner.unwrap_or(outer);
    let mut name = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// Refuses a history with revision files added since this program was
/// built: it would answer, and migrate, without them.
fn refuse_unbuilt(m: &Migrations) -> Result<(), String> {
    let unbuilt = m.unbuilt_revision_files();
    if unbuilt.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = unbuilt.iter().map(|p| p.display().to_string()).collect();
    Err(format!(
        "{} not in this build of the program (added since): build it again; Rust rebuilds when a revision file changes, not when one is added, so save any file of the crate (`new NAME` does this for you)",
        names.join(", ")
    ))
}

/// The SQLite script from `from` to `to` (`None`: the newest), up or down.
fn script_to(m: &Migrations, from: Option<&str>, to: Option<&str>) -> Result<String, Error> {
    let target = match to {
        None => Target::Head,
        Some(id) if m.count_through(Some(id))? < m.count_through(from)? => Target::DownTo(id),
        Some(id) => Target::UpTo(id),
    };
    m.script(Dialect::Sqlite, from, target)
}
