//! The command line as a subprocess (`examples/cli.rs`, built as the
//! `migrate-dsl-test-cli` binary), on real files: every subcommand, in
//! text and JSON, and every bad input as one line on stderr with a
//! non-zero exit — never a panic.

use migrate_dsl::rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Output};

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrate-dsl-test-cli"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env_remove("DATABASE_PATH")
        .env("NO_COLOR", "1")
        .output()
        .expect("run the CLI")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Succeeded; its stdout.
fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{:?}\n{}{}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Failed with exit code 1 and one line on stderr; that line.
fn fails(o: Output) -> String {
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}{}", stdout(&o));
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err.trim_end().to_owned()
}

fn json(o: Output) -> serde_json::Value {
    serde_json::from_str(&ok(o)).expect("one JSON document")
}

#[test]
fn every_subcommand_on_a_real_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    // Nothing yet: `up` wants --create, read-only commands a file.
    assert!(fails(cli(&db, &["up"])).contains("no such file (pass --create"));
    let out = ok(cli(&db, &["up", "--create", "--to", "0002_tags"]));
    assert!(out.starts_with("applied 2 revision(s)"), "{out}");

    let status = ok(cli(&db, &["status"]));
    let lines: Vec<&str> = status.lines().collect();
    assert!(lines[0].starts_with("0001_notes   applied  20"), "{status}");
    assert_eq!(lines[2], "0003_pinned  pending");
    assert_eq!(lines[3], "2 applied, 1 pending: at 0002_tags");
    let s = json(cli(&db, &["--json", "status"]));
    assert_eq!(s["current"], "0002_tags");
    assert_eq!(s["up_to_date"], false);
    assert_eq!(s["pending"], serde_json::json!(["0003_pinned"]));
    assert_eq!(s["applied"][1]["checksum"].as_str().unwrap().len(), 64);

    let h = json(cli(&db, &["history", "--json"]));
    assert_eq!(h[2]["state"], "pending");
    assert_eq!(h[1]["state"], "applied");
    assert_eq!(h[2]["irreversible"], serde_json::Value::Null);
    let text = ok(cli(&db, &["history"]));
    assert!(
        text.lines()
            .nth(2)
            .unwrap()
            .starts_with("0003_pinned  pending"),
        "{text}"
    );

    // SQL: one revision, with its hook as a comment; a range.
    let sql = ok(cli(&db, &["sql", "--revision", "0003_pinned"]));
    assert!(sql.contains("-- revision 0003_pinned (up)"), "{sql}");
    assert!(sql.contains("-- run pin_welcome_note: Rust code"), "{sql}");
    assert!(!sql.contains("0002_tags"), "{sql}");
    let range = ok(cli(
        &db,
        &["sql", "--from", "0001_notes", "--to", "0002_tags"],
    ));
    assert!(range.contains("CREATE TABLE \"tags\""), "{range}");
    assert!(!range.contains("CREATE TABLE \"notes\""), "{range}");

    let report = json(cli(&db, &["up", "--json"]));
    assert_eq!(report["applied"][0]["id"], "0003_pinned");
    assert_eq!(report["table_changes"][0]["strategy"], "rebuilt");
    assert_eq!(
        ok(cli(&db, &["check"])).trim(),
        "no drift: the schema is the history's head, and no applied revision was edited"
    );

    // Drift is a finding: exit code 3.
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE INDEX by_hand ON notes (body)")
        .unwrap();
    let found = cli(&db, &["check"]);
    assert_eq!(found.status.code(), Some(3), "{}", stderr(&found));
    assert!(stdout(&found).contains("by_hand"), "{}", stdout(&found));
    let found = cli(&db, &["--json", "check"]);
    assert_eq!(found.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(report["clean"], false);
    Connection::open(&db)
        .unwrap()
        .execute_batch("DROP INDEX by_hand")
        .unwrap();

    // Down, stamp, dump.
    let out = ok(cli(&db, &["down", "--to", "0002_tags"]));
    assert!(out.starts_with("undid 1 revision(s)"), "{out}");
    let out = ok(cli(&db, &["stamp", "0003_pinned"]));
    assert!(out.starts_with("marked 1 revision(s) applied"), "{out}");
    let dump = ok(cli(&db, &["dump", "--revision", "0001_adopted"]));
    assert!(dump.contains("revision \"0001_adopted\""), "{dump}");
    assert!(dump.contains("create table notes {"), "{dump}");
}

#[test]
fn bad_input_is_one_line_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    assert_eq!(
        fails(cli(&missing, &["status"])),
        format!("error: {}: no such file", missing.display())
    );
    assert!(!missing.exists(), "a read-only command created nothing");
    assert!(fails(cli(dir.path(), &["status"])).ends_with("is a directory, not a database file"));
    let nowhere = dir.path().join("no/such/dir/x.db");
    assert!(fails(cli(&nowhere, &["up", "--create"])).contains("cannot open"));

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "this is a text file, not a database\n".repeat(200)).unwrap();
    for command in [&["status"][..], &["up"], &["check"], &["dump"]] {
        assert_eq!(
            fails(cli(&junk, command)),
            format!("error: {}: not an SQLite database", junk.display())
        );
    }

    let db = dir.path().join("app.db");
    ok(cli(&db, &["up", "--create", "--to", "0001_notes"]));
    let unknown = fails(cli(&db, &["up", "--to", "0042_nope"]));
    assert!(unknown.contains("0042_nope"), "{unknown}");
    assert!(fails(cli(&db, &["sql", "--revision", "0042_nope"])).contains("0042_nope"));

    // Locked by another connection past the busy timeout.
    let holder = Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let locked = fails(cli(&db, &["--busy-timeout", "0.2", "up"]));
    assert!(
        locked.contains("locked by another connection (waited 0.2 s)"),
        "{locked}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    // A database a newer program migrated.
    ok(cli(&db, &["up"]));
    Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO _migrate_history (id, checksum, applied_at, duration_ms) VALUES ('0009_future', 'x', 'then', 0)",
            [],
        )
        .unwrap();
    let status = ok(cli(&db, &["status"]));
    assert!(
        status.contains("1 not in this history (migrated by a newer program)"),
        "{status}"
    );
    assert!(fails(cli(&db, &["up"])).contains("0009_future"));

    // An applied revision edited since: what the command line can do.
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DELETE FROM _migrate_history WHERE id = '0009_future';
             UPDATE _migrate_history SET checksum = 'feed' WHERE id = '0001_notes';
             UPDATE _migrate_history SET digest = 'stale';",
        )
        .unwrap();
    for command in ["up", "check"] {
        let o = cli(&db, &[command]);
        let text = if command == "up" {
            fails(o)
        } else {
            assert_eq!(o.status.code(), Some(3), "check reports a finding");
            stdout(&o)
        };
        assert!(
            text.contains("revision `0001_notes` was applied with checksum feed")
                && text.contains("Undo the edit, rebuild this program"),
            "{text}"
        );
        assert!(!text.contains("verify_checksums"), "{text}");
    }

    // Tables made another way and no history: stamp, with the revision.
    let made = dir.path().join("made.db");
    ok(cli(&made, &["up", "--create", "--to", "0001_notes"]));
    Connection::open(&made)
        .unwrap()
        .execute_batch("DROP TABLE _migrate_history")
        .unwrap();
    for command in ["up", "check"] {
        let err = fails(cli(&made, &[command]));
        assert!(err.contains("`stamp 0001_notes`"), "{command}: {err}");
        assert!(!err.contains("already exists"), "{err}");
    }
    ok(cli(&made, &["stamp", "0001_notes"]));
    ok(cli(&made, &["up"]));

    // With --json a failure is one JSON object on stdout, exit code 1.
    let o = cli(&made, &["--json", "up", "--to", "0042_nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["error"], true);
    assert!(v["message"].as_str().unwrap().contains("0042_nope"), "{v}");
    assert!(v["revision"].is_null(), "{v}");
    let changed = dir.path().join("changed.db");
    ok(cli(&changed, &["up", "--create", "--to", "0002_tags"]));
    Connection::open(&changed)
        .unwrap()
        .execute_batch("ALTER TABLE notes ADD COLUMN pinned integer")
        .unwrap();
    let o = cli(&changed, &["--json", "up"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["revision"], "0003_pinned", "{v}");
    assert_eq!(v["table"], "notes", "{v}");
    assert!(
        v["kind"]
            .as_str()
            .is_some_and(|k| !k.is_empty() && k != "command"),
        "{v}"
    );
    assert!(
        v["message"].as_str().unwrap().contains("0003_pinned"),
        "{v}"
    );
    // The exit codes are in the help.
    let help = ok(cli(&db, &["--help"]));
    assert!(help.contains("Exit codes: 0 done"), "{help}");

    // `new` needs a history kept in files.
    assert!(fails(cli(&db, &["new", "x"])).contains("this history has no revision directory"));

    // No database named; a bad command line (clap: exit code 2).
    let o = Command::new(env!("CARGO_BIN_EXE_migrate-dsl-test-cli"))
        .arg("status")
        .env_remove("DATABASE_PATH")
        .output()
        .unwrap();
    assert!(fails(o).contains("no database: pass --database FILE"));
    let o = cli(&db, &["up", "--to"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = cli(&db, &["--busy-timeout", "-1", "status"]);
    assert!(o.status.code() == Some(2) || fails(o).contains("busy-timeout"));
}

/// `fmt FILE.rs` lays out the `migration!` blocks of Rust files (this
/// history is written in one, so `fmt` alone names what to do instead).
#[test]
fn fmt_lays_out_the_migration_blocks_of_rust_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let file = dir.path().join("main.rs");
    let messy = "fn main() {}\n\nmigrate_dsl::migration! {\n static M;\n   revision \"0001\" {\ncreate table t {\n id integer primary key,   \n}\n  }\n}\n";
    std::fs::write(&file, messy).unwrap();
    let name = file.to_str().unwrap();
    let check = cli(&db, &["fmt", "--check", name]);
    assert_eq!(check.status.code(), Some(3), "{}", stderr(&check));
    assert_eq!(stdout(&check), format!("would format {name}\n"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        messy,
        "--check writes nothing"
    );
    assert_eq!(ok(cli(&db, &["fmt", name])), format!("formatted {name}\n"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "fn main() {}\n\nmigrate_dsl::migration! {\n    static M;\n    revision \"0001\" {\n        create table t {\n            id integer primary key,\n        }\n    }\n}\n"
    );
    assert_eq!(
        ok(cli(&db, &["fmt", "--check", name])),
        "every file is formatted\n"
    );
    // This repository's own example is laid out already.
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/cli.rs");
    assert_eq!(
        json(cli(&db, &["--json", "fmt", "--check", example]))["changed"],
        serde_json::json!([])
    );

    assert!(fails(cli(&db, &["fmt"])).contains("name the Rust file that holds it"));
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "x").unwrap();
    assert!(fails(cli(&db, &["fmt", notes.to_str().unwrap()])).contains("neither a revision file"));
    let plain = dir.path().join("lib.rs");
    std::fs::write(&plain, "fn f() {}\n").unwrap();
    assert_eq!(
        fails(cli(&db, &["fmt", plain.to_str().unwrap()])),
        "error: no `migration!` block in the Rust files given"
    );
    let missing = dir.path().join("gone.rs");
    assert!(fails(cli(&db, &["fmt", missing.to_str().unwrap()])).contains("gone.rs"));
}
