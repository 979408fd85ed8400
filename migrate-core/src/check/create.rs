//! Rules for `create table`, `create index` and `drop index`.

use super::names::{check_not_reserved, unknown_help};
use super::{constraints, exprs};
use crate::diag::Diagnostics;
use crate::expr::SqlExpr;
use crate::model::{Column, ConstraintKind, Index, IndexKey, KeyTarget, Schema, Table};
use crate::name::same_name;
use crate::op::{
    Affinity, ColumnConstraint, ColumnConstraintKind, ColumnDef, ColumnType, CreateIndex,
    CreateTable, CreatesTable, Generated, IndexTarget, TableConstraintKind,
};
use crate::{render, Loc, Name};
use std::sync::Arc;

/// Checks `create table` and adds the table to the model; returns its SQL.
pub(super) fn create_table(
    schema: &mut Schema,
    ct: &CreateTable,
    diags: &mut Diagnostics,
) -> Option<String> {
    let before = diags.len();
    check_not_reserved("table", &ct.name, diags);
    check_name_free(schema, "table", &ct.name, diags);
    if ct.columns.is_empty() {
        diags.error_help(
            ct.name.at,
            format!("table `{}` has no columns", ct.name),
            "SQLite tables need at least one column",
        );
    }
    check_unique_columns(&ct.columns, diags);
    let mut table = Table {
        name: ct.name.text.clone(),
        columns: Vec::new(),
        constraints: Vec::new(),
        strict: ct.strict.is_some(),
        without_rowid: ct.without_rowid.is_some(),
        external: None,
        defined_at: ct.name.at,
    };
    for def in &ct.columns {
        check_strict_type(&table, &def.ty, def.ty_at, diags);
        table.columns.push(plain_column(def, diags));
    }
    for (i, def) in ct.columns.iter().enumerate() {
        let g = generated(&table, def, diags);
        if let Some(c) = table.columns.get_mut(i) {
            c.generated = g;
        }
    }
    // Foreign keys last, so a self-reference sees every key of the table.
    let is_fk = |k: &ColumnConstraint| matches!(k.kind, ColumnConstraintKind::References(_));
    for pass_fk in [false, true] {
        for def in &ct.columns {
            for k in def.constraints.iter().filter(|k| is_fk(k) == pass_fk) {
                if let Some(c) =
                    constraints::column_constraint(schema, &table, &def.name.text, k, diags)
                {
                    table.constraints.push(c);
                }
            }
        }
        for k in ct
            .constraints
            .iter()
            .filter(|k| matches!(k.kind, TableConstraintKind::ForeignKey { .. }) == pass_fk)
        {
            if let Some(c) = constraints::table_constraint(schema, &table, k, diags) {
                table.constraints.push(c);
            }
        }
    }
    check_single_primary_key(&table, diags);
    if let (Some(at), None) = (ct.without_rowid, table.primary_key()) {
        diags.error_help(
            at,
            format!("`without rowid` table `{}` has no primary key", table.name),
            "a WITHOUT ROWID table needs a `primary key`",
        );
    }
    if diags.len() > before {
        // The table still enters the model with everything that could be
        // understood (a bad CHECK is left out, not the table), so a later
        // reference to it is not a second error for the same mistake.
        if schema.object_kind(&table.name).is_none() {
            schema.tables.push(Arc::new(table));
        }
        return None;
    }
    let sql = render::create_table(&table, &table.name);
    schema.tables.push(Arc::new(table));
    Some(sql)
}

/// The column's own attributes (its constraints come separately).
pub(super) fn plain_column(def: &ColumnDef, diags: &mut Diagnostics) -> Column {
    Column {
        name: def.name.text.clone(),
        ty: def.ty.clone(),
        not_null: def.not_null,
        not_null_conflict: def
            .not_null_conflict
            .filter(|_| def.not_null)
            .map(|(c, _)| c),
        default: def
            .default
            .as_ref()
            .and_then(|e| exprs::default_expr(e, diags)),
        collate: def.collate.as_ref().map(|c| c.text.clone()),
        generated: None,
    }
}

/// A generated column's expression may use the table's other columns, and
/// SQLite refuses a DEFAULT or PRIMARY KEY on it.
pub(super) fn generated(
    table: &Table,
    def: &ColumnDef,
    diags: &mut Diagnostics,
) -> Option<Generated<SqlExpr>> {
    let g = def.generated.as_ref()?;
    if let Some(d) = &def.default {
        diags.error_help(
            d.at,
            format!("generated column `{}` cannot have a default", def.name),
            "its value always comes from its expression; remove `default`",
        );
    }
    if let Some(pk) = def.primary_key() {
        diags.error_help(
            pk,
            format!("generated column `{}` cannot be a primary key", def.name),
            "SQLite refuses generated columns in a PRIMARY KEY; key on a plain column",
        );
    }
    let others: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !same_name(c, &def.name.text))
        .collect();
    let expr = exprs::row_expr(&g.expr, "generated column", &table.name, &others, diags)?;
    Some(Generated {
        expr,
        stored: g.stored,
    })
}

/// STRICT tables accept only INT, INTEGER, REAL, TEXT, BLOB and ANY, and
/// every column must have one of them.
pub(super) fn check_strict_type(table: &Table, ty: &ColumnType, at: Loc, diags: &mut Diagnostics) {
    if !table.strict || ty.allowed_in_strict() {
        return;
    }
    let what = if ty.is_none() {
        "a column without a type".to_owned()
    } else {
        format!("a `{ty}` column")
    };
    let suggestion = match ty.affinity() {
        Affinity::Integer => "`integer`",
        Affinity::Text => "`text`",
        Affinity::Real => "`real`",
        Affinity::Blob => "`blob`",
        Affinity::Numeric => "`integer`, `real` or `any`",
    };
    diags.error_help(
        at,
        format!("`strict` table `{}` cannot have {what}", table.name),
        format!(
            "STRICT tables allow only the types int, integer, real, text, blob and any; write {suggestion}, or drop `strict`"
        ),
    );
}

/// SQLite refuses a table with more than one PRIMARY KEY.
pub(super) fn check_single_primary_key(table: &Table, diags: &mut Diagnostics) {
    let mut keys = table
        .constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }));
    if keys.next().is_some() {
        for extra in keys {
            diags.error_help(
                extra.defined_at,
                format!("table `{}` has more than one primary key", table.name),
                "a table has one primary key; list several columns in one `primary key (a, b)` for a composite key",
            );
        }
    }
}

/// Dropping a table that another table's foreign key references would leave
/// that key pointing nowhere ("foreign key mismatch" on every write).
pub(super) fn drop_table(
    schema: &mut Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<String> {
    let table = find_table(schema, name, diags)?.name.clone();
    if let Some((child, fk)) = schema.references_to(&table).next() {
        diags.error_help(
            name.at,
            format!(
                "cannot drop table `{table}`: foreign key `{}` of table `{}` references it",
                fk.name, child.name
            ),
            format!(
                "drop table `{}` first, or remove its foreign key with `batch alter table {} {{ drop constraint {}; }}`",
                child.name, child.name, fk.name
            ),
        );
        return None;
    }
    if let Some(d) = schema.user_of_object(&table) {
        diags.error_help(
            name.at,
            format!("cannot drop table `{table}`: {d} uses it"),
            format!("drop the {} first: `drop {} {};`", d.kind, d.kind, d.name),
        );
        return None;
    }
    // Its indexes and triggers go with it, as in SQLite.
    schema.tables.retain(|t| !same_name(&t.name, &table));
    schema.indexes.retain(|i| !same_name(&i.table, &table));
    schema.triggers.retain(|t| !same_name(&t.table, &table));
    Some(render::drop_table(&table))
}

/// Renames a table; as SQLite's own RENAME does, indexes and other tables'
/// foreign keys follow.
pub(super) fn rename_table(
    schema: &mut Schema,
    from: &Name,
    to: &Name,
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    let table = find_table(schema, from, diags)?;
    if refuse_external(table, from, "rename", diags) {
        return None;
    }
    let old = table.name.clone();
    let before = diags.len();
    check_not_reserved("table", to, diags);
    if !same_name(&old, &to.text) {
        check_name_free(schema, "table", to, diags);
    }
    if diags.len() > before {
        return None;
    }
    // SQLite rewrites view and trigger bodies on a rename; the model keeps
    // them as written, so a body naming the table must be recreated by hand.
    // The model still takes the new name, so later references to it are
    // not a second error for the same mistake.
    let used = schema.user_of_object(&old).map(|d| {
        diags.error_help(
            from.at,
            format!("cannot rename table `{old}`: {d} uses it"),
            format!(
                "drop the {} before the rename and create it again after, naming `{to}`",
                d.kind
            ),
        );
    });
    for t in &mut schema.triggers {
        if same_name(&t.table, &old) {
            t.table.clone_from(&to.text);
        }
        for (table, _) in &mut t.uses.columns {
            if same_name(table, &old) {
                table.clone_from(&to.text);
            }
        }
    }
    let touched = |t: &Table| {
        same_name(&t.name, &old)
            || t.constraints.iter().any(
                |c| matches!(&c.kind, ConstraintKind::ForeignKey(fk) if same_name(&fk.table, &old)),
            )
    };
    for t in schema.tables.iter_mut().filter(|t| touched(t)) {
        let t = Arc::make_mut(t);
        if same_name(&t.name, &old) {
            t.name.clone_from(&to.text);
        }
        for c in &mut t.constraints {
            if let ConstraintKind::ForeignKey(fk) = &mut c.kind {
                if same_name(&fk.table, &old) {
                    fk.table.clone_from(&to.text);
                }
            }
        }
    }
    for i in &mut schema.indexes {
        if same_name(&i.table, &old) {
            i.table.clone_from(&to.text);
        }
    }
    used.is_none()
        .then(|| (to.text.clone(), render::rename_table(&old, &to.text)))
}

/// Tables, indexes and views share one namespace in SQLite, compared
/// case-insensitively: `Foo` and `foo` collide, and so do a table and an
/// index of the same name.
pub(super) fn check_name_free(schema: &Schema, kind: &str, name: &Name, diags: &mut Diagnostics) {
    if let Some(existing) = schema.object_kind(&name.text) {
        let help = if existing == kind {
            format!("a {existing} with this name already exists (SQLite compares names case-insensitively); choose another name or drop it first")
        } else {
            format!("tables, indexes and views share one namespace in SQLite and a {existing} is already named so; choose another name")
        };
        diags.error_help(name.at, format!("duplicate {kind} `{name}`"), help);
    }
}

/// Two columns with the same name (case-insensitive) are rejected by SQLite.
pub(super) fn check_unique_columns(columns: &[ColumnDef], diags: &mut Diagnostics) {
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].iter().any(|p| p.name.same(&c.name.text)) {
            diags.error_help(
                c.name.at,
                format!("duplicate column `{}`", c.name),
                "column names must be unique within a table (SQLite compares them case-insensitively)",
            );
        }
    }
}

/// A table created by raw SQL is opaque to the DSL beyond its column names:
/// it may be a virtual table, which SQLite cannot rebuild, and its SQL is
/// not the model's to rewrite. Reports `action` on it as an error.
pub(super) fn refuse_external(
    table: &Table,
    name: &Name,
    action: &str,
    diags: &mut Diagnostics,
) -> bool {
    if table.external.is_none() {
        return false;
    }
    diags.error_help(
        name.at,
        format!(
            "table `{}` was created by raw `sql`, so the DSL cannot {action} it",
            table.name
        ),
        "drop it and create it again with `sql \"…\" creates table …`",
    );
    true
}

/// SQLite refuses indexes and triggers on virtual tables; reports `what`
/// on one as an error.
pub(super) fn refuse_virtual(
    table: &Table,
    name: &Name,
    what: &str,
    diags: &mut Diagnostics,
) -> bool {
    if !table.is_virtual() {
        return false;
    }
    diags.error_help(
        name.at,
        format!("`{}` is a virtual table, which cannot have {what}", table.name),
        "SQLite does not allow indexes or triggers on virtual tables; the module (FTS5, R*Tree, …) indexes its own content",
    );
    true
}

/// Checks `sql … creates table t (c, …)` and adds the table, known by its
/// column names only, to the model.
pub(super) fn creates_table(
    schema: &mut Schema,
    creates: &CreatesTable,
    sql: &str,
    diags: &mut Diagnostics,
) {
    let before = diags.len();
    check_not_reserved("table", &creates.name, diags);
    check_name_free(schema, "table", &creates.name, diags);
    for (i, c) in creates.columns.iter().enumerate() {
        if creates.columns[..i].iter().any(|p| p.same(&c.text)) {
            diags.error_help(
                c.at,
                format!("duplicate column `{c}`"),
                "column names must be unique within a table (SQLite compares them case-insensitively)",
            );
        }
    }
    if diags.len() > before {
        return;
    }
    schema.tables.push(Arc::new(Table {
        name: creates.name.text.clone(),
        // Declared without a type, a column has no affinity: BLOB.
        columns: creates
            .columns
            .iter()
            .map(|c| Column {
                name: c.text.clone(),
                ty: ColumnType::NONE,
                not_null: false,
                not_null_conflict: None,
                default: None,
                collate: None,
                generated: None,
            })
            .collect(),
        constraints: Vec::new(),
        strict: false,
        without_rowid: false,
        external: Some(sql.trim().to_owned()),
        defined_at: creates.name.at,
    }));
}

/// Checks `create index` and adds it to the model; returns its SQL.
pub(super) fn create_index(
    schema: &mut Schema,
    ci: &CreateIndex,
    diags: &mut Diagnostics,
) -> Option<String> {
    let before = diags.len();
    check_not_reserved("index", &ci.name, diags);
    check_name_free(schema, "index", &ci.name, diags);
    let table = find_table(schema, &ci.table, diags)?;
    if refuse_virtual(table, &ci.table, "an index", diags) {
        return None;
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let mut keys = Vec::with_capacity(ci.keys.len());
    for (i, key) in ci.keys.iter().enumerate() {
        let target = match &key.target {
            IndexTarget::Column(col) => {
                let Some(c) = find_column(table, col, diags) else {
                    continue;
                };
                let twice = ci.keys[..i]
                    .iter()
                    .any(|p| matches!(&p.target, IndexTarget::Column(n) if n.same(&col.text)));
                if twice {
                    diags.error_help(
                        col.at,
                        format!("column `{col}` appears twice in index `{}`", ci.name),
                        "list each column once",
                    );
                }
                // The table's spelling, so SQL and model agree.
                KeyTarget::Column(c.name.clone())
            }
            IndexTarget::Expr(e) => {
                let Some(expr) = exprs::row_expr(e, "index", &table.name, &names, diags) else {
                    continue;
                };
                KeyTarget::Expr(expr)
            }
        };
        keys.push(IndexKey {
            target,
            collate: key.collate.as_ref().map(|c| c.text.clone()),
            desc: key.desc,
        });
    }
    let filter = ci
        .filter
        .as_ref()
        .and_then(|f| exprs::row_expr(f, "index WHERE", &table.name, &names, diags));
    if diags.len() > before {
        return None;
    }
    let index = Index {
        name: ci.name.text.clone(),
        table: table.name.clone(),
        keys,
        unique: ci.unique,
        filter,
        defined_at: ci.name.at,
    };
    let sql = render::create_index(&index);
    schema.indexes.push(index);
    Some(sql)
}

/// Checks `drop index` and removes it; returns the table and SQL.
pub(super) fn drop_index(
    schema: &mut Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    let Some(pos) = schema
        .indexes
        .iter()
        .position(|i| same_name(&i.name, &name.text))
    else {
        let help = unknown_help(
            "index",
            &name.text,
            schema.indexes.iter().map(|i| i.name.as_str()),
        );
        diags.error_help(name.at, format!("unknown index `{name}`"), help);
        return None;
    };
    let index = schema.indexes.remove(pos);
    Some((index.table, render::drop_index(&index.name)))
}

/// The table `name`, or an "unknown table" error with a suggestion.
pub(super) fn find_table<'s>(
    schema: &'s Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<&'s Table> {
    let found = schema.table(&name.text);
    if found.is_none() {
        let help = unknown_help(
            "table",
            &name.text,
            schema.tables.iter().map(|t| t.name.as_str()),
        );
        diags.error_help(name.at, format!("unknown table `{name}`"), help);
    }
    found
}

/// The column `name` of `table`, or an "unknown column" error.
pub(super) fn find_column<'t>(
    table: &'t Table,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<&'t Column> {
    let found = table.column(&name.text);
    if found.is_none() {
        let help = unknown_help(
            "column",
            &name.text,
            table.columns.iter().map(|c| c.name.as_str()),
        );
        diags.error_help(
            name.at,
            format!("table `{}` has no column `{name}`", table.name),
            help,
        );
    }
    found
}
