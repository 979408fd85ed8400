//! Rules for views and triggers.
//!
//! SQLite stores a view's query and a trigger's statements without checking
//! them: a misspelled column fails when the view is queried or the trigger
//! fires. Here every table, view, alias and column they name is resolved
//! against the model, and what they use is recorded so that later drops and
//! renames of it are refused while they still depend on it.

use super::create::{self, check_name_free, find_table};
use super::names::{check_not_reserved, unknown_help};
use crate::body::{self, BodyError, BodyRefs, Output};
use crate::diag::Diagnostics;
use crate::model::{Schema, Trigger, Uses, View, ViewOutput};
use crate::name::same_name;
use crate::op::{CreateTrigger, CreateView, Expr, RawSql, TriggerEvent, TriggerTiming};
use crate::{render, Loc, Name};

/// A name a body can qualify columns with.
#[derive(Clone)]
struct Entry {
    /// The alias, or the object's name.
    key: String,
    /// The table or view behind it (none for functions and CTEs).
    object: Option<String>,
    /// Its columns, when known.
    columns: Option<Vec<String>>,
    /// Columns it has without declaring them (rowid, full-text hidden
    /// columns); a view's are unknown, so none.
    hidden: Vec<String>,
    /// `new` / `old`: only `new.c` reaches them, never a bare `c`.
    qualified_only: bool,
}

impl Entry {
    /// A name whose columns the model does not know (a CTE, a table-valued
    /// function, an unknown table already reported): anything goes.
    fn opaque(key: String) -> Self {
        Entry {
            key,
            object: None,
            columns: None,
            hidden: Vec::new(),
            qualified_only: false,
        }
    }

    /// Whether `name` is one of its undeclared columns.
    fn hidden(&self, name: &str) -> bool {
        self.hidden.iter().any(|h| same_name(h, name))
    }
}

/// Checks `create view` / `replace view`; on success updates the model and
/// returns the statements to run.
pub(super) fn create_view(
    schema: &mut Schema,
    cv: &CreateView,
    revision: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let before = diags.len();
    let previous = if cv.replace {
        let found = schema.view(&cv.name.text).cloned();
        if found.is_none() {
            let help = unknown_help(
                "view",
                &cv.name.text,
                schema.views.iter().map(|v| v.name.as_str()),
            );
            diags.error_help(
                cv.name.at,
                format!("cannot replace view `{}`: no such view", cv.name),
                format!("{help}; to make a new view write `create view`"),
            );
        }
        found
    } else {
        check_not_reserved("view", &cv.name, diags);
        check_name_free(schema, "view", &cv.name, diags);
        None
    };
    let what = format!("view `{}`", cv.name);
    let (refs, outputs) = match body::parse_query(&cv.query.text) {
        Ok(parsed) => parsed,
        // SQLite's judgement comes later: an opaque view, its columns and
        // uses unknown.
        Err(BodyError::Unreadable(_)) => (BodyRefs::default(), None),
        Err(BodyError::Invalid(msg)) => {
            not_sql(&cv.query, &what, &msg, diags);
            return None;
        }
    };
    let resolved = resolve(schema, &refs, Vec::new(), &what, cv.query.at, diags);
    if diags.len() > before {
        // A new view with a bad name in it still enters the model (its
        // columns unknown), so what reads it later is not a second error.
        if previous.is_none() && schema.object_kind(&cv.name.text).is_none() {
            schema.views.push(View {
                name: cv.name.text.clone(),
                query: query_text(&cv.query.text),
                outputs: None,
                uses: crate::model::Uses::default(),
                defined_at: cv.name.at,
                revision: revision.to_owned(),
            });
        }
        return None;
    }
    let (uses, entries) = resolved?;
    if previous.is_some() && uses.object(&cv.name.text) {
        diags.error_help(
            cv.query.at,
            format!("view `{}` would read itself", cv.name),
            "a view cannot be defined in terms of itself",
        );
        return None;
    }
    let outputs = outputs.map(|list| view_outputs(&list, &entries));
    let view = View {
        name: previous
            .as_ref()
            .map_or_else(|| cv.name.text.clone(), |p| p.name.clone()),
        query: query_text(&cv.query.text),
        outputs,
        uses,
        defined_at: cv.name.at,
        revision: revision.to_owned(),
    };
    let mut sql = Vec::new();
    if let Some(old) = previous {
        check_replacement_keeps_columns(schema, &view, cv.name.at, diags)?;
        schema.views.retain(|v| !same_name(&v.name, &old.name));
        sql.push(render::drop_view(&old.name));
    }
    sql.push(render::create_view(&view));
    // DROP VIEW dropped its INSTEAD OF triggers; the replaced view keeps them.
    sql.extend(schema.triggers_on(&view.name).map(render::create_trigger));
    schema.views.push(view);
    Some(sql)
}

/// A view or trigger that reads column `c` of the replaced view would break
/// if the new query no longer has it.
fn check_replacement_keeps_columns(
    schema: &Schema,
    view: &View,
    at: Loc,
    diags: &mut Diagnostics,
) -> Option<()> {
    let mut after = schema.clone();
    if let Some(v) = after
        .views
        .iter_mut()
        .find(|v| same_name(&v.name, &view.name))
    {
        *v = view.clone();
    }
    let columns = after.columns_of(&view.name)?;
    for d in schema.dependents() {
        let lost =
            d.uses.columns.iter().find(|(t, c)| {
                same_name(t, &view.name) && !columns.iter().any(|n| same_name(n, c))
            });
        if let Some((_, c)) = lost {
            diags.error_help(
                at,
                format!(
                    "the new query of view `{}` has no column `{c}`, which {d} uses",
                    view.name
                ),
                format!("keep `{c}` in the query, or drop the {} first", d.kind),
            );
            return None;
        }
    }
    Some(())
}

/// A view's query without a trailing `;` (it is embedded in `CREATE VIEW`).
fn query_text(text: &str) -> String {
    text.trim().trim_end_matches(';').trim_end().to_owned()
}

fn view_outputs(list: &[Output], entries: &[Entry]) -> Vec<ViewOutput> {
    let all_of = |e: &Entry| {
        e.object
            .clone()
            .map_or(ViewOutput::Unnamed, ViewOutput::AllOf)
    };
    let mut out = Vec::new();
    for o in list {
        match o {
            Output::Named(n) => out.push(ViewOutput::Named(n.clone())),
            Output::Unnamed => out.push(ViewOutput::Unnamed),
            Output::All(None) => out.extend(entries.iter().map(all_of)),
            Output::All(Some(q)) => out.push(
                entries
                    .iter()
                    .find(|e| same_name(&e.key, q))
                    .map_or(ViewOutput::Unnamed, all_of),
            ),
        }
    }
    out
}

/// Checks `drop view`; returns its SQL. Triggers on the view go with it.
pub(super) fn drop_view(
    schema: &mut Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<String> {
    let Some(view) = schema.view(&name.text).map(|v| v.name.clone()) else {
        let help = match schema.object_kind(&name.text) {
            Some(kind) => format!("`{name}` is a {kind}; use `drop {kind}`"),
            None => unknown_help(
                "view",
                &name.text,
                schema.views.iter().map(|v| v.name.as_str()),
            ),
        };
        diags.error_help(name.at, format!("unknown view `{name}`"), help);
        return None;
    };
    if let Some(d) = schema.user_of_object(&view) {
        diags.error_help(
            name.at,
            format!("cannot drop view `{view}`: {d} uses it"),
            format!("drop the {} first: `drop {} {};`", d.kind, d.kind, d.name),
        );
        return None;
    }
    schema.views.retain(|v| !same_name(&v.name, &view));
    schema.triggers.retain(|t| !same_name(&t.table, &view));
    Some(render::drop_view(&view))
}

/// Checks `create trigger`; on success adds it and returns (table, SQL).
pub(super) fn create_trigger(
    schema: &mut Schema,
    ct: &CreateTrigger,
    revision: &str,
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    let before = diags.len();
    check_not_reserved("trigger", &ct.name, diags);
    if let Some(existing) = schema.trigger(&ct.name.text) {
        diags.error_help(
            ct.name.at,
            format!("duplicate trigger `{}`", ct.name),
            format!(
                "trigger `{}` already exists (SQLite compares names case-insensitively); choose another name or drop it first",
                existing.name
            ),
        );
    }
    let (table, columns) = trigger_target(schema, ct, diags)?;
    let mut update_of = Vec::new();
    if let TriggerEvent::Update(cols) = &ct.event {
        for c in cols {
            match columns.iter().find(|n| same_name(n, &c.text)) {
                Some(n) => update_of.push(n.clone()),
                None => diags.error_help(
                    c.at,
                    format!("`{table}` has no column `{c}`"),
                    unknown_help("column", &c.text, columns.iter().map(String::as_str)),
                ),
            }
        }
    }
    let hidden = schema
        .table(&table)
        .map(|t| t.hidden_columns())
        .unwrap_or_default();
    let row = |key: &str| Entry {
        key: key.to_owned(),
        object: Some(table.clone()),
        columns: Some(columns.clone()),
        hidden: hidden.clone(),
        qualified_only: true,
    };
    let rows = || match &ct.event {
        TriggerEvent::Insert => vec![row("new")],
        TriggerEvent::Delete => vec![row("old")],
        TriggerEvent::Update(_) => vec![row("new"), row("old")],
    };
    let what = format!("trigger `{}`", ct.name);
    let mut uses = Uses::default();
    uses.columns
        .extend(update_of.iter().map(|c| (table.clone(), c.clone())));
    if let Some(when) = &ct.when {
        match body::parse_condition(&when.text) {
            Ok(refs) => {
                if let Some((u, _)) = resolve(schema, &refs, rows(), &what, when.at, diags) {
                    merge(&mut uses, u);
                }
            }
            Err(BodyError::Unreadable(_)) => {}
            Err(BodyError::Invalid(msg)) => {
                not_sql(when, &format!("the WHEN of {what}"), &msg, diags)
            }
        }
    }
    match body::parse_statements(&ct.body.text) {
        Ok(refs) => {
            if let Some((u, _)) = resolve(schema, &refs, rows(), &what, ct.body.at, diags) {
                merge(&mut uses, u);
            }
        }
        Err(BodyError::Unreadable(_)) => {}
        Err(BodyError::Invalid(msg)) => not_sql(&ct.body, &what, &msg, diags),
    }
    if diags.len() > before {
        return None;
    }
    let trigger = Trigger {
        name: ct.name.text.clone(),
        table: table.clone(),
        timing: ct.timing,
        event: match &ct.event {
            TriggerEvent::Insert => TriggerEvent::Insert,
            TriggerEvent::Delete => TriggerEvent::Delete,
            TriggerEvent::Update(_) => TriggerEvent::Update(update_of),
        },
        when: ct.when.as_ref().map(|w| w.text.trim().to_owned()),
        body: ct.body.text.trim().to_owned(),
        uses,
        defined_at: ct.name.at,
        revision: revision.to_owned(),
    };
    let sql = render::create_trigger(&trigger);
    schema.triggers.push(trigger);
    Some((table, sql))
}

/// The trigger's table (or, for `instead of`, view) and its columns.
/// SQLite allows BEFORE/AFTER triggers only on tables and INSTEAD OF only on
/// views.
fn trigger_target(
    schema: &Schema,
    ct: &CreateTrigger,
    diags: &mut Diagnostics,
) -> Option<(String, Vec<String>)> {
    let on_view = ct.timing == TriggerTiming::InsteadOf;
    if on_view {
        let Some(view) = schema.view(&ct.table.text) else {
            if schema.table(&ct.table.text).is_some() {
                diags.error_help(
                    ct.table.at,
                    format!("`{}` is a table", ct.table),
                    "`instead of` triggers are for views; on a table use `before` or `after`",
                );
            } else {
                let help = unknown_help(
                    "view",
                    &ct.table.text,
                    schema.views.iter().map(|v| v.name.as_str()),
                );
                diags.error_help(ct.table.at, format!("unknown view `{}`", ct.table), help);
            }
            return None;
        };
        return Some((
            view.name.clone(),
            schema.columns_of(&view.name).unwrap_or_default(),
        ));
    }
    if schema.view(&ct.table.text).is_some() {
        diags.error_help(
            ct.table.at,
            format!("`{}` is a view", ct.table),
            "a trigger on a view must be `instead of`; SQLite refuses `before` and `after` on views",
        );
        return None;
    }
    let table = find_table(schema, &ct.table, diags)?;
    if create::refuse_virtual(table, &ct.table, "a trigger", diags) {
        return None;
    }
    Some((
        table.name.clone(),
        table.columns.iter().map(|c| c.name.clone()).collect(),
    ))
}

/// Checks `drop trigger`; returns (table, SQL).
pub(super) fn drop_trigger(
    schema: &mut Schema,
    name: &Name,
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    let Some(pos) = schema
        .triggers
        .iter()
        .position(|t| same_name(&t.name, &name.text))
    else {
        let help = unknown_help(
            "trigger",
            &name.text,
            schema.triggers.iter().map(|t| t.name.as_str()),
        );
        diags.error_help(name.at, format!("unknown trigger `{name}`"), help);
        return None;
    };
    let trigger = schema.triggers.remove(pos);
    Some((trigger.table, render::drop_trigger(&trigger.name)))
}

/// Checks `sql "…" touches (…)`; returns the first table it touches (for
/// errors at run time). SQL the parser reads must be data statements whose
/// tables are all declared, with every column resolved; SQL it cannot read
/// (SQLite has syntax the parser lacks) must at least declare what it
/// touches. At run time the schema is compared before and after, so a
/// schema change the model did not hear of fails the revision.
pub(super) fn raw_sql(
    schema: &mut Schema,
    raw: &RawSql,
    diags: &mut Diagnostics,
) -> Option<String> {
    let before = diags.len();
    let mut declared = Vec::new();
    for t in &raw.touches {
        match schema.relation(&t.text) {
            Some(real) => declared.push(real.to_owned()),
            None => diags.error_help(
                t.at,
                format!("`sql` touches unknown table or view `{t}`"),
                unknown_help("table or view", &t.text, schema.relation_names()),
            ),
        }
    }
    if let Some(creates) = &raw.creates {
        // Schema SQL the checker cannot follow: the run time checks that
        // the declared table, and nothing else, appeared.
        create::creates_table(schema, creates, &raw.sql.text, diags);
        return (diags.len() == before).then(|| creates.name.text.clone());
    }
    match body::parse_data(&raw.sql.text) {
        Ok(Some(refs)) => {
            let resolved = resolve(schema, &refs, Vec::new(), "this `sql`", raw.sql.at, diags);
            // An unknown declared name is already reported; what it was
            // meant to declare would only repeat it.
            let all_declared = declared.len() == raw.touches.len();
            if let Some((uses, _)) = resolved.filter(|_| all_declared) {
                for used in &uses.objects {
                    if !declared.iter().any(|d| same_name(d, used)) {
                        diags.error_help(
                            raw.sql.at,
                            format!("this `sql` uses `{used}`, which it does not declare"),
                            format!(
                                "add it: `touches ({})`",
                                declared
                                    .iter()
                                    .chain([used])
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
            }
        }
        Ok(None) if raw.touches.is_empty() => diags.error_help(
            raw.sql.at,
            "this `sql` cannot be checked, so it must declare what it touches",
            "add `touches (t, …)` naming the tables it reads or writes",
        ),
        Ok(None) => {}
        Err(msg) => diags.error_help(
            raw.sql.at,
            msg,
            "`sql` is for data changes; write schema changes in the DSL so the model knows them",
        ),
    }
    (diags.len() == before).then(|| declared.into_iter().next().unwrap_or_default())
}

fn merge(into: &mut Uses, from: Uses) {
    for o in from.objects {
        if !into.object(&o) {
            into.objects.push(o);
        }
    }
    for (t, c) in from.columns {
        if !into.column(&t, &c) {
            into.columns.push((t, c));
        }
    }
}

fn not_sql(e: &Expr, what: &str, msg: &str, diags: &mut Diagnostics) {
    diags.error_help(
        e.at,
        format!("the SQL of {what} is not allowed: {msg}"),
        "write SQLite SQL inside the string; names that are not plain identifiers go in double quotes",
    );
}

/// Resolves every table, view, alias and column `refs` names; returns what
/// the body uses and the names it could qualify columns with.
fn resolve(
    schema: &Schema,
    refs: &BodyRefs,
    mut entries: Vec<Entry>,
    what: &str,
    at: Loc,
    diags: &mut Diagnostics,
) -> Option<(Uses, Vec<Entry>)> {
    let before = diags.len();
    let is_local = |n: &str| refs.local.iter().any(|l| same_name(l, n));
    let mut uses = Uses::default();
    for r in &refs.relations {
        let key = r.alias.clone().unwrap_or_else(|| r.name.clone());
        if r.function || is_local(&r.name) {
            entries.push(Entry::opaque(key));
            continue;
        }
        let Some(real) = schema.relation(&r.name).map(str::to_owned) else {
            diags.error_help(
                at,
                format!("{what} uses unknown table or view `{}`", r.name),
                unknown_help("table or view", &r.name, schema.relation_names()),
            );
            // Its columns are unknown: no follow-on error for each of them.
            entries.push(Entry::opaque(key));
            continue;
        };
        if !uses.object(&real) {
            uses.objects.push(real.clone());
        }
        entries.push(Entry {
            key: if r.alias.is_some() { key } else { real.clone() },
            columns: schema.columns_of(&real),
            hidden: schema
                .table(&real)
                .map(|t| t.hidden_columns())
                .unwrap_or_default(),
            object: Some(real),
            qualified_only: false,
        });
    }
    for c in &refs.columns {
        match &c.qualifier {
            Some(q) => {
                let Some(e) = entries.iter().find(|e| same_name(&e.key, q)) else {
                    let row = ["new", "old"].iter().any(|r| same_name(r, q));
                    if row && entries.iter().any(|e| e.qualified_only) {
                        diags.error_help(
                            at,
                            format!("`{q}.{}` in {what}: this trigger's event has no `{q}` row", c.name),
                            "INSERT triggers see `new`, DELETE triggers `old`, UPDATE triggers both",
                        );
                    } else if !is_local(q) {
                        let help =
                            unknown_help("qualifier", q, entries.iter().map(|e| e.key.as_str()));
                        diags.error_help(
                            at,
                            format!(
                                "`{q}.{}` in {what}: `{q}` is not a table, view or alias it reads",
                                c.name
                            ),
                            help,
                        );
                    }
                    continue;
                };
                column_of(e, &c.name, what, at, &mut uses, diags);
            }
            None if is_local(&c.name) => {}
            None => {
                let visible: Vec<&Entry> = entries.iter().filter(|e| !e.qualified_only).collect();
                let matching: Vec<&&Entry> = visible
                    .iter()
                    .filter(|e| {
                        e.columns
                            .as_ref()
                            .is_some_and(|cs| cs.iter().any(|n| same_name(n, &c.name)))
                    })
                    .collect();
                for e in &matching {
                    column_of(e, &c.name, what, at, &mut uses, diags);
                }
                let unknown_columns = visible.iter().any(|e| e.columns.is_none());
                let hidden = visible.iter().any(|e| e.hidden(&c.name));
                if matching.is_empty() && !unknown_columns && !hidden {
                    let all: Vec<&str> = visible
                        .iter()
                        .filter_map(|e| e.columns.as_ref())
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    let hint = if entries.iter().any(|e| e.qualified_only) {
                        " (the trigger's row is `new.c` / `old.c`)"
                    } else {
                        ""
                    };
                    diags.error_help(
                        at,
                        format!(
                            "{what} uses column `{}`, which no table it reads has{hint}",
                            c.name
                        ),
                        unknown_help("column", &c.name, all),
                    );
                }
            }
        }
    }
    for (table, column) in &refs.written {
        let Some(e) = entries
            .iter()
            .find(|e| e.object.as_deref().is_some_and(|o| same_name(o, table)))
        else {
            continue;
        };
        column_of(e, column, what, at, &mut uses, diags);
    }
    (diags.len() == before).then_some((uses, entries))
}

/// Checks that `e` has column `name` and records the use.
fn column_of(e: &Entry, name: &str, what: &str, at: Loc, uses: &mut Uses, diags: &mut Diagnostics) {
    let Some(object) = &e.object else { return };
    let Some(columns) = &e.columns else { return };
    match columns.iter().find(|n| same_name(n, name)) {
        Some(real) => {
            if !uses.column(object, real) {
                uses.columns.push((object.clone(), real.clone()));
            }
        }
        None if e.hidden(name) => {}
        None => diags.error_help(
            at,
            format!(
                "{what} uses `{}.{name}`, but `{object}` has no column `{name}`",
                e.key
            ),
            unknown_help("column", name, columns.iter().map(String::as_str)),
        ),
    }
}
