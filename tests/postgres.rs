//! PostgreSQL (issue 19): the test server and what the runner must own.
//! The server is a throwaway cluster started by the tests themselves, or
//! the one `MIGRATE_DSL_TEST_POSTGRES` names (`postgres/server.rs`).

#[path = "postgres/dialects.rs"]
mod dialects;
#[path = "postgres/roundtrip.rs"]
mod roundtrip;
#[path = "postgres/server.rs"]
mod server;

use migrate_dsl::{Dialect, Target};
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

migrate_dsl::migration! {
    /// One history for both engines: tables with keys and constraints, an
    /// index, a view, rows, and a batch block of every kind of change.
    static BOTH;
    dialects sqlite, postgres;
    revision "0001_users" {
        create table users {
            id integer primary key autoincrement,
            email varchar(320) not null unique,
            created_at timestamp not null default (current_timestamp),
            balance numeric(12, 2) not null default (0),
            active boolean not null default (true),
            check (length(email) > 3),
        }
        create table posts {
            id integer primary key,
            user_id integer not null references users on delete cascade,
            title text,
            body text,
        }
        create index posts_user on posts (user_id);
        insert into users (email, active) values ("ann@example.com", true), ("bob@example.com", false);
    }
    revision "0002_posts" {
        batch alter table posts {
            add column published boolean not null default (false);
            rename column body to content;
            alter column title set default ("untitled");
            alter column title set not null;
            add constraint title_length check (length(title) < 200);
        }
        create view published_posts as "SELECT id, title FROM posts WHERE published";
    }
    revision "0003_nicknames" {
        batch alter table users {
            add column nickname varchar(40);
            alter column balance type numeric(14, 2);
            drop column active;
        }
        drop index posts_user;
        create index posts_user_title on posts (user_id, title desc);
    }
}

/// The PostgreSQL script of a history written for both engines runs in
/// `psql` and leaves the schema the history describes: the identity
/// column numbers rows, constraints hold under their model names, the
/// batch blocks' changes are made, and the history table has every
/// revision.
#[test]
fn the_postgres_script_of_a_history_runs_in_psql() {
    let db = database("script");
    let script = BOTH.script(Dialect::Postgres, None, Target::Head).unwrap();
    if std::env::var_os("SHOW_SCRIPT").is_some() {
        eprintln!("{script}");
    }
    db.psql(&script);
    let mut client = db.connect();
    let ids: Vec<String> = client
        .query("SELECT id FROM _migrate_history ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, ["0001_users", "0002_posts", "0003_nicknames"]);
    // Identity: a row without an id is numbered after the inserted ones.
    let id: i32 = client
        .query_one(
            "INSERT INTO users (email) VALUES ('cy@example.com') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(id, 3);
    client
        .execute("INSERT INTO posts (user_id) VALUES (3), (3)", &[])
        .unwrap();
    let titles: Vec<(String, bool)> = client
        .query("SELECT title, published FROM posts ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        titles,
        [
            ("untitled".to_owned(), false),
            ("untitled".to_owned(), false)
        ]
    );
    let columns: Vec<String> = client
        .query(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'posts' ORDER BY ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(columns, ["id", "user_id", "title", "content", "published"]);
    // Constraints by the model's names; a CHECK and the cascade hold.
    let long = "x".repeat(250);
    let refused = client
        .execute(
            "INSERT INTO posts (user_id, title) VALUES (3, $1)",
            &[&long],
        )
        .unwrap_err();
    assert_eq!(
        refused.as_db_error().and_then(|e| e.constraint()),
        Some("title_length"),
        "{refused:?}"
    );
    client
        .execute("DELETE FROM users WHERE id = 3", &[])
        .unwrap();
    let posts: i64 = client
        .query_one("SELECT count(*) FROM posts", &[])
        .unwrap()
        .get(0);
    assert_eq!(posts, 0, "on delete cascade");
    let balance_type: String = client
        .query_one(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'balance'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(balance_type, "numeric(14,2)");
    let indexes: Vec<String> = client
        .query(
            "SELECT indexname::text FROM pg_indexes WHERE tablename = 'posts' AND indexname LIKE 'posts_user%'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(indexes, ["posts_user_title"]);
    let view: i64 = client
        .query_one("SELECT count(*) FROM published_posts", &[])
        .unwrap()
        .get(0);
    assert_eq!(view, 0);

    // The same history on SQLite.
    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    assert_eq!(BOTH.apply_pending(&mut conn).unwrap().applied.len(), 3);
}

/// A range and a single step up; reverting and a history for SQLite alone
/// are clear errors.
#[test]
fn postgres_scripts_of_a_range_and_their_refusals() {
    let first = BOTH
        .script(Dialect::Postgres, None, Target::UpTo("0001_users"))
        .unwrap();
    assert!(first.contains("-- revision 0001_users (up)") && !first.contains("0002_posts"));
    let rest = BOTH
        .script(Dialect::Postgres, Some("0001_users"), Target::Head)
        .unwrap();
    assert!(
        !rest.contains("-- revision 0001_users") && rest.contains("-- revision 0003_nicknames")
    );
    let db = database("script_range");
    db.psql(&first);
    db.psql(&rest);
    // Down: a revision without an inverse is refused, naming it and why;
    // a history with inverses goes down.
    let down = BOTH
        .script(
            Dialect::Postgres,
            Some("0002_posts"),
            Target::DownTo("0001_users"),
        )
        .unwrap_err();
    assert!(
        down.to_string()
            .starts_with("revision `0002_posts`: cannot be undone: constraint changes"),
        "{down}"
    );
    let stairs = database("script_down");
    stairs.psql(
        &STAIRS
            .script(Dialect::Postgres, None, Target::Head)
            .unwrap(),
    );
    let down = STAIRS
        .script(
            Dialect::Postgres,
            Some("0004_tags"),
            Target::DownTo("0002_posts"),
        )
        .unwrap();
    assert!(
        down.contains("-- revision 0004_tags (down)")
            && down.contains("-- revision 0003_nicknames (down)")
    );
    stairs.psql(&down);
    assert_eq!(
        history_rows(&mut stairs.connect()),
        ["0001_users", "0002_posts"]
    );
    migrate_dsl::migration! {
        static SQLITE_ONLY;
        revision "0001" { create table t { id integer primary key } }
    }
    let refused = SQLITE_ONLY
        .script(Dialect::Postgres, None, Target::Head)
        .unwrap_err();
    assert!(
        refused.to_string().contains("does not target PostgreSQL"),
        "{refused}"
    );
}

/// The ids of the rows of `client`'s history table, in order.
fn history_rows(client: &mut postgres::Client) -> Vec<String> {
    client
        .query("SELECT id FROM _migrate_history ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Applied through the client: every revision once, in its own
/// transaction with its history row; a second run has nothing to do.
#[test]
fn apply_through_the_client() {
    let db = database("apply");
    let mut client = db.connect();
    let fresh = BOTH.status(&mut client).unwrap();
    assert_eq!(fresh.pending.len(), 3);
    assert!(fresh.applied.is_empty() && !fresh.is_up_to_date());
    let report = BOTH.apply_pending(&mut client).unwrap();
    let applied: Vec<&str> = report.applied.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(applied, ["0001_users", "0002_posts", "0003_nicknames"]);
    assert_eq!(history_rows(&mut client), applied);
    let status = BOTH.status(&mut client).unwrap();
    assert!(status.is_up_to_date(), "{status}");
    assert_eq!(status.current(), Some("0003_nicknames"));
    assert!(BOTH.apply_pending(&mut client).unwrap().applied.is_empty());
    let id: i32 = client
        .query_one(
            "INSERT INTO users (email) VALUES ('cy@example.com') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(id, 3, "identity after the inserted rows");
}

/// The digests of `client`'s history rows, in order.
fn digests(client: &mut postgres::Client) -> Vec<Option<String>> {
    client
        .query("SELECT digest FROM _migrate_history ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

migrate_dsl::migration! {
    /// Three revisions that can be undone.
    static LEDGER;
    dialects sqlite, postgres;
    revision "0001" { create table a { id integer primary key } }
    revision "0002" { create table b { id integer primary key } }
    revision "0003" { create index b_id on b (id); }
}

/// One ledger on both engines: PostgreSQL's history rows carry the digests
/// SQLite's do (one lookup of the newest proves the history), rows an
/// offline script wrote without them get theirs at the next run, and a row
/// changed by hand is not taken as proof.
#[test]
fn the_history_is_the_same_ledger_as_on_sqlite() {
    let db = database("ledger");
    db.psql(
        &LEDGER
            .script(Dialect::Postgres, None, Target::UpTo("0002"))
            .unwrap(),
    );
    let mut client = db.connect();
    assert_eq!(digests(&mut client), [None, None]);
    LEDGER.apply_pending(&mut client).unwrap();
    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    LEDGER.apply_pending(&mut conn).unwrap();
    let on_sqlite: Vec<Option<String>> = conn
        .prepare("SELECT digest FROM _migrate_history ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(on_sqlite.len(), 3);
    assert!(on_sqlite.iter().all(Option::is_some));
    assert_eq!(digests(&mut client), on_sqlite);
    // Down and up again: the rows written by the run chain as before.
    let down = migrate_dsl::Target::DownTo("0001");
    LEDGER
        .migrate(&mut client, down, &migrate_dsl::Options::default())
        .unwrap();
    assert_eq!(digests(&mut client), on_sqlite[..1]);
    LEDGER.apply_pending(&mut client).unwrap();
    assert_eq!(digests(&mut client), on_sqlite);
    // The newest row's checksum changed by hand no longer matches its
    // digest: the rows are read and the edit reported.
    client
        .execute(
            "UPDATE _migrate_history SET checksum = 'edited' WHERE id = '0003'",
            &[],
        )
        .unwrap();
    let err = LEDGER.apply_pending(&mut client).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            migrate_dsl::ErrorKind::History(
                migrate_dsl::error::HistoryMismatch::ChecksumMismatch { .. }
            )
        ),
        "{err}"
    );
}

migrate_dsl::migration! {
    /// Revision 0002 fails on PostgreSQL (division by zero; SQLite gives
    /// NULL) after changing the schema.
    static FAILS_AT_TWO;
    dialects sqlite, postgres;
    revision "0001" { create table a { id integer primary key } }
    revision "0002" {
        create table b { id integer primary key }
        sql "UPDATE a SET id = id / 0 WHERE 1 / 0 = 1" touches (a);
    }
}

migrate_dsl::migration! {
    /// The same history with revision 0002 fixed (an edit of an
    /// unapplied revision).
    static FIXED;
    dialects sqlite, postgres;
    revision "0001" { create table a { id integer primary key } }
    revision "0002" {
        create table b { id integer primary key }
        sql "UPDATE a SET id = id WHERE 1 = 0" touches (a);
    }
}

/// A failing revision leaves it whole undone and the ones before it
/// applied, names the revision and the statement; the fixed history then
/// applies it.
#[test]
fn a_failed_revision_is_undone_and_a_retry_succeeds() {
    let db = database("failure");
    let mut client = db.connect();
    let err = FAILS_AT_TWO.apply_pending(&mut client).unwrap_err();
    let context = err.context().expect("names the revision");
    assert_eq!(context.revision, "0002");
    assert!(context.sql.as_deref().unwrap().contains("1 / 0"), "{err}");
    assert!(err.to_string().contains("division by zero"), "{err}");
    assert_eq!(history_rows(&mut client), ["0001"]);
    let b: i64 = client
        .query_one("SELECT count(*) FROM pg_tables WHERE tablename = 'b'", &[])
        .unwrap()
        .get(0);
    assert_eq!(b, 0, "the revision's table went with it");
    // Failing again changes nothing; the fixed history applies it.
    FAILS_AT_TWO.apply_pending(&mut client).unwrap_err();
    assert_eq!(history_rows(&mut client), ["0001"]);
    let report = FIXED.apply_pending(&mut client).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(history_rows(&mut client), ["0001", "0002"]);
}

/// Two runners at once, each on its own connection: every revision is
/// applied exactly once (the advisory lock and the history read under
/// it), and both finish without error.
#[test]
fn two_runners_race_and_each_revision_is_applied_once() {
    let db = database("race");
    let runners: Vec<_> = (0..2)
        .map(|_| {
            let mut client = db.connect();
            std::thread::spawn(move || BOTH.apply_pending(&mut client).unwrap())
        })
        .collect();
    let mut applied: Vec<String> = runners
        .into_iter()
        .flat_map(|r| r.join().unwrap().applied)
        .map(|r| r.id)
        .collect();
    applied.sort();
    assert_eq!(applied, ["0001_users", "0002_posts", "0003_nicknames"]);
    assert_eq!(history_rows(&mut db.connect()).len(), 3);
}

/// An edited applied revision, a history for SQLite alone, and a lock the
/// runner cannot get within `lock_timeout` are errors before anything
/// changes.
#[test]
fn refusals_before_anything_changes() {
    let db = database("refusals");
    let mut client = db.connect();
    FIXED.apply_pending(&mut client).unwrap();
    assert_eq!(FAILS_AT_TWO.status(&mut client).unwrap().edited, ["0002"]);
    let edited = FAILS_AT_TWO.apply_pending(&mut client).unwrap_err();
    assert!(
        matches!(
            edited.kind(),
            migrate_dsl::ErrorKind::History(
                migrate_dsl::error::HistoryMismatch::ChecksumMismatch { .. }
            )
        ),
        "{edited}"
    );
    migrate_dsl::migration! {
        static SQLITE_ALONE;
        revision "0001" { create table t { id integer primary key } }
    }
    let refused = SQLITE_ALONE.apply_pending(&mut client).unwrap_err();
    assert!(
        refused.to_string().contains("does not target PostgreSQL"),
        "{refused}"
    );

    // A long transaction holds table `a`: the next revision's DDL waits at
    // most `lock_timeout`, then fails, naming the revision.
    let other = database("lock_timeout");
    let mut runner = other.connect();
    FIXED.apply_pending(&mut runner).unwrap();
    let mut holder = other.connect();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE a IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    migrate_dsl::migration! {
        static THREE;
        dialects sqlite, postgres;
        revision "0001" { create table a { id integer primary key } }
        revision "0002" {
            create table b { id integer primary key }
            sql "UPDATE a SET id = id WHERE 1 = 0" touches (a);
        }
        revision "0003" { batch alter table a { add column n integer; } }
    }
    let started = std::time::Instant::now();
    let options =
        migrate_dsl::Options::default().lock_timeout(Some(std::time::Duration::from_millis(300)));
    let waited = THREE
        .migrate(&mut runner, migrate_dsl::Target::Head, &options)
        .unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(waited.context().unwrap().revision, "0003");
    assert!(waited.to_string().contains("lock timeout"), "{waited}");
    tx.rollback().unwrap();
    assert_eq!(THREE.apply_pending(&mut runner).unwrap().applied.len(), 1);
}

/// The schema of `client`'s database as PostgreSQL's catalog describes it
/// (the history table aside): columns with types, nullability and
/// defaults, constraints, indexes and views, each as one sorted line.
fn catalog(client: &mut postgres::Client) -> Vec<String> {
    let queries = [
        "SELECT format('column %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END, coalesce(pg_get_expr(d.adbin, d.adrelid), '-')) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_migrate_history'",
        "SELECT format('constraint %s.%s %s', t.relname, k.conname, pg_get_constraintdef(k.oid)) FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND t.relname <> '_migrate_history'",
        "SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_migrate_history'",
        "SELECT format('view %s %s', viewname, definition) FROM pg_views WHERE schemaname = 'public'",
        "SELECT format('identity %s.%s %s', table_name, column_name, identity_generation) FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' AND table_name <> '_migrate_history'",
    ];
    let mut lines: Vec<String> = queries
        .iter()
        .flat_map(|q| client.query(*q, &[]).unwrap())
        .map(|r| r.get(0))
        .collect();
    lines.sort();
    lines
}

migrate_dsl::migration! {
    /// A history every revision of which can be undone (generated inverses
    /// and a `down` block), for the stairway.
    static STAIRS;
    dialects sqlite, postgres;
    revision "0001_users" {
        create table users {
            id integer primary key autoincrement,
            email varchar(320) not null unique,
            balance numeric(12, 2) not null default (0),
        }
        create table posts {
            id integer primary key,
            user_id integer not null references users on delete cascade,
            title text,
            body text,
        }
        create index posts_user on posts (user_id);
    }
    revision "0002_posts" {
        batch alter table posts {
            add column published boolean not null default (false);
            rename column body to content;
            alter column title set default ("untitled");
        }
        create view published_posts as "SELECT id, title FROM posts WHERE published";
    }
    revision "0003_nicknames" {
        batch alter table users {
            add column nickname varchar(40);
            alter column balance type numeric(14, 2);
        }
        drop index posts_user;
        create index posts_user_title on posts (user_id, title desc);
    }
    revision "0004_tags" {
        create table tags { id integer primary key, name text not null unique }
        batch alter table posts { add constraint title_length check (length(title) < 200); }
        down {
            batch alter table posts { drop constraint title_length; }
            drop table tags;
        }
    }
}

/// The downgrade stairway on PostgreSQL: for every revision, up to it,
/// down one, and the catalog is exactly what it was before the revision;
/// up again, and it is what the revision made.
#[test]
fn the_downgrade_stairway() {
    use migrate_dsl::Target;
    let db = database("stairway");
    let mut client = db.connect();
    let options = migrate_dsl::Options::default();
    let mut before = catalog(&mut client);
    let ids: Vec<&str> = STAIRS.revisions().iter().map(|r| r.id()).collect();
    for (i, id) in ids.iter().enumerate() {
        let up = STAIRS
            .migrate(&mut client, Target::UpTo(id), &options)
            .unwrap();
        assert_eq!(up.applied.len(), 1, "{id}");
        let after = catalog(&mut client);
        assert_ne!(after, before, "{id} changed the schema");
        let down = match i {
            0 => Target::Empty,
            _ => Target::DownTo(ids[i - 1]),
        };
        let report = STAIRS.migrate(&mut client, down, &options).unwrap();
        assert_eq!(report.reverted.len(), 1, "{id}");
        assert_eq!(catalog(&mut client), before, "down from {id}");
        STAIRS
            .migrate(&mut client, Target::UpTo(id), &options)
            .unwrap();
        assert_eq!(catalog(&mut client), after, "{id} again");
        before = after;
    }
    assert_eq!(history_rows(&mut client), ids);
    let all = STAIRS
        .migrate(&mut client, Target::Empty, &options)
        .unwrap();
    assert_eq!(all.reverted.len(), 4);
    assert!(
        catalog(&mut client).is_empty(),
        "{:?}",
        catalog(&mut client)
    );
    // The helper an application's tests call does the same, each step
    // against the drift check (the wrong downs it would catch are compile
    // errors already: see `tests/ui-tests/down`).
    migrate_dsl::testing::postgres::assert_history_consistent(&STAIRS, server::server());
}

/// `testing::postgres::database`: each test a database of its own at head,
/// copied from a template migrated once per process (so the history's rows
/// are there), independent of the others, dropped with its handle.
#[test]
fn testing_gives_each_test_a_database_at_head() {
    let server = server::server();
    let copies: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || migrate_dsl::testing::postgres::database(&BOTH, server))
        })
        .collect();
    let mut copies: Vec<_> = copies.into_iter().map(|c| c.join().unwrap()).collect();
    for db in &mut copies {
        assert!(BOTH.status(&mut db.client).unwrap().is_up_to_date());
        let users: i64 = db
            .client
            .query_one("SELECT count(*) FROM users", &[])
            .unwrap()
            .get(0);
        assert_eq!(users, 2, "the history's rows");
    }
    migrate_dsl::testing::assert_matches(&mut copies[0].client, &BOTH);
    copies[0].client.execute("DELETE FROM users", &[]).unwrap();
    // Rows are not drift; a column changed by hand is.
    migrate_dsl::testing::assert_matches(&mut copies[0].client, &BOTH);
    copies[2]
        .client
        .batch_execute("ALTER TABLE posts ALTER COLUMN title DROP NOT NULL")
        .unwrap();
    let drifted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        migrate_dsl::testing::assert_matches(&mut copies[2].client, &BOTH)
    }))
    .unwrap_err();
    let message = drifted.downcast_ref::<String>().unwrap();
    assert!(message.contains("changed table `posts`"), "{message}");
    let users: i64 = copies[1]
        .client
        .query_one("SELECT count(*) FROM users", &[])
        .unwrap()
        .get(0);
    assert_eq!(users, 2, "each copy is its own");
    let name = copies[0].name.clone();
    drop(copies);
    let mut admin = postgres::Client::connect(server, postgres::NoTls).unwrap();
    let left: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "dropped with its handle");
}

/// A hook on each engine: SQLite's takes the connection, PostgreSQL's the
/// revision's transaction.
mod hooks {
    use migrate_dsl::{postgres::Transaction, rusqlite::Connection, BoxError, HookContext};

    /// What a caller's flags make a hook do after its work: fail or panic.
    fn misbehave(cx: &HookContext) -> Result<(), BoxError> {
        if cx.flag("fail") {
            return Err("asked to fail".into());
        }
        if cx.flag("panic") {
            panic!("asked to panic");
        }
        Ok(())
    }

    pub fn lower_emails(conn: &Connection, cx: &HookContext) -> Result<(), BoxError> {
        conn.execute_batch(
            "CREATE TEMP TABLE staged AS SELECT id, lower(email) AS email FROM users;
             UPDATE users SET email = (SELECT email FROM staged WHERE staged.id = users.id);
             DROP TABLE staged;",
        )?;
        misbehave(cx)
    }

    /// Seed 003's data step: rows staged in a temporary table that is
    /// dropped at commit, then read back, one statement at a time. It
    /// works because the runner owns the transaction.
    pub fn lower_emails_pg(tx: &mut Transaction<'_>, cx: &HookContext) -> Result<(), BoxError> {
        tx.execute(
            "CREATE TEMPORARY TABLE staged (id integer, email text) ON COMMIT DROP",
            &[],
        )?;
        tx.execute("INSERT INTO staged SELECT id, lower(email) FROM users", &[])?;
        tx.execute(
            "UPDATE users SET email = staged.email FROM staged WHERE users.id = staged.id",
            &[],
        )?;
        misbehave(cx)
    }

    pub fn demo(conn: &Connection) -> Result<(), BoxError> {
        conn.execute("INSERT INTO users (email) VALUES ('demo@x')", [])?;
        Ok(())
    }

    pub fn demo_pg(tx: &mut Transaction<'_>) -> Result<(), BoxError> {
        tx.execute("INSERT INTO users (email) VALUES ('demo@x')", &[])?;
        Ok(())
    }
}

migrate_dsl::migration! {
    /// Hooks with a function per dialect, one of them a data step.
    static HOOKED;
    dialects sqlite, postgres;
    revision "0001" {
        create table users { id integer primary key, email text not null }
        insert into users (id, email) values (1, "A@x"), (2, "B@x");
    }
    revision "0002" {
        create table audit { id integer primary key }
        run sqlite: hooks::lower_emails, postgres: hooks::lower_emails_pg;
    }
    revision "0003" { run postgres: hooks::demo_pg, sqlite: hooks::demo when "demo"; }
}

fn emails(client: &mut postgres::Client) -> Vec<String> {
    client
        .query("SELECT email FROM users ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn has_table(client: &mut postgres::Client, name: &str) -> bool {
    client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
        .unwrap()
        .get(0)
}

/// Seed 003 through the runner: the hook's temporary table lives through
/// the revision's transaction and is gone after it; a data step left out
/// by the flags is reported. The same history runs on SQLite.
#[test]
fn hooks_run_in_the_revisions_transaction() {
    let db = database("hooks");
    let mut client = db.connect();
    let report = HOOKED.apply_pending(&mut client).unwrap();
    assert_eq!(history_rows(&mut client), ["0001", "0002", "0003"]);
    assert_eq!(emails(&mut client), ["a@x", "b@x"]);
    assert!(!has_table(&mut client, "staged"), "dropped at commit");
    assert_eq!(report.skipped_hooks.len(), 1);
    assert_eq!(report.skipped_hooks[0].hook, "hooks::demo_pg");
    assert_eq!(report.skipped_hooks[0].revision, "0003");
    let script = HOOKED
        .script(Dialect::Postgres, None, Target::Head)
        .unwrap();
    assert!(
        script.contains("-- run hooks::lower_emails_pg: Rust code"),
        "{script}"
    );
    assert!(
        script.contains("-- skipped: run hooks::demo_pg when \"demo\""),
        "{script}"
    );

    // With the flag, on a second database, the data step runs.
    let flagged = database("hooks_flag");
    let mut client = flagged.connect();
    let options = migrate_dsl::Options::default().flag("demo");
    HOOKED
        .migrate(&mut client, migrate_dsl::Target::Head, &options)
        .unwrap();
    assert_eq!(emails(&mut client), ["a@x", "b@x", "demo@x"]);

    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    HOOKED
        .migrate(&mut conn, migrate_dsl::Target::Head, &options)
        .unwrap();
    let mut read = conn.prepare("SELECT email FROM users ORDER BY id").unwrap();
    let on_sqlite: Vec<String> = read
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(on_sqlite, ["a@x", "b@x", "demo@x"]);
}

/// A hook that returns an error, or panics, after its work leaves the
/// database as it was (the revision's table and the hook's updates rolled
/// back, no history row, the client usable); the retry then succeeds.
#[test]
fn a_failing_or_panicking_hook_changes_nothing_and_a_retry_succeeds() {
    let db = database("hook_failure");
    let mut client = db.connect();
    let up_to_one = migrate_dsl::Target::UpTo("0001");
    HOOKED
        .migrate(&mut client, up_to_one, &Default::default())
        .unwrap();
    let unchanged = |client: &mut postgres::Client| {
        assert_eq!(history_rows(client), ["0001"]);
        assert_eq!(emails(client), ["A@x", "B@x"]);
        assert!(
            !has_table(client, "audit"),
            "the revision's table was undone"
        );
        assert!(!has_table(client, "staged"));
    };

    let failing = migrate_dsl::Options::default().flag("fail");
    let err = HOOKED
        .migrate(&mut client, migrate_dsl::Target::Head, &failing)
        .unwrap_err();
    assert_eq!(err.context().unwrap().revision, "0002");
    assert!(
        matches!(err.kind(), migrate_dsl::ErrorKind::Hook { hook, .. } if hook == "hooks::lower_emails_pg"),
        "{err}"
    );
    assert!(err.to_string().contains("asked to fail"), "{err}");
    unchanged(&mut client);

    let panicking = migrate_dsl::Options::default().flag("panic");
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        HOOKED.migrate(&mut client, migrate_dsl::Target::Head, &panicking)
    }));
    assert!(panicked.is_err(), "the panic propagates");
    unchanged(&mut client);

    // The lock was released: another connection gets it at once (the
    // panicking one would get it anyway: a session's lock is its own).
    let mut other = db.connect();
    let quick =
        migrate_dsl::Options::default().lock_timeout(Some(std::time::Duration::from_millis(300)));
    let report = HOOKED
        .migrate(&mut other, migrate_dsl::Target::Head, &quick)
        .unwrap();
    assert_eq!(report.applied.len(), 2);
    assert_eq!(history_rows(&mut client), ["0001", "0002", "0003"]);
    assert_eq!(emails(&mut client), ["a@x", "b@x"]);
}

/// A statement running past `statement_timeout` is cancelled, failing its
/// revision whole.
#[test]
fn statements_time_out() {
    let db = database("timeout");
    let mut client = db.connect();
    migrate_dsl::migration! {
        static SLOW;
        dialects sqlite, postgres;
        revision "0001" { create table a { id integer primary key } }
        revision "0002" {
            create table b { id integer primary key }
            sql "UPDATE a SET id = id WHERE (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c) < 0" touches (a);
        }
    }
    let options = migrate_dsl::Options::default()
        .statement_timeout(Some(std::time::Duration::from_millis(200)));
    let started = std::time::Instant::now();
    let cancelled = SLOW
        .migrate(&mut client, migrate_dsl::Target::Head, &options)
        .unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(cancelled.context().unwrap().revision, "0002");
    assert!(
        cancelled.to_string().contains("statement timeout"),
        "{cancelled}"
    );
    assert_eq!(history_rows(&mut client), ["0001"]);
}

/// Drift from `pg_catalog`: none after a run (at head, and part way);
/// then every change made by hand is named, and the check leaves nothing
/// behind.
#[test]
fn drift_is_read_from_the_catalog() {
    use migrate_dsl::{report::ObjectKind, Drift};
    let db = database("drift");
    let mut client = db.connect();
    assert!(
        BOTH.check(&mut client).unwrap().is_empty(),
        "nothing applied"
    );
    BOTH.migrate(
        &mut client,
        migrate_dsl::Target::UpTo("0001_users"),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(BOTH.check(&mut client).unwrap(), []);
    BOTH.apply_pending(&mut client).unwrap();
    assert_eq!(BOTH.check(&mut client).unwrap(), []);

    client
        .batch_execute(
            "ALTER TABLE posts ALTER COLUMN title DROP DEFAULT;
             ALTER TABLE users ALTER COLUMN nickname TYPE varchar(80);
             CREATE INDEX by_hand ON users (nickname);
             DROP VIEW published_posts;
             CREATE TABLE not_ours (id integer);",
        )
        .unwrap();
    let drift = BOTH.check(&mut client).unwrap();
    let found: Vec<(String, ObjectKind, String)> = drift
        .iter()
        .map(|d| match d {
            Drift::Missing { kind, name, .. } => ("missing".into(), *kind, name.clone()),
            Drift::Changed { kind, name, .. } => ("changed".into(), *kind, name.clone()),
            Drift::Unexpected { kind, name, .. } => ("unexpected".into(), *kind, name.clone()),
            other => panic!("{other}"),
        })
        .collect();
    let expect = |what: &str, kind, name: &str| (what.to_owned(), kind, name.to_owned());
    assert_eq!(
        found,
        [
            expect("changed", ObjectKind::Table, "posts"),
            expect("missing", ObjectKind::View, "published_posts"),
            expect("changed", ObjectKind::Table, "users"),
            expect("unexpected", ObjectKind::Index, "by_hand"),
        ],
        "{drift:#?}"
    );
    let text: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert!(
        text[0].contains("expected `title text NOT NULL DEFAULT 'untitled'::text`, not found"),
        "{}",
        text[0]
    );
    assert!(
        text[2].contains("nickname character varying(40)"),
        "{}",
        text[2]
    );
    let scratch: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname = '_migrate_expected'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(scratch, 0, "the replay was rolled back");
}

migrate_dsl::migration! {
    /// An index built `concurrently`: a unique one, so duplicate rows make
    /// its build fail.
    static CONCURRENT;
    dialects sqlite, postgres;
    revision "0001" {
        create table accounts { id integer primary key, email text not null }
        insert into accounts (email) values ("a@x"), ("b@x"), ("a@x");
    }
    revision "0002" { create unique index concurrently accounts_email on accounts (email); }
    revision "0003" { create table after_it { id integer primary key } }
}

fn index_state(client: &mut postgres::Client, name: &str) -> Option<bool> {
    client
        .query_opt(
            "SELECT x.indisvalid FROM pg_index x WHERE x.indexrelid = to_regclass($1)",
            &[&name],
        )
        .unwrap()
        .map(|r| r.get(0))
}

/// `create index concurrently` on PostgreSQL: built outside any
/// transaction; a failed build leaves no INVALID index and no history row,
/// an INVALID index left by a build that stopped is dropped before the
/// retry, which succeeds; the script runs in `psql`; down drops it; on
/// SQLite it is an ordinary index.
#[test]
fn an_index_built_concurrently() {
    let db = database("concurrent");
    let mut client = db.connect();
    let err = CONCURRENT.apply_pending(&mut client).unwrap_err();
    assert_eq!(err.context().unwrap().revision, "0002");
    assert!(
        err.context()
            .unwrap()
            .sql
            .as_deref()
            .unwrap()
            .contains("CONCURRENTLY"),
        "{err}"
    );
    assert_eq!(history_rows(&mut client), ["0001"]);
    assert_eq!(
        index_state(&mut client, "accounts_email"),
        None,
        "no INVALID index left"
    );

    // A build that stopped half way (made by hand here) leaves an INVALID
    // index: the next run drops it and builds it again.
    client
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY accounts_email ON accounts (email)")
        .unwrap_err();
    assert_eq!(index_state(&mut client, "accounts_email"), Some(false));
    client
        .batch_execute("DELETE FROM accounts WHERE id = 3")
        .unwrap();
    let report = CONCURRENT.apply_pending(&mut client).unwrap();
    let applied: Vec<&str> = report.applied.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(applied, ["0002", "0003"]);
    assert_eq!(index_state(&mut client, "accounts_email"), Some(true));
    assert_eq!(history_rows(&mut client), ["0001", "0002", "0003"]);
    assert_eq!(CONCURRENT.check(&mut client).unwrap(), []);

    CONCURRENT
        .migrate(
            &mut client,
            migrate_dsl::Target::DownTo("0001"),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(index_state(&mut client, "accounts_email"), None);
    assert_eq!(history_rows(&mut client), ["0001"]);

    let script = CONCURRENT
        .script(Dialect::Postgres, Some("0001"), Target::Head)
        .unwrap();
    assert!(
        script.contains("DROP INDEX CONCURRENTLY IF EXISTS \"accounts_email\";\nCREATE UNIQUE INDEX CONCURRENTLY \"accounts_email\""),
        "{script}"
    );
    db.psql(&script);
    assert_eq!(index_state(&mut client, "accounts_email"), Some(true));
    assert_eq!(history_rows(&mut client), ["0001", "0002", "0003"]);

    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    CONCURRENT
        .migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0001"),
            &Default::default(),
        )
        .unwrap();
    conn.execute("DELETE FROM accounts WHERE id = 3", [])
        .unwrap();
    CONCURRENT.apply_pending(&mut conn).unwrap();
    let unique: bool = conn
        .query_row(
            "SELECT \"unique\" FROM pragma_index_list('accounts') WHERE name = 'accounts_email'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(unique);
}

migrate_dsl::migration! {
    /// A parent table rebuilt by `recreate = always`, with what depends on
    /// it: an index, a view over it and a view over that view, another
    /// table's foreign key, and ids numbered by the identity.
    static MOVED;
    dialects sqlite, postgres;
    revision "0001" {
        create table authors { id integer primary key, name text not null, born integer, rank integer }
        create table books { id integer primary key, author integer not null references authors, title text }
        create index authors_name on authors (name);
        create view named as "SELECT id, name FROM authors";
        create view named_a as "SELECT id FROM named WHERE name LIKE 'a%'";
        insert into authors (name, born, rank) values ("ann", 1950, 3), ("bob", 1960, 1);
        insert into books (author, title) values (1, "one"), (2, "two");
    }
    revision "0002" {
        batch alter table authors recreate = always {
            rename column born to born_in;
            alter column born_in type bigint;
            drop column rank;
            add column country text not null default ("?");
        }
        down {
            batch alter table authors recreate = always {
                drop column country;
                alter column born_in type integer;
                rename column born_in to born;
                add column rank integer;
            }
        }
    }
}

/// `recreate = always` on PostgreSQL is a move-and-copy: the rows come
/// back (renamed, cast, defaulted), and so do the index, both views and
/// the other table's foreign key, validated; the identity goes on after
/// the ids; no copy is left; the catalog shows no drift; down undoes it.
#[test]
fn recreate_always_is_a_move_and_copy() {
    let db = database("move_and_copy");
    let mut client = db.connect();
    let script = MOVED.script(Dialect::Postgres, None, Target::Head).unwrap();
    assert!(
        script.contains("DROP TABLE \"authors\" CASCADE"),
        "{script}"
    );
    MOVED.apply_pending(&mut client).unwrap();
    let rows: Vec<(i32, String, Option<i64>, String)> = client
        .query(
            "SELECT id, name, born_in, country FROM authors ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        rows,
        [
            (1, "ann".to_owned(), Some(1950), "?".to_owned()),
            (2, "bob".to_owned(), Some(1960), "?".to_owned())
        ]
    );
    let named: i64 = client
        .query_one("SELECT count(*) FROM named_a", &[])
        .unwrap()
        .get(0);
    assert_eq!(named, 1, "both views were made again");
    let id: i32 = client
        .query_one("INSERT INTO authors (name) VALUES ('cy') RETURNING id", &[])
        .unwrap()
        .get(0);
    assert_eq!(id, 3);
    let orphan = client
        .execute("INSERT INTO books (author, title) VALUES (99, 'x')", &[])
        .unwrap_err();
    assert!(
        orphan
            .as_db_error()
            .is_some_and(|e| e.message().contains("foreign key")),
        "{orphan}"
    );
    assert!(!has_table(&mut client, "_migrate_copy_authors"));
    assert_eq!(MOVED.check(&mut client).unwrap(), []);

    MOVED
        .migrate(
            &mut client,
            migrate_dsl::Target::DownTo("0001"),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(MOVED.check(&mut client).unwrap(), []);
    let back: Vec<(String, Option<i32>)> = client
        .query("SELECT name, born FROM authors ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(back[0], ("ann".to_owned(), Some(1950)));

    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    MOVED.apply_pending(&mut conn).unwrap();
    let country: String = conn
        .query_row("SELECT country FROM authors WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(country, "?");
}

migrate_dsl::migration! {
    /// Indexes built concurrently between ordinary revisions.
    static CONCURRENT_RACE;
    dialects sqlite, postgres;
    revision "0001" { create table r { id integer primary key, a text, b text } }
    revision "0002" { create index concurrently r_a on r (a); }
    revision "0003" { create index concurrently r_b on r (b); }
    revision "0004" { create table s { id integer primary key } }
}

/// Runners racing through revisions that build indexes outside a
/// transaction: each revision is applied once (or found applied by the
/// other), both finish without error, both indexes are valid.
#[test]
fn runners_race_through_concurrent_indexes() {
    for round in 0..3 {
        let db = database(&format!("concurrent_race_{round}"));
        let runners: Vec<_> = (0..3)
            .map(|_| {
                let mut client = db.connect();
                std::thread::spawn(move || CONCURRENT_RACE.apply_pending(&mut client).unwrap())
            })
            .collect();
        let reports: Vec<_> = runners.into_iter().map(|r| r.join().unwrap()).collect();
        let mut applied: Vec<&str> = reports
            .iter()
            .flat_map(|r| r.applied.iter().map(|a| a.id.as_str()))
            .collect();
        applied.sort();
        assert_eq!(applied, ["0001", "0002", "0003", "0004"], "round {round}");
        let mut client = db.connect();
        assert_eq!(history_rows(&mut client), ["0001", "0002", "0003", "0004"]);
        assert_eq!(index_state(&mut client, "r_a"), Some(true));
        assert_eq!(index_state(&mut client, "r_b"), Some(true));
    }
}

/// A hook that keeps its revision's transaction (and so the history's
/// lock) for a while.
fn linger_pg(tx: &mut postgres::Transaction<'_>) -> Result<(), migrate_dsl::BoxError> {
    tx.execute("SELECT pg_sleep(1.5)", &[])?;
    Ok(())
}

fn linger(_: &migrate_dsl::rusqlite::Connection) -> Result<(), migrate_dsl::BoxError> {
    Ok(())
}

migrate_dsl::migration! {
    static LINGERING;
    dialects sqlite, postgres;
    revision "0001" { create table l { id integer primary key } }
    revision "0002" { run sqlite: linger, postgres: linger_pg; }
}

/// A runner that cannot get the history's lock within `lock_timeout`
/// gives up with `MigrationLocked`, changing nothing; the holder finishes.
#[test]
fn a_runner_gives_up_on_a_held_lock_after_lock_timeout() {
    let db = database("lock_held");
    let mut holder = db.connect();
    let holding = std::thread::spawn(move || LINGERING.apply_pending(&mut holder));
    // The holder is inside revision 0002 (its hook sleeps) by then.
    let mut client = db.connect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !has_table(&mut client, "_migrate_history") || history_rows(&mut client).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the holder never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let options =
        migrate_dsl::Options::default().lock_timeout(Some(std::time::Duration::from_millis(200)));
    let started = std::time::Instant::now();
    let err = LINGERING
        .migrate(&mut client, migrate_dsl::Target::Head, &options)
        .unwrap_err();
    assert!(
        matches!(err.kind(), migrate_dsl::ErrorKind::MigrationLocked { waited_ms , .. } if *waited_ms >= 200),
        "{err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1400),
        "gave up in time"
    );
    assert!(err.to_string().contains("migration lock"), "{err}");
    let report = holding.join().unwrap().unwrap();
    assert_eq!(report.applied.len(), 2);
    assert_eq!(history_rows(&mut client), ["0001", "0002"]);
}

/// A database made another way (its tables, no history): `up` and `check`
/// say to stamp it, with the call, instead of `relation … already exists`;
/// once stamped, the rest applies and the schema checks clean.
#[test]
fn a_database_made_another_way_is_told_to_stamp_it() {
    let db = database("unstamped");
    let mut client = db.connect();
    // What LEDGER's first revision makes, by hand.
    client
        .batch_execute("CREATE TABLE a (id integer GENERATED BY DEFAULT AS IDENTITY, CONSTRAINT pk_a PRIMARY KEY (id))")
        .unwrap();
    let not_stamped = |err: &migrate_dsl::Error| match err.kind() {
        migrate_dsl::ErrorKind::NotStamped { tables, .. } => tables.clone(),
        other => panic!("expected NotStamped, got {other:?}: {err}"),
    };
    let err = LEDGER.apply_pending(&mut client).unwrap_err();
    assert_eq!(not_stamped(&err), ["a"]);
    let message = err.to_string();
    assert!(
        message.contains("MIGRATIONS.stamp(&mut client, Some(\"<revision>\"))"),
        "{message}"
    );
    assert!(!message.contains("already exists"), "{message}");
    // Nothing was applied, and nothing was recorded.
    assert!(LEDGER.status(&mut client).unwrap().applied.is_empty());
    let err = LEDGER.check(&mut client).unwrap_err();
    assert_eq!(not_stamped(&err), ["a"]);

    let report = LEDGER.stamp(&mut client, Some("0001")).unwrap();
    assert_eq!(report.stamped, ["0001"]);
    assert_eq!(LEDGER.check(&mut client).unwrap(), []);
    let report = LEDGER.apply_pending(&mut client).unwrap();
    let applied: Vec<&str> = report.applied.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(applied, ["0002", "0003"]);
    assert!(LEDGER.is_up_to_date(&mut client).unwrap());
    migrate_dsl::testing::assert_matches(&mut client, &LEDGER);

    // Stamped back to nothing, the rows go and the tables stay.
    let report = LEDGER.stamp(&mut client, None).unwrap();
    assert_eq!(report.unstamped, ["0003", "0002", "0001"]);
    assert!(LEDGER.status(&mut client).unwrap().applied.is_empty());
}
