//! A child process for the crash and race tests (`tests/it/crash.rs`): a
//! separate program, so the tests can SIGKILL it in the middle of a
//! rebuild, or run two of it against one file at once.
//!
//! ```text
//! migrate-dsl-test-helper prepare <db> <journal|wal> <rows>   # at 0001, <rows> rows
//! migrate-dsl-test-helper apply <db>                          # apply_pending, print applied ids
//! ```

use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{Options, Target};
use std::process::ExitCode;

migration! {
    /// `items` and its child `orders`, then a rebuild of `items`, then more.
    static HISTORY;
    revision "0001" {
        create table items { id integer primary key, name text not null, qty integer not null }
        create index items_name on items (name);
        create table orders { id integer primary key, item_id integer not null references items (id) }
    }
    revision "0002" {
        batch alter table items recreate = always { alter column qty drop not null; }
    }
    revision "0003" {
        create index orders_item on orders (item_id);
    }
}

fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    match args {
        [cmd, db, mode, rows] if cmd == "prepare" => {
            let mut conn = Connection::open(db)?;
            let mode: String =
                conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))?;
            println!("journal_mode={mode}");
            HISTORY.migrate(&mut conn, Target::UpTo("0001"), &Options::default())?;
            let rows: i64 = rows.parse()?;
            conn.execute_batch("BEGIN")?;
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO items (id, name, qty) SELECT i, 'item ' || i, i % 13 FROM n",
                [rows],
            )?;
            conn.execute(
                "INSERT INTO orders (item_id) SELECT id FROM items WHERE id % 10 = 0",
                [],
            )?;
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        [cmd, db] if cmd == "apply" => {
            let mut conn = Connection::open(db)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            let report = HISTORY.apply_pending(&mut conn)?;
            for rev in &report.applied {
                println!("applied {}", rev.id);
            }
            for id in &report.applied_elsewhere {
                println!("elsewhere {id}");
            }
            for table in &report.removed_leftovers {
                println!("removed {table}");
            }
            Ok(())
        }
        _ => Err("usage: prepare <db> <journal|wal> <rows> | apply <db>".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
