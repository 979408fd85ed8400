//! Round trip: random valid histories, built by hand as core operations,
//! checked by the same rules as the macro, applied to a real SQLite file;
//! the live `sqlite_schema` SQL must equal what the model renders.

use crate::common::ops::{declared, n};
use crate::common::*;
use migrate_dsl::Migrations;
use migrate_dsl::{Options, Target};
use migrate_dsl_core::check::check_history_to_head;
use migrate_dsl_core::op::*;
use migrate_dsl_core::{render, Loc};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone)]
struct Col {
    name: String,
    ty: ColumnType,
    not_null: bool,
    /// Some row may hold NULL here (so `set not null` would fail).
    nulls: bool,
}

#[derive(Clone)]
struct Tab {
    name: String,
    cols: Vec<Col>,
    indexes: Vec<(String, Vec<String>)>,
    rows: bool,
    /// A view reads the table: it cannot be dropped or renamed.
    viewed: bool,
    /// Another table's foreign key references it: it cannot be dropped.
    referenced: bool,
}

/// Turns seeds into a valid history, tracking just enough state.
struct Gen {
    tables: Vec<Tab>,
    next: u32,
}

impl Gen {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn value(ty: &ColumnType, seed: u32) -> Literal {
        match ty.affinity() {
            Affinity::Integer | Affinity::Numeric => Literal::Integer(i64::from(seed % 1000)),
            Affinity::Real => Literal::Real(format!("{}.5", seed % 100)),
            Affinity::Text => Literal::Text(format!("v'{}", seed % 50)),
            _ => Literal::Blob(vec![(seed % 256) as u8]),
        }
    }

    fn op(&mut self, seed: u32) -> Option<Op> {
        let pick = |len: usize, s: u32| (s as usize / 7) % len.max(1);
        if self.tables.is_empty() || seed.is_multiple_of(11) {
            let name = self.fresh("t");
            let mut cols = vec![ColumnDef::new(n("id"), ColumnType::INTEGER)];
            cols[0].constraints.push(ColumnConstraint::new(
                ColumnConstraintKind::PrimaryKey {
                    desc: false,
                    autoincrement: None,
                },
                Loc::NONE,
            ));
            let mut tcols = Vec::new();
            let mut constraints = Vec::new();
            for i in 0..(1 + seed % 3) {
                let ty = declared(seed >> (i + 2));
                let cname = self.fresh("c");
                let mut def = ColumnDef::new(n(&cname), ty.clone());
                def.not_null = (seed >> (i + 5)).is_multiple_of(2);
                if def.not_null {
                    def.default = Some(Expr::new(
                        render::literal(&Self::value(&ty, seed)),
                        Loc::NONE,
                    ));
                    // Sometimes with a conflict clause, which every later
                    // rebuild must keep.
                    def.not_null_conflict = Conflict::ALL
                        .get((seed >> (i + 7)) as usize % 8)
                        .map(|c| (*c, Loc::NONE));
                }
                if ty.affinity() == Affinity::Text && seed.is_multiple_of(3) {
                    def.constraints.push(ColumnConstraint::new(
                        ColumnConstraintKind::Check(Expr::new(
                            format!("length({cname}) < 100"),
                            Loc::NONE,
                        )),
                        Loc::NONE,
                    ));
                }
                tcols.push(Col {
                    name: cname,
                    ty,
                    not_null: def.not_null,
                    nulls: false,
                });
                cols.push(def);
            }
            if (seed >> 3).is_multiple_of(3) && !self.tables.is_empty() {
                // A foreign key to an earlier table's key, and a composite
                // UNIQUE constraint (neither column is ever dropped).
                let parent = pick(self.tables.len(), seed >> 4);
                self.tables[parent].referenced = true;
                let fk = self.fresh("p");
                let mut def = ColumnDef::new(n(&fk), ColumnType::INTEGER);
                let mut target = ForeignKeyTarget::new(n(&self.tables[parent].name), Vec::new());
                target.on_delete = Some(FkAction::Cascade);
                target.deferred = (seed >> 5).is_multiple_of(2);
                def.constraints.push(ColumnConstraint::new(
                    ColumnConstraintKind::References(target),
                    Loc::NONE,
                ));
                cols.push(def);
                let mut unique = TableConstraint::new(
                    TableConstraintKind::Unique(vec![n("id"), n(&fk)]),
                    Loc::NONE,
                );
                unique.on_conflict = Conflict::ALL
                    .get((seed >> 6) as usize % 8)
                    .map(|c| (*c, Loc::NONE));
                constraints.push(unique);
            }
            if seed.is_multiple_of(4) {
                // A generated column on the key (never dropped or renamed).
                let mut def = ColumnDef::new(n(&self.fresh("g")), ColumnType::INTEGER);
                def.generated = Some(Generated::new(
                    Expr::new("id * 2", Loc::NONE),
                    seed.is_multiple_of(8),
                ));
                cols.push(def);
            }
            self.tables.push(Tab {
                name: name.clone(),
                cols: tcols,
                indexes: Vec::new(),
                rows: false,
                viewed: false,
                referenced: false,
            });
            let mut create = CreateTable::new(n(&name), cols);
            create.constraints = constraints;
            return Some(Op::CreateTable(create));
        }
        let ti = pick(self.tables.len(), seed);
        let kind = seed % 12;
        let tables = self.tables.len();
        let t = &mut self.tables[ti];
        let table = t.name.clone();
        match kind {
            0 | 1 => {
                // insert a row with every column
                let mut columns = vec![n("id")];
                let mut values = vec![Literal::Null];
                for c in &t.cols {
                    columns.push(n(&c.name));
                    values.push(Self::value(&c.ty, seed));
                }
                t.rows = true;
                Some(Op::Insert(Insert::new(
                    n(&table),
                    columns,
                    vec![InsertRow::new(values, Loc::NONE)],
                )))
            }
            2 if !t.cols.is_empty() => {
                let c = t.cols[pick(t.cols.len(), seed)].name.clone();
                let ix = self.fresh("ix");
                let t = &mut self.tables[ti];
                t.indexes.push((ix.clone(), vec![c.clone()]));
                // Plain, expression or partial, with or without COLLATE.
                let target = if (seed >> 9).is_multiple_of(3) {
                    IndexTarget::Expr(Expr::new(format!("coalesce({c}, 0) + 1"), Loc::NONE))
                } else {
                    IndexTarget::Column(n(&c))
                };
                let filter = (seed >> 11)
                    .is_multiple_of(3)
                    .then(|| Expr::new(format!("{c} IS NOT NULL"), Loc::NONE));
                let mut key = IndexKey::new(target);
                key.collate = (seed >> 13).is_multiple_of(4).then(|| n("nocase"));
                key.desc = seed.is_multiple_of(2);
                let mut index = CreateIndex::new(n(&ix), n(&table), vec![key]);
                index.filter = filter;
                Some(Op::CreateIndex(index))
            }
            3 if !t.indexes.is_empty() => {
                let (ix, _) = t.indexes.remove(pick(t.indexes.len(), seed));
                Some(Op::DropIndex(n(&ix)))
            }
            4 => {
                let cname = self.fresh("c");
                let ty = declared(seed);
                let mut def = ColumnDef::new(n(&cname), ty.clone());
                def.not_null = seed.is_multiple_of(2);
                if def.not_null {
                    def.default = Some(Expr::new(
                        render::literal(&Self::value(&ty, seed)),
                        Loc::NONE,
                    ));
                }
                let t = &mut self.tables[ti];
                let nulls = !def.not_null && t.rows;
                t.cols.push(Col {
                    name: cname,
                    ty,
                    not_null: def.not_null,
                    nulls,
                });
                Some(batch(&table, Change::AddColumn(def), seed))
            }
            5 if t.cols.len() > 1 => {
                let ci = pick(t.cols.len(), seed);
                let c = t.cols[ci].name.clone();
                if t.indexes.iter().any(|(_, cols)| cols.contains(&c)) {
                    return None;
                }
                t.cols.remove(ci);
                Some(batch(&table, Change::DropColumn(n(&c)), seed))
            }
            6 if !t.cols.is_empty() => {
                let ci = pick(t.cols.len(), seed);
                let new = self.fresh("r");
                let t = &mut self.tables[ti];
                let old = std::mem::replace(&mut t.cols[ci].name, new.clone());
                for (_, cols) in &mut t.indexes {
                    for c in cols.iter_mut() {
                        if *c == old {
                            c.clone_from(&new);
                        }
                    }
                }
                Some(batch(
                    &table,
                    Change::RenameColumn {
                        from: n(&old),
                        to: n(&new),
                    },
                    seed,
                ))
            }
            7 if !t.cols.is_empty() => {
                let ci = pick(t.cols.len(), seed);
                let c = &mut t.cols[ci];
                let alter = if c.not_null {
                    c.not_null = false;
                    ColumnAlter::DropNotNull
                } else if !c.nulls {
                    c.not_null = true;
                    ColumnAlter::SetNotNull
                } else {
                    let ty = declared(seed);
                    if ty.same(&c.ty) {
                        return None;
                    }
                    c.ty = ty.clone();
                    ColumnAlter::Type(ty, Loc::NONE)
                };
                let column = n(&c.name);
                Some(batch(&table, Change::AlterColumn { column, alter }, seed))
            }
            8 if !t.viewed => {
                let new = self.fresh("t");
                self.tables[ti].name.clone_from(&new);
                Some(Op::RenameTable {
                    from: n(&table),
                    to: n(&new),
                })
            }
            9 if tables > 1 && !t.viewed && !t.referenced => {
                self.tables.remove(ti);
                Some(Op::DropTable(n(&table)))
            }
            10 => {
                t.viewed = true;
                let view = self.fresh("v");
                Some(Op::CreateView(CreateView::new(
                    n(&view),
                    Expr::new(format!("SELECT * FROM \"{table}\" WHERE id > 0"), Loc::NONE),
                )))
            }
            11 => {
                let trigger = self.fresh("tr");
                let mut create = CreateTrigger::new(
                    n(&trigger),
                    TriggerTiming::After,
                    TriggerEvent::Update(Vec::new()),
                    n(&table),
                    Expr::new("SELECT old.id, new.id;", Loc::NONE),
                );
                create.when = Some(Expr::new("old.id > 0", Loc::NONE));
                Some(Op::CreateTrigger(create))
            }
            _ => None,
        }
    }
}

/// A one-change block; `seed` picks plain ALTER where possible or a forced
/// rebuild, so both paths are compared with the model.
fn batch(table: &str, change: Change, seed: u32) -> Op {
    let mut block = BatchAlter::new(n(table), vec![change], Loc::NONE);
    if (seed >> 8).is_multiple_of(3) {
        block.recreate = Recreate::Always;
    }
    Op::Batch(block)
}

fn history(seeds: &[Vec<u32>]) -> History {
    let mut g = Gen {
        tables: Vec::new(),
        next: 0,
    };
    let mut revisions = Vec::new();
    for (i, rev) in seeds.iter().enumerate() {
        let ops: Vec<Op> = rev.iter().filter_map(|s| g.op(*s)).collect();
        if !ops.is_empty() {
            revisions.push(RevisionDef::new(n(&format!("{i:04}")), ops));
        }
    }
    History::new(revisions)
}

fn live_schema(conn: &migrate_dsl::rusqlite::Connection) -> BTreeMap<String, String> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != '_migrate_history'")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn applied_histories_match_the_model(seeds in prop::collection::vec(prop::collection::vec(any::<u32>(), 1..4), 1..25)) {
        let history = history(&seeds);
        prop_assume!(!history.revisions.is_empty());
        let (plans, schema) = check_history_to_head(&history)
            .map_err(|e| TestCaseError::fail(format!("generated history rejected: {e:?}")))?;
        // The checker keeps each revision's fingerprint up to date object
        // by object: it must equal hashing that revision's whole model.
        for (k, plan) in plans.iter().enumerate() {
            let mut prefix = history.clone();
            prefix.revisions.truncate(k + 1);
            let (_, model) = check_history_to_head(&prefix).unwrap();
            prop_assert_eq!(&*plan.schema_after, render::model_fingerprint(&model), "after {}", plan.id);
        }
        let db = TempDb::new();
        let mut conn = db.open();
        let migrations = Migrations::from_plans(plans, &schema);
        migrations
            .apply_pending(&mut conn)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let expected: BTreeMap<String, String> = render::schema_sql(&schema).into_iter().collect();
        prop_assert_eq!(live_schema(&conn), expected.clone());
        assert_healthy(&conn);

        // The head built directly from the model is the same schema.
        let mut fresh = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
        migrations
            .create_fresh(&mut fresh, &Options::default().schema_only(true))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(live_schema(&fresh), expected);
        // The stairway: every revision up, down (when reversible) and up
        // again, each step against the model's fingerprint.
        migrate_dsl::testing::assert_history_consistent(&migrations);

        // Down one revision at a time while they are reversible: each step
        // gives the schema the model has at that point.
        let ids: Vec<String> = migrations.revisions().iter().map(|r| r.id().to_owned()).collect();
        for k in (1..ids.len()).rev() {
            if migrations.revisions()[k].irreversible().is_some() {
                break;
            }
            migrations
                .migrate(&mut conn, Target::DownTo(&ids[k - 1]), &Options::default())
                .map_err(|e| TestCaseError::fail(format!("down to {}: {e}", ids[k - 1])))?;
            let mut prefix = history.clone();
            prefix.revisions.truncate(k);
            let (_, model) = check_history_to_head(&prefix).unwrap();
            let expected: BTreeMap<String, String> = render::schema_sql(&model).into_iter().collect();
            prop_assert_eq!(live_schema(&conn), expected, "down to {}", ids[k - 1]);
            assert_healthy(&conn);
        }
    }
}
