//! PostgreSQL (issue 19): the test server and what the runner must own.
//! The server is a throwaway cluster started by the tests themselves, or
//! the one `MIGRATE_DSL_TEST_POSTGRES` names (`postgres/server.rs`).

#[path = "postgres/server.rs"]
mod server;

use server::database;

/// Each test gets a database of its own on one server per test process.
#[test]
fn each_test_has_a_database_of_its_own() {
    let a = database("isolation_a");
    let b = database("isolation_b");
    assert_ne!(a.name, b.name);
    let mut a = a.connect();
    let mut b = b.connect();
    a.batch_execute("CREATE TABLE only_in_a (id integer)")
        .unwrap();
    let count = |c: &mut postgres::Client| -> i64 {
        c.query_one(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'",
            &[],
        )
        .unwrap()
        .get(0)
    };
    assert_eq!(count(&mut a), 1);
    assert_eq!(count(&mut b), 0);
    let version: i32 = a
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap()
        .get(0);
    assert!(version >= 120000, "server version {version}");
}

/// Seed 003's lesson, shown on the server: a temporary table made
/// `ON COMMIT DROP` lives as long as the transaction around it. In an
/// explicit transaction a data step can stage rows in it and read them
/// back; in autocommit every statement is its own transaction, so the
/// table is gone before the next statement. The runner must therefore own
/// every transaction itself.
#[test]
fn on_commit_drop_needs_a_transaction_the_runner_owns() {
    let db = database("on_commit_drop");
    let mut client = db.connect();
    client
        .batch_execute("CREATE TABLE users (id integer primary key, email text)")
        .unwrap();
    client
        .batch_execute("INSERT INTO users VALUES (1, 'A@x'), (2, 'b@x')")
        .unwrap();
    let stage = "CREATE TEMPORARY TABLE staged (id integer, email text) ON COMMIT DROP";
    let fill = "INSERT INTO staged SELECT id, lower(email) FROM users";
    let apply = "UPDATE users SET email = staged.email FROM staged WHERE users.id = staged.id";

    // Autocommit: the table is dropped as soon as it is made.
    client.execute(stage, &[]).unwrap();
    let lost = client.execute(fill, &[]).unwrap_err();
    assert!(
        lost.to_string()
            .contains("relation \"staged\" does not exist")
            || lost
                .as_db_error()
                .is_some_and(|e| e.message().contains("\"staged\" does not exist")),
        "{lost}"
    );

    // An explicit transaction: staged, read back, applied, then dropped.
    let mut tx = client.transaction().unwrap();
    tx.execute(stage, &[]).unwrap();
    assert_eq!(tx.execute(fill, &[]).unwrap(), 2);
    assert_eq!(tx.execute(apply, &[]).unwrap(), 2);
    tx.commit().unwrap();
    let emails: Vec<String> = client
        .query("SELECT email FROM users ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(emails, ["a@x", "b@x"]);
    let left: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname = 'staged'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "dropped at commit");
}
