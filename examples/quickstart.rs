//! A newcomer's walk through migrate-dsl on a real database file.
//!
//! It replays the failure Alembic users hit (its seed: a data migration fails
//! after a batch block, the temporary table survives, and every retry fails
//! with "table _alembic_tmp_foo already exists") and shows what happens here
//! instead: the failed revision is rolled back entirely, and once the data
//! migration is fixed the same call succeeds.
//!
//! Run it with `cargo run --example quickstart`.

use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, BoxError};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the data migration has been "fixed" yet.
static FIXED: AtomicBool = AtomicBool::new(false);

migration! {
    /// The example's database, oldest revision first.
    static MIGRATIONS;

    revision "0001_create_foo" {
        create table foo {
            foo_id integer primary key,
            bar varchar(512) not null,
        }
        insert into foo (foo_id, bar) values (1, "one"), (2, "two"), (3, "three");
    }

    revision "0002_relax_bar" {
        // `bar` becomes nullable. SQLite 3.53+ does that in place, and a
        // plain `batch alter table foo { … }` would let it (no copy); this
        // walk-through forces the rebuild Alembic's batch mode does (new
        // table, copy, drop, rename) to show what happens when the data
        // migration after it fails.
        batch alter table foo recreate = always {
            alter column bar drop not null;
            add column note text default ("");
        }
        // A data migration, inside the same transaction as the rebuild.
        run data_migration;
    }
}

/// Fills `note`, then (until fixed) fails the way the seed's migration did.
fn data_migration(conn: &Connection) -> Result<(), BoxError> {
    let n = conn.execute("UPDATE foo SET note = 'migrated: ' || bar", [])?;
    println!("    data_migration: updated {n} rows");
    if !FIXED.load(Ordering::SeqCst) {
        return Err("an exception is raised during the data migration".into());
    }
    Ok(())
}

fn tables(conn: &Connection) -> Result<Vec<String>, BoxError> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(names)
}

fn show(conn: &Connection) -> Result<(), BoxError> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_schema WHERE name = 'foo'",
        [],
        |r| r.get(0),
    )?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM foo", [], |r| r.get(0))?;
    let applied: Vec<String> = MIGRATIONS
        .status(conn)?
        .applied
        .into_iter()
        .map(|r| r.id)
        .collect();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    println!("    tables:    {:?}", tables(conn)?);
    println!("    foo:       {sql}");
    println!("    rows:      {rows}");
    println!("    applied:   {applied:?}");
    println!("    integrity: {integrity}");
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("quickstart.db");
    println!("database file: {}\n", path.display());

    println!("1. First run: revision 0002's data migration fails.");
    let mut conn = Connection::open(&path)?;
    // Revision 0001 applies and commits; 0002 fails and is rolled back whole.
    match MIGRATIONS.apply_pending(&mut conn) {
        Ok(report) => return Err(format!("expected a failure, got: {report}").into()),
        Err(e) => println!("    error: {e}"),
    }
    println!("\n2. The database after the failure: revision 0001 only, no temporary table.");
    show(&conn)?;

    println!(
        "\n3. Retry without fixing anything: the same clean failure, not 'table already exists'."
    );
    drop(conn);
    let mut conn = Connection::open(&path)?;
    if let Err(e) = MIGRATIONS.apply_pending(&mut conn) {
        println!("    error: {e}");
    }

    println!("\n4. The data migration is fixed; the same call now succeeds.");
    FIXED.store(true, Ordering::SeqCst);
    let report = MIGRATIONS.apply_pending(&mut conn)?;
    println!("    {}", report.to_string().replace('\n', "\n    "));
    show(&conn)?;
    let note: String = conn.query_row("SELECT note FROM foo WHERE foo_id = 1", [], |r| r.get(0))?;
    println!("    note of row 1: {note:?}");

    println!("\n5. Running again finds nothing to do.");
    println!("    {}", MIGRATIONS.apply_pending(&mut conn)?);
    Ok(())
}
