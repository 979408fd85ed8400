//! `dialects sqlite, postgres;` (issue 19): a history written for both
//! engines compiles, with PostgreSQL's rules checked at compile time
//! (what PostgreSQL refuses: `tests/ui-tests/dialects/`), and runs on
//! SQLite as any other.

use crate::common::*;
use migrate_dsl::migration;

migration! {
    /// A history both engines accept: PostgreSQL's type names, standard
    /// SQL in expressions and views.
    static PORTABLE;
    dialects sqlite, postgres;
    revision "0001_users" {
        create table users {
            id integer primary key autoincrement,
            email varchar(320) not null unique,
            created_at timestamp not null default (current_timestamp),
            balance numeric(12, 2) not null default (0),
            active boolean not null default (true),
            avatar bytea,
            check (length(email) > 3),
        }
        create index users_created on users (created_at);
        create view active_users as "SELECT id, email FROM users WHERE active";
    }
    revision "0002_nicknames" {
        batch alter table users {
            add column nickname varchar(40);
            alter column balance set default (10);
        }
    }
}

#[test]
fn a_history_for_both_dialects_runs_on_sqlite() {
    let db = TempDb::new();
    let mut conn = db.open();
    let report = PORTABLE.apply_pending(&mut conn).unwrap();
    assert_eq!(report.applied.len(), 2);
    conn.execute("INSERT INTO users (email) VALUES ('ann@example.com')", [])
        .unwrap();
    let (balance, active): (i64, bool) = conn
        .query_row("SELECT balance, active FROM users", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((balance, active), (10, true));
    assert_eq!(
        strings(&conn, "SELECT email FROM active_users"),
        ["ann@example.com"]
    );
    assert!(PORTABLE.check(&conn).unwrap().is_empty());
    assert_healthy(&conn);
}
