//! Property test for data: random valid histories whose table changes —
//! plain ALTERs and rebuilds, column adds, drops, renames, type and
//! nullability changes, table renames, a parent with ON DELETE CASCADE
//! children — are interleaved with random rows. After applying the history
//! to a real file, every surviving column of every row must hold exactly
//! what a straightforward in-memory model of the rows predicts.

use crate::common::ops::{declared, n};
use crate::common::*;
use migrate_dsl::rusqlite::types::Value;
use migrate_dsl::Migrations;
use migrate_dsl_core::check::check_history_to_head;
use migrate_dsl_core::op::*;
use migrate_dsl_core::{render, Loc};
use proptest::prelude::*;

pub(crate) struct Col {
    pub(crate) name: String,
    ty: ColumnType,
    not_null: bool,
    /// References the first table (never dropped, renamed or retyped).
    parent_key: bool,
}

/// A table of the model: its columns and its rows by id, each row's values
/// in column order.
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) cols: Vec<Col>,
    pub(crate) rows: Vec<(i64, Vec<Value>)>,
}

pub(crate) struct Gen {
    pub(crate) tables: Vec<Table>,
    next: u32,
    next_id: i64,
}

/// A value of a column of type `ty`; texts never look like numbers (they
/// hold a quote), so type affinity leaves them alone.
fn value(ty: &ColumnType, seed: u32) -> Value {
    match ty.affinity() {
        Affinity::Integer | Affinity::Numeric => Value::Integer(i64::from(seed % 1000) - 500),
        Affinity::Real => Value::Real(f64::from(seed % 100) + 0.5),
        Affinity::Text => Value::Text(format!("it's {}", seed % 50)),
        _ => Value::Blob(vec![(seed % 256) as u8, 0]),
    }
}

fn literal(v: &Value) -> Literal {
    match v {
        Value::Null => Literal::Null,
        Value::Integer(i) => Literal::Integer(*i),
        Value::Real(r) => Literal::Real(format!("{r:?}")),
        Value::Text(t) => Literal::Text(t.clone()),
        Value::Blob(b) => Literal::Blob(b.clone()),
    }
}

/// SQLite's type affinity on a stored value, as the copy of a rebuild
/// applies it when a column's type changes (lang_datatype3 §3.4): numeric
/// text becomes a number, a real becomes an integer when that is lossless,
/// a number becomes text in TEXT columns, BLOB converts nothing.
fn convert(v: Value, to: Affinity) -> Value {
    let real_text = |r: f64| {
        if r.fract() == 0.0 {
            format!("{r:.1}")
        } else {
            format!("{r}")
        }
    };
    match (v, to) {
        (v @ (Value::Null | Value::Blob(_)), _) | (v, Affinity::Blob) => v,
        (Value::Integer(i), Affinity::Text) => Value::Text(i.to_string()),
        (Value::Real(r), Affinity::Text) => Value::Text(real_text(r)),
        (Value::Integer(i), Affinity::Real) => Value::Real(i as f64),
        (Value::Real(r), Affinity::Integer | Affinity::Numeric)
            if r.fract() == 0.0 && r.abs() < 9e15 =>
        {
            Value::Integer(r as i64)
        }
        (Value::Text(t), Affinity::Integer | Affinity::Numeric | Affinity::Real) => {
            match (t.parse::<i64>(), t.parse::<f64>()) {
                (Ok(i), _) if to == Affinity::Real => Value::Real(i as f64),
                (Ok(i), _) => Value::Integer(i),
                (_, Ok(r)) => convert(Value::Real(r), to),
                _ => Value::Text(t),
            }
        }
        (v, _) => v,
    }
}

fn batch(table: &str, change: Change, seed: u32) -> Op {
    let mut block = BatchAlter::new(n(table), vec![change], Loc::NONE);
    if seed.is_multiple_of(2) {
        block.recreate = Recreate::Always;
    }
    Op::Batch(block)
}

impl Gen {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn create(&mut self, seed: u32) -> Op {
        let name = self.fresh("t");
        let mut key = ColumnDef::new(n("id"), ColumnType::INTEGER);
        key.constraints.push(ColumnConstraint::new(
            ColumnConstraintKind::PrimaryKey {
                desc: false,
                autoincrement: None,
            },
            Loc::NONE,
        ));
        let mut defs = vec![key];
        let mut cols = Vec::new();
        if let Some(parent) = self.tables.first().map(|t| t.name.clone()) {
            let fk = self.fresh("p");
            let mut def = ColumnDef::new(n(&fk), ColumnType::INTEGER);
            let mut target = ForeignKeyTarget::new(n(&parent), Vec::new());
            target.on_delete = Some(FkAction::Cascade);
            def.constraints.push(ColumnConstraint::new(
                ColumnConstraintKind::References(target),
                Loc::NONE,
            ));
            defs.push(def);
            cols.push(Col {
                name: fk,
                ty: ColumnType::INTEGER,
                not_null: false,
                parent_key: true,
            });
        }
        for i in 0..(1 + seed % 3) {
            let ty = declared(seed >> (i + 2));
            let name = self.fresh("c");
            defs.push(ColumnDef::new(n(&name), ty.clone()));
            cols.push(Col {
                name,
                ty,
                not_null: false,
                parent_key: false,
            });
        }
        self.tables.push(Table {
            name: name.clone(),
            cols,
            rows: Vec::new(),
        });
        Op::CreateTable(CreateTable::new(n(&name), defs))
    }

    fn insert(&mut self, ti: usize, seed: u32) -> Op {
        let parents: Vec<i64> = self.tables[0].rows.iter().map(|(id, _)| *id).collect();
        let mut rows = Vec::new();
        for r in 0..(1 + seed % 3) {
            self.next_id += 1;
            let id = self.next_id;
            let s = seed.rotate_left(r * 7) ^ r;
            let values: Vec<Value> = self.tables[ti]
                .cols
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let s = s.rotate_left(i as u32 * 3);
                    if c.parent_key {
                        match parents.get(s as usize % (parents.len() + 1)) {
                            Some(p) => Value::Integer(*p),
                            None => Value::Null,
                        }
                    } else if !c.not_null && s.is_multiple_of(5) {
                        Value::Null
                    } else {
                        value(&c.ty, s)
                    }
                })
                .collect();
            rows.push((id, values));
        }
        let t = &mut self.tables[ti];
        let columns = std::iter::once(n("id"))
            .chain(t.cols.iter().map(|c| n(&c.name)))
            .collect();
        let insert = Op::Insert(Insert::new(
            n(&t.name),
            columns,
            rows.iter()
                .map(|(id, values)| {
                    let values = std::iter::once(Literal::Integer(*id))
                        .chain(values.iter().map(literal))
                        .collect();
                    InsertRow::new(values, Loc::NONE)
                })
                .collect(),
        ));
        t.rows.extend(rows);
        insert
    }

    fn op(&mut self, seed: u32) -> Option<Op> {
        if self.tables.is_empty() || seed.is_multiple_of(13) {
            return Some(self.create(seed));
        }
        let ti = (seed as usize / 7) % self.tables.len();
        let plain: Vec<usize> = (0..self.tables[ti].cols.len())
            .filter(|&i| !self.tables[ti].cols[i].parent_key)
            .collect();
        let pick = plain
            .get((seed as usize / 11) % plain.len().max(1))
            .copied();
        let table = self.tables[ti].name.clone();
        match (seed % 9, pick) {
            (0..=2, _) => Some(self.insert(ti, seed)),
            (3, _) => {
                let name = self.fresh("c");
                let ty = declared(seed >> 4);
                let mut def = ColumnDef::new(n(&name), ty.clone());
                let default = (seed >> 7).is_multiple_of(2).then(|| value(&ty, seed >> 9));
                def.not_null = default.is_some() && (seed >> 8).is_multiple_of(2);
                def.default = default
                    .as_ref()
                    .map(|v| Expr::new(render::literal(&literal(v)), Loc::NONE));
                let t = &mut self.tables[ti];
                for (_, row) in &mut t.rows {
                    row.push(default.clone().unwrap_or(Value::Null));
                }
                t.cols.push(Col {
                    name,
                    ty,
                    not_null: def.not_null,
                    parent_key: false,
                });
                Some(batch(&table, Change::AddColumn(def), seed >> 10))
            }
            (4, Some(ci)) if plain.len() > 1 => {
                let t = &mut self.tables[ti];
                let c = t.cols.remove(ci);
                for (_, row) in &mut t.rows {
                    row.remove(ci);
                }
                Some(batch(&table, Change::DropColumn(n(&c.name)), seed >> 10))
            }
            (5, Some(ci)) => {
                let new = self.fresh("r");
                let old = std::mem::replace(&mut self.tables[ti].cols[ci].name, new.clone());
                let change = Change::RenameColumn {
                    from: n(&old),
                    to: n(&new),
                };
                Some(batch(&table, change, seed >> 10))
            }
            (6, Some(ci)) => {
                let to = declared(seed >> 4);
                let t = &mut self.tables[ti];
                if t.cols[ci].ty.same(&to) {
                    return None;
                }
                t.cols[ci].ty = to.clone();
                for (_, row) in &mut t.rows {
                    row[ci] = convert(std::mem::replace(&mut row[ci], Value::Null), to.affinity());
                }
                let column = n(&t.cols[ci].name);
                let alter = ColumnAlter::Type(to, Loc::NONE);
                Some(batch(
                    &table,
                    Change::AlterColumn { column, alter },
                    seed >> 10,
                ))
            }
            (7, Some(ci)) => {
                let t = &mut self.tables[ti];
                let c = &mut t.cols[ci];
                let has_null = t.rows.iter().any(|(_, r)| r[ci] == Value::Null);
                let alter = if c.not_null {
                    c.not_null = false;
                    ColumnAlter::DropNotNull
                } else if !has_null {
                    c.not_null = true;
                    ColumnAlter::SetNotNull
                } else {
                    return None;
                };
                let column = n(&c.name);
                Some(batch(
                    &table,
                    Change::AlterColumn { column, alter },
                    seed >> 10,
                ))
            }
            (8, _) if ti > 0 => {
                let new = self.fresh("t");
                self.tables[ti].name.clone_from(&new);
                Some(Op::RenameTable {
                    from: n(&table),
                    to: n(&new),
                })
            }
            _ => None,
        }
    }
}

pub(crate) fn history(seeds: &[Vec<u32>]) -> (History, Gen) {
    let mut g = Gen {
        tables: Vec::new(),
        next: 0,
        next_id: 0,
    };
    let mut revisions = Vec::new();
    for (i, rev) in seeds.iter().enumerate() {
        let ops: Vec<Op> = rev.iter().filter_map(|s| g.op(*s)).collect();
        if !ops.is_empty() {
            revisions.push(RevisionDef::new(n(&format!("{i:04}")), ops));
        }
    }
    let history = History::new(revisions);
    (history, g)
}

/// `id` and every column of `table`, by name, in id order.
fn live_rows(conn: &migrate_dsl::rusqlite::Connection, table: &Table) -> Vec<(i64, Vec<Value>)> {
    let columns: Vec<String> = table
        .cols
        .iter()
        .map(|c| migrate_dsl_core::sql::ident(&c.name))
        .collect();
    let q = format!(
        "SELECT id{}{} FROM {} ORDER BY id",
        if columns.is_empty() { "" } else { ", " },
        columns.join(", "),
        migrate_dsl_core::sql::ident(&table.name)
    );
    let mut stmt = conn.prepare(&q).unwrap();
    stmt.query_map([], |r| {
        let values = (1..=columns.len())
            .map(|i| r.get::<_, Value>(i))
            .collect::<Result<_, _>>()?;
        Ok((r.get(0)?, values))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn rows_survive_every_change_as_the_model_predicts(
        seeds in prop::collection::vec(prop::collection::vec(any::<u32>(), 1..5), 1..20)
    ) {
        let (history, model) = history(&seeds);
        prop_assume!(!history.revisions.is_empty());
        let (plans, schema) = check_history_to_head(&history)
            .map_err(|e| TestCaseError::fail(format!("generated history rejected: {e:?}")))?;
        let db = TempDb::new();
        let mut conn = db.open();
        Migrations::from_plans(plans, &schema)
            .apply_pending(&mut conn)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for table in &model.tables {
            prop_assert_eq!(live_rows(&conn, table), table.rows.clone(), "table {}", table.name);
        }
        assert_healthy(&conn);
    }
}
