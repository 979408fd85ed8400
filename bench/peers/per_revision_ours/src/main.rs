//! `per-revision-ours <revisions> <reps> [memory|file]`: the same revisions
//! as `per-revision-peers` (create table + index each), as a migrate-dsl
//! history built at run time (checked once, outside the timing), applied
//! to a fresh database (in memory, or a new file in a temporary directory)
//! `reps` times. Prints
//! `migrate_dsl <microseconds> <sqlite version>` per run.

use migrate_dsl::build::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::Migrations;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (revisions, reps, file): (usize, usize, bool) = match &args[..] {
        [_, n, reps] => (n.parse().unwrap(), reps.parse().unwrap(), false),
        [_, n, reps, mode] => (n.parse().unwrap(), reps.parse().unwrap(), mode == "file"),
        _ => panic!("usage: per-revision-ours <revisions> <reps> [memory|file]"),
    };
    let n = |s: &str| Name::new(s, Loc::NONE);
    let revisions_defs = (0..revisions)
        .map(|i| {
            let mut key = ColumnDef::new(n("id"), ColumnType::INTEGER);
            key.constraints.push(ColumnConstraint {
                name: None,
                kind: ColumnConstraintKind::PrimaryKey {
                    desc: false,
                    autoincrement: None,
                },
                at: Loc::NONE,
            });
            let table = format!("t{i}");
            let create = CreateTable::new(
                n(&table),
                vec![key, ColumnDef::new(n("v"), ColumnType::TEXT)],
            );
            let index = CreateIndex {
                name: n(&format!("t{i}_v")),
                table: n(&table),
                keys: vec![IndexKey {
                    target: IndexTarget::Column(n("v")),
                    collate: None,
                    desc: false,
                }],
                unique: false,
                filter: None,
            };
            RevisionDef::new(
                n(&format!("{i:05}")),
                vec![Op::CreateTable(create), Op::CreateIndex(index)],
            )
        })
        .collect();
    let history = History {
        revisions: revisions_defs,
        ..History::default()
    };
    let migrations = Migrations::from_history(&history).expect("a valid history");
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
        migrations.apply_pending(&mut conn).unwrap();
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
