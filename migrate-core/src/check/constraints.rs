//! Rules for constraints: what each may name, foreign key targets, and the
//! naming convention that gives every unnamed constraint a deterministic
//! name (so a later `drop constraint` can name it).

use super::create::find_column;
use super::exprs;
use super::names::unknown_help;
use crate::diag::Diagnostics;
use crate::model::{Constraint, ConstraintKind, ForeignKey, Schema, Table};
use crate::name::same_name;
use crate::op::{
    ColumnConstraint, ColumnConstraintKind, Conflict, ForeignKeyTarget, Naming, TableConstraint,
    TableConstraintKind,
};
use crate::{Loc, Name};

/// The column `name` of `table` as the table spells it, or an error.
fn column_of(table: &Table, name: &Name, diags: &mut Diagnostics) -> Option<String> {
    find_column(table, name, diags).map(|c| c.name.clone())
}

/// Columns listed by a constraint: each must exist, once.
fn columns_of(table: &Table, names: &[Name], diags: &mut Diagnostics) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, n) in names.iter().enumerate() {
        match column_of(table, n, diags) {
            Some(c) if names[..i].iter().any(|p| p.same(&n.text)) => {
                ok = false;
                diags.error_help(
                    n.at,
                    format!("column `{c}` is listed twice"),
                    "list each column once",
                );
            }
            Some(c) => out.push(c),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A column-level constraint on column `column` of `table` (its columns and
/// earlier constraints already in place).
pub(super) fn column_constraint(
    schema: &Schema,
    table: &Table,
    column: &str,
    k: &ColumnConstraint,
    diags: &mut Diagnostics,
) -> Option<Constraint> {
    let kind = match &k.kind {
        ColumnConstraintKind::PrimaryKey {
            desc,
            autoincrement,
        } => {
            if let Some(at) = autoincrement {
                check_autoincrement(table, column, *desc, *at, diags)?;
            }
            ConstraintKind::PrimaryKey {
                columns: vec![(column.to_owned(), *desc)],
                autoincrement: autoincrement.is_some(),
            }
        }
        ColumnConstraintKind::Unique => ConstraintKind::Unique(vec![column.to_owned()]),
        ColumnConstraintKind::Check(e) => ConstraintKind::Check(exprs::row_expr(
            e,
            "CHECK",
            &table.name,
            &column_names(table),
            diags,
        )?),
        ColumnConstraintKind::References(target) => ConstraintKind::ForeignKey(foreign_key(
            schema,
            table,
            vec![column.to_owned()],
            k.at,
            target,
            diags,
        )?),
    };
    let on_conflict = conflict(&kind, k.on_conflict, true, diags);
    let mut c = named(
        &schema.naming,
        table,
        k.name.as_ref(),
        Some(column),
        kind,
        k.at,
        diags,
    );
    c.on_conflict = on_conflict;
    Some(c)
}

/// A table-level constraint of `table`.
pub(super) fn table_constraint(
    schema: &Schema,
    table: &Table,
    k: &TableConstraint,
    diags: &mut Diagnostics,
) -> Option<Constraint> {
    let kind = match &k.kind {
        TableConstraintKind::PrimaryKey(cols) => {
            let names: Vec<Name> = cols.iter().map(|c| c.name.clone()).collect();
            let columns = columns_of(table, &names, diags)?;
            ConstraintKind::PrimaryKey {
                columns: columns
                    .into_iter()
                    .zip(cols.iter().map(|c| c.desc))
                    .collect(),
                autoincrement: false,
            }
        }
        TableConstraintKind::Unique(cols) => {
            ConstraintKind::Unique(columns_of(table, cols, diags)?)
        }
        TableConstraintKind::Check(e) => ConstraintKind::Check(exprs::row_expr(
            e,
            "CHECK",
            &table.name,
            &column_names(table),
            diags,
        )?),
        TableConstraintKind::ForeignKey { columns, target } => {
            let local = columns_of(table, columns, diags)?;
            ConstraintKind::ForeignKey(foreign_key(schema, table, local, k.at, target, diags)?)
        }
    };
    let on_conflict = conflict(&kind, k.on_conflict, false, diags);
    let mut c = named(
        &schema.naming,
        table,
        k.name.as_ref(),
        None,
        kind,
        k.at,
        diags,
    );
    c.on_conflict = on_conflict;
    Some(c)
}

/// A constraint's conflict clause where SQLite's grammar has one: on a
/// primary key or UNIQUE, and on a CHECK written at table level (SQLite
/// reads that one and ignores it). Foreign keys have none. A refused
/// clause is reported and left out; the constraint stays, so later uses
/// of it are no further errors.
fn conflict(
    kind: &ConstraintKind,
    on_conflict: Option<(Conflict, Loc)>,
    inline: bool,
    diags: &mut Diagnostics,
) -> Option<Conflict> {
    let (resolution, at) = on_conflict?;
    let refused = match kind {
        ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique(_) => None,
        ConstraintKind::Check(_) if !inline => None,
        ConstraintKind::Check(_) => Some((
            "SQLite has no `on conflict` on a column's `check`",
            "remove `on conflict` (SQLite reads it on a table-level `check (…)` only, and ignores it there)",
        )),
        ConstraintKind::ForeignKey(_) => Some((
            "a foreign key has no `on conflict` clause",
            "remove `on conflict`; `on delete …` and `on update …` say what a change to the parent does",
        )),
    };
    match refused {
        Some((message, help)) => {
            diags.error_help(at, message, help);
            None
        }
        None => Some(resolution),
    }
}

fn column_names(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.name.as_str()).collect()
}

/// SQLite allows AUTOINCREMENT only on an `integer primary key` of a rowid
/// table ("AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY").
fn check_autoincrement(
    table: &Table,
    column: &str,
    desc: bool,
    at: Loc,
    diags: &mut Diagnostics,
) -> Option<()> {
    let integer = table.column(column).is_some_and(|c| c.ty.aliases_rowid());
    if !integer || desc || table.without_rowid {
        diags.error_help(
            at,
            "`autoincrement` is only allowed on an `integer primary key` of a table with rowids",
            "declare the column `integer primary key autoincrement` (not `desc`, not `without rowid`), or drop `autoincrement`",
        );
        return None;
    }
    Some(())
}

/// A foreign key's parent must exist, its columns must exist and match in
/// number, and they must be the parent's primary key or be UNIQUE — else
/// SQLite raises "foreign key mismatch" on every write to the child.
fn foreign_key(
    schema: &Schema,
    child: &Table,
    columns: Vec<String>,
    at: Loc,
    target: &ForeignKeyTarget,
    diags: &mut Diagnostics,
) -> Option<ForeignKey> {
    let self_ref = same_name(&target.table.text, &child.name);
    let parent = if self_ref {
        child
    } else {
        match schema.table(&target.table.text) {
            Some(p) => p,
            None => {
                if let Some((name, pk)) = schema
                    .forward
                    .iter()
                    .find(|(t, _)| same_name(t, &target.table.text))
                {
                    // Created later in this revision: checked at its end.
                    let ref_columns = if target.columns.is_empty() {
                        pk.clone()
                    } else {
                        target.columns.iter().map(|c| c.text.clone()).collect()
                    };
                    return Some(ForeignKey {
                        columns,
                        table: name.clone(),
                        ref_columns,
                        on_delete: target.on_delete,
                        on_update: target.on_update,
                        deferred: target.deferred,
                    });
                }
                let help = unknown_help(
                    "table",
                    &target.table.text,
                    schema.tables.iter().map(|t| t.name.as_str()),
                );
                diags.error_help(
                    target.table.at,
                    format!("foreign key references unknown table `{}`", target.table),
                    help,
                );
                return None;
            }
        }
    };
    let ref_columns = if target.columns.is_empty() {
        match parent.primary_key() {
            Some(pk) => pk,
            None => {
                diags.error_help(
                    target.table.at,
                    format!(
                        "table `{}` has no primary key for this foreign key to reference",
                        parent.name
                    ),
                    format!(
                        "name the referenced columns: `references {} (<column>)`",
                        parent.name
                    ),
                );
                return None;
            }
        }
    } else {
        columns_of(parent, &target.columns, diags)?
    };
    if ref_columns.len() != columns.len() {
        diags.error_help(
            target.table.at,
            format!(
                "foreign key has {} column(s) but references {} column(s) of `{}`",
                columns.len(),
                ref_columns.len(),
                parent.name
            ),
            "reference as many parent columns as the key has",
        );
        return None;
    }
    if !schema.is_parent_key(parent, &ref_columns) {
        diags.error_help(
            at,
            format!(
                "foreign key references {} of `{}`, which is neither its primary key nor UNIQUE",
                ref_columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                parent.name
            ),
            "SQLite would raise \"foreign key mismatch\" on every write; reference the primary key, or make those columns UNIQUE first",
        );
        return None;
    }
    Some(ForeignKey {
        columns,
        table: parent.name.clone(),
        ref_columns,
        on_delete: target.on_delete,
        on_update: target.on_update,
        deferred: target.deferred,
    })
}

/// At the end of a revision: the foreign keys that referenced a table the
/// revision created later, checked now that the parent exists (or not).
pub(super) fn check_forward_keys(schema: &Schema, diags: &mut Diagnostics) {
    for child in &schema.tables {
        for k in &child.constraints {
            let ConstraintKind::ForeignKey(fk) = &k.kind else {
                continue;
            };
            if !schema.forward.iter().any(|(t, _)| same_name(t, &fk.table)) {
                continue;
            }
            // The parent exists: dropping a referenced table is refused,
            // and a rename carries its foreign keys along.
            let Some(parent) = schema.table(&fk.table) else {
                continue;
            };
            let missing = fk.ref_columns.iter().find(|c| parent.column(c).is_none());
            if let Some(c) = missing {
                diags.error_help(
                    k.defined_at,
                    format!(
                        "foreign key `{}` of table `{}` references column `{c}`, which table `{}` does not have",
                        k.name, child.name, parent.name
                    ),
                    unknown_help(
                        "column",
                        c,
                        parent.columns.iter().map(|c| c.name.as_str()),
                    ),
                );
            } else if fk.ref_columns.len() != fk.columns.len() {
                diags.error_help(
                    k.defined_at,
                    format!(
                        "foreign key `{}` has {} column(s) but references {} column(s) of `{}`",
                        k.name,
                        fk.columns.len(),
                        fk.ref_columns.len(),
                        parent.name
                    ),
                    "reference as many parent columns as the key has (name them when the parent has no primary key)",
                );
            } else if !schema.is_parent_key(parent, &fk.ref_columns) {
                diags.error_help(
                    k.defined_at,
                    format!(
                        "foreign key `{}` references {} of `{}`, which is neither its primary key nor UNIQUE",
                        k.name,
                        fk.ref_columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                        parent.name
                    ),
                    "SQLite would raise \"foreign key mismatch\" on every write; reference the primary key, or make those columns UNIQUE",
                );
            }
        }
    }
}

/// Gives the constraint its explicit name or one from the naming convention
/// (by default `pk_<table>`, `uq_<table>_<cols>`, `ck_<table>_<cols>`,
/// `fk_<table>_<cols>_<parent>`), unique within the table.
#[allow(clippy::too_many_arguments)]
fn named(
    naming: &Naming,
    table: &Table,
    explicit: Option<&Name>,
    inline: Option<&str>,
    kind: ConstraintKind,
    at: Loc,
    diags: &mut Diagnostics,
) -> Constraint {
    let name = match explicit {
        Some(n) => {
            if table.constraint(&n.text).is_some() {
                diags.error_help(
                    n.at,
                    format!(
                        "table `{}` already has a constraint named `{n}`",
                        table.name
                    ),
                    "constraint names must be unique within a table",
                );
            }
            n.text.clone()
        }
        None => {
            let cols = Table::constraint_columns(&Constraint {
                name: String::new(),
                explicit: false,
                inline: inline.map(str::to_owned),
                kind: kind.clone(),
                on_conflict: None,
                defined_at: at,
            });
            let fill = |template: &str, cols: &[String], parent: &str| {
                Naming::fill(template, &table.name, cols, parent)
            };
            let base = match &kind {
                ConstraintKind::PrimaryKey { .. } => fill(&naming.primary_key, &cols, ""),
                ConstraintKind::Unique(_) => fill(&naming.unique, &cols, ""),
                ConstraintKind::Check(_) => match inline {
                    Some(c) => fill(&naming.check, &[c.to_owned()], ""),
                    None => fill(&naming.check, &cols, ""),
                },
                ConstraintKind::ForeignKey(fk) => fill(&naming.foreign_key, &cols, &fk.table),
            };
            let mut name = base.clone();
            let mut n = 2;
            while table.constraint(&name).is_some() {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        }
    };
    Constraint {
        name,
        explicit: explicit.is_some(),
        inline: inline.map(str::to_owned),
        kind,
        on_conflict: None,
        defined_at: at,
    }
}
