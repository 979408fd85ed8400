//! Running migrations from an async (tokio) application.
//!
//! `rusqlite` is blocking, and a table rebuild can take seconds: run the
//! migrations on tokio's blocking pool with `spawn_blocking`, before the
//! application starts serving, and hand the connection back. A health check
//! later asks `is_up_to_date` — one indexed lookup — the same way.
//!
//! Run it with `cargo run --example tokio_app`.

use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Target;
use migrate_dsl::{migration, Options};
use std::path::PathBuf;

migration! {
    /// The service's database.
    static MIGRATIONS;

    revision "0001_create_jobs" {
        create table jobs { id integer primary key, state text not null default ("queued") }
    }
    revision "0002_index_state" {
        create index jobs_state on jobs (state);
        batch alter table jobs { add column attempts integer not null default (0); }
    }
}

/// Opens the database and applies pending revisions, on the blocking pool.
async fn open_migrated(
    path: PathBuf,
) -> Result<Connection, Box<dyn std::error::Error + Send + Sync>> {
    tokio::task::spawn_blocking(move || {
        let mut conn = Connection::open(&path)?;
        let options = Options::default().progress(|p| {
            eprintln!(
                "  rebuilding {}: {}/{} rows",
                p.table, p.rows_copied, p.rows_total
            )
        });
        let report = MIGRATIONS.migrate(&mut conn, Target::Head, &options)?;
        println!("{report}");
        Ok(conn)
    })
    .await?
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("service.db");

    let conn = open_migrated(path.clone()).await?;
    // The connection can now go to the application (behind a mutex, a pool,
    // or a dedicated thread); here: a health check on the blocking pool.
    let healthy = tokio::task::spawn_blocking(move || MIGRATIONS.is_up_to_date(&conn)).await??;
    println!("health check: up to date = {healthy}");
    assert!(healthy);

    // A second start finds nothing to do.
    let conn = open_migrated(path).await?;
    assert!(MIGRATIONS.is_up_to_date(&conn)?);
    Ok(())
}
