//! The planner (issue 18): a batch block SQLite can change in place runs
//! as `ALTER TABLE` on a recent SQLite and as the rebuild on an older one,
//! and both must leave exactly the same database.
//!
//! - the seed's change runs in place: the table keeps its root page (no
//!   copy), and the schema reads what the model renders;
//! - SET NOT NULL and ADD CHECK over rows that break them fail naming the
//!   table, the column or constraint and the rows, as a rebuild's would;
//! - a differential property test applies random histories (rows with
//!   rowids, a foreign key with ON DELETE CASCADE, nullability changes,
//!   CHECKs added and dropped, DEFAULTs set and dropped on columns that
//!   older rows do not store, column adds, drops, renames and type
//!   changes, an index, a view and a trigger) once as planned, once with
//!   every block forced to rebuild, and as planned on an older SQLite
//!   (definition edits) and on a defensive connection there (rebuilds):
//!   the schema's SQL, every row with its rowid, `integrity_check` and
//!   `foreign_key_check` must be the same.

use crate::common::ops::n;
use crate::common::*;
use migrate_dsl::report::Strategy;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, ErrorKind, Migrations};
use migrate_dsl_core::check::check_history_to_head;
use migrate_dsl_core::op::*;
use migrate_dsl_core::plan::Step;
use migrate_dsl_core::Loc;
use proptest::prelude::*;

migration! {
    static SEED;
    revision "0001" {
        create table foo { foo_id integer primary key, bar varchar(512) not null, n integer default 1 }
        create index foo_bar on foo (bar);
        insert into foo (foo_id, bar) values (1, "one"), (7, "seven");
    }
    revision "0002" {
        batch alter table foo { alter column bar drop not null; }
    }
    revision "0003" {
        batch alter table foo {
            add constraint n_positive check (n > 0);
            alter column n set not null;
        }
    }
    revision "0004" {
        batch alter table foo { drop constraint n_positive; alter column n drop not null; }
    }
}

#[test]
fn nullability_and_checks_change_in_place_without_copying() {
    for rev in &SEED.revisions()[1..] {
        assert!(
            matches!(rev.steps(), [Step::AlterInPlace(a)] if a.native.as_ref().is_some_and(|n| n.needs == 3_053_000)),
            "{}: {:?}",
            rev.id(),
            rev.steps()
        );
    }
    let db = TempDb::new();
    let mut conn = db.open();
    SEED.migrate(
        &mut conn,
        migrate_dsl::Target::UpTo("0001"),
        &Default::default(),
    )
    .unwrap();
    let page = root_page(&conn, "foo");
    let report = SEED.apply_pending(&mut conn).unwrap();
    let strategies: Vec<_> = report
        .table_changes
        .iter()
        .map(|c| (c.revision.as_str(), c.table.as_str(), c.strategy))
        .collect();
    if migrate_dsl::rusqlite::version_number() >= 3_053_000 {
        assert_eq!(root_page(&conn, "foo"), page, "the table was not copied");
        assert_eq!(
            strategies,
            [
                ("0002", "foo", Strategy::InPlace),
                ("0003", "foo", Strategy::InPlace),
                ("0004", "foo", Strategy::InPlace)
            ]
        );
        assert!(
            report
                .to_string()
                .contains("0002: table `foo` changed in place"),
            "{report}"
        );
    } else {
        // An older SQLite (CI's oldest rusqlite): removals edit the
        // definition, additions rebuild.
        assert_ne!(root_page(&conn, "foo"), page, "0003 rebuilt the table");
        assert_eq!(
            strategies,
            [
                ("0002", "foo", Strategy::EditDefinition),
                ("0003", "foo", Strategy::Rebuild),
                ("0004", "foo", Strategy::EditDefinition)
            ]
        );
    }
    assert_eq!(
        schema_sql(&conn, "foo").unwrap(),
        "CREATE TABLE \"foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" varchar(512), \"n\" integer DEFAULT (1))"
    );
    conn.execute(
        "INSERT INTO foo (foo_id, bar, n) VALUES (9, NULL, NULL)",
        [],
    )
    .unwrap();
    assert_healthy(&conn);
    // Each revision's schema is the model's, undone and redone.
    migrate_dsl::testing::assert_history_consistent(&SEED);
}

#[test]
fn every_fallback_leaves_the_same_database() {
    let run = |pretend: Option<u32>, defensive: bool| {
        let db = TempDb::new();
        let mut conn = db.open();
        SEED.migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0001"),
            &Default::default(),
        )
        .unwrap();
        conn.set_db_config(
            migrate_dsl::rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE,
            defensive,
        )
        .unwrap();
        migrate_dsl::fault::pretend_sqlite(pretend);
        let report = SEED.apply_pending(&mut conn);
        migrate_dsl::fault::pretend_sqlite(None);
        let strategies: Vec<Strategy> = report
            .unwrap()
            .table_changes
            .iter()
            .map(|c| c.strategy)
            .collect();
        let mut s = snapshot(&conn);
        s.rows.remove("_migrate_history");
        (strategies, s, db)
    };
    use Strategy::*;
    // SQLite 3.52 has no in-place nullability or CHECK: the removals edit
    // the definition, the additions rebuild; a defensive connection may
    // not write the schema table, so everything rebuilds.
    let (s, old, _a) = run(Some(3_052_000), false);
    assert_eq!(s, [EditDefinition, Rebuild, EditDefinition]);
    let (s, defensive, _b) = run(Some(3_052_000), true);
    assert_eq!(s, [Rebuild, Rebuild, Rebuild]);
    // The linked SQLite itself, defensive: ALTER TABLE is allowed where it
    // has the statements (CI's oldest rusqlite bundles an older SQLite).
    let (s, new, _c) = run(None, true);
    if migrate_dsl::rusqlite::version_number() >= 3_053_000 {
        assert_eq!(s, [InPlace, InPlace, InPlace], "ALTER TABLE is allowed");
    } else {
        assert_eq!(s, [Rebuild, Rebuild, Rebuild]);
    }
    assert_eq!(old, new);
    assert_eq!(defensive, new);
}

migration! {
    static BREAKS;
    revision "0001" {
        create table k { id integer primary key, qty integer }
        insert into k (id, qty) values (1, 5), (2, -1), (3, -7), (4, null);
    }
    revision "0002" {
        batch alter table k { alter column qty set not null; }
    }
}

migration! {
    static FAILS_CHECK;
    revision "0001" {
        create table k { id integer primary key, qty integer }
        insert into k (id, qty) values (1, 5), (2, -1), (3, -7), (4, null);
    }
    revision "0002" {
        batch alter table k { rename column qty to amount; add constraint amount_positive check (amount > 0); }
    }
}

#[test]
fn in_place_changes_over_rows_that_break_them_name_table_and_rows() {
    let db = TempDb::new();
    let mut conn = db.open();
    BREAKS
        .migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0001"),
            &Default::default(),
        )
        .unwrap();
    let before = snapshot(&conn);
    let err = BREAKS.apply_pending(&mut conn).unwrap_err();
    let ErrorKind::Violation(migrate_dsl::error::Violation::NotNullViolation {
        column, rows, ..
    }) = err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (where_of(&err).2, column.as_str(), *rows),
        (Some("k"), "qty", 1)
    );
    assert_eq!(snapshot(&conn), before);

    let db = TempDb::new();
    let mut conn = db.open();
    FAILS_CHECK
        .migrate(
            &mut conn,
            migrate_dsl::Target::UpTo("0001"),
            &Default::default(),
        )
        .unwrap();
    let before = snapshot(&conn);
    let err = FAILS_CHECK.apply_pending(&mut conn).unwrap_err();
    let ErrorKind::Violation(migrate_dsl::error::Violation::ConstraintViolation {
        constraint,
        rows,
        ..
    }) = err.kind()
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (where_of(&err).2, constraint.as_str(), *rows),
        (Some("k"), "the CHECK `amount_positive`", 2)
    );
    assert_eq!(snapshot(&conn), before, "the rename was undone too");
}

/// Extra operations for the planner, on the first table (never renamed or
/// dropped): a named CHECK added and later dropped, an index, a view and a
/// trigger reading its key, a nullable column with a default that later
/// becomes NOT NULL (SQLite writes `NOT NULL` after the default).
#[derive(Default)]
struct Extras {
    /// Named CHECKs in place.
    checks: Vec<String>,
    /// Added columns still nullable.
    nullable: Vec<String>,
    /// Added columns made NOT NULL.
    not_null: Vec<String>,
    /// Added columns (rows before them read their DEFAULT), and whether
    /// they still have one.
    added: Vec<(String, bool)>,
}

fn extra(table: &str, seed: u32, i: usize, x: &mut Extras) -> Option<Op> {
    let at = Loc::NONE;
    let checks = &mut x.checks;
    let batch = |change| Some(Op::Batch(BatchAlter::new(n(table), vec![change], at)));
    match seed % 10 {
        5 => {
            let name = format!("d{i}");
            x.nullable.push(name.clone());
            x.added.push((name.clone(), true));
            let mut def = ColumnDef::new(n(&name), ColumnType::INTEGER);
            def.default = Some(Expr::new("1", at));
            batch(Change::AddColumn(def))
        }
        6 if !x.nullable.is_empty() => {
            let name = x.nullable.remove(seed as usize / 10 % x.nullable.len());
            x.not_null.push(name.clone());
            batch(Change::AlterColumn {
                column: n(&name),
                alter: ColumnAlter::SetNotNull,
            })
        }
        // Definition edits: a DEFAULT set or dropped (rows stored before
        // the column read it), NOT NULL removed.
        7 if !x.added.is_empty() => {
            let k = seed as usize / 10 % x.added.len();
            let (name, has_default) = &mut x.added[k];
            // Without a DEFAULT the later inserts (which omit the column)
            // store NULL: only a nullable column loses it, for good.
            let nullable = x.nullable.iter().position(|c| c == name);
            let alter = if let Some(p) = nullable.filter(|_| *has_default && seed.is_multiple_of(3))
            {
                x.nullable.remove(p);
                *has_default = false;
                ColumnAlter::DropDefault
            } else {
                *has_default = true;
                ColumnAlter::SetDefault(Expr::new(format!("{}", i + 10), at))
            };
            batch(Change::AlterColumn {
                column: n(name),
                alter,
            })
        }
        8 if !x.not_null.is_empty() => {
            let name = x.not_null.remove(seed as usize / 10 % x.not_null.len());
            x.nullable.push(name.clone());
            batch(Change::AlterColumn {
                column: n(&name),
                alter: ColumnAlter::DropNotNull,
            })
        }
        0 => {
            let name = format!("ck{i}");
            checks.push(name.clone());
            let mut check = TableConstraint::new(
                TableConstraintKind::Check(Expr::new("id > -1000000", at)),
                at,
            );
            check.name = Some(n(&name));
            batch(Change::AddConstraint(check))
        }
        1 if !checks.is_empty() => {
            let name = checks.remove(seed as usize / 5 % checks.len());
            batch(Change::DropConstraint(n(&name)))
        }
        2 => {
            let mut key = IndexKey::new(IndexTarget::Column(n("id")));
            key.desc = seed.is_multiple_of(2);
            Some(Op::CreateIndex(CreateIndex::new(
                n(&format!("ix{i}")),
                n(table),
                vec![key],
            )))
        }
        3 => Some(Op::CreateView(CreateView::new(
            n(&format!("v{i}")),
            Expr::new(format!("SELECT id FROM {table} WHERE id > 0"), at),
        ))),
        4 => Some(Op::CreateTrigger(CreateTrigger::new(
            n(&format!("tr{i}")),
            TriggerTiming::After,
            TriggerEvent::Insert,
            n(table),
            Expr::new("SELECT new.id;", at),
        ))),
        _ => None,
    }
}

/// The same history with every batch block forced to rebuild.
fn forced(history: &History) -> History {
    let mut h = history.clone();
    for rev in &mut h.revisions {
        for op in &mut rev.ops {
            if let Op::Batch(b) = op {
                b.recreate = Recreate::Always;
            }
        }
    }
    h
}

/// `history` applied to a new database; `defensive`: on a connection that
/// may not write the schema table.
fn applied(history: &History, defensive: bool) -> (TempDb, Connection) {
    let (plans, schema) = check_history_to_head(history).expect("a valid history");
    let db = TempDb::new();
    let mut conn = db.open();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    conn.set_db_config(
        migrate_dsl::rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE,
        defensive,
    )
    .unwrap();
    Migrations::from_plans(plans, &schema)
        .apply_pending(&mut conn)
        .unwrap();
    (db, conn)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn planned_and_forced_rebuilds_leave_the_same_database(
        seeds in prop::collection::vec(prop::collection::vec(any::<u32>(), 1..5), 1..16),
        extras in prop::collection::vec(any::<u32>(), 16),
    ) {
        let (mut history, _) = crate::data_property::history(&seeds);
        prop_assume!(!history.revisions.is_empty());
        let first = match &history.revisions[0].ops[..] {
            [Op::CreateTable(t), ..] => t.name.text.clone(),
            _ => return Ok(()),
        };
        let mut x = Extras::default();
        for (i, rev) in history.revisions.iter_mut().enumerate() {
            if let Some(op) = extra(&first, extras[i % extras.len()], i, &mut x) {
                rev.ops.push(op);
            }
        }
        let planned = history.revisions.iter().any(|r| r.ops.iter().any(|o| matches!(o, Op::Batch(b) if b.recreate == Recreate::Auto)));
        prop_assume!(planned);
        let (_a, auto) = applied(&history, false);
        let (_b, rebuilt) = applied(&forced(&history), false);
        // The fallbacks: as on SQLite 3.34 (no DROP COLUMN, no in-place
        // nullability or CHECK) or 3.52 (DROP COLUMN in place only), where
        // removals and DEFAULTs edit the definition; and on a defensive
        // connection, where they rebuild.
        let older = if extras[0].is_multiple_of(2) { 3_034_000 } else { 3_052_000 };
        migrate_dsl::fault::pretend_sqlite(Some(older));
        let (_c, fallback) = applied(&history, false);
        let (_d, defensive) = applied(&history, true);
        migrate_dsl::fault::pretend_sqlite(None);
        let without_history = |conn: &Connection| {
            // The history rows hold times and checksums (the checksums
            // differ: the blocks differ in `recreate`).
            let mut s = snapshot(conn);
            s.rows.remove("_migrate_history");
            s
        };
        let (sa, sb, sc, sd) = (without_history(&auto), without_history(&rebuilt), without_history(&fallback), without_history(&defensive));
        prop_assert_eq!(&sa, &sb);
        prop_assert_eq!(&sc, &sb, "as on SQLite {}", older);
        prop_assert_eq!(&sd, &sb, "as on SQLite {}, defensive", older);
        for conn in [&auto, &rebuilt, &fallback, &defensive] {
            assert_healthy(conn);
        }
    }
}
