//! A PostgreSQL server for the tests: a throwaway cluster this process
//! starts from the PostgreSQL binaries on the machine, or an existing
//! server named by `MIGRATE_DSL_TEST_POSTGRES` (a libpq connection string,
//! e.g. `host=/var/run/postgresql user=postgres`).
//!
//! The cluster lives in a temporary directory, listens on a Unix socket
//! only, and runs without fsync. `initdb` refuses to run as root, so as
//! root the cluster belongs to the `postgres` system user. A watchdog
//! process stops it and removes its directory when this process ends,
//! however it ends. When no server can be started and none is named,
//! [`database`] fails with what to install or set: never a silent skip.

use postgres::{Client, NoTls};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The environment variable naming an existing server.
pub const SERVER_VAR: &str = "MIGRATE_DSL_TEST_POSTGRES";

/// A database of its own for one test, on the shared server: a
/// connection string and a connected client.
pub struct TestDb {
    pub config: String,
    pub name: String,
}

impl TestDb {
    /// A new connection to the test's database.
    pub fn connect(&self) -> Client {
        Client::connect(&self.config, NoTls)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.config))
    }

    /// Runs `script` with `psql`, stopping at the first error; panics with
    /// psql's output when it fails.
    pub fn psql(&self, script: &str) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), script).unwrap();
        let psql = binaries()
            .ok()
            .map(|bin| bin.join("psql"))
            .filter(|p| p.is_file())
            .unwrap_or_else(|| PathBuf::from("psql"));
        let out = Command::new(&psql)
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.config,
                "-f",
            ])
            .arg(file.path())
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", psql.display()));
        assert!(
            out.status.success(),
            "psql failed:\n{}{}\nscript:\n{script}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A new, empty database on the test server (created from `template0`),
/// named after `test`.
pub fn database(test: &str) -> TestDb {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let server = server();
    let name = format!(
        "t{}_{}_{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed),
        test.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>()
    );
    let mut admin = Client::connect(server, NoTls)
        .unwrap_or_else(|e| panic!("connect to the test server ({server}): {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    TestDb {
        config: format!("{server} dbname={name}"),
        name,
    }
}

/// The connection string of the server (without a database name), started
/// on first use.
pub fn server() -> &'static str {
    static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
    match SERVER.get_or_init(|| match std::env::var(SERVER_VAR) {
        Ok(config) if !config.trim().is_empty() => Ok(config),
        _ => start_cluster(),
    }) {
        Ok(config) => config,
        Err(why) => panic!(
            "no PostgreSQL server for the tests: {why}\n\
             Run the tests with `scripts/test`, which installs PostgreSQL's server binaries, \
             or install them yourself (Debian: `apt-get install postgresql`; \
             the tests look in /usr/lib/postgresql/<version>/bin and on PATH), \
             or set {SERVER_VAR} to the connection string of an existing server \
             (e.g. `host=/var/run/postgresql user=postgres`)."
        ),
    }
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`: the newest
/// Debian layout first, then PATH.
fn binaries() -> Result<PathBuf, String> {
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    debian.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(bin) = debian.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .ok_or_else(|| "initdb and pg_ctl were not found".to_owned())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `program` with `args`, as the `postgres` user when `as_postgres`.
fn run(program: &Path, args: &[&str], as_postgres: bool) -> Result<(), String> {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let out = command
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {}: {}{}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start_cluster() -> Result<String, String> {
    let bin = binaries()?;
    let as_postgres = is_root();
    let dir = tempfile::Builder::new()
        .prefix("migrate-dsl-pg-")
        .tempdir()
        .map_err(|e| format!("a temporary directory: {e}"))?
        .keep();
    if as_postgres {
        let chown = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status();
        if !chown.is_ok_and(|s| s.success()) {
            return Err(format!(
                "running as root, the cluster must belong to the `postgres` user, and chown of {} failed",
                dir.display()
            ));
        }
    }
    let data = dir.join("data");
    let (data_s, dir_s) = (data.to_string_lossy(), dir.to_string_lossy());
    run(
        &bin.join("initdb"),
        &[
            "-D",
            &data_s,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-locale",
        ],
        as_postgres,
    )?;
    let options = format!("-k {dir_s} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200");
    let log = dir.join("server.log");
    run(
        &bin.join("pg_ctl"),
        &[
            "-D",
            &data_s,
            "-o",
            &options,
            "-l",
            &log.to_string_lossy(),
            "-w",
            "start",
        ],
        as_postgres,
    )?;
    watchdog(&bin, &dir, as_postgres);
    Ok(format!("host={dir_s} user=postgres"))
}

/// A process that waits for this one to end, then stops the cluster and
/// removes its directory.
fn watchdog(bin: &Path, dir: &Path, as_postgres: bool) {
    let pg_ctl = bin.join("pg_ctl");
    let stop = format!(
        "{}{} -D {} -m immediate stop",
        if as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        },
        pg_ctl.display(),
        dir.join("data").display()
    );
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = dir.display()
    );
    let _ = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
