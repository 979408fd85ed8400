//! SQL rendering of model objects. Every name is quoted with [`crate::sql`].

use crate::model::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, KeyTarget, Table, Trigger, View,
};
use crate::name::same_name;
use crate::op::{Literal, TriggerEvent};
use crate::plan::ObjectKind;
use crate::sql;

/// `CREATE TABLE "<name>" (…)` for `table`'s complete definition, under
/// `name` (the real name, or the temporary one of a rebuild).
pub fn create_table(table: &Table, name: &str) -> String {
    if let Some(sql) = &table.external {
        return sql.clone();
    }
    let mut parts: Vec<String> = table.columns.iter().map(|c| column_def(table, c)).collect();
    parts.extend(
        table
            .constraints
            .iter()
            .filter(|c| c.inline.is_none())
            .map(table_constraint),
    );
    let mut options = Vec::new();
    if table.strict {
        options.push("STRICT");
    }
    if table.without_rowid {
        options.push("WITHOUT ROWID");
    }
    let options = if options.is_empty() {
        String::new()
    } else {
        format!(" {}", options.join(", "))
    };
    format!(
        "CREATE TABLE {} ({}){options}",
        sql::ident(name),
        parts.join(", ")
    )
}

fn column_def(table: &Table, c: &Column) -> String {
    let mut s = sql::ident(&c.name);
    if !c.ty.is_none() {
        s.push(' ');
        s.push_str(c.ty.as_str());
    }
    let inline = table
        .constraints
        .iter()
        .filter(|k| k.inline.as_deref().is_some_and(|n| same_name(n, &c.name)));
    for k in inline
        .clone()
        .filter(|k| matches!(k.kind, ConstraintKind::PrimaryKey { .. }))
    {
        s.push(' ');
        s.push_str(&inline_constraint(k));
    }
    for k in inline.filter(|k| !matches!(k.kind, ConstraintKind::PrimaryKey { .. })) {
        s.push(' ');
        s.push_str(&inline_constraint(k));
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT ({})", d.to_sql()));
    }
    if let Some(coll) = &c.collate {
        s.push_str(&format!(" COLLATE {}", sql::ident(coll)));
    }
    if let Some(g) = &c.generated {
        let kind = if g.stored { "STORED" } else { "VIRTUAL" };
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {kind}",
            g.expr.to_sql()
        ));
    }
    // Last, where SQLite's `ALTER COLUMN … SET NOT NULL` writes it: the
    // definition then reads the same whichever way the column got it, and
    // `DROP NOT NULL` leaves exactly the definition without it.
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    s
}

/// A constraint written on its column.
fn inline_constraint(k: &Constraint) -> String {
    let body = match &k.kind {
        ConstraintKind::PrimaryKey {
            columns,
            autoincrement,
        } => {
            let mut b = "PRIMARY KEY".to_owned();
            if columns.first().is_some_and(|(_, desc)| *desc) {
                b.push_str(" DESC");
            }
            if *autoincrement {
                b.push_str(" AUTOINCREMENT");
            }
            b
        }
        ConstraintKind::Unique(_) => "UNIQUE".to_owned(),
        ConstraintKind::Check(e) => format!("CHECK ({})", e.to_sql()),
        ConstraintKind::ForeignKey(fk) => references(fk),
    };
    named(k, body)
}

/// `CONSTRAINT "name" <body>` for a name the user wrote. Generated names stay
/// in the model only, so SQLite's messages keep showing the expression
/// ("CHECK constraint failed: length(bar) <= 512").
fn named(k: &Constraint, body: String) -> String {
    if k.explicit {
        format!("CONSTRAINT {} {body}", sql::ident(&k.name))
    } else {
        body
    }
}

/// A constraint written at table level.
fn table_constraint(k: &Constraint) -> String {
    let body = match &k.kind {
        ConstraintKind::PrimaryKey { columns, .. } => {
            let cols: Vec<String> = columns
                .iter()
                .map(|(c, desc)| {
                    if *desc {
                        format!("{} DESC", sql::ident(c))
                    } else {
                        sql::ident(c)
                    }
                })
                .collect();
            format!("PRIMARY KEY ({})", cols.join(", "))
        }
        ConstraintKind::Unique(cols) => format!(
            "UNIQUE ({})",
            sql::ident_list(cols.iter().map(String::as_str))
        ),
        ConstraintKind::Check(e) => format!("CHECK ({})", e.to_sql()),
        ConstraintKind::ForeignKey(fk) => format!(
            "FOREIGN KEY ({}) {}",
            sql::ident_list(fk.columns.iter().map(String::as_str)),
            references(fk)
        ),
    };
    named(k, body)
}

fn references(fk: &ForeignKey) -> String {
    let mut s = format!(
        "REFERENCES {} ({})",
        sql::ident(&fk.table),
        sql::ident_list(fk.ref_columns.iter().map(String::as_str))
    );
    if let Some(a) = fk.on_delete {
        s.push_str(&format!(" ON DELETE {}", a.sql()));
    }
    if let Some(a) = fk.on_update {
        s.push_str(&format!(" ON UPDATE {}", a.sql()));
    }
    if fk.deferred {
        s.push_str(" DEFERRABLE INITIALLY DEFERRED");
    }
    s
}

/// `CREATE [UNIQUE] INDEX "<name>" ON "<table>" (…) [WHERE …]`.
pub fn create_index(index: &Index) -> String {
    let keys: Vec<String> = index
        .keys
        .iter()
        .map(|k| {
            let mut s = match &k.target {
                KeyTarget::Column(c) => sql::ident(c),
                KeyTarget::Expr(e) => format!("({})", e.to_sql()),
            };
            if let Some(c) = &k.collate {
                s.push_str(&format!(" COLLATE {}", sql::ident(c)));
            }
            if k.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let filter = index
        .filter
        .as_ref()
        .map_or_else(String::new, |f| format!(" WHERE {}", f.to_sql()));
    format!(
        "CREATE {}INDEX {} ON {} ({}){filter}",
        if index.unique { "UNIQUE " } else { "" },
        sql::ident(&index.name),
        sql::ident(&index.table),
        keys.join(", ")
    )
}

/// `DROP INDEX "<name>"`.
pub fn drop_index(name: &str) -> String {
    drop(crate::plan::ObjectKind::Index, name)
}

/// A literal as SQL.
pub fn literal(value: &Literal) -> String {
    match value {
        Literal::Null => "NULL".to_owned(),
        Literal::Integer(i) => i.to_string(),
        Literal::Real(r) => r.clone(),
        Literal::Text(t) => sql::string(t),
        Literal::Blob(b) => sql::blob(b),
    }
}

/// `INSERT INTO "<table>" (…) VALUES (…), …`.
pub fn insert(table: &str, columns: &[&str], rows: &[Vec<Literal>]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| {
            let vals: Vec<String> = r.iter().map(literal).collect();
            format!("({})", vals.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        sql::ident(table),
        sql::ident_list(columns.iter().copied()),
        rows.join(", ")
    )
}

/// `DROP TABLE "<name>"`.
pub fn drop_table(name: &str) -> String {
    drop(crate::plan::ObjectKind::Table, name)
}

/// `ALTER TABLE "<from>" RENAME TO "<to>"`.
pub fn rename_table(from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME TO {}",
        sql::ident(from),
        sql::ident(to)
    )
}

/// `ALTER TABLE "<table>" ADD COLUMN <definition of column>`. SQLite splices
/// the definition into the table's SQL after the last column, so the stored
/// text stays what [`create_table`] renders.
pub fn add_column(table: &Table, column: &Column) -> String {
    format!(
        "ALTER TABLE {} ADD COLUMN {}",
        sql::ident(&table.name),
        column_def(table, column)
    )
}

/// `ALTER TABLE "<table>" DROP COLUMN "<column>"`.
pub fn drop_column(table: &str, column: &str) -> String {
    format!(
        "ALTER TABLE {} DROP COLUMN {}",
        sql::ident(table),
        sql::ident(column)
    )
}

/// `ALTER TABLE "<table>" ALTER COLUMN "<column>" SET | DROP NOT NULL`
/// (SQLite 3.53): SQLite appends ` NOT NULL` to the column's definition, or
/// removes it, which is how [`create_table`] renders it.
pub fn alter_not_null(table: &str, column: &str, set: bool) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {} {} NOT NULL",
        sql::ident(table),
        sql::ident(column),
        if set { "SET" } else { "DROP" }
    )
}

/// `ALTER TABLE "<table>" ADD <constraint>` (SQLite 3.53, CHECK only):
/// SQLite appends the constraint to the table's definition as written,
/// which is where [`create_table`] renders a table-level constraint.
pub fn add_constraint(table: &Table, k: &Constraint) -> String {
    format!(
        "ALTER TABLE {} ADD {}",
        sql::ident(&table.name),
        table_constraint(k)
    )
}

/// `ALTER TABLE "<table>" DROP CONSTRAINT "<name>"` (SQLite 3.53): for a
/// constraint whose name is in the table's SQL.
pub fn drop_constraint(table: &str, name: &str) -> String {
    format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        sql::ident(table),
        sql::ident(name)
    )
}

/// Counts the rows of `from` (an already quoted table) where `column` is
/// NULL: what a NOT NULL the change adds would reject.
pub fn null_rows_sql(from: &str, column: &str) -> String {
    format!(
        "SELECT count(*) FROM {from} WHERE {} IS NULL",
        sql::ident(column)
    )
}

/// `ALTER TABLE "<table>" RENAME COLUMN "<from>" TO "<to>"`.
pub fn rename_column(table: &str, from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        sql::ident(table),
        sql::ident(from),
        sql::ident(to)
    )
}

/// `CREATE VIEW "<name>" AS <query>`.
pub fn create_view(view: &View) -> String {
    format!("CREATE VIEW {} AS {}", sql::ident(&view.name), view.query)
}

/// `DROP VIEW "<name>"`.
pub fn drop_view(name: &str) -> String {
    drop(crate::plan::ObjectKind::View, name)
}

/// `CREATE TRIGGER "<name>" <timing> <event> ON "<table>" [WHEN …] BEGIN …; END`.
pub fn create_trigger(trigger: &Trigger) -> String {
    let event = match &trigger.event {
        TriggerEvent::Insert => "INSERT".to_owned(),
        TriggerEvent::Delete => "DELETE".to_owned(),
        TriggerEvent::Update(cols) if cols.is_empty() => "UPDATE".to_owned(),
        TriggerEvent::Update(cols) => {
            format!(
                "UPDATE OF {}",
                sql::ident_list(cols.iter().map(String::as_str))
            )
        }
    };
    let when = trigger
        .when
        .as_ref()
        .map_or_else(String::new, |w| format!(" WHEN {w}"));
    // Every statement of a trigger ends with `;`, the last one included.
    let body = trigger.body.trim_end();
    let end = if body.ends_with(';') { "" } else { ";" };
    format!(
        "CREATE TRIGGER {} {} {event} ON {}{when} BEGIN {body}{end} END",
        sql::ident(&trigger.name),
        trigger.timing.sql(),
        sql::ident(&trigger.table),
    )
}

/// `statement` (`CREATE TABLE …`, `drop index …`: SQL or canonical DSL)
/// with `IF NOT EXISTS` (a create) or `IF EXISTS` (a drop) after the kind of
/// object, in the statement's letter case.
pub fn guarded(statement: &str, create: bool) -> String {
    let lower = statement.to_ascii_lowercase();
    let at = [" table ", " index ", " view ", " trigger "]
        .iter()
        .filter_map(|k| lower.find(k).map(|i| i + k.len()))
        .min();
    let Some(at) = at else {
        return statement.to_owned();
    };
    let guard = if create {
        "if not exists "
    } else {
        "if exists "
    };
    let guard = if statement.starts_with(|c: char| c.is_ascii_uppercase()) {
        guard.to_ascii_uppercase()
    } else {
        guard.to_owned()
    };
    format!("{}{guard}{}", &statement[..at], &statement[at..])
}

/// `DROP <KIND> "<name>"` for a table, index, view or trigger.
pub fn drop(kind: crate::plan::ObjectKind, name: &str) -> String {
    format!(
        "DROP {} {}",
        kind.as_str().to_ascii_uppercase(),
        sql::ident(name)
    )
}

/// `DROP TRIGGER "<name>"`.
pub fn drop_trigger(name: &str) -> String {
    drop(crate::plan::ObjectKind::Trigger, name)
}

/// A fingerprint of a schema given as (name, SQL) pairs in any order (see
/// [`crate::fingerprint`]). The runtime computes it from `sqlite_schema` to
/// compare a live database with the model.
pub fn schema_fingerprint<'a>(objects: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    crate::fingerprint::Fingerprint::of(objects).hex()
}

/// [`schema_fingerprint`] of the model `schema`. A table made by raw SQL
/// (`sql … creates table`) counts by name only: SQLite stores its `CREATE`
/// statement as the user's SQL wrote it, which the model does not know.
pub fn model_fingerprint(schema: &crate::model::Schema) -> String {
    let objects = schema_objects(schema);
    // `schema_objects` lists the tables first, in `schema.tables` order.
    let external = schema
        .tables
        .iter()
        .map(|t| t.external.is_some())
        .chain(std::iter::repeat(false));
    schema_fingerprint(
        objects
            .iter()
            .zip(external)
            .map(|(o, external)| (&*o.name, if external { "" } else { &*o.sql })),
    )
}

/// Every table, index, view and trigger of `schema` as (name, SQL), in
/// creation order per kind: what `sqlite_schema.sql` holds for them after
/// the history is applied.
pub fn schema_sql(schema: &crate::model::Schema) -> Vec<(String, String)> {
    schema_objects(schema)
        .into_iter()
        .map(|o| (o.name.into_owned(), o.sql.into_owned()))
        .collect()
}

/// [`schema_sql`] with each object's kind.
pub fn schema_objects(schema: &crate::model::Schema) -> Vec<crate::plan::SchemaObject> {
    let tables = schema
        .tables
        .iter()
        .map(|t| schema_object(ObjectKind::Table, &t.name, create_table(t, &t.name)));
    let indexes = schema
        .indexes
        .iter()
        .map(|i| schema_object(ObjectKind::Index, &i.name, create_index(i)));
    let views = schema
        .views
        .iter()
        .map(|v| schema_object(ObjectKind::View, &v.name, create_view(v)));
    let triggers = schema
        .triggers
        .iter()
        .map(|t| schema_object(ObjectKind::Trigger, &t.name, create_trigger(t)));
    tables.chain(indexes).chain(views).chain(triggers).collect()
}

/// The table `table` of `schema` with its indexes and triggers, as
/// `sqlite_schema` holds them (what a rebuild expects to find).
pub fn table_objects(
    schema: &crate::model::Schema,
    table: &crate::model::Table,
) -> Vec<crate::plan::SchemaObject> {
    let indexes = schema
        .indexes_of(&table.name)
        .map(|i| schema_object(ObjectKind::Index, &i.name, create_index(i)));
    let triggers = schema
        .triggers_on(&table.name)
        .map(|t| schema_object(ObjectKind::Trigger, &t.name, create_trigger(t)));
    std::iter::once(schema_object(
        ObjectKind::Table,
        &table.name,
        create_table(table, &table.name),
    ))
    .chain(indexes)
    .chain(triggers)
    .collect()
}

fn schema_object(kind: ObjectKind, name: &str, sql: String) -> crate::plan::SchemaObject {
    crate::plan::SchemaObject {
        kind,
        name: std::borrow::Cow::Owned(name.to_owned()),
        sql: std::borrow::Cow::Owned(sql),
    }
}

/// Counts the rows of `from` (an already quoted table) that share a
/// non-NULL key with another row, comparing each key column under its
/// collation: what a new UNIQUE or PRIMARY KEY would reject.
pub fn duplicate_rows_sql(from: &str, key: &[(&str, Option<&str>)]) -> String {
    let not_null: Vec<String> = key
        .iter()
        .map(|(c, _)| format!("{} IS NOT NULL", sql::ident(c)))
        .collect();
    let group: Vec<String> = key
        .iter()
        .map(|(c, coll)| match coll {
            Some(coll) => format!("{} COLLATE {}", sql::ident(c), sql::ident(coll)),
            None => sql::ident(c),
        })
        .collect();
    format!(
        "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {from} WHERE {} GROUP BY {} HAVING count(*) > 1)",
        not_null.join(" AND "),
        group.join(", "),
    )
}

/// Counts the rows of `from` (an already quoted table) where CHECK `expr`
/// is false.
pub fn failing_check_sql(from: &str, expr: &str) -> String {
    format!("SELECT count(*) FROM {from} WHERE NOT ({expr})")
}

/// Lists the columns of table `table` an UPDATE may set (not generated);
/// the table's name is the query's parameter `?1`.
pub const WRITABLE_COLUMNS_SQL: &str =
    "SELECT name FROM pragma_table_xinfo(?1, 'main') WHERE hidden = 0";

/// Statements that, prepared and never run, make SQLite compile what
/// writing to `target` (an already quoted table or view) involves: the
/// triggers of `events` (`insert`, `delete`, `update`), the defaults and
/// generated columns. `columns` are the ones an UPDATE may set.
pub fn firing_sql(target: &str, events: &[&str], columns: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if events.contains(&"insert") {
        out.push(format!("INSERT INTO {target} DEFAULT VALUES"));
    }
    if events.contains(&"delete") {
        out.push(format!("DELETE FROM {target}"));
    }
    if events.contains(&"update") && !columns.is_empty() {
        let set: Vec<String> = columns
            .iter()
            .map(|c| format!("{0} = {0}", sql::ident(c)))
            .collect();
        out.push(format!("UPDATE {target} SET {}", set.join(", ")));
    }
    out
}
