//! PostgreSQL in applications' tests (features `testing` and `postgres`):
//! a database at head for each test (`CREATE DATABASE … TEMPLATE` of a
//! template migrated once per process and history) and the stairway test;
//! the drift assertion is [`super::assert_matches`], as on SQLite.

use crate::migrations::Migrations;
use crate::run::Target;
use crate::testing::assert_no_drift;
use postgres::{Client, NoTls};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Template databases at head: (history's address, server) → name.
static TEMPLATES: Mutex<Vec<(usize, String, String)>> = Mutex::new(Vec::new());

/// A database of its own for one test, at the head of a history; dropped
/// (with its connections) when this is dropped.
pub struct TestDb {
    /// A connection to it.
    pub client: Client,
    /// Its name.
    pub name: String,
    server: String,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&self.server, NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A new database at the head of `migrations` on the PostgreSQL server of
/// `server` (a libpq connection string whose user may create databases;
/// its `dbname`, if any, is where databases are created from): a copy,
/// by `CREATE DATABASE … TEMPLATE`, of a template that the first call in
/// the process migrates by applying every revision (so `insert` data is
/// there, as in production).
///
/// ```no_run
/// use migrate_dsl::{migration, testing};
///
/// migration! {
///     static MIGRATIONS;
///     dialects sqlite, postgres;
///     revision "0001" { create table notes { id integer primary key, body text } }
/// }
///
/// let mut db = testing::postgres::database(&MIGRATIONS, "host=/var/run/postgresql user=postgres");
/// db.client.execute("INSERT INTO notes (body) VALUES ('hi')", &[])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Panics
///
/// When the server cannot be reached, a database cannot be created, or
/// the history cannot be applied to an empty one (the run's error).
pub fn database(migrations: &'static Migrations, server: &str) -> TestDb {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let connect = |config: &str| {
        Client::connect(config, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL ({config}): {e}"))
    };
    let key = migrations as *const Migrations as usize;
    let id = std::process::id();
    let template = {
        // A panic while building poisons the lock but leaves no entry: the
        // next test builds again and reports the same error.
        let mut templates = TEMPLATES.lock().unwrap_or_else(|e| e.into_inner());
        match templates.iter().find(|(k, s, _)| *k == key && s == server) {
            Some((_, _, name)) => name.clone(),
            None => {
                let name = format!("migrate_dsl_template_{id}_{}", templates.len());
                connect(server)
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .unwrap_or_else(|e| panic!("cannot create the template database: {e}"));
                // Migrated, then disconnected: a template in use cannot be
                // copied.
                let mut client = connect(&format!("{server} dbname={name}"));
                if let Err(e) = migrations.apply_pending(&mut client) {
                    panic!("cannot build the template database at head: {e}");
                }
                drop(client);
                templates.push((key, server.to_owned(), name.clone()));
                name
            }
        }
    };
    let name = format!(
        "migrate_dsl_test_{id}_{}",
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    connect(server)
        .batch_execute(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .unwrap_or_else(|e| panic!("cannot copy the template database: {e}"));
    TestDb {
        client: connect(&format!("{server} dbname={name}")),
        name,
        server: server.to_owned(),
    }
}

/// The stairway test on PostgreSQL: in a new database on `server`, each
/// revision is applied, undone and applied again, and after each step the
/// catalog must show exactly the schema of the revisions applied (no
/// missing, changed or unexpected object, as [`Migrations::check`] finds
/// them at head). Irreversible revisions are applied without the round trip.
/// The database is dropped at the end.
///
/// # Panics
///
/// At the first step that fails or leaves another schema, with the
/// revision, the step and the differences.
pub fn assert_history_consistent(migrations: &Migrations, server: &str) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "migrate_dsl_stairway_{}_{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    Client::connect(server, NoTls)
        .and_then(|mut admin| admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")))
        .unwrap_or_else(|e| panic!("cannot create the stairway database on {server}: {e}"));
    let config = format!("{server} dbname={name}");
    let mut db = TestDb {
        client: Client::connect(&config, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL ({config}): {e}")),
        name,
        server: server.to_owned(),
    };
    let client = &mut db.client;
    let options = crate::Options::default();
    let mut previous: Option<&str> = None;
    for rev in migrations.revisions() {
        let id = rev.id();
        let mut step = |target, what: &str| {
            if let Err(e) = migrations.migrate(&mut *client, target, &options) {
                panic!("revision `{id}`: {what} failed on PostgreSQL: {e}");
            }
            assert_no_drift(
                migrations.check_postgres(client),
                &format!(" after {what} revision `{id}` on PostgreSQL"),
            );
        };
        step(Target::UpTo(id), "applying");
        if rev.irreversible().is_none() {
            step(Target::down_to(previous), "undoing");
            step(Target::UpTo(id), "applying again");
        }
        previous = Some(id);
    }
}
