//! Statement N fails, for every N (SQLite's own anomaly-testing habit): in
//! a revision with a rebuild and a hook, in a plain-ALTER revision, in an
//! in-place change of nullability and CHECKs, in a definition edit (and
//! one whose probe finds old rows and rebuilds), and in
//! downgrades (a `down` block; a rebuild), each statement the runtime sends
//! is made to fail in turn (each run covers one revision: revisions are
//! atomic one by one, not the run).
//! After each failure the database is Unchanged (schema, rows with rowids,
//! history, no temporary table, the connection's pragmas), and a retry
//! without the fault succeeds and ends exactly where a clean run ends.

use crate::common::*;
use migrate_dsl::fault::{count_statements, statements_sent};
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, BoxError, Migrations};
use migrate_dsl::{Options, Target};

fn label_rows(conn: &Connection) -> Result<(), BoxError> {
    conn.execute(
        "UPDATE parent SET label = 'p' || id WHERE label IS NULL",
        [],
    )?;
    Ok(())
}

migration! {
    static H;
    revision "0001" {
        create table parent { id integer primary key autoincrement, name text, label text }
        create table child {
            id integer primary key,
            parent_id integer references parent on delete cascade,
            v text,
        }
        create index child_parent on child (parent_id);
        create table audit { what text }
        create trigger parent_audit after insert on parent
            as "INSERT INTO audit (what) VALUES ('parent ' || new.id)";
        insert into parent (id, name) values (1, "a"), (2, "b"), (5, "e");
        insert into child (id, parent_id, v) values (10, 1, "x"), (11, 5, "y");
    }
    revision "0002" {
        batch alter table parent recreate = always {
            alter column name set not null;
            add column score integer default 0;
        }
        run label_rows;
        down {
            batch alter table parent recreate = always { drop column score; alter column name drop not null; }
        }
    }
    revision "0003" {
        alter table child add column note text default ("n");
        alter table child rename column v to value;
        insert into audit (what) values ("0003");
        down {
            sql "DELETE FROM audit WHERE what = '0003'" touches (audit);
            alter table child drop column note;
            alter table child rename column value to v;
        }
    }
    revision "0004" {
        batch alter table parent {
            alter column label set not null;
            add constraint label_p check (label like "p%");
        }
    }
    revision "0005" {
        // Every row stores `score` (the rebuild of 0002 wrote them all):
        // the definition is edited.
        batch alter table parent {
            alter column score set default 1;
            drop constraint label_p;
        }
    }
    revision "0006" {
        // Rows 10 and 11 predate `note` (ADD COLUMN in 0003): the probe
        // finds them, and the change is made by the rebuild.
        batch alter table child {
            alter column note set default ("m");
            drop constraint fk_child_parent_id_parent;
        }
    }
}

/// Where a run ended: the snapshot without the history's times (they
/// differ from run to run), and the applied revisions.
fn state(conn: &Connection) -> (Snapshot, Vec<String>) {
    let mut s = snapshot(conn);
    s.rows.remove("_migrate_history");
    (s, history_ids(conn))
}

/// Runs `run` from a database at `start` once per statement it sends,
/// failing that statement.
fn every_statement(start: &str, run: impl Fn(&mut Connection) -> Result<(), migrate_dsl::Error>) {
    let at_start = || {
        let db = TempDb::new();
        let mut conn = db.open();
        H.migrate(&mut conn, Target::UpTo(start), &Options::default())
            .unwrap();
        (db, conn)
    };
    // A clean run: how many statements, and where it ends.
    let (_db, mut conn) = at_start();
    count_statements(None);
    run(&mut conn).unwrap();
    let total = statements_sent();
    let end = state(&conn);
    assert!(total >= 10, "{total} statements");
    println!("{start}: {total} statements, each failed in turn");
    for n in 1..=total {
        let (_db, mut conn) = at_start();
        let before = snapshot(&conn);
        count_statements(Some(n));
        let err = run(&mut conn).expect_err(&format!("statement {n} of {total} fails"));
        count_statements(None);
        assert!(
            err.to_string()
                .contains(&format!("injected failure of statement {n}")),
            "statement {n}: {err}"
        );
        assert_eq!(snapshot(&conn), before, "statement {n}: Unchanged ({err})");
        assert!(temp_tables(&conn).is_empty(), "statement {n}");
        assert_healthy(&conn);
        run(&mut conn).unwrap_or_else(|e| panic!("retry after statement {n}: {e}"));
        assert_eq!(
            state(&conn),
            end,
            "statement {n}: the retry ends where a clean run does"
        );
    }
}

fn up(
    m: &'static Migrations,
    target: &'static str,
) -> impl Fn(&mut Connection) -> Result<(), migrate_dsl::Error> {
    move |conn| {
        m.migrate(conn, Target::UpTo(target), &Options::default())
            .map(drop)
    }
}

#[test]
fn every_statement_of_a_rebuild_with_a_hook_can_fail() {
    every_statement("0001", up(&H, "0002"));
}

#[test]
fn every_statement_of_an_in_place_change_can_fail() {
    // SET NOT NULL and ADD CHECK in place (SQLite 3.53+), each after the
    // count of the rows it would reject.
    every_statement("0003", up(&H, "0004"));
}

#[test]
fn every_statement_of_a_definition_edit_can_fail() {
    every_statement("0004", up(&H, "0005"));
}

#[test]
fn every_statement_of_a_probed_edit_that_rebuilds_can_fail() {
    every_statement("0005", up(&H, "0006"));
}

#[test]
fn every_statement_of_a_plain_alter_revision_can_fail() {
    every_statement("0002", up(&H, "0003"));
}

#[test]
fn every_statement_of_a_downgrade_can_fail() {
    // Each revision is atomic, not the run: one revision per run here.
    every_statement("0003", |conn| {
        H.migrate(conn, Target::DownTo("0002"), &Options::default())
            .map(drop)
    });
    every_statement("0002", |conn| {
        H.migrate(conn, Target::DownTo("0001"), &Options::default())
            .map(drop)
    });
}
