//! A PostgreSQL database at head for each test (features `testing` and
//! `postgres`): `CREATE DATABASE … TEMPLATE` of a template migrated once
//! per process and history.

use crate::migrations::Migrations;
use postgres::{Client, NoTls};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Template databases at head: (history's address, server) → name.
static TEMPLATES: Mutex<Vec<(usize, String, String)>> = Mutex::new(Vec::new());

/// A database of its own for one test, at the head of a history; dropped
/// (with its connections) when this is dropped.
pub struct PostgresTestDb {
    /// A connection to it.
    pub client: Client,
    /// Its name.
    pub name: String,
    server: String,
}

impl Drop for PostgresTestDb {
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
/// let mut db = testing::postgres_database(&MIGRATIONS, "host=/var/run/postgresql user=postgres");
/// db.client.execute("INSERT INTO notes (body) VALUES ('hi')", &[])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Panics
///
/// When the server cannot be reached, a database cannot be created, or
/// the history cannot be applied to an empty one (the run's error).
pub fn postgres_database(migrations: &'static Migrations, server: &str) -> PostgresTestDb {
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
                if let Err(e) = migrations.apply_pending_postgres(&mut client) {
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
    PostgresTestDb {
        client: connect(&format!("{server} dbname={name}")),
        name,
        server: server.to_owned(),
    }
}
