//! `dialects-bench <postgres conninfo> <reps>`: applies the history of
//! `build.rs` to a new SQLite database in memory, a new SQLite file, and a
//! new PostgreSQL database, `reps` times each, interleaved. Prints
//! `<engine> <microseconds>` per run.

use migrate_dsl::migration;
use migrate_dsl::postgres::{Client, NoTls};
use migrate_dsl::rusqlite::Connection;
use std::time::Instant;

include!(concat!(env!("OUT_DIR"), "/history.rs"));

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, server, reps] = &args[..] else {
        panic!("usage: dialects-bench <postgres conninfo> <reps>");
    };
    let reps: usize = reps.parse().unwrap();
    let revisions = MIGRATIONS.revisions().len();
    let dir = std::env::temp_dir().join(format!("dialects-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut admin = Client::connect(server, NoTls).unwrap();
    for rep in 0..reps {
        let mut memory = Connection::open_in_memory().unwrap();
        let start = Instant::now();
        let applied = MIGRATIONS.apply_pending(&mut memory).unwrap().applied.len();
        println!("sqlite-memory {}", start.elapsed().as_micros());
        assert_eq!(applied, revisions);

        let mut file = Connection::open(dir.join(format!("{rep}.db"))).unwrap();
        let start = Instant::now();
        MIGRATIONS.apply_pending(&mut file).unwrap();
        println!("sqlite-file {}", start.elapsed().as_micros());

        let name = format!("bench_{rep}");
        // One statement each: a multi-statement string is one transaction.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut client = Client::connect(&format!("{server} dbname={name}"), NoTls).unwrap();
        let start = Instant::now();
        let applied = MIGRATIONS
            .apply_pending(&mut client)
            .unwrap()
            .applied
            .len();
        println!("postgres {}", start.elapsed().as_micros());
        assert_eq!(applied, revisions);
        drop(client);
        admin
            .batch_execute(&format!("DROP DATABASE {name}"))
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
