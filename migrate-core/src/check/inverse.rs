//! Generated inverses: the operations that undo one operation, derived from
//! the schema just before it. Only obvious, lossless inverses are generated;
//! anything else is a reason why the revision cannot be undone without a
//! `down` block.

use crate::canonical::describe;
use crate::model::{Index, KeyTarget, Schema, Trigger, View};
use crate::name::same_name;
use crate::op::{
    BatchAlter, Change, ColumnAlter, ColumnType, CreateIndex, CreateTrigger, CreateView, Expr,
    IndexKey, IndexTarget, Op, Recreate, TriggerEvent,
};
use crate::{Loc, Name};

/// The operations that undo `op` when run right after it, or why there are
/// none. `schema` is the schema just before `op`; `created` the tables the
/// revision created before it (rows inserted there go with the table).
pub(super) fn inverse(schema: &Schema, op: &Op, created: &[String]) -> Result<Vec<Op>, String> {
    let lossy = |what: &str| Err(format!("`{}` {what}", describe(op).trim_end_matches(';')));
    Ok(match op {
        Op::CreateTable(ct) => vec![Op::DropTable(ct.name.clone())],
        Op::RenameTable { from, to } => vec![Op::RenameTable {
            from: to.clone(),
            to: from.clone(),
        }],
        Op::CreateIndex(ci) => vec![Op::DropIndex(ci.name.clone())],
        Op::CreateView(cv) if cv.replace => match schema.view(&cv.name.text) {
            Some(old) => vec![Op::CreateView(CreateView {
                replace: true,
                ..create_view(old)
            })],
            None => return lossy("replaces a view that does not exist"),
        },
        Op::CreateView(cv) => vec![Op::DropView(cv.name.clone())],
        Op::CreateTrigger(ct) => vec![Op::DropTrigger(ct.name.clone())],
        Op::DropIndex(name) => match schema.index(&name.text) {
            Some(index) => vec![Op::CreateIndex(create_index(index))],
            None => return lossy("drops an index that does not exist"),
        },
        Op::DropView(name) => match schema.view(&name.text) {
            // Dropping a view drops its INSTEAD OF triggers too.
            Some(view) => std::iter::once(Op::CreateView(create_view(view)))
                .chain(
                    schema
                        .triggers_on(&view.name)
                        .map(|t| Op::CreateTrigger(create_trigger(t))),
                )
                .collect(),
            None => return lossy("drops a view that does not exist"),
        },
        Op::DropTrigger(name) => match schema.trigger(&name.text) {
            Some(t) => vec![Op::CreateTrigger(create_trigger(t))],
            None => return lossy("drops a trigger that does not exist"),
        },
        Op::Batch(b) => vec![Op::Batch(batch(schema, b)?)],
        Op::DropTable(_) => return lossy("loses the table's rows"),
        Op::Insert(ins) if created.iter().any(|t| same_name(t, &ins.table.text)) => Vec::new(),
        Op::Insert(ins) => {
            return Err(format!(
                "`insert into {}` has no safe inverse (the rows may have changed since)",
                ins.table
            ))
        }
        Op::Run(_) => return lossy("runs Rust code, which has no generated inverse"),
        // Declared to touch nothing but the table it creates.
        Op::Sql(raw) if raw.touches.is_empty() && raw.creates.is_some() => {
            let created = raw.creates.iter().map(|c| Op::DropTable(c.name.clone()));
            created.collect()
        }
        Op::Sql(_) => return lossy("is raw SQL, which has no generated inverse"),
        Op::IfExists(_) => {
            return lossy("depends on what the database held, so its inverse is not known")
        }
    })
}

/// The inverse of a batch block: its changes undone in reverse order, each
/// seeing the names as they were after it.
fn batch(schema: &Schema, b: &BatchAlter) -> Result<BatchAlter, String> {
    let table = &b.table.text;
    let Some(t) = schema.table(table) else {
        return Err(format!("`{table}` is not a table"));
    };
    // The columns as the changes see them: name, default, collation, type.
    let mut columns: Vec<(String, Option<String>, Option<String>, ColumnType)> = t
        .columns
        .iter()
        .map(|c| {
            let default = c.default.as_ref().map(|d| d.to_sql());
            (c.name.clone(), default, c.collate.clone(), c.ty.clone())
        })
        .collect();
    let mut undo = Vec::with_capacity(b.changes.len());
    for change in &b.changes {
        match change {
            Change::AddColumn(c) => {
                let default = c.default.as_ref().map(|d| d.text.clone());
                let collate = c.collate.as_ref().map(|n| n.text.clone());
                columns.push((c.name.text.clone(), default, collate, c.ty.clone()));
                undo.push(Change::DropColumn(c.name.clone()));
            }
            Change::RenameColumn { from, to } => {
                if let Some(c) = columns.iter_mut().find(|c| same_name(&c.0, &from.text)) {
                    c.0 = to.text.clone();
                }
                undo.push(Change::RenameColumn {
                    from: to.clone(),
                    to: from.clone(),
                });
            }
            Change::AlterColumn { column, alter } => {
                let Some(c) = columns.iter_mut().find(|c| same_name(&c.0, &column.text)) else {
                    return Err(format!("`{table}` has no column `{column}`"));
                };
                let inverse = match alter {
                    ColumnAlter::SetNotNull => ColumnAlter::DropNotNull,
                    // Each restores what the column had before the change.
                    ColumnAlter::SetDefault(e) => default(c.1.replace(e.text.clone())),
                    ColumnAlter::DropDefault => default(c.1.take()),
                    ColumnAlter::SetCollate(n) => collate(c.2.replace(n.text.clone())),
                    ColumnAlter::DropCollate => collate(c.2.take()),
                    ColumnAlter::DropNotNull => {
                        return Err(format!(
                            "`alter column {column} drop not null` on `{table}` has no safe inverse (rows may hold NULL by then)"
                        ))
                    }
                    // Within one affinity nothing was converted.
                    ColumnAlter::Type(ty, at) if ty.affinity() == c.3.affinity() => {
                        ColumnAlter::Type(std::mem::replace(&mut c.3, ty.clone()), *at)
                    }
                    ColumnAlter::Type(..) => {
                        return Err(format!(
                            "`alter column {column} type …` on `{table}` has no safe inverse (its affinity changes, so values may have been converted)"
                        ))
                    }
                };
                undo.push(Change::AlterColumn {
                    column: column.clone(),
                    alter: inverse,
                });
            }
            Change::DropColumn(c) => {
                return Err(format!("`drop column {c}` loses the values of `{table}.{c}`"))
            }
            Change::RowidAlias { begins, at } => undo.push(Change::RowidAlias {
                begins: !begins,
                at: *at,
            }),
            Change::AddConstraint(_) | Change::DropConstraint(_) => {
                return Err(format!(
                    "constraint changes on `{table}` have no generated inverse (re-adding one may fail on rows written since)"
                ))
            }
        }
    }
    undo.reverse();
    Ok(BatchAlter {
        table: b.table.clone(),
        changes: undo,
        at: b.at,
        recreate: match b.recreate {
            Recreate::Always => Recreate::Always,
            Recreate::Auto | Recreate::Never => Recreate::Auto,
        },
    })
}

/// `set default (previous)`, or `drop default` when there was none.
fn default(previous: Option<String>) -> ColumnAlter {
    match previous {
        Some(text) => ColumnAlter::SetDefault(Expr::new(text, Loc::NONE)),
        None => ColumnAlter::DropDefault,
    }
}

/// `set collate previous`, or `drop collate` when there was none.
fn collate(previous: Option<String>) -> ColumnAlter {
    match previous {
        Some(n) => ColumnAlter::SetCollate(name(&n)),
        None => ColumnAlter::DropCollate,
    }
}

fn name(text: &str) -> Name {
    Name::new(text, Loc::NONE)
}

fn create_index(index: &Index) -> CreateIndex {
    CreateIndex {
        name: name(&index.name),
        table: name(&index.table),
        keys: index
            .keys
            .iter()
            .map(|k| IndexKey {
                target: match &k.target {
                    KeyTarget::Column(c) => IndexTarget::Column(name(c)),
                    KeyTarget::Expr(e) => IndexTarget::Expr(Expr::new(e.to_sql(), Loc::NONE)),
                },
                collate: k.collate.as_deref().map(name),
                desc: k.desc,
            })
            .collect(),
        unique: index.unique,
        filter: index
            .filter
            .as_ref()
            .map(|f| Expr::new(f.to_sql(), Loc::NONE)),
        concurrently: None,
    }
}

fn create_view(view: &View) -> CreateView {
    CreateView {
        name: name(&view.name),
        query: Expr::new(view.query.clone(), Loc::NONE),
        replace: false,
    }
}

fn create_trigger(t: &Trigger) -> CreateTrigger {
    CreateTrigger {
        name: name(&t.name),
        timing: t.timing,
        event: match &t.event {
            TriggerEvent::Insert => TriggerEvent::Insert,
            TriggerEvent::Delete => TriggerEvent::Delete,
            TriggerEvent::Update(cols) => {
                TriggerEvent::Update(cols.iter().map(|c| name(c)).collect())
            }
        },
        table: name(&t.table),
        when: t.when.as_ref().map(|w| Expr::new(w.clone(), Loc::NONE)),
        body: Expr::new(t.body.clone(), Loc::NONE),
    }
}
