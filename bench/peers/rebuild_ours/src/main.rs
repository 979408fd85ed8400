//! `rebuild-ours prepare <file> <rows>`: creates issue 5's rebuild case at
//! revision 0001 (`bench/rebuild_case.rs`).
//!
//! `rebuild-ours migrate-dsl|planned|edit|raw <file> <secure_delete 0|1>`:
//! opens the file, sets `PRAGMA secure_delete`, and makes `qty` nullable
//! (revision 0002) with migrate-dsl's forced rebuild, as migrate-dsl plans
//! it (in place where SQLite can), as it plans it on a SQLite before 3.53
//! (an edit of the table's definition; the runtime is told so), or with
//! the 12 steps sent by hand.
//!
//! `rebuild-ours default|default-forced <file> <secure_delete 0|1>`: gives
//! `price` a DEFAULT instead (an edit after a read-only scan for older
//! rows, or the rebuild); prints the same. Prints
//! `<rebuild microseconds> <sqlite version>`; the connection is opened
//! outside the timing, as on every side of the comparison.

use migrate_dsl::rusqlite::Connection;
use std::path::Path;
use std::time::Instant;

#[path = "../../../rebuild_case.rs"]
mod rebuild_case;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["prepare", file, rows] => {
            rebuild_case::prepare(Path::new(file), rows.parse().expect("rows is a number"))
        }
        [side @ ("migrate-dsl" | "planned" | "edit" | "raw" | "default" | "default-forced"), file, secure_delete] =>
        {
            let mut conn = Connection::open(file).unwrap();
            conn.pragma_update(None, "secure_delete", secure_delete == "1")
                .unwrap();
            let start = Instant::now();
            match side {
                "raw" => rebuild_case::floor(&conn),
                "default" => {
                    let report = rebuild_case::ITEMS_DEFAULT
                        .apply_pending(&mut conn)
                        .unwrap();
                    assert_eq!(
                        report.table_changes[0].strategy,
                        migrate_dsl::report::Strategy::EditDefinition
                    );
                }
                "default-forced" => drop(
                    rebuild_case::ITEMS_DEFAULT_FORCED
                        .apply_pending(&mut conn)
                        .unwrap(),
                ),
                "planned" => drop(
                    rebuild_case::ITEMS_PLANNED
                        .apply_pending(&mut conn)
                        .unwrap(),
                ),
                "edit" => {
                    migrate_dsl_runtime::fault::pretend_sqlite(Some(3_052_000));
                    let report = rebuild_case::ITEMS_PLANNED
                        .apply_pending(&mut conn)
                        .unwrap();
                    assert_eq!(
                        report.table_changes[0].strategy,
                        migrate_dsl::report::Strategy::EditDefinition
                    );
                }
                _ => drop(rebuild_case::ITEMS.apply_pending(&mut conn).unwrap()),
            }
            let micros = start.elapsed().as_micros();
            drop(conn);
            println!("{micros} {}", migrate_dsl::rusqlite::version());
        }
        _ => {
            eprintln!(
                "usage: rebuild-ours prepare <file> <rows>\n       \
                 rebuild-ours migrate-dsl|planned|edit|raw|default|default-forced <file> <secure_delete 0|1>"
            );
            std::process::exit(2);
        }
    }
}
