//! One history applied through r2d2_sqlite, deadpool-sqlite and
//! tokio-rusqlite (the README's recipes, compiled and run by `.ci/run`).

use migrate_dsl::{migration, Migrations};
use std::error::Error;

migration! {
    /// A small history: a table, then a rebuild of it.
    static MIGRATIONS;
    revision "0001_notes" {
        create table notes { id integer primary key, body varchar(200) not null }
    }
    revision "0002_notes_nullable" {
        batch alter table notes { alter column body drop not null; add column tag text; }
    }
}

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// r2d2: a pooled connection derefs to `rusqlite::Connection`.
fn with_r2d2(path: &std::path::Path) -> Result<()> {
    let manager = r2d2_sqlite::SqliteConnectionManager::file(path);
    let pool = r2d2::Pool::new(manager)?;
    let mut conn = pool.get()?;
    // A generic argument is not dereferenced for us: `&mut *conn`.
    MIGRATIONS.apply_pending(&mut *conn)?;
    check(&MIGRATIONS, &conn)
}

/// deadpool-sqlite: `interact` runs the migration on the pool's thread.
async fn with_deadpool(path: &std::path::Path) -> Result<()> {
    let pool = deadpool_sqlite::Config::new(path).create_pool(deadpool_sqlite::Runtime::Tokio1)?;
    let conn = pool.get().await?;
    conn.interact(|conn| MIGRATIONS.apply_pending(conn))
        .await
        .map_err(|e| e.to_string())??;
    conn.interact(|conn| check(&MIGRATIONS, conn))
        .await
        .map_err(|e| e.to_string())?
}

/// tokio-rusqlite: `call` hands the closure `&mut rusqlite::Connection`.
async fn with_tokio_rusqlite(path: &std::path::Path) -> Result<()> {
    let conn = tokio_rusqlite::Connection::open(path).await?;
    conn.call(|conn| MIGRATIONS.apply_pending(conn)).await?;
    conn.call_unwrap(|conn| check(&MIGRATIONS, conn)).await
}

/// The database is at head and the rebuilt table took rows.
fn check(migrations: &Migrations, conn: &migrate_dsl::rusqlite::Connection) -> Result<()> {
    let status = migrations.status(conn)?;
    assert!(status.is_up_to_date(), "{status:?}");
    assert_eq!(status.current(), Some("0002_notes_nullable"));
    conn.execute("INSERT INTO notes (body, tag) VALUES (NULL, 'x')", [])?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    with_r2d2(&dir.path().join("r2d2.db"))?;
    with_deadpool(&dir.path().join("deadpool.db")).await?;
    with_tokio_rusqlite(&dir.path().join("tokio.db")).await?;
    println!(
        "migrations ran through r2d2_sqlite, deadpool-sqlite and tokio-rusqlite (linked SQLite {})",
        migrate_dsl::rusqlite::version()
    );
    Ok(())
}
