//! `per-revision-ours <revisions> <reps> [memory|file]`: the same revisions
//! as `per-revision-peers` (create table + index each), as an application
//! holds them: one `migration!` block (written by `build.rs`; build with
//! `PER_REVISION_REVISIONS=<revisions>`), applied to a fresh database (in
//! memory, or a new file in a temporary directory) `reps` times. Prints
//! `migrate_dsl <microseconds> <sqlite version>` per run.

use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;
use std::time::Instant;

include!(concat!(env!("OUT_DIR"), "/history.rs"));

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (revisions, reps, file): (usize, usize, bool) = match &args[..] {
        [_, n, reps] => (n.parse().unwrap(), reps.parse().unwrap(), false),
        [_, n, reps, mode] => (n.parse().unwrap(), reps.parse().unwrap(), mode == "file"),
        _ => panic!("usage: per-revision-ours <revisions> <reps> [memory|file]"),
    };
    let built = MIGRATIONS.revisions().len();
    assert_eq!(
        built, revisions,
        "built with {built} revisions: rebuild with PER_REVISION_REVISIONS={revisions}"
    );
    let version = migrate_dsl::rusqlite::version();
    let dir = std::env::temp_dir().join(format!("per-revision-ours-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for rep in 0..reps {
        let mut conn = if file {
            Connection::open(dir.join(format!("{rep}.db"))).unwrap()
        } else {
            Connection::open_in_memory().unwrap()
        };
        let start = Instant::now();
        MIGRATIONS.apply_pending(&mut conn).unwrap();
        let micros = start.elapsed().as_micros();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 't%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables as usize, revisions, "every revision applied");
        println!("migrate_dsl {micros} {version}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
