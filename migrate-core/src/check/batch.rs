//! Rules for `batch alter table` blocks, and the steps they produce.
//!
//! Changes apply in order to a working copy of the table. Renames of columns
//! that exist in the live table become plain `ALTER TABLE … RENAME COLUMN`
//! statements, run first inside the rebuild (after the live table is
//! checked): SQLite then rewrites every reference (indexes, views, triggers,
//! other tables' foreign keys) itself. Everything else is
//! done by one rebuild, whose copy maps each new column to the live column
//! its values come from (or to nothing, for an added column). A block of
//! renames only needs no rebuild at all.

use super::constraints;
use super::create::{
    check_single_primary_key, check_strict_type, find_column, find_table, generated, plain_column,
    refuse_external,
};
use super::exprs;
use super::names::unknown_help;
use crate::diag::Diagnostics;
use crate::model::{Constraint, ConstraintKind, Index, Schema, Table, Trigger};
use crate::name::same_name;
use crate::needs;
use crate::op::{BatchAlter, Change, ColumnAlter, ColumnDef, Recreate, TableConstraint};
use crate::plan::{
    AlterInPlace, ConstraintCheck, DefaultProbe, DefinitionEdit, InPlaceStep, NativeAlter,
    NotNullCheck, Rebuild, SchemaObject, Statement, Step, PROBE_DEFAULT,
};
use crate::{render, sql, Loc, Name, TEMP_PREFIX};
use std::borrow::Cow;

/// The table being changed.
struct Work {
    table: Table,
    /// For each column of `table`, the live column its values come from
    /// (its name after this block's renames have run).
    sources: Vec<Option<String>>,
    /// The live table's column names as the renames leave them.
    live: Vec<String>,
    /// `ALTER TABLE … RENAME COLUMN` statements run before the rebuild.
    renames: Vec<String>,
    /// Plain `ALTER TABLE` statements making the changes so far, in order,
    /// with the counts that guard the ones that scan the table.
    plain: Vec<InPlaceStep>,
    /// Whether changes that only some SQLite releases or connections make
    /// in place may be planned so (`recreate = auto`: the fallback is a
    /// rebuild, which `recreate = never` forbids).
    in_place: bool,
    /// A change SQLite does not list as safe to make by editing the
    /// table's definition (anything but removing a NOT NULL, CHECK or
    /// FOREIGN KEY constraint and changing a DEFAULT).
    edit_blocked: bool,
    /// Columns (by their new names) whose DEFAULT the block changes.
    defaults_changed: Vec<String>,
    /// The block as written (every statement's operation, for errors).
    operation: String,
    /// The first change that plain `ALTER TABLE` cannot make, and why.
    needs_rebuild: Option<(Loc, String)>,
    indexes: Vec<Index>,
    /// Triggers on the table: dropped with it, recreated after the rebuild.
    triggers: Vec<Trigger>,
    /// The last change that can make or unmake a rowid alias (a type
    /// change, a constraint added or dropped, a column added).
    key_change: Option<Loc>,
    /// `rowid alias begins;` / `ends;` written in the block.
    rowid_acks: Vec<(bool, Loc)>,
}

/// Checks a batch block; on success applies it to the model and returns its
/// steps.
pub(super) fn batch(
    schema: &mut Schema,
    b: &BatchAlter,
    operation: String,
    diags: &mut Diagnostics,
) -> Vec<Step> {
    let Some(old) = find_table(schema, &b.table, diags).cloned() else {
        return Vec::new();
    };
    if refuse_external(&old, &b.table, "alter", diags) {
        return Vec::new();
    }
    let before = diags.len();
    // `recreate = always {}` rebuilds the table as it is (to repair it).
    if b.changes.is_empty() && b.recreate != Recreate::Always {
        diags.error_help(
            b.at,
            format!("batch block for table `{}` is empty", old.name),
            "add at least one change, remove the block, or write `recreate = always` to rebuild the table as it is",
        );
    }
    let mut work = Work {
        sources: old.columns.iter().map(|c| Some(c.name.clone())).collect(),
        live: old.columns.iter().map(|c| c.name.clone()).collect(),
        table: old.clone(),
        renames: Vec::new(),
        plain: Vec::new(),
        in_place: b.recreate == Recreate::Auto,
        edit_blocked: false,
        defaults_changed: Vec::new(),
        operation: operation.clone(),
        needs_rebuild: None,
        indexes: schema.indexes_of(&old.name).cloned().collect(),
        triggers: schema.triggers_on(&old.name).cloned().collect(),
        key_change: None,
        rowid_acks: Vec::new(),
    };
    let expected = render::table_objects(schema, &old);
    let mut schema_after = schema.clone();
    for change in &b.changes {
        match change {
            Change::AddColumn(def) => add_column(schema, &mut work, def, diags),
            Change::DropColumn(name) => drop_column(schema, &mut work, name, diags),
            Change::RenameColumn { from, to } => {
                rename_column(&mut schema_after, &mut work, from, to, diags)
            }
            Change::AlterColumn { column, alter } => alter_column(&mut work, column, alter, diags),
            Change::AddConstraint(k) => add_constraint(schema, &mut work, k, diags),
            Change::DropConstraint(name) => drop_constraint(schema, &mut work, name, diags),
            Change::RowidAlias { begins, at } => work.rowid_acks.push((*begins, *at)),
        }
        // The finer cases are decided where the change is checked.
        if matches!(
            change,
            Change::AddColumn(_)
                | Change::DropColumn(_)
                | Change::RenameColumn { .. }
                | Change::AddConstraint(_)
        ) {
            work.edit_blocked = true;
        }
        if matches!(
            change,
            Change::AddColumn(_)
                | Change::AddConstraint(_)
                | Change::DropConstraint(_)
                | Change::AlterColumn {
                    alter: ColumnAlter::Type(..),
                    ..
                }
        ) {
            work.key_change = Some(change_at(change, b.at));
        }
    }
    check_single_primary_key(&work.table, diags);
    check_rowid_alias(&old, &work, b.at, diags);
    if diags.len() > before {
        return Vec::new();
    }
    let editable = work.in_place && !work.edit_blocked && !b.changes.is_empty();
    let rebuild = match b.recreate {
        Recreate::Always => true,
        Recreate::Auto => work.needs_rebuild.is_some() && !editable,
        Recreate::Never => {
            if let Some((at, why)) = &work.needs_rebuild {
                diags.error_help(
                    *at,
                    format!("SQLite's ALTER TABLE cannot do this: {why}"),
                    format!(
                        "write it in a block that rebuilds the table: `batch alter table {} {{ … }}`",
                        old.name
                    ),
                );
                return Vec::new();
            }
            false
        }
    };
    let needs = work
        .plain
        .iter()
        .filter_map(|s| match s {
            InPlaceStep::Execute(st) => needs::of_sql(&st.sql),
            _ => None,
        })
        .map(|n| n.version)
        .max()
        .unwrap_or(0);
    let steps = if rebuild {
        vec![Step::Rebuild(plan(&old, &work, expected, operation))]
    } else if b.recreate == Recreate::Auto && (needs > needs::BASELINE.version || editable) {
        // In place where the linked SQLite (or connection) can, by a
        // rebuild elsewhere.
        let native = work.needs_rebuild.is_none().then(|| NativeAlter {
            needs,
            steps: Cow::Owned(work.plain.clone()),
        });
        let edit = editable.then(|| definition_edit(&work));
        let fallback = plan(&old, &work, expected, operation.clone());
        vec![Step::AlterInPlace(AlterInPlace {
            native,
            edit,
            fallback,
        })]
    } else {
        // SQLite makes every change with ALTER TABLE: no rebuild.
        work.plain
            .iter()
            .cloned()
            .filter_map(|s| match s {
                InPlaceStep::Execute(st) => Some(Step::Execute(st)),
                _ => None,
            })
            .collect()
    };
    // Other tables' foreign keys followed the renames (as SQLite's RENAME
    // COLUMN makes them do).
    *schema = schema_after;
    schema.indexes.retain(|i| !same_name(&i.table, &old.name));
    schema.indexes.extend(work.indexes);
    if let Some(t) = schema.table_mut(&old.name) {
        *t = work.table;
    }
    steps
}

/// The block's change as an edit of the table's definition.
fn definition_edit(work: &Work) -> DefinitionEdit {
    let table = &work.table;
    let probe = (!work.defaults_changed.is_empty()).then(|| {
        let mut probing = table.clone();
        for col in &mut probing.columns {
            if work
                .defaults_changed
                .iter()
                .any(|c| same_name(c, &col.name))
            {
                col.default = Some(crate::expr::SqlExpr::raw(PROBE_DEFAULT));
            }
        }
        let reads = work
            .defaults_changed
            .iter()
            .map(|c| format!("{} IS {PROBE_DEFAULT}", sql::ident(c)))
            .collect::<Vec<_>>()
            .join(" OR ");
        DefaultProbe {
            sql: Cow::Owned(render::create_table(&probing, &table.name)),
            exists_sql: Cow::Owned(format!(
                "SELECT EXISTS (SELECT 1 FROM {} NOT INDEXED WHERE {reads})",
                sql::ident(&table.name)
            )),
        }
    });
    DefinitionEdit {
        sql: Cow::Owned(render::create_table(table, &table.name)),
        probe,
    }
}

impl Work {
    /// Adds a plain `ALTER TABLE` statement of the block.
    fn push_sql(&mut self, sql: String) {
        self.plain.push(InPlaceStep::Execute(Statement {
            operation: Cow::Owned(self.operation.clone()),
            table: Cow::Owned(self.table.name.clone()),
            sql: Cow::Owned(sql),
        }));
    }
}

/// Where a change was written.
fn change_at(change: &Change, block: Loc) -> Loc {
    match change {
        Change::AddColumn(def) => def.name.at,
        Change::AddConstraint(k) => k.at,
        Change::DropConstraint(n) | Change::DropColumn(n) => n.at,
        Change::RenameColumn { from, .. } => from.at,
        Change::AlterColumn { column, .. } => column.at,
        Change::RowidAlias { at, .. } => *at,
    }
    .or(block)
}

/// A column stops or starts aliasing the rowid only when the block says so:
/// it changes what rowids are and what an insert without the column stores
/// (NULL in an ordinary column, a fresh rowid in an alias).
fn check_rowid_alias(old: &Table, work: &Work, block: Loc, diags: &mut Diagnostics) {
    let old_alias = old
        .rowid_alias()
        .and_then(|c| old.column_index(&c.name))
        .map(|i| work.live[i].clone());
    let new_alias = work.table.rowid_alias().map(|c| {
        let source = work
            .table
            .column_index(&c.name)
            .and_then(|j| work.sources[j].clone());
        (c.name.clone(), source)
    });
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => same_name(a, b),
        _ => false,
    };
    let new_source = new_alias.as_ref().and_then(|(_, s)| s.clone());
    // The old alias still a column of the new table, but no longer the alias.
    let ends = old_alias.as_ref().filter(|live| {
        !same(&Some((*live).clone()), &new_source)
            && work
                .sources
                .iter()
                .any(|s| s.as_deref().is_some_and(|s| same_name(s, live)))
    });
    let begins = new_alias
        .as_ref()
        .filter(|(_, source)| !same(source, &old_alias));
    let at = work.key_change.unwrap_or(block);
    let acked = |b: bool| work.rowid_acks.iter().any(|(x, _)| *x == b);
    if let Some(column) = ends {
        if !acked(false) {
            diags.error_help(
                at,
                format!(
                    "this makes column `{column}` of table `{}` stop aliasing the rowid: it becomes an ordinary column, and a later insert that omits it stores NULL instead of a new rowid",
                    old.name
                ),
                "a rowid alias is a column declared exactly `integer primary key`; keep that declaration, or if this is intended write `rowid alias ends;` in this block (the copy keeps every rowid)",
            );
        }
    }
    if let Some((column, _)) = begins {
        if !acked(true) {
            diags.error_help(
                at,
                format!(
                    "this makes column `{column}` of table `{}` the rowid alias: its values become the rows' rowids, and a later insert that omits it gets a new rowid",
                    old.name
                ),
                "if this is intended write `rowid alias begins;` in this block; otherwise do not declare the column exactly `integer primary key`",
            );
        }
    }
    for (b, at) in &work.rowid_acks {
        let happens = if *b { begins.is_some() } else { ends.is_some() };
        if !happens {
            let what = if *b { "begins" } else { "ends" };
            diags.error_help(
                *at,
                format!(
                    "no rowid alias {what} in this block on table `{}`",
                    old.name
                ),
                "remove this line: it only acknowledges a change that turns a column into the rowid alias (`begins`) or back (`ends`)",
            );
        }
    }
}

/// A new column is NULL in every existing row unless it has a default, so a
/// NOT NULL column without one fails on any table that has rows.
fn add_column(schema: &Schema, work: &mut Work, def: &ColumnDef, diags: &mut Diagnostics) {
    if work.table.column(&def.name.text).is_some() {
        diags.error_help(
            def.name.at,
            format!(
                "table `{}` already has a column `{}`",
                work.table.name, def.name
            ),
            "choose another name, or `rename column` the existing one first",
        );
        return;
    }
    if let Some(pk) = def.primary_key() {
        if let Some(existing) = work.table.primary_key() {
            diags.error_help(
                pk,
                format!(
                    "table `{}` already has a primary key ({})",
                    work.table.name,
                    existing
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "a table has one primary key; add this column with `unique` instead",
            );
            return;
        }
    }
    check_strict_type(&work.table, &def.ty, def.ty_at, diags);
    let mut column = plain_column(def, diags);
    column.generated = generated(&work.table, def, diags);
    let needs_default = column.not_null
        && column.default.is_none()
        && column.generated.is_none()
        && def.primary_key().is_none();
    work.table.columns.push(column);
    work.sources.push(None);
    for k in &def.constraints {
        if let Some(c) =
            constraints::column_constraint(schema, &work.table, &def.name.text, k, diags)
        {
            work.table.constraints.push(c);
        }
    }
    match add_needs_rebuild(&work.table, &def.name.text) {
        None => {
            if let Some(col) = work.table.column(&def.name.text) {
                let sql = render::add_column(&work.table, col);
                work.push_sql(sql);
            }
        }
        Some(why) => rebuild_for(work, def.name.at, why),
    }
    if needs_default {
        diags.error_help(
            def.name.at,
            format!("new column `{}` is NOT NULL but has no default", def.name),
            format!(
                "existing rows would hold NULL; add `default (…)`, or add the column nullable, fill it with a `run` hook and then `alter column {} set not null`",
                def.name
            ),
        );
    }
}

/// A column cannot go while something else still uses it: an index, a
/// constraint on other columns, or another table's foreign key.
fn drop_column(schema: &Schema, work: &mut Work, name: &Name, diags: &mut Diagnostics) {
    let Some(pos) = position(&work.table, name, diags) else {
        return;
    };
    let col = work.table.columns[pos].name.clone();
    let mut blocked = |what: String, help: String| {
        diags.error_help(
            name.at,
            format!("cannot drop column `{name}`: {what} uses it"),
            help,
        );
    };
    let generated_user = work
        .table
        .columns
        .iter()
        .find(|c| c.generated.as_ref().is_some_and(|g| g.expr.mentions(&col)));
    if let Some(user) = generated_user {
        blocked(
            format!("generated column `{}`", user.name),
            format!("drop column `{}` first, in this block", user.name),
        );
        return;
    }
    if let Some(ix) = work.indexes.iter().find(|i| i.mentions(&col)) {
        blocked(
            format!("index `{}`", ix.name),
            format!(
                "drop the index first: `drop index {};` before this batch block",
                ix.name
            ),
        );
        return;
    }
    // Constraints written on the column go with it; others must not use it.
    let dependent = work.table.constraints.iter().find(|k| {
        let on_this_column = k.inline.as_deref().is_some_and(|c| same_name(c, &col));
        !on_this_column
            && Table::constraint_columns(k)
                .iter()
                .any(|c| same_name(c, &col))
    });
    if let Some(k) = dependent {
        blocked(
            Table::describe(k),
            format!("drop it first in this block: `drop constraint {};`", k.name),
        );
        return;
    }
    if let Some(d) = schema.user_of_column(&work.table.name, &col) {
        blocked(
            d.to_string(),
            format!("drop the {} first (`drop {} {};`), and create it again after this block if it is still needed", d.kind, d.kind, d.name),
        );
        return;
    }
    if let Some((child, fk)) = schema
        .references_to(&work.table.name)
        .find(|(_, k)| matches!(&k.kind, ConstraintKind::ForeignKey(fk) if fk.ref_columns.iter().any(|c| same_name(c, &col))))
    {
        blocked(
            format!("foreign key `{}` of table `{}`", fk.name, child.name),
            format!("remove that foreign key first (`batch alter table {} {{ drop constraint {}; }}`)", child.name, fk.name),
        );
        return;
    }
    if work.table.columns.len() == 1 {
        diags.error_help(
            name.at,
            format!(
                "cannot drop `{name}`: it is the only column of table `{}`",
                work.table.name
            ),
            "SQLite tables need at least one column",
        );
        return;
    }
    match drop_needs_rebuild(&work.table, &col) {
        None => {
            let sql = render::drop_column(&work.table.name, &col);
            work.push_sql(sql);
        }
        Some(why) => rebuild_for(work, name.at, why),
    }
    // Constraints written on the column go with it.
    work.table
        .constraints
        .retain(|k| !k.inline.as_deref().is_some_and(|c| same_name(c, &col)));
    work.table.columns.remove(pos);
    work.sources.remove(pos);
}

/// Records that a change needs a rebuild (the first reason is reported).
fn rebuild_for(work: &mut Work, at: Loc, why: String) {
    work.needs_rebuild.get_or_insert((at, why));
}

/// Why `ALTER TABLE … ADD COLUMN` cannot add column `name` of `table` as
/// defined (lang_altertable.html, "ALTER TABLE ADD COLUMN"), if it cannot.
fn add_needs_rebuild(table: &Table, name: &str) -> Option<String> {
    let col = table.column(name)?;
    let on_column =
        |k: &&crate::model::Constraint| k.inline.as_deref().is_some_and(|c| same_name(c, name));
    for k in table.constraints.iter().filter(on_column) {
        match &k.kind {
            ConstraintKind::PrimaryKey { .. } => {
                return Some(format!("add a PRIMARY KEY column `{name}`"))
            }
            ConstraintKind::Unique(_) => return Some(format!("add a UNIQUE column `{name}`")),
            // With foreign keys on, SQLite refuses a REFERENCES column whose
            // default is not NULL.
            ConstraintKind::ForeignKey(_) if col.default.as_ref().is_some_and(|d| !d.is_null()) => {
                return Some(format!(
                    "add a REFERENCES column `{name}` with a non-NULL default"
                ))
            }
            _ => {}
        }
    }
    if col.generated.as_ref().is_some_and(|g| g.stored) {
        return Some(format!("add a STORED generated column `{name}`"));
    }
    if let Some(d) = &col.default {
        if !d.is_literal() {
            return Some(format!(
                "add column `{name}` with a default that is not a literal (`{}`)",
                d.to_sql()
            ));
        }
    }
    None
}

/// Why `ALTER TABLE … DROP COLUMN` cannot drop column `name` of `table`, if
/// it cannot (the cases the checker does not refuse outright).
fn drop_needs_rebuild(table: &Table, name: &str) -> Option<String> {
    let uses = |k: &&crate::model::Constraint| {
        Table::constraint_columns(k)
            .iter()
            .any(|c| same_name(c, name))
    };
    table
        .constraints
        .iter()
        .filter(uses)
        .find_map(|k| match &k.kind {
            ConstraintKind::PrimaryKey { .. } => {
                Some(format!("drop column `{name}` of the PRIMARY KEY"))
            }
            ConstraintKind::Unique(_) => Some(format!("drop the UNIQUE column `{name}`")),
            ConstraintKind::ForeignKey(_) => {
                Some(format!("drop column `{name}`, which has a foreign key"))
            }
            ConstraintKind::Check(_) => None,
        })
}

/// A rename keeps the values; SQLite's RENAME COLUMN makes every reference
/// follow, and so does the model.
fn rename_column(
    schema_after: &mut Schema,
    work: &mut Work,
    from: &Name,
    to: &Name,
    diags: &mut Diagnostics,
) {
    let Some(pos) = position(&work.table, from, diags) else {
        return;
    };
    // SQLite rewrites view and trigger bodies on a rename; the model keeps
    // them as written, so a body naming the column must be recreated by hand.
    // (A column added in this block has no users; a live one still has its
    // original name, as a rename of a used column stops here.)
    let user = work.sources[pos]
        .is_some()
        .then(|| schema_after.user_of_column(&work.table.name, &work.table.columns[pos].name))
        .flatten();
    if let Some(d) = user {
        diags.error_help(
            from.at,
            format!("cannot rename column `{from}`: {d} uses it"),
            format!(
                "drop the {} before this block (`drop {} {};`) and create it again after, naming `{to}`",
                d.kind, d.kind, d.name
            ),
        );
        return;
    }
    if let Some(other) = work.table.column_index(&to.text) {
        if other != pos {
            diags.error_help(
                to.at,
                format!("table `{}` already has a column `{to}`", work.table.name),
                "choose another name, or drop or rename the existing column first",
            );
            return;
        }
    }
    let old = std::mem::replace(&mut work.table.columns[pos].name, to.text.clone());
    if let Some(src) = work.sources[pos].clone() {
        // The live column is renamed by ALTER before the rebuild.
        if work
            .live
            .iter()
            .any(|l| same_name(l, &to.text) && !same_name(l, &src))
        {
            diags.error_help(
                to.at,
                format!("`{to}` is still a column of the live table when this rename runs"),
                "renames run before the rebuild; split this block in two: first drop the old column, then rename",
            );
            return;
        }
        work.renames
            .push(render::rename_column(&work.table.name, &src, &to.text));
        for l in &mut work.live {
            if same_name(l, &src) {
                l.clone_from(&to.text);
            }
        }
        work.sources[pos] = Some(to.text.clone());
    }
    // Without a rebuild the statements run in order, so the column has its
    // current name (it may have been added by this block).
    let sql = render::rename_column(&work.table.name, &old, &to.text);
    work.push_sql(sql);
    for k in &mut work.table.constraints {
        rename_in_constraint(&mut k.kind, &mut k.inline, &old, &to.text);
    }
    for c in &mut work.table.columns {
        if let Some(g) = &mut c.generated {
            g.expr.rename(&old, &to.text);
        }
    }
    for ix in &mut work.indexes {
        ix.rename(&old, &to.text);
    }
    let references = |t: &Table| {
        t.constraints.iter().any(|k| {
            matches!(&k.kind, ConstraintKind::ForeignKey(fk) if same_name(&fk.table, &work.table.name))
        })
    };
    for t in schema_after.tables.iter_mut().filter(|t| references(t)) {
        for k in &mut std::sync::Arc::make_mut(t).constraints {
            if let ConstraintKind::ForeignKey(fk) = &mut k.kind {
                if same_name(&fk.table, &work.table.name) {
                    for c in &mut fk.ref_columns {
                        if same_name(c, &old) {
                            c.clone_from(&to.text);
                        }
                    }
                }
            }
        }
    }
}

fn rename_in_constraint(
    kind: &mut ConstraintKind,
    inline: &mut Option<String>,
    from: &str,
    to: &str,
) {
    let rename = |c: &mut String| {
        if same_name(c, from) {
            *c = to.to_owned();
        }
    };
    if let Some(c) = inline {
        rename(c);
    }
    match kind {
        ConstraintKind::PrimaryKey { columns, .. } => {
            columns.iter_mut().for_each(|(c, _)| rename(c))
        }
        ConstraintKind::Unique(cols) => cols.iter_mut().for_each(rename),
        ConstraintKind::Check(e) => e.rename(from, to),
        ConstraintKind::ForeignKey(fk) => fk.columns.iter_mut().for_each(rename),
    }
}

/// A change that changes nothing is almost always aimed at the wrong column.
fn alter_column(work: &mut Work, name: &Name, alter: &ColumnAlter, diags: &mut Diagnostics) {
    let Some(pos) = position(&work.table, name, diags) else {
        return;
    };
    if let ColumnAlter::Type(t, at) = alter {
        check_strict_type(&work.table, t, *at, diags);
    }
    let col = &mut work.table.columns[pos];
    if col.generated.is_some() && matches!(alter, ColumnAlter::SetDefault(_)) {
        diags.error_help(
            name.at,
            format!("generated column `{name}` cannot have a default"),
            "its value always comes from its expression",
        );
        return;
    }
    let redundant = match alter {
        ColumnAlter::DropNotNull if !col.not_null => Some("is already nullable"),
        ColumnAlter::SetNotNull if col.not_null => Some("is already NOT NULL"),
        ColumnAlter::DropDefault if col.default.is_none() => Some("has no default"),
        ColumnAlter::Type(t, _) if col.ty.same(t) => Some("already has this type"),
        ColumnAlter::DropCollate if col.collate.is_none() => Some("has no collation"),
        ColumnAlter::SetCollate(c)
            if col
                .collate
                .as_deref()
                .is_some_and(|x| same_name(x, &c.text)) =>
        {
            Some("already has this collation")
        }
        _ => None,
    };
    if let Some(why) = redundant {
        diags.error_help(
            name.at,
            format!("column `{name}` {why}; this change does nothing"),
            "remove it, or name the column you meant",
        );
        return;
    }
    let table = work.table.name.clone();
    let in_key = work.table.constraints.iter().any(|k| {
        matches!(k.kind, ConstraintKind::PrimaryKey { .. })
            && Table::constraint_columns(k)
                .iter()
                .any(|c| same_name(c, &name.text))
    });
    let col = &mut work.table.columns[pos];
    match alter {
        // In place on SQLite 3.53+ (the NULLs counted first, so the error
        // names the rows), except on a key column.
        // A conflict clause is left to the rebuild: the definition is then
        // ours, whatever SQLite's edit would make of the clause.
        ColumnAlter::DropNotNull | ColumnAlter::SetNotNull
            if work.in_place && !in_key && col.not_null_conflict.is_none() =>
        {
            // Removing NOT NULL is also a safe definition edit; adding it
            // is not (rows may hold NULL).
            work.edit_blocked |= matches!(alter, ColumnAlter::SetNotNull);
            let set = matches!(alter, ColumnAlter::SetNotNull);
            col.not_null = set;
            let column = col.name.clone();
            if set {
                work.plain.push(InPlaceStep::NotNull(NotNullCheck {
                    column: Cow::Owned(column.clone()),
                    count_sql: Cow::Owned(render::null_rows_sql(&sql::ident(&table), &column)),
                }));
            }
            let sql = render::alter_not_null(&table, &column, set);
            work.push_sql(sql);
            return;
        }
        ColumnAlter::DropNotNull => {
            col.not_null = false;
            col.not_null_conflict = None;
        }
        ColumnAlter::SetNotNull => col.not_null = true,
        ColumnAlter::SetDefault(e) => {
            if let Some(d) = exprs::default_expr(e, diags) {
                col.default = Some(d);
            }
        }
        ColumnAlter::DropDefault => col.default = None,
        ColumnAlter::Type(t, _) => col.ty = t.clone(),
        ColumnAlter::SetCollate(c) => col.collate = Some(c.text.clone()),
        ColumnAlter::DropCollate => col.collate = None,
    }
    match alter {
        ColumnAlter::SetDefault(_) | ColumnAlter::DropDefault => {
            let column = col.name.clone();
            if !work.defaults_changed.iter().any(|c| same_name(c, &column)) {
                work.defaults_changed.push(column);
            }
        }
        // A key column's NOT NULL is left to the rebuild, as in place.
        ColumnAlter::DropNotNull if !in_key => {}
        _ => work.edit_blocked = true,
    }
    rebuild_for(
        work,
        name.at,
        format!("change the definition of column `{name}`"),
    );
}

fn add_constraint(schema: &Schema, work: &mut Work, k: &TableConstraint, diags: &mut Diagnostics) {
    if let Some(c) = constraints::table_constraint(schema, &work.table, k, diags) {
        match &c.kind {
            // In place on SQLite 3.53+, the failing rows counted first.
            ConstraintKind::Check(e) if work.in_place => {
                let table = sql::ident(&work.table.name);
                work.plain.push(InPlaceStep::Constraint(ConstraintCheck {
                    constraint: Cow::Owned(Table::describe(&c)),
                    columns: Table::constraint_columns(&c)
                        .into_iter()
                        .map(Cow::Owned)
                        .collect(),
                    count_sql: Cow::Owned(render::failing_check_sql(&table, &e.to_sql())),
                }));
                let sql = render::add_constraint(&work.table, &c);
                work.push_sql(sql);
            }
            _ => rebuild_for(work, k.at, format!("add {}", Table::describe(&c))),
        }
        work.table.constraints.push(c);
    }
}

/// Removing the key a foreign key of another table references would make
/// every write to that table fail with "foreign key mismatch".
fn drop_constraint(schema: &Schema, work: &mut Work, name: &Name, diags: &mut Diagnostics) {
    let Some(pos) = work
        .table
        .constraints
        .iter()
        .position(|c| same_name(&c.name, &name.text))
    else {
        let help = unknown_help(
            "constraint",
            &name.text,
            work.table.constraints.iter().map(|c| c.name.as_str()),
        );
        diags.error_help(
            name.at,
            format!("table `{}` has no constraint `{name}`", work.table.name),
            help,
        );
        return;
    };
    let removed = work.table.constraints.remove(pos);
    let mut after = schema.clone();
    if let Some(t) = after.table_mut(&work.table.name) {
        t.constraints.clone_from(&work.table.constraints);
    }
    after
        .indexes
        .retain(|i| !same_name(&i.table, &work.table.name));
    after.indexes.extend(work.indexes.iter().cloned());
    let broken = schema
        .references_to(&work.table.name)
        .find(|(_, k)| match &k.kind {
            ConstraintKind::ForeignKey(fk) => after
                .table(&work.table.name)
                .is_some_and(|t| !after.is_parent_key(t, &fk.ref_columns)),
            _ => false,
        });
    if let Some((child, fk)) = broken {
        diags.error_help(
            name.at,
            format!(
                "cannot drop constraint `{}`: foreign key `{}` of table `{}` relies on it",
                removed.name, fk.name, child.name
            ),
            "a foreign key's parent columns must stay the primary key or UNIQUE; change or drop that foreign key first",
        );
        return;
    }
    // Removing a CHECK or FOREIGN KEY is a safe definition edit; a key
    // takes its index with it.
    work.edit_blocked |= !matches!(
        removed.kind,
        ConstraintKind::Check(_) | ConstraintKind::ForeignKey(_)
    );
    // In place on SQLite 3.53+ when the SQL names it (a generated name
    // lives in the model only).
    if work.in_place && removed.explicit && matches!(removed.kind, ConstraintKind::Check(_)) {
        let sql = render::drop_constraint(&work.table.name, &removed.name);
        work.push_sql(sql);
        return;
    }
    rebuild_for(work, name.at, format!("drop {}", Table::describe(&removed)));
}

fn position(table: &Table, name: &Name, diags: &mut Diagnostics) -> Option<usize> {
    find_column(table, name, diags)?;
    table.column_index(&name.text)
}

/// Constraints of the new table the old one did not guarantee, each with
/// a query counting the rows that violate it, run before the copy.
///
/// A key (UNIQUE, PRIMARY KEY) is guaranteed when it contains an old key or
/// the old rowid alias; a CHECK when the old table had the same one. Keys
/// over new columns, and CHECKs over new columns or columns whose type or
/// collation changes (the copy converts values first), are left to SQLite's
/// own error.
fn constraint_checks(old: &Table, work: &Work) -> Vec<ConstraintCheck> {
    let live = |name: &str| {
        old.column_index(name)
            .map(|i| work.live[i].to_ascii_lowercase())
    };
    let key = |c: &Constraint| -> Option<Vec<String>> {
        match &c.kind {
            ConstraintKind::Unique(cols) => Some(cols.clone()),
            ConstraintKind::PrimaryKey { columns, .. } => {
                Some(columns.iter().map(|(c, _)| c.clone()).collect())
            }
            _ => None,
        }
    };
    let mut old_keys: Vec<Vec<String>> = old
        .constraints
        .iter()
        .filter_map(key)
        .filter_map(|k| k.iter().map(|c| live(c)).collect())
        .collect();
    if let Some(alias) = old.rowid_alias() {
        old_keys.extend(live(&alias.name).map(|c| vec![c]));
    }
    let old_checks: Vec<String> = old
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::Check(e) => Some(e.to_sql()),
            _ => None,
        })
        .collect();
    let new = &work.table;
    let source = |name: &str| new.column_index(name).and_then(|i| work.sources[i].clone());
    let table = sql::ident(&old.name);
    let mut checks = Vec::new();
    for c in &new.constraints {
        let columns = Table::constraint_columns(c);
        let Some(sources) = columns
            .iter()
            .map(|c| source(c))
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        let count_sql = if key(c).is_some() {
            // Values are compared under the new column's collation: a
            // collation the block changes (`b` and `B` under NOCASE) can
            // make an old key no guarantee.
            let collations: Vec<Option<&str>> = columns
                .iter()
                .map(|name| new.column(name).and_then(|col| col.collate.as_deref()))
                .collect();
            let recollated = columns.iter().zip(&sources).any(|(name, src)| {
                let was = work
                    .live
                    .iter()
                    .position(|l| same_name(l, src))
                    .and_then(|i| old.columns.get(i));
                let now = new.column(name);
                now.map(|c| &c.collate) != was.map(|c| &c.collate)
            });
            let lower: Vec<String> = sources.iter().map(|s| s.to_ascii_lowercase()).collect();
            if !recollated && old_keys.iter().any(|k| k.iter().all(|c| lower.contains(c))) {
                continue;
            }
            let key: Vec<(&str, Option<&str>)> = sources
                .iter()
                .map(String::as_str)
                .zip(collations.iter().copied())
                .collect();
            render::duplicate_rows_sql(&table, &key)
        } else if let ConstraintKind::Check(e) = &c.kind {
            let was = |live: &str| {
                let i = work.live.iter().position(|l| same_name(l, live))?;
                old.columns.get(i)
            };
            let converted = columns.iter().zip(&sources).any(|(name, src)| {
                let (Some(now), Some(was)) = (new.column(name), was(src)) else {
                    return true;
                };
                now.ty.affinity() != was.ty.affinity() || now.collate != was.collate
            });
            let same_names = columns.iter().zip(&sources).all(|(c, s)| same_name(c, s));
            if old_checks.contains(&e.to_sql()) || converted || !same_names {
                continue;
            }
            render::failing_check_sql(&table, &e.to_sql())
        } else {
            continue;
        };
        checks.push(ConstraintCheck {
            constraint: Cow::Owned(Table::describe(c)),
            columns: columns.into_iter().map(Cow::Owned).collect(),
            count_sql: Cow::Owned(count_sql),
        });
    }
    checks
}

/// The rebuild of `old` (as the renames leave it) into `work.table`.
fn plan(old: &Table, work: &Work, expected: Vec<SchemaObject>, operation: String) -> Rebuild {
    let new = &work.table;
    let temp = format!("{TEMP_PREFIX}{}", old.name);
    let mut targets = Vec::new();
    let mut selects = Vec::new();
    // Tables without an `integer primary key` keep a hidden rowid that other
    // data (FTS content tables, application caches) may rely on; it is
    // copied whenever the old table has one to read, also when its alias
    // ends or is dropped.
    let old_rowid = !old.without_rowid && old.column("rowid").is_none();
    if new.copies_rowid() && old_rowid {
        targets.push("rowid".to_owned());
        selects.push("rowid".to_owned());
    }
    // A new column that begins as the rowid alias takes the old rowids.
    let new_alias = new.rowid_alias().map(|c| c.name.clone());
    let mut not_null_checks = Vec::new();
    for (col, source) in new.columns.iter().zip(&work.sources) {
        // A generated column computes its values; SQLite refuses writes to
        // it (docs/REBUILD_CASES.md, case 27).
        if source.is_none() && old_rowid && new_alias.as_deref() == Some(col.name.as_str()) {
            targets.push(sql::ident(&col.name));
            selects.push("rowid".to_owned());
            continue;
        }
        let Some(src) = source.as_ref().filter(|_| col.generated.is_none()) else {
            continue;
        };
        targets.push(sql::ident(&col.name));
        selects.push(sql::ident(src));
        let was_not_null = old
            .columns
            .iter()
            .zip(&work.live)
            .any(|(c, live)| same_name(live, src) && c.not_null);
        if col.not_null && !was_not_null {
            not_null_checks.push(NotNullCheck {
                column: Cow::Owned(col.name.clone()),
                count_sql: Cow::Owned(format!(
                    "SELECT count(*) FROM {} WHERE {} IS NULL",
                    sql::ident(&old.name),
                    sql::ident(src)
                )),
            });
        }
    }
    // A conflict clause on the new table would let the copy skip or
    // replace rows without a word; `OR ABORT` overrides it, so a row the
    // new definition refuses fails the rebuild instead.
    let insert = if new.has_conflict_clause() {
        "INSERT OR ABORT"
    } else {
        "INSERT"
    };
    let copy_sql = format!(
        "{insert} INTO {} ({}) SELECT {} FROM {}",
        sql::ident(&temp),
        targets.join(", "),
        selects.join(", "),
        sql::ident(&old.name)
    );
    let statement = |sql: String| Statement {
        operation: Cow::Owned(operation.clone()),
        table: Cow::Owned(old.name.clone()),
        sql: Cow::Owned(sql),
    };
    // Indexes first, then triggers (step 10 of SQLite's procedure).
    let recreate: Vec<Statement> = work
        .indexes
        .iter()
        .map(|ix| statement(render::create_index(ix)))
        .chain(
            work.triggers
                .iter()
                .map(|t| statement(render::create_trigger(t))),
        )
        .collect();
    Rebuild {
        renames: Cow::Owned(work.renames.iter().cloned().map(Cow::Owned).collect()),
        create_sql: Cow::Owned(render::create_table(new, &temp)),
        copy_sql: Cow::Owned(copy_sql),
        operation: Cow::Owned(operation),
        table: Cow::Owned(old.name.clone()),
        temp_table: Cow::Owned(temp),
        not_null_checks: Cow::Owned(not_null_checks),
        constraint_checks: Cow::Owned(constraint_checks(old, work)),
        expected_objects: Cow::Owned(expected),
        recreate: Cow::Owned(recreate),
        restore_sequence: new.autoincrement() && old.autoincrement(),
    }
}
