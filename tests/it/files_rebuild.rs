//! Revision files and the build (issue 15): a crate whose history is a
//! directory is built, then a file is added (with the CLI's `new`), edited
//! and removed, and each time the next `cargo run` sees the change — no
//! build script, nothing touched by hand. (Edits and removals: the
//! expansion includes every file. Additions: `new` marks the newest file
//! changed; a macro cannot make Cargo watch a directory, so a file added
//! by hand makes the built program refuse to run, naming it, until the
//! next build — or, with the one-line build script `new` prints, the next
//! build sees it.)

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// `cargo run` of the app with `args`; its stdout.
fn run(app: &Path, args: &[&str]) -> String {
    let out = cargo_run(app, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn cargo_run(app: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(["run", "-q", "--manifest-path"])
        .arg(app.join("Cargo.toml"))
        .arg("--")
        .args(args)
        .env("CARGO_TARGET_DIR", workspace().join("target/files-rebuild"))
        .env_remove("DATABASE_PATH")
        .output()
        .expect("run cargo")
}

#[test]
fn adding_editing_and_removing_a_revision_file_rebuilds_the_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::create_dir_all(app.join("migrations")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"files-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\nmigrate-dsl = {{ path = {:?}, features = [\"cli\"] }}\n",
            workspace()
        ),
    )
    .unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), app.join("Cargo.lock")).unwrap();
    std::fs::write(
        app.join("src/main.rs"),
        "migrate_dsl::migration! { static M; revisions from \"../migrations\"; }\nfn main() -> std::process::ExitCode { migrate_dsl::cli::main(&M) }\n",
    )
    .unwrap();
    let first = app.join("migrations/0001_first.mig");
    std::fs::write(&first, "create table first { id integer primary key }\n").unwrap();

    let sql = run(&app, &["sql"]);
    assert!(sql.contains("-- revision 0001_first (up)"), "{sql}");
    assert!(!sql.contains("0002"), "{sql}");

    // Added with `new` (the built program knows its directory).
    let created = run(&app, &["new", "Second Table"]);
    let second = app.join("migrations/0002_second_table.mig");
    assert_eq!(
        created.lines().next().unwrap(),
        format!("created {}", second.canonicalize().unwrap().display())
    );
    // And the build script for files added by hand.
    let build_script = created.lines().last().unwrap().trim().to_owned();
    assert_eq!(
        build_script,
        format!(
            "fn main() {{ println!(\"cargo:rerun-if-changed={}\"); }}",
            app.join("migrations").canonicalize().unwrap().display()
        )
    );
    std::fs::write(&second, "create table second { id integer primary key }\n").unwrap();
    let sql = run(&app, &["sql"]);
    assert!(sql.contains("CREATE TABLE \"second\""), "{sql}");

    // Edited.
    std::fs::write(&first, "create table premier { id integer primary key }\n").unwrap();
    let sql = run(&app, &["sql"]);
    assert!(sql.contains("CREATE TABLE \"premier\""), "{sql}");

    // Removed.
    std::fs::remove_file(&second).unwrap();
    let sql = run(&app, &["sql"]);
    assert!(!sql.contains("second"), "{sql}");
    assert!(sql.contains("CREATE TABLE \"premier\""), "{sql}");

    // `fmt` lays the files out; the revision (its checksum) is the same.
    std::fs::write(
        &first,
        "  create table premier {\nid integer primary key,   \n  note text }\n\n\n",
    )
    .unwrap();
    let before = run(&app, &["sql"]);
    let check = cargo_run(&app, &["fmt", "--check"]);
    assert_eq!(check.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&check.stdout).contains("would format"));
    assert!(run(&app, &["fmt"]).starts_with("formatted "));
    assert_eq!(
        std::fs::read_to_string(&first).unwrap(),
        "create table premier {\n    id integer primary key,\n    note text }\n"
    );
    assert_eq!(run(&app, &["sql"]), before, "same tokens, same checksum");
    assert_eq!(
        run(&app, &["fmt", "--check"]).trim(),
        "every file is formatted"
    );

    // Added by hand: the build does not see it (stable Rust cannot watch a
    // directory), so the program refuses rather than answer without it,
    // naming the file; saving a file of the crate makes the next build
    // read it.
    let third = app.join("migrations/0003_third.mig");
    std::fs::write(&third, "create table third { id integer primary key }\n").unwrap();
    let refused = cargo_run(&app, &["sql"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{} not in this build of the program (added since): build it again",
            third.canonicalize().unwrap().display()
        )),
        "{err}"
    );
    let main = std::fs::File::options()
        .append(true)
        .open(app.join("src/main.rs"))
        .unwrap();
    main.set_modified(std::time::SystemTime::now()).unwrap();
    let sql = run(&app, &["sql"]);
    assert!(sql.contains("CREATE TABLE \"third\""), "{sql}");

    // With the build script `new` printed, a file added by hand is seen by
    // the next build, nothing else touched.
    std::fs::write(app.join("build.rs"), format!("{build_script}\n")).unwrap();
    run(&app, &["sql"]);
    let fourth = app.join("migrations/0004_fourth.mig");
    std::fs::write(&fourth, "create table fourth { id integer primary key }\n").unwrap();
    let sql = run(&app, &["sql"]);
    assert!(sql.contains("CREATE TABLE \"fourth\""), "{sql}");
}
