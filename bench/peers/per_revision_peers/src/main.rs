//! `per-revision-peers <rusqlite_migration|refinery> <revisions> <reps>
//! [memory|file]`: applies `revisions` small revisions (create table +
//! index each) to a fresh database (in memory, or a new file in a temporary
//! directory) `reps` times and prints one line per run:
//! `<tool> <microseconds> <sqlite version>`. The migration list is built
//! once, outside the timing.

use std::time::Instant;

fn sql(i: usize) -> String {
    format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t{i}_v ON t{i} (v);")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (tool, revisions, reps, file) = match &args[..] {
        [_, tool, n, reps] => (tool.as_str(), n.parse().unwrap(), reps.parse().unwrap(), false),
        [_, tool, n, reps, mode] => (
            tool.as_str(),
            n.parse().unwrap(),
            reps.parse().unwrap(),
            mode == "file",
        ),
        _ => panic!(
            "usage: per-revision-peers <rusqlite_migration|refinery> <revisions> <reps> [memory|file]"
        ),
    };
    let dir = std::env::temp_dir().join(format!("per-revision-peers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqls: Vec<String> = (0..revisions).map(sql).collect();
    let version = rusqlite::version();
    for rep in 0..reps {
        let mut conn = if file {
            rusqlite::Connection::open(dir.join(format!("{tool}-{rep}.db"))).unwrap()
        } else {
            rusqlite::Connection::open_in_memory().unwrap()
        };
        let micros = match tool {
            "rusqlite_migration" => {
                let ms = rusqlite_migration::Migrations::new(
                    sqls.iter().map(|s| rusqlite_migration::M::up(s)).collect(),
                );
                let start = Instant::now();
                ms.to_latest(&mut conn).unwrap();
                start.elapsed().as_micros()
            }
            "refinery" => {
                let migrations: Vec<refinery::Migration> = sqls
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        refinery::Migration::unapplied(&format!("V{}__t{i}", i + 1), s).unwrap()
                    })
                    .collect();
                let runner = refinery::Runner::new(&migrations);
                let start = Instant::now();
                runner.run(&mut conn).unwrap();
                start.elapsed().as_micros()
            }
            other => panic!("unknown tool {other}"),
        };
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 't%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables as usize, revisions, "{tool} applied every revision");
        println!("{tool} {micros} {version}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
