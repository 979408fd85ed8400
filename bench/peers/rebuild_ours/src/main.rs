//! `rebuild-ours prepare <file> <rows>`: creates issue 5's rebuild case at
//! revision 0001 (`bench/rebuild_case.rs`).
//!
//! `rebuild-ours migrate-dsl|planned|raw <file> <secure_delete 0|1>`:
//! opens the file, sets `PRAGMA secure_delete`, and makes `qty` nullable
//! (revision 0002) with migrate-dsl's forced rebuild, as migrate-dsl plans
//! it (in place where SQLite can), or with the 12 steps sent by hand. Prints
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
        [side @ ("migrate-dsl" | "planned" | "raw"), file, secure_delete] => {
            let mut conn = Connection::open(file).unwrap();
            conn.pragma_update(None, "secure_delete", secure_delete == "1")
                .unwrap();
            let start = Instant::now();
            match side {
                "raw" => rebuild_case::floor(&conn),
                "planned" => drop(rebuild_case::ITEMS_PLANNED.apply_pending(&mut conn).unwrap()),
                _ => drop(rebuild_case::ITEMS.apply_pending(&mut conn).unwrap()),
            }
            let micros = start.elapsed().as_micros();
            drop(conn);
            println!("{micros} {}", migrate_dsl::rusqlite::version());
        }
        _ => {
            eprintln!(
                "usage: rebuild-ours prepare <file> <rows>\n       \
                 rebuild-ours migrate-dsl|planned|raw <file> <secure_delete 0|1>"
            );
            std::process::exit(2);
        }
    }
}
