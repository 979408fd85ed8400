//! Unit tests of the rules, on hand-built histories.

use super::check_history;
use crate::diag::Diagnostic;
use crate::op::*;
use crate::plan::{InPlaceStep, Step};
use crate::{Loc, Name};

fn n(text: &str, at: u32) -> Name {
    Name::new(text, Loc(at))
}

fn col(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef::new(n(name, 0), ty)
}

fn pk(at: u32) -> ColumnConstraint {
    ColumnConstraint {
        name: None,
        kind: ColumnConstraintKind::PrimaryKey {
            desc: false,
            autoincrement: None,
        },
        on_conflict: None,
        at: Loc(at),
    }
}

fn table(name: &str, at: u32, columns: Vec<ColumnDef>) -> Op {
    Op::CreateTable(CreateTable::new(n(name, at), columns))
}

fn foo() -> Op {
    let mut id = col("foo_id", ColumnType::INTEGER);
    id.constraints.push(pk(0));
    let mut bar = col("bar", ColumnType::TEXT);
    bar.not_null = true;
    table("foo", 0, vec![id, bar])
}

fn history(revs: Vec<(&str, Vec<Op>)>) -> History {
    History {
        naming: Naming::default(),
        history_table: None,
        dialects: Vec::new(),
        revisions: revs
            .into_iter()
            .enumerate()
            .map(|(i, (id, ops))| RevisionDef::new(n(id, 1000 + i as u32), ops))
            .collect(),
    }
}

fn errors(h: &History) -> Vec<Diagnostic> {
    check_history(h).expect_err("the history should be rejected")
}

/// The messages, sorted: hand-built locations are arbitrary, so order is
/// not what these tests check (the macro's locations follow the source).
fn sorted<T: Ord + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = items.into_iter().collect();
    v.sort();
    v
}

fn batch(table: &str, at: u32, changes: Vec<Change>) -> Op {
    batch_with(Recreate::Auto, table, at, changes)
}

fn batch_with(recreate: Recreate, table: &str, at: u32, changes: Vec<Change>) -> Op {
    Op::Batch(BatchAlter {
        recreate,
        table: n(table, at),
        changes,
        at: Loc(at),
    })
}

fn index(name: &str, table: &str, cols: &[&str]) -> Op {
    Op::CreateIndex(CreateIndex {
        name: n(name, 0),
        table: n(table, 0),
        keys: cols
            .iter()
            .map(|c| IndexKey {
                target: IndexTarget::Column(n(c, 0)),
                collate: None,
                desc: false,
            })
            .collect(),
        unique: false,
        filter: None,
        concurrently: None,
    })
}

#[test]
fn valid_history_yields_one_plan_per_revision() {
    let h = history(vec![
        ("0001", vec![foo(), index("foo_bar", "foo", &["bar"])]),
        (
            "0002",
            vec![batch(
                "foo",
                0,
                vec![Change::AlterColumn {
                    column: n("bar", 0),
                    alter: ColumnAlter::DropNotNull,
                }],
            )],
        ),
    ]);
    let plans = check_history(&h).unwrap();
    assert_eq!(plans.len(), 2);
    assert_eq!(
        plans[0].steps[0],
        Step::Execute(crate::plan::Statement {
            operation: "create table foo { foo_id integer primary key, bar text not null }".into(),
            table: "foo".into(),
            sql: "CREATE TABLE \"foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" text NOT NULL)"
                .into(),
        })
    );
    // In place on SQLite 3.53+, by this rebuild on an older one.
    let Step::AlterInPlace(a) = &plans[1].steps[0] else {
        panic!("expected an in-place change, got {:?}", plans[1].steps[0]);
    };
    let native = a.native.as_ref().unwrap();
    assert_eq!(native.needs, 3_053_000);
    assert_eq!(
        native.steps[..],
        [InPlaceStep::Execute(crate::plan::Statement {
            operation: "batch alter table foo { … }".into(),
            table: "foo".into(),
            sql: "ALTER TABLE \"foo\" ALTER COLUMN \"bar\" DROP NOT NULL".into(),
        })]
    );
    let r = &a.fallback;
    assert_eq!(r.temp_table, "_migrate_tmp_foo");
    assert_eq!(
        r.create_sql,
        "CREATE TABLE \"_migrate_tmp_foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" text)"
    );
    assert_eq!(
        r.copy_sql,
        "INSERT INTO \"_migrate_tmp_foo\" (\"foo_id\", \"bar\") SELECT \"foo_id\", \"bar\" FROM \"foo\""
    );
    // The drift check expects the table as the model last rendered it, then
    // its index.
    let expected: Vec<(&str, &str, &str)> = r
        .expected_objects
        .iter()
        .map(|o| (o.kind.as_str(), &*o.name, &*o.sql))
        .collect();
    assert_eq!(
        expected,
        [
            (
                "table",
                "foo",
                "CREATE TABLE \"foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" text NOT NULL)"
            ),
            (
                "index",
                "foo_bar",
                "CREATE INDEX \"foo_bar\" ON \"foo\" (\"bar\")"
            ),
        ]
    );
    assert_eq!(
        r.recreate[0].sql,
        "CREATE INDEX \"foo_bar\" ON \"foo\" (\"bar\")"
    );
}

#[test]
fn unknown_table_points_at_the_name_and_suggests() {
    let h = history(vec![("0001", vec![foo(), index("ix", "fooo", &["bar"])])]);
    let e = errors(&h);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "unknown table `fooo`");
    assert_eq!(e[0].help.as_deref(), Some("did you mean `foo`?"));
}

#[test]
fn every_error_of_a_history_is_reported() {
    let h = history(vec![
        ("0001", vec![foo(), index("ix", "foo", &["baz"])]),
        ("0001", vec![index("ix2", "nope", &["bar"])]),
    ]);
    let msgs: Vec<String> = errors(&h).into_iter().map(|d| d.message).collect();
    assert!(
        msgs.contains(&"table `foo` has no column `baz`".to_owned()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"duplicate revision id `0001`".to_owned()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"unknown table `nope`".to_owned()),
        "{msgs:?}"
    );
}

#[test]
fn names_collide_case_insensitively_across_tables_and_indexes() {
    let mut upper = foo();
    if let Op::CreateTable(t) = &mut upper {
        t.name = n("FOO", 7);
    }
    let h = history(vec![(
        "0001",
        vec![foo(), upper, index("Foo", "foo", &["bar"])],
    )]);
    let e = errors(&h);
    assert_eq!(e.len(), 2);
    let table = e
        .iter()
        .find(|d| d.message == "duplicate table `FOO`")
        .unwrap();
    assert_eq!(table.at, Loc(7));
    assert!(
        e.iter().any(|d| d.message == "duplicate index `Foo`"),
        "{e:?}"
    );
}

#[test]
fn reserved_prefixes_are_refused() {
    let mut t = foo();
    if let Op::CreateTable(ct) = &mut t {
        ct.name = n("_migrate_tmp_foo", 3);
    }
    let e = errors(&history(vec![("0001", vec![t])]));
    assert!(
        e[0].message.contains("reserved prefix `_migrate_`"),
        "{e:?}"
    );
}

#[test]
fn duplicate_columns_and_primary_keys_are_refused() {
    let mut a = col("a", ColumnType::INTEGER);
    a.constraints.push(pk(1));
    let mut b = col("A", ColumnType::INTEGER);
    b.constraints.push(pk(2));
    let t = table("t", 0, vec![a, b]);
    let msgs: Vec<String> = errors(&history(vec![("0001", vec![t])]))
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(
        sorted(msgs.clone()),
        sorted([
            "duplicate column `A`",
            "table `t` has more than one primary key"
        ])
    );
}

#[test]
fn insert_checks_columns_arity_and_not_null() {
    let ins = |cols: &[&str], rows: Vec<Vec<Literal>>| {
        Op::Insert(Insert {
            table: n("foo", 0),
            columns: cols.iter().map(|c| n(c, 0)).collect(),
            rows: rows
                .into_iter()
                .map(|values| InsertRow { values, at: Loc(5) })
                .collect(),
        })
    };
    let h = history(vec![(
        "0001",
        vec![
            foo(),
            ins(&["foo_id"], vec![vec![Literal::Integer(1)]]),
            ins(&["foo_id", "bar"], vec![vec![Literal::Integer(1)]]),
            ins(
                &["foo_id", "bar"],
                vec![vec![Literal::Integer(1), Literal::Null]],
            ),
            ins(
                &["bar", "bar"],
                vec![vec![Literal::Text("a".into()), Literal::Text("b".into())]],
            ),
        ],
    )]);
    let msgs: Vec<String> = errors(&h).into_iter().map(|d| d.message).collect();
    assert_eq!(
        sorted(msgs.clone()),
        sorted([
            "column `bar` of table `foo` is NOT NULL and has no default, but this insert gives it no value",
            "this row has 1 value but 2 columns are listed",
            "null given for NOT NULL column `bar`",
            "column `bar` is listed twice",
        ])
    );
}

#[test]
fn batch_changes_apply_in_order_and_map_sources() {
    let mut note = col("note", ColumnType::TEXT);
    note.default = Some(Expr::new("''", Loc(0)));
    let h = history(vec![
        ("0001", vec![foo(), index("foo_bar", "foo", &["bar"])]),
        (
            "0002",
            vec![batch(
                "foo",
                0,
                vec![
                    Change::RenameColumn {
                        from: n("bar", 0),
                        to: n("label", 0),
                    },
                    Change::AddColumn(note),
                    Change::AlterColumn {
                        column: n("label", 0),
                        alter: ColumnAlter::Type(ColumnType::BLOB, Loc::NONE),
                    },
                ],
            )],
        ),
    ]);
    let plans = check_history(&h).unwrap();
    let Step::Rebuild(r) = &plans[1].steps[0] else {
        panic!("expected a rebuild");
    };
    // The rename runs first, as SQLite's own RENAME COLUMN, so indexes,
    // views, triggers and other tables' foreign keys follow it.
    assert_eq!(
        r.renames[..],
        ["ALTER TABLE \"foo\" RENAME COLUMN \"bar\" TO \"label\""]
    );
    assert_eq!(
        r.create_sql,
        "CREATE TABLE \"_migrate_tmp_foo\" (\"foo_id\" integer PRIMARY KEY, \"label\" blob NOT NULL, \"note\" text DEFAULT (''))"
    );
    assert_eq!(
        r.copy_sql,
        "INSERT INTO \"_migrate_tmp_foo\" (\"foo_id\", \"label\") SELECT \"foo_id\", \"label\" FROM \"foo\""
    );
    assert_eq!(
        r.recreate[0].sql,
        "CREATE INDEX \"foo_bar\" ON \"foo\" (\"label\")"
    );
}

#[test]
fn batch_rules_reject_bad_changes() {
    let mut nn = col("n", ColumnType::INTEGER);
    nn.not_null = true;
    let h = history(vec![
        ("0001", vec![foo(), index("foo_bar", "foo", &["bar"])]),
        (
            "0002",
            vec![
                batch(
                    "foo",
                    0,
                    vec![
                        Change::DropColumn(n("bar", 11)),
                        Change::AddColumn(nn),
                        Change::RenameColumn {
                            from: n("foo_id", 0),
                            to: n("BAR", 12),
                        },
                        Change::AlterColumn {
                            column: n("bar", 13),
                            alter: ColumnAlter::SetNotNull,
                        },
                        Change::AlterColumn {
                            column: n("baz", 14),
                            alter: ColumnAlter::DropDefault,
                        },
                    ],
                ),
                batch("foo", 20, vec![]),
            ],
        ),
    ]);
    let e = errors(&h);
    let got: Vec<(u32, &str)> = e.iter().map(|d| (d.at.0, d.message.as_str())).collect();
    assert_eq!(
        sorted(got.clone()),
        sorted([
            (11, "cannot drop column `bar`: index `foo_bar` uses it"),
            (0, "new column `n` is NOT NULL but has no default"),
            (12, "table `foo` already has a column `BAR`"),
            (
                13,
                "column `bar` is already NOT NULL; this change does nothing"
            ),
            (14, "table `foo` has no column `baz`"),
            (20, "batch block for table `foo` is empty"),
        ])
    );
}

#[test]
fn rowid_is_copied_for_tables_without_an_integer_key() {
    let t = table(
        "t",
        0,
        vec![col("a", ColumnType::TEXT), col("b", ColumnType::TEXT)],
    );
    let h = history(vec![
        ("0001", vec![t]),
        (
            "0002",
            vec![batch_with(
                Recreate::Always,
                "t",
                0,
                vec![Change::DropColumn(n("b", 0))],
            )],
        ),
    ]);
    let plans = check_history(&h).unwrap();
    let Step::Rebuild(r) = &plans[1].steps[0] else {
        panic!("expected a rebuild");
    };
    assert_eq!(
        r.copy_sql,
        "INSERT INTO \"_migrate_tmp_t\" (rowid, \"a\") SELECT rowid, \"a\" FROM \"t\""
    );
}

#[test]
fn set_not_null_plans_a_null_count_on_the_real_table() {
    let h = history(vec![
        ("0001", vec![foo()]),
        (
            "0002",
            vec![batch(
                "foo",
                0,
                vec![Change::AlterColumn {
                    column: n("bar", 0),
                    alter: ColumnAlter::DropNotNull,
                }],
            )],
        ),
        (
            "0003",
            vec![batch(
                "foo",
                0,
                vec![Change::AlterColumn {
                    column: n("bar", 0),
                    alter: ColumnAlter::SetNotNull,
                }],
            )],
        ),
    ]);
    let plans = check_history(&h).unwrap();
    let Step::AlterInPlace(a) = &plans[2].steps[0] else {
        panic!("expected an in-place change");
    };
    // In place: the NULLs are counted before SET NOT NULL scans.
    let native = a.native.as_ref().unwrap();
    let [InPlaceStep::NotNull(check), InPlaceStep::Execute(st)] = &native.steps[..] else {
        panic!("{:?}", native.steps);
    };
    // Adding NOT NULL is no definition edit: rows may hold NULL.
    assert_eq!(a.edit, None);
    assert_eq!(
        check.count_sql,
        "SELECT count(*) FROM \"foo\" WHERE \"bar\" IS NULL"
    );
    assert_eq!(
        st.sql,
        "ALTER TABLE \"foo\" ALTER COLUMN \"bar\" SET NOT NULL"
    );
    // By the rebuild: the same count before the copy.
    let r = &a.fallback;
    assert_eq!(r.not_null_checks.len(), 1);
    assert_eq!(
        r.not_null_checks[0].count_sql,
        "SELECT count(*) FROM \"foo\" WHERE \"bar\" IS NULL"
    );
}

#[test]
fn empty_and_unknown_references_in_drop_index() {
    let h = history(vec![
        ("0001", vec![foo(), index("foo_bar", "foo", &["bar"])]),
        ("0002", vec![Op::DropIndex(n("foo_baz", 9))]),
        ("  ", vec![]),
    ]);
    let e = errors(&h);
    let got: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        sorted(got.clone()),
        // An empty revision is allowed (histories keep numbers that way).
        sorted(["revision id is empty", "unknown index `foo_baz`"])
    );
    let unknown = e
        .iter()
        .find(|d| d.message == "unknown index `foo_baz`")
        .unwrap();
    assert_eq!(unknown.help.as_deref(), Some("did you mean `foo_bar`?"));
}

fn with_check(mut c: ColumnDef, text: &str, at: u32) -> ColumnDef {
    c.constraints.push(ColumnConstraint {
        name: None,
        kind: ColumnConstraintKind::Check(Expr::new(text, Loc(at))),
        on_conflict: None,
        at: Loc(at),
    });
    c
}

#[test]
fn expressions_are_parsed_and_their_columns_checked() {
    let mut default = col("d", ColumnType::INTEGER);
    default.default = Some(Expr::new("a + 1", Loc(30)));
    let mut ct = CreateTable::new(
        n("t", 0),
        vec![
            with_check(col("a", ColumnType::INTEGER), "a > b", 10),
            with_check(col("b", ColumnType::INTEGER), "length(nmae) < 3", 20),
            default,
            with_check(col("e", ColumnType::INTEGER), "e >", 40),
        ],
    );
    ct.constraints.push(TableConstraint {
        name: None,
        kind: TableConstraintKind::Check(Expr::new("a < b", Loc(50))),
        on_conflict: None,
        at: Loc(50),
    });
    let t = Op::CreateTable(ct);
    let e = errors(&history(vec![("0001", vec![t])]));
    let got: Vec<(u32, &str)> = e.iter().map(|d| (d.at.0, d.message.as_str())).collect();
    assert_eq!(
        sorted(got.clone()),
        sorted([
            (20, "table `t` has no column `nmae` (in CHECK)"),
            (30, "a DEFAULT must be constant, but it names `a`"),
            // `e >` is left to SQLite, which the macro asks (the parser
            // here does not know all of SQLite, so it refuses nothing).
        ])
    );
}

#[test]
fn rename_follows_into_checks_and_drop_sees_them() {
    let t = table(
        "r",
        0,
        vec![
            col("lo", ColumnType::INTEGER),
            with_check(col("hi", ColumnType::INTEGER), "hi >= lo", 0),
        ],
    );
    let h = history(vec![
        ("0001", vec![t]),
        (
            "0002",
            vec![batch(
                "r",
                0,
                vec![Change::RenameColumn {
                    from: n("lo", 0),
                    to: n("low", 0),
                }],
            )],
        ),
        (
            "0003",
            vec![batch("r", 0, vec![Change::DropColumn(n("low", 7))])],
        ),
    ]);
    let e = errors(&h);
    assert_eq!(
        e[0].message,
        "cannot drop column `low`: the CHECK on column `hi` (`ck_r_hi`) uses it"
    );
    // Renames alone need no rebuild: one ALTER, SQLite rewrites the CHECK.
    let ok = history(vec![
        ("0001", h.revisions[0].ops.clone()),
        ("0002", h.revisions[1].ops.clone()),
        (
            "0003",
            vec![batch(
                "r",
                0,
                vec![Change::AlterColumn {
                    column: n("low", 0),
                    alter: ColumnAlter::Type(ColumnType::REAL, Loc::NONE),
                }],
            )],
        ),
    ]);
    let plans = check_history(&ok).unwrap();
    assert_eq!(plans[1].steps.len(), 1);
    let Step::Execute(rename) = &plans[1].steps[0] else {
        panic!("expected a plain rename");
    };
    assert_eq!(
        rename.sql,
        "ALTER TABLE \"r\" RENAME COLUMN \"lo\" TO \"low\""
    );
    // The model's CHECK followed the rename, as SQLite's did.
    let Step::Rebuild(r) = &plans[2].steps[0] else {
        panic!("expected a rebuild");
    };
    assert_eq!(
        r.create_sql,
        "CREATE TABLE \"_migrate_tmp_r\" (\"low\" real, \"hi\" integer CHECK (hi >= \"low\"))"
    );
}

fn view(name: &str, query: &str) -> Op {
    Op::CreateView(CreateView {
        name: n(name, 0),
        query: Expr::new(query, Loc(7)),
        replace: false,
    })
}

fn trigger(name: &str, event: TriggerEvent<Name>, on: &str, body: &str) -> Op {
    Op::CreateTrigger(CreateTrigger {
        name: n(name, 0),
        timing: TriggerTiming::After,
        event,
        table: n(on, 0),
        when: None,
        body: Expr::new(body, Loc(8)),
    })
}

fn messages(h: &History) -> Vec<String> {
    sorted(errors(h).into_iter().map(|d| d.message))
}

fn audit() -> Op {
    table(
        "audit",
        0,
        vec![
            col("foo_id", ColumnType::INTEGER),
            col("note", ColumnType::TEXT),
        ],
    )
}

#[test]
fn views_and_triggers_resolve_every_name_they_use() {
    let ok = history(vec![(
        "1",
        vec![
            foo(),
            audit(),
            view(
                "v",
                "SELECT f.foo_id, bar AS label, count(*) FROM foo AS f JOIN audit a ON a.foo_id = f.foo_id GROUP BY label",
            ),
            view("w", "SELECT label FROM v WHERE rowid > 0"),
            trigger(
                "t",
                TriggerEvent::Update(vec![n("bar", 0)]),
                "foo",
                "INSERT INTO audit (foo_id, note) VALUES (new.foo_id, old.bar)",
            ),
        ],
    )]);
    let plans = check_history(&ok).unwrap();
    let sql: Vec<&str> = plans[0]
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Execute(st) => Some(&*st.sql),
            _ => None,
        })
        .collect();
    assert_eq!(
        sql[4],
        "CREATE TRIGGER \"t\" AFTER UPDATE OF \"bar\" ON \"foo\" BEGIN INSERT INTO audit (foo_id, note) VALUES (new.foo_id, old.bar); END"
    );

    let bad = history(vec![(
        "1",
        vec![
            foo(),
            audit(),
            view("v1", "SELECT bra FROM foo"),
            view("v2", "SELECT x.bar FROM foo AS f"),
            view("v3", "SELECT * FROM fooo"),
            view("v4", "SELECT f.nope FROM foo f"),
            trigger(
                "t1",
                TriggerEvent::Insert,
                "foo",
                "INSERT INTO audit (foo_id, nope) VALUES (old.foo_id, 1)",
            ),
            trigger("t2", TriggerEvent::Delete, "foo", "DROP TABLE audit"),
            view("v5", "SELECT 1; SELECT 2"),
        ],
    )]);
    assert_eq!(
        messages(&bad),
        [
            "`old.foo_id` in trigger `t1`: this trigger's event has no `old` row",
            "`x.bar` in view `v2`: `x` is not a table, view or alias it reads",
            "the SQL of trigger `t2` is not allowed: a trigger may run only INSERT, UPDATE, DELETE and SELECT, not `DROP TABLE`",
            "the SQL of view `v5` is not allowed: a view's body is one SELECT, found 2 statements",
            "trigger `t1` uses `audit.nope`, but `audit` has no column `nope`",
            "view `v1` uses column `bra`, which no table it reads has",
            "view `v3` uses unknown table or view `fooo`",
            "view `v4` uses `f.nope`, but `foo` has no column `nope`",
        ]
    );
}

#[test]
fn objects_used_by_views_and_triggers_cannot_go_from_under_them() {
    let base = || {
        vec![
            foo(),
            audit(),
            view("v", "SELECT bar FROM foo"),
            trigger(
                "t",
                TriggerEvent::Insert,
                "foo",
                "INSERT INTO audit (foo_id) VALUES (new.foo_id)",
            ),
        ]
    };
    let h = history(vec![
        ("1", base()),
        (
            "2",
            vec![
                Op::DropTable(n("audit", 0)),
                batch("foo", 0, vec![Change::DropColumn(n("bar", 0))]),
                batch(
                    "foo",
                    0,
                    vec![Change::RenameColumn {
                        from: n("foo_id", 0),
                        to: n("id", 0),
                    }],
                ),
                Op::RenameTable {
                    from: n("foo", 0),
                    to: n("foos", 0),
                },
            ],
        ),
    ]);
    assert_eq!(
        messages(&h),
        [
            "cannot drop column `bar`: view `v` (created in revision `1`) uses it",
            "cannot drop table `audit`: trigger `t` (created in revision `1`) uses it",
            "cannot rename column `foo_id`: trigger `t` (created in revision `1`) uses it",
            "cannot rename table `foo`: view `v` (created in revision `1`) uses it",
        ]
    );
    // Dropping the dependents first makes it all valid; the trigger on
    // `foo` goes with its table.
    let h = history(vec![
        ("1", base()),
        (
            "2",
            vec![
                Op::DropView(n("v", 0)),
                batch("foo", 0, vec![Change::DropColumn(n("bar", 0))]),
                Op::DropTable(n("foo", 0)),
                Op::DropTable(n("audit", 0)),
            ],
        ),
    ]);
    check_history(&h).unwrap();
}

#[test]
fn a_rebuild_recreates_the_triggers_of_its_table() {
    let h = history(vec![
        (
            "1",
            vec![
                foo(),
                audit(),
                trigger(
                    "t",
                    TriggerEvent::Insert,
                    "foo",
                    "INSERT INTO audit (foo_id) VALUES (new.foo_id);",
                ),
            ],
        ),
        (
            "2",
            vec![batch_with(
                Recreate::Always,
                "foo",
                0,
                vec![Change::AddColumn(col("extra", ColumnType::TEXT))],
            )],
        ),
    ]);
    let plans = check_history(&h).unwrap();
    let Step::Rebuild(r) = &plans[1].steps[0] else {
        panic!("expected a rebuild");
    };
    let expected: Vec<(&str, &str)> = r
        .expected_objects
        .iter()
        .map(|o| (o.kind.as_str(), &*o.name))
        .collect();
    assert_eq!(expected, [("table", "foo"), ("trigger", "t")]);
    assert!(r.recreate[0].sql.starts_with("CREATE TRIGGER \"t\""));
}

#[test]
fn replacing_a_view_keeps_what_its_users_need() {
    let h = history(vec![
        (
            "1",
            vec![
                foo(),
                view("v", "SELECT foo_id, bar FROM foo"),
                view("w", "SELECT bar FROM v"),
            ],
        ),
        (
            "2",
            vec![Op::CreateView(CreateView {
                name: n("v", 0),
                query: Expr::new("SELECT foo_id FROM foo", Loc(9)),
                replace: true,
            })],
        ),
    ]);
    assert_eq!(
        messages(&h),
        ["the new query of view `v` has no column `bar`, which view `w` (created in revision `1`) uses"]
    );
}

#[test]
fn auto_blocks_use_plain_alter_when_sqlite_can() {
    let plans = |recreate, changes| {
        let h = history(vec![
            ("1", vec![foo()]),
            ("2", vec![batch_with(recreate, "foo", 0, changes)]),
        ]);
        check_history(&h).map(|p| p[1].steps.to_vec())
    };
    let sql = |steps: Vec<Step>| -> Vec<String> {
        steps
            .into_iter()
            .flat_map(|s| match s {
                Step::Execute(st) => vec![st.sql.into_owned()],
                // Beyond SQLite 3.33 (here DROP COLUMN, 3.35), in place with
                // a rebuild for an older SQLite.
                Step::AlterInPlace(a) => a
                    .native
                    .iter()
                    .flat_map(|n| n.steps.iter())
                    .map(|s| match s {
                        InPlaceStep::Execute(st) => st.sql.to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect(),
                other => vec![format!("{other:?}")],
            })
            .collect()
    };
    let mut with_default = col("n", ColumnType::INTEGER);
    with_default.default = Some(Expr::new("-1", Loc(0)));
    let cheap = vec![
        Change::AddColumn(with_default),
        Change::RenameColumn {
            from: n("n", 0),
            to: n("m", 0),
        },
        Change::DropColumn(n("bar", 0)),
    ];
    assert_eq!(
        sql(plans(Recreate::Auto, cheap.clone()).unwrap()),
        [
            "ALTER TABLE \"foo\" ADD COLUMN \"n\" integer DEFAULT (-1)",
            "ALTER TABLE \"foo\" RENAME COLUMN \"n\" TO \"m\"",
            "ALTER TABLE \"foo\" DROP COLUMN \"bar\"",
        ]
    );
    assert!(matches!(
        plans(Recreate::Always, cheap).unwrap()[..],
        [Step::Rebuild(_)]
    ));
    // A non-literal default, a UNIQUE column, a changed definition: SQLite's
    // ALTER cannot, so auto rebuilds and a plain `alter table` is refused.
    let mut computed = col("n", ColumnType::INTEGER);
    computed.default = Some(Expr::new("1 + 2", Loc(5)));
    let mut unique = col("u", ColumnType::TEXT);
    unique.constraints.push(ColumnConstraint {
        name: None,
        kind: ColumnConstraintKind::Unique,
        on_conflict: None,
        at: Loc(6),
    });
    for (change, why) in [
        (
            Change::AddColumn(computed),
            "add column `n` with a default that is not a literal (`1 + 2`)",
        ),
        (Change::AddColumn(unique), "add a UNIQUE column `u`"),
        (
            Change::AlterColumn {
                column: n("bar", 7),
                alter: ColumnAlter::Type(ColumnType::BLOB, Loc::NONE),
            },
            "change the definition of column `bar`",
        ),
    ] {
        assert!(matches!(
            plans(Recreate::Auto, vec![change.clone()]).unwrap()[..],
            [Step::Rebuild(_)]
        ));
        let e = plans(Recreate::Never, vec![change]).unwrap_err();
        assert_eq!(
            e[0].message,
            format!("SQLite's ALTER TABLE cannot do this: {why}")
        );
    } // Nullability: in place under `auto` (a rebuild on SQLite before 3.53),
      // refused under `never`, which forbids that rebuild.
    let drop_not_null = Change::AlterColumn {
        column: n("bar", 7),
        alter: ColumnAlter::DropNotNull,
    };
    assert!(matches!(
        plans(Recreate::Auto, vec![drop_not_null.clone()]).unwrap()[..],
        [Step::AlterInPlace(_)]
    ));
    let e = plans(Recreate::Never, vec![drop_not_null]).unwrap_err();
    assert_eq!(
        e[0].message,
        "SQLite's ALTER TABLE cannot do this: change the definition of column `bar`"
    );
}

#[test]
fn the_naming_convention_names_constraints_and_is_part_of_the_checksum() {
    let mut unique = col("email", ColumnType::TEXT);
    unique.constraints.push(ColumnConstraint {
        name: None,
        kind: ColumnConstraintKind::Unique,
        on_conflict: None,
        at: Loc(3),
    });
    let mut h = history(vec![(
        "1",
        vec![
            table("users", 0, vec![unique]),
            batch(
                "users",
                0,
                vec![Change::DropConstraint(n("users_email_key", 4))],
            ),
        ],
    )]);
    assert_eq!(
        messages(&h),
        ["table `users` has no constraint `users_email_key`"]
    );
    let default_sum = {
        h.revisions[0].ops.pop();
        check_history(&h).unwrap()[0].checksum.clone()
    };
    h.revisions[0].ops.push(batch(
        "users",
        0,
        vec![Change::DropConstraint(n("users_email_key", 4))],
    ));
    h.naming.unique = "{table}_{columns}_key".to_owned();
    let plans = check_history(&h).unwrap();
    h.revisions[0].ops.pop();
    let custom_sum = check_history(&h).unwrap()[0].checksum.clone();
    assert_ne!(default_sum, custom_sum);
    assert_eq!(plans.len(), 1);
}

fn down_of(h: &History, rev: usize) -> crate::plan::Down {
    check_history(h).unwrap()[rev].down.clone()
}

fn irreversible(h: &History, rev: usize) -> String {
    match down_of(h, rev) {
        crate::plan::Down::Irreversible(why) => why.into_owned(),
        other => panic!("expected an irreversible revision, got {other:?}"),
    }
}

fn down_steps(h: &History, rev: usize) -> Vec<Step> {
    match down_of(h, rev) {
        crate::plan::Down::Steps(steps) => steps.into_owned(),
        other => panic!("expected down steps, got {other:?}"),
    }
}

fn sqls(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match s {
            Step::Execute(st) => st.sql.to_string(),
            Step::Rebuild(r) => format!("rebuild {}: {}", r.table, r.create_sql),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn generated_inverses_undo_in_reverse_order() {
    let alter = |column: &str, alter| Change::AlterColumn {
        column: n(column, 0),
        alter,
    };
    let h = history(vec![
        ("0001", vec![foo(), index("foo_bar", "foo", &["bar"])]),
        (
            "0002",
            vec![
                Op::DropIndex(n("foo_bar", 0)),
                batch(
                    "foo",
                    0,
                    vec![
                        Change::RenameColumn {
                            from: n("bar", 0),
                            to: n("baz", 0),
                        },
                        alter("baz", ColumnAlter::SetDefault(Expr::new("'x'", Loc(0)))),
                        Change::AddColumn(col("extra", ColumnType::INTEGER)),
                    ],
                ),
            ],
        ),
    ]);
    assert_eq!(
        sqls(&down_steps(&h, 0)),
        ["DROP INDEX \"foo_bar\"", "DROP TABLE \"foo\""]
    );
    // Undo the batch (drop extra, drop the default, rename back: one
    // rebuild, as a default cannot change in place), then recreate the
    // index.
    let steps = down_steps(&h, 1);
    assert_eq!(
        sqls(&steps),
        [
            "rebuild foo: CREATE TABLE \"_migrate_tmp_foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" text NOT NULL)",
            "CREATE INDEX \"foo_bar\" ON \"foo\" (\"bar\")",
        ]
    );
    let Step::Rebuild(r) = &steps[0] else {
        unreachable!()
    };
    assert_eq!(
        r.renames[..],
        ["ALTER TABLE \"foo\" RENAME COLUMN \"baz\" TO \"bar\""]
    );
}

#[test]
fn lossy_operations_make_a_revision_irreversible_with_the_reason() {
    let cases: Vec<(Op, &str)> = vec![
        (Op::DropTable(n("foo", 0)), "`drop table foo` loses the table's rows"),
        (
            batch("foo", 0, vec![Change::DropColumn(n("bar", 0))]),
            "`drop column bar` loses the values of `foo.bar`",
        ),
        (
            batch(
                "foo",
                0,
                vec![Change::AlterColumn {
                    column: n("bar", 0),
                    alter: ColumnAlter::Type(ColumnType::INTEGER, Loc::NONE),
                }],
            ),
            "`alter column bar type …` on `foo` has no safe inverse (its affinity changes, so values may have been converted)",
        ),
        (
            Op::Run(RunHook::new(n("fill", 0))),
            "`run fill` runs Rust code, which has no generated inverse",
        ),
        (
            Op::IfExists(Box::new(Op::DropIndex(n("gone", 0)))),
            "`drop index if exists gone` depends on what the database held, so its inverse is not known",
        ),
    ];
    for (op, why) in cases {
        let h = history(vec![("0001", vec![foo()]), ("0002", vec![op])]);
        assert_eq!(irreversible(&h, 1), why);
    }
    // Rows inserted into a table the same revision creates go with it.
    let insert = Op::Insert(Insert {
        table: n("foo", 0),
        columns: vec![n("bar", 0)],
        rows: vec![InsertRow {
            values: vec![Literal::Text("a".into())],
            at: Loc(0),
        }],
    });
    let h = history(vec![
        ("0001", vec![foo(), insert.clone()]),
        ("0002", vec![insert]),
    ]);
    assert_eq!(sqls(&down_steps(&h, 0)), ["DROP TABLE \"foo\""]);
    assert_eq!(
        irreversible(&h, 1),
        "`insert into foo` has no safe inverse (the rows may have changed since)"
    );
}

#[test]
fn dropping_a_view_is_undone_with_its_instead_of_triggers() {
    let h = history(vec![
        (
            "0001",
            vec![
                foo(),
                view("v", "SELECT foo_id, bar FROM foo"),
                Op::CreateTrigger(CreateTrigger {
                    name: n("v_ins", 0),
                    timing: TriggerTiming::InsteadOf,
                    event: TriggerEvent::Insert,
                    table: n("v", 0),
                    when: None,
                    body: Expr::new("INSERT INTO foo (bar) VALUES (new.bar);", Loc(0)),
                }),
            ],
        ),
        ("0002", vec![Op::DropView(n("v", 0))]),
    ]);
    let down = sqls(&down_steps(&h, 1));
    assert_eq!(down.len(), 2, "{down:?}");
    assert!(down[0].starts_with("CREATE VIEW \"v\""), "{down:?}");
    assert!(down[1].starts_with("CREATE TRIGGER \"v_ins\""), "{down:?}");
}

#[test]
fn a_down_block_is_checked_and_must_restore_the_schema() {
    let mut h = history(vec![
        ("0001", vec![foo()]),
        ("0002", vec![index("foo_bar", "foo", &["bar"])]),
    ]);
    h.revisions[1].down = Some(DownBlock {
        at: Loc(7),
        ops: vec![Op::DropIndex(n("foo_baz", 8))],
    });
    let errs = check_history(&h).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].message, "unknown index `foo_baz`");

    h.revisions[1].down = Some(DownBlock {
        at: Loc(7),
        ops: vec![],
    });
    let errs = check_history(&h).unwrap_err();
    assert_eq!(
        errs[0].message,
        "the `down` block of revision `0002` does not restore the schema from before the revision"
    );
    assert_eq!(errs[0].at, Loc(7));
    assert!(errs[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("`down` leaves index `foo_bar`"));

    // Its `run` hooks are numbered after the revision's own; the checksum
    // covers what was applied, not the way back.
    let before = check_history(&h).err().map(|_| ());
    assert!(before.is_some());
    h.revisions[1].ops.push(Op::Run(RunHook::new(n("up", 0))));
    h.revisions[1].down = Some(DownBlock {
        at: Loc(7),
        ops: vec![
            Op::Run(RunHook::new(n("back", 0))),
            Op::DropIndex(n("foo_bar", 0)),
        ],
    });
    let plans = check_history(&h).unwrap();
    let down = down_steps(&h, 1);
    assert!(
        matches!(&down[0], Step::Hook(c) if c.index == 1 && c.name == "back"),
        "{down:?}"
    );
    let without_down = RevisionDef::new(h.revisions[1].id.clone(), h.revisions[1].ops.clone());
    assert_eq!(
        plans[1].checksum,
        crate::canonical::checksum_with(&without_down, &h.naming)
    );
}

#[test]
fn a_run_condition_is_part_of_the_checksum_and_the_plan() {
    let run = |condition: Option<RunIf<Name>>| {
        let h = history(vec![(
            "0001",
            vec![Op::Run(RunHook {
                condition,
                ..RunHook::new(n("seed", 0))
            })],
        )]);
        check_history(&h).unwrap().remove(0)
    };
    let always = run(None);
    let when = run(Some(RunIf::When(n("demo", 1))));
    let unless = run(Some(RunIf::Unless(n("demo", 1))));
    let other = run(Some(RunIf::When(n("other", 1))));
    let sums = [
        &always.checksum,
        &when.checksum,
        &unless.checksum,
        &other.checksum,
    ];
    for (i, a) in sums.iter().enumerate() {
        for b in &sums[i + 1..] {
            assert_ne!(a, b);
        }
    }
    let Step::Hook(call) = &when.steps[0] else {
        panic!("{:?}", when.steps);
    };
    assert!(call.runs(|f| f == "demo"));
    assert!(!call.runs(|_| false));
    let Step::Hook(call) = &unless.steps[0] else {
        panic!("{:?}", unless.steps);
    };
    assert!(!call.runs(|f| f == "demo"));
    assert!(call.runs(|_| false));
}

#[test]
fn constraint_removals_and_defaults_are_definition_edits() {
    let plans = |recreate, changes| {
        let h = history(vec![
            ("1", vec![foo()]),
            ("2", vec![batch_with(recreate, "foo", 0, changes)]),
        ]);
        check_history(&h).map(|p| p[1].steps.to_vec())
    };
    let set_default = Change::AlterColumn {
        column: n("bar", 7),
        alter: ColumnAlter::SetDefault(Expr::new("'none'", Loc(8))),
    };
    let drop_not_null = Change::AlterColumn {
        column: n("bar", 9),
        alter: ColumnAlter::DropNotNull,
    };
    // No ALTER TABLE statement sets a DEFAULT: an edit, with its probe.
    let steps = plans(Recreate::Auto, vec![set_default.clone()]).unwrap();
    let [Step::AlterInPlace(a)] = &steps[..] else {
        panic!("{steps:?}");
    };
    assert_eq!(a.native, None);
    let edit = a.edit.as_ref().unwrap();
    assert_eq!(
        edit.sql,
        "CREATE TABLE \"foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" text DEFAULT ('none') NOT NULL)"
    );
    let probe = edit.probe.as_ref().unwrap();
    assert_eq!(
        probe.sql,
        format!("CREATE TABLE \"foo\" (\"foo_id\" integer PRIMARY KEY, \"bar\" text DEFAULT ({}) NOT NULL)", crate::plan::PROBE_DEFAULT)
    );
    assert_eq!(
        probe.exists_sql,
        format!(
            "SELECT EXISTS (SELECT 1 FROM \"foo\" NOT INDEXED WHERE \"bar\" IS {})",
            crate::plan::PROBE_DEFAULT
        )
    );
    assert_eq!(
        a.strategy(3_054_000, false),
        crate::plan::Strategy::EditDefinition
    );
    assert_eq!(a.strategy(3_054_000, true), crate::plan::Strategy::Rebuild);
    // Removing NOT NULL: natively on 3.53, an edit (no probe) before.
    let steps = plans(
        Recreate::Auto,
        vec![drop_not_null.clone(), set_default.clone()],
    )
    .unwrap();
    let [Step::AlterInPlace(a)] = &steps[..] else {
        panic!("{steps:?}");
    };
    assert_eq!(a.native, None, "no statement sets the DEFAULT");
    assert!(a
        .edit
        .as_ref()
        .unwrap()
        .sql
        .ends_with("\"bar\" text DEFAULT ('none'))"));
    let steps = plans(Recreate::Auto, vec![drop_not_null.clone()]).unwrap();
    let [Step::AlterInPlace(a)] = &steps[..] else {
        panic!("{steps:?}");
    };
    assert!(a.native.is_some());
    assert_eq!(a.edit.as_ref().unwrap().probe, None);
    assert_eq!(a.strategy(3_053_000, true), crate::plan::Strategy::InPlace);
    assert_eq!(
        a.strategy(3_052_000, false),
        crate::plan::Strategy::EditDefinition
    );
    assert_eq!(a.strategy(3_052_000, true), crate::plan::Strategy::Rebuild);
    // With anything SQLite does not list as safe: the rebuild.
    let retype = Change::AlterColumn {
        column: n("bar", 10),
        alter: ColumnAlter::Type(ColumnType::BLOB, Loc::NONE),
    };
    assert!(matches!(
        plans(Recreate::Auto, vec![set_default.clone(), retype]).unwrap()[..],
        [Step::Rebuild(_)]
    ));
    assert!(matches!(
        plans(Recreate::Always, vec![set_default.clone()]).unwrap()[..],
        [Step::Rebuild(_)]
    ));
    // `never` forbids the rebuild an edit falls back to.
    let e = plans(Recreate::Never, vec![set_default]).unwrap_err();
    assert_eq!(
        e[0].message,
        "SQLite's ALTER TABLE cannot do this: change the definition of column `bar`"
    );
}

#[test]
fn every_postgres_refusal_of_a_history_is_reported_and_sqlite_alone_refuses_none() {
    let mut events = CreateTable::new(
        n("events", 1),
        vec![
            col("at", ColumnType::from_static("string")),
            col("anything", ColumnType::NONE),
            col("n", ColumnType::from_static("integer")),
        ],
    );
    events.columns[0].ty_at = Loc(2);
    events.columns[1].ty_at = Loc(3);
    events.columns[2].collate = Some(n("nocase", 4));
    let sqlite_only = history(vec![("0001", vec![Op::CreateTable(events)])]);
    check_history(&sqlite_only).expect("SQLite accepts it all");

    let mut both = sqlite_only.clone();
    both.dialects = vec![(Dialect::Sqlite, Loc(10)), (Dialect::Postgres, Loc(11))];
    let e = errors(&both);
    let at: Vec<u32> = e.iter().map(|d| d.at.0).collect();
    assert_eq!(at, [2, 3, 4], "{e:#?}");
    assert!(e.iter().all(|d| d.message.starts_with("PostgreSQL ")
        && d.message
            .ends_with("(this history targets sqlite, postgres)")));
}

/// A conflict clause where SQLite has none is one error at the clause: the
/// constraint itself stays, so dropping it later is no second error.
#[test]
fn a_refused_conflict_clause_is_one_error_and_keeps_the_constraint() {
    let mut p_id = col("p_id", ColumnType::INTEGER);
    p_id.constraints.push(ColumnConstraint {
        name: Some(n("fk_p", 7)),
        kind: ColumnConstraintKind::References(ForeignKeyTarget {
            table: n("foo", 8),
            columns: Vec::new(),
            on_delete: None,
            on_update: None,
            deferred: false,
        }),
        on_conflict: Some((Conflict::Ignore, Loc(9))),
        at: Loc(7),
    });
    let mut id = col("id", ColumnType::INTEGER);
    id.constraints.push(pk(5));
    let drop_fk = batch("c", 20, vec![Change::DropConstraint(n("fk_p", 21))]);
    let h = history(vec![
        ("0001", vec![foo(), table("c", 4, vec![id, p_id])]),
        ("0002", vec![drop_fk]),
    ]);
    let errs = errors(&h);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].at, Loc(9));
    assert_eq!(errs[0].message, "a foreign key has no `on conflict` clause");
}
