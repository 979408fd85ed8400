//! The canonical text of operations: the DSL as the user wrote it, with every
//! difference of whitespace, comments, keyword case and line endings removed.
//!
//! It names operations in run-time errors (`batch alter table foo`) and is
//! what a revision's checksum is computed from, so reformatting a migration
//! never changes its checksum while changing what it does always does.

use crate::op::*;
use crate::render;
use sha2::{Digest, Sha256};
use std::fmt::{self, Write};

/// The checksum of a revision: SHA-256 (hex) of its canonical text.
pub fn checksum(rev: &RevisionDef) -> String {
    checksum_with(rev, &Naming::default())
}

/// [`checksum`] of a revision of a history with naming convention
/// `naming`: a non-default convention is part of it, since the names it
/// gave are in the database.
pub fn checksum_with(rev: &RevisionDef, naming: &Naming) -> String {
    let mut text = String::new();
    let default = Naming::default();
    if (
        &naming.primary_key,
        &naming.unique,
        &naming.check,
        &naming.foreign_key,
    ) != (
        &default.primary_key,
        &default.unique,
        &default.check,
        &default.foreign_key,
    ) {
        let _ = writeln!(
            text,
            "naming {:?} {:?} {:?} {:?}",
            naming.primary_key, naming.unique, naming.check, naming.foreign_key
        );
    }
    let _ = writeln!(text, "revision {:?}", rev.id.text);
    for op in &rev.ops {
        let _ = writeln!(text, "{}", Canonical(op));
    }
    hex(&Sha256::digest(text.as_bytes()))
}

/// The digest of a history up to revision `id` with checksum `checksum`,
/// given the digest up to the revision before it (`""` for the first):
/// SHA-256 (hex) of the three, so one digest covers the id and checksum of
/// every revision up to it, in order. Stored with each history row, it
/// lets one lookup of the newest row verify every applied revision.
pub fn chain_digest(previous: &str, id: &str, checksum: &str) -> String {
    let mut h = Sha256::new();
    for part in [previous, id, checksum] {
        h.update(part.len().to_le_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    text
}

/// A short description of an operation for errors: its canonical text, with
/// a batch block's body elided.
pub fn describe(op: &Op) -> String {
    match op {
        Op::Batch(b) if b.recreate != Recreate::Never => {
            format!("batch alter table {} {{ … }}", name(&b.table.text))
        }
        Op::CreateView(v) => format!(
            "{} view {} as \"…\";",
            if v.replace { "replace" } else { "create" },
            name(&v.name.text)
        ),
        Op::CreateTrigger(t) => format!(
            "create trigger {} {} on {} as \"…\";",
            name(&t.name.text),
            trigger_event(t),
            name(&t.table.text)
        ),
        Op::IfExists(inner) => {
            let create = inner.object().is_some_and(|(create, _, _)| create);
            render::guarded(&describe(inner), create)
        }
        Op::Sql(raw) => {
            let mut text = "sql \"…\"".to_owned();
            raw_sql_effects(&mut text, raw);
            text.push(';');
            text
        }
        other => Canonical(other).to_string(),
    }
}

/// ` touches (…)` and ` creates table t (…)` of a raw `sql`, when declared.
fn raw_sql_effects(text: &mut String, raw: &crate::op::RawSql) {
    if !raw.touches.is_empty() {
        let _ = write!(
            text,
            " touches ({})",
            names(raw.touches.iter().map(|t| &t.text))
        );
    }
    if let Some(c) = &raw.creates {
        let _ = write!(
            text,
            " creates table {} ({})",
            name(&c.name.text),
            names(c.columns.iter().map(|n| &n.text))
        );
    }
}

/// Displays an operation in canonical DSL form.
pub struct Canonical<'a>(pub &'a Op);

fn name(n: &str) -> String {
    if crate::name::is_plain(n) {
        n.to_owned()
    } else {
        format!("{n:?}")
    }
}

fn names(list: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    list.into_iter()
        .map(|n| name(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn target(t: &ForeignKeyTarget) -> String {
    let mut s = format!("references {}", name(&t.table.text));
    if !t.columns.is_empty() {
        let _ = write!(s, " ({})", names(t.columns.iter().map(|c| &c.text)));
    }
    if let Some(a) = t.on_delete {
        let _ = write!(s, " on delete {}", a.sql().to_ascii_lowercase());
    }
    if let Some(a) = t.on_update {
        let _ = write!(s, " on update {}", a.sql().to_ascii_lowercase());
    }
    if t.deferred {
        s.push_str(" deferrable initially deferred");
    }
    s
}

fn constraint_name(n: &Option<crate::Name>) -> String {
    n.as_ref()
        .map_or_else(String::new, |n| format!("constraint {} ", name(&n.text)))
}

fn column(c: &ColumnDef) -> String {
    let mut s = name(&c.name.text);
    if !c.ty.is_none() {
        s.push(' ');
        s.push_str(&c.ty.as_str().to_ascii_lowercase());
    }
    if c.not_null {
        s.push_str(" not null");
        s.push_str(&on_conflict(c.not_null_conflict));
    }
    if let Some(d) = &c.default {
        let _ = write!(s, " default ({})", d.text);
    }
    if let Some(coll) = &c.collate {
        let _ = write!(s, " collate {}", name(&coll.text));
    }
    if let Some(g) = &c.generated {
        let kind = if g.stored { "stored" } else { "virtual" };
        let _ = write!(s, " as ({}) {kind}", g.expr.text);
    }
    for k in &c.constraints {
        let body = match &k.kind {
            ColumnConstraintKind::PrimaryKey {
                desc,
                autoincrement,
            } => format!(
                "primary key{}{}",
                if *desc { " desc" } else { "" },
                if autoincrement.is_some() {
                    " autoincrement"
                } else {
                    ""
                }
            ),
            ColumnConstraintKind::Unique => "unique".to_owned(),
            ColumnConstraintKind::Check(e) => format!("check ({})", e.text),
            ColumnConstraintKind::References(t) => target(t),
        };
        let _ = write!(
            s,
            " {}{body}{}",
            constraint_name(&k.name),
            on_conflict(k.on_conflict)
        );
    }
    s
}

/// ` on conflict <resolution>`, or nothing (so histories without one keep
/// their checksums).
fn on_conflict(c: Option<(Conflict, crate::Loc)>) -> String {
    Conflict::dsl_clause(c.map(|(c, _)| c))
}

fn table_constraint(k: &TableConstraint) -> String {
    let body = match &k.kind {
        TableConstraintKind::PrimaryKey(cols) => format!("primary key ({})", indexed(cols)),
        TableConstraintKind::Unique(cols) => {
            format!("unique ({})", names(cols.iter().map(|c| &c.text)))
        }
        TableConstraintKind::Check(e) => format!("check ({})", e.text),
        TableConstraintKind::ForeignKey { columns, target: t } => format!(
            "foreign key ({}) {}",
            names(columns.iter().map(|c| &c.text)),
            target(t)
        ),
    };
    format!(
        "{}{body}{}",
        constraint_name(&k.name),
        on_conflict(k.on_conflict)
    )
}

fn indexed(cols: &[IndexedColumn]) -> String {
    cols.iter()
        .map(|c| {
            let n = name(&c.name.text);
            if c.desc {
                format!("{n} desc")
            } else {
                n
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn trigger_event(t: &CreateTrigger) -> String {
    let event = match &t.event {
        TriggerEvent::Insert => "insert".to_owned(),
        TriggerEvent::Delete => "delete".to_owned(),
        TriggerEvent::Update(cols) if cols.is_empty() => "update".to_owned(),
        TriggerEvent::Update(cols) => {
            format!("update of {}", names(cols.iter().map(|c| &c.text)))
        }
    };
    format!("{} {event}", t.timing.sql().to_ascii_lowercase())
}

/// SQL text in a string literal, trimmed: bodies differing only in outer
/// whitespace are the same revision.
fn sql_text(text: &str) -> String {
    format!("{:?}", text.trim())
}

fn change(c: &Change) -> String {
    match c {
        Change::AddColumn(def) => format!("add column {};", column(def)),
        Change::DropColumn(n) => format!("drop column {};", name(&n.text)),
        Change::RenameColumn { from, to } => {
            format!("rename column {} to {};", name(&from.text), name(&to.text))
        }
        Change::AddConstraint(k) => format!("add {};", table_constraint(k)),
        Change::DropConstraint(n) => format!("drop constraint {};", name(&n.text)),
        Change::RowidAlias { begins: true, .. } => "rowid alias begins;".to_owned(),
        Change::RowidAlias { begins: false, .. } => "rowid alias ends;".to_owned(),
        Change::AlterColumn { column, alter } => {
            let what = match alter {
                ColumnAlter::DropNotNull => "drop not null".to_owned(),
                ColumnAlter::SetNotNull => "set not null".to_owned(),
                ColumnAlter::SetDefault(e) => format!("set default ({})", e.text),
                ColumnAlter::DropDefault => "drop default".to_owned(),
                ColumnAlter::Type(t, _) => format!("type {}", t.as_str().to_ascii_lowercase()),
                ColumnAlter::SetCollate(c) => format!("set collate {}", name(&c.text)),
                ColumnAlter::DropCollate => "drop collate".to_owned(),
            };
            format!("alter column {} {what};", name(&column.text))
        }
    }
}

impl fmt::Display for Canonical<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Op::CreateTable(t) => {
                let mut parts: Vec<String> = t.columns.iter().map(column).collect();
                parts.extend(t.constraints.iter().map(table_constraint));
                let mut options = Vec::new();
                if t.strict.is_some() {
                    options.push(" strict");
                }
                if t.without_rowid.is_some() {
                    options.push(" without rowid");
                }
                write!(
                    f,
                    "create table {} {{ {} }}{}",
                    name(&t.name.text),
                    parts.join(", "),
                    options.concat()
                )
            }
            Op::DropTable(n) => write!(f, "drop table {};", name(&n.text)),
            Op::RenameTable { from, to } => {
                write!(
                    f,
                    "rename table {} to {};",
                    name(&from.text),
                    name(&to.text)
                )
            }
            Op::CreateIndex(i) => {
                let keys: Vec<String> = i
                    .keys
                    .iter()
                    .map(|k| {
                        let mut s = match &k.target {
                            IndexTarget::Column(c) => name(&c.text),
                            IndexTarget::Expr(e) => format!("({})", e.text),
                        };
                        if let Some(c) = &k.collate {
                            let _ = write!(s, " collate {}", name(&c.text));
                        }
                        if k.desc {
                            s.push_str(" desc");
                        }
                        s
                    })
                    .collect();
                let filter = i
                    .filter
                    .as_ref()
                    .map_or_else(String::new, |f| format!(" where ({})", f.text));
                write!(
                    f,
                    "create {}index {}{} on {} ({}){filter};",
                    if i.unique { "unique " } else { "" },
                    if i.concurrently.is_some() {
                        "concurrently "
                    } else {
                        ""
                    },
                    name(&i.name.text),
                    name(&i.table.text),
                    keys.join(", ")
                )
            }
            Op::DropIndex(n) => write!(f, "drop index {};", name(&n.text)),
            Op::Insert(ins) => {
                let rows: Vec<String> = ins
                    .rows
                    .iter()
                    .map(|r| {
                        let v: Vec<String> = r.values.iter().map(render::literal).collect();
                        format!("({})", v.join(", "))
                    })
                    .collect();
                write!(
                    f,
                    "insert into {} ({}) values {};",
                    name(&ins.table.text),
                    names(ins.columns.iter().map(|c| &c.text)),
                    rows.join(", ")
                )
            }
            Op::Batch(b) => {
                let body: Vec<String> = b.changes.iter().map(change).collect();
                let table = name(&b.table.text);
                match b.recreate {
                    Recreate::Never => write!(f, "alter table {table} {}", body.join(" ")),
                    Recreate::Auto => {
                        write!(f, "batch alter table {table} {{ {} }}", body.join(" "))
                    }
                    Recreate::Always => write!(
                        f,
                        "batch alter table {table} recreate = always {{ {} }}",
                        body.join(" ")
                    ),
                }
            }
            Op::Run(h) => match &h.condition {
                None => write!(f, "run {};", h.path.text),
                Some(c) => write!(
                    f,
                    "run {} {} {:?};",
                    h.path.text,
                    c.keyword(),
                    c.flag().text
                ),
            },
            Op::CreateView(v) => write!(
                f,
                "{} view {} as {};",
                if v.replace { "replace" } else { "create" },
                name(&v.name.text),
                sql_text(&v.query.text)
            ),
            Op::DropView(n) => write!(f, "drop view {};", name(&n.text)),
            Op::CreateTrigger(t) => {
                let when = t
                    .when
                    .as_ref()
                    .map_or_else(String::new, |w| format!(" when {}", sql_text(&w.text)));
                write!(
                    f,
                    "create trigger {} {} on {}{when} as {};",
                    name(&t.name.text),
                    trigger_event(t),
                    name(&t.table.text),
                    sql_text(&t.body.text)
                )
            }
            Op::DropTrigger(n) => write!(f, "drop trigger {};", name(&n.text)),
            Op::IfExists(inner) => {
                let create = inner.object().is_some_and(|(create, _, _)| create);
                f.write_str(&render::guarded(&Canonical(inner).to_string(), create))
            }
            Op::Sql(raw) => {
                let mut text = match &raw.postgres {
                    None => format!("sql {}", sql_text(&raw.sql.text)),
                    Some(pg) => format!(
                        "sql sqlite: {}, postgres: {}",
                        sql_text(&raw.sql.text),
                        sql_text(&pg.text)
                    ),
                };
                raw_sql_effects(&mut text, raw);
                write!(f, "{text};")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Loc, Name};

    fn rev(col: &str, default: &str) -> RevisionDef {
        let mut c = ColumnDef::new(Name::new(col, Loc(3)), ColumnType::TEXT);
        c.default = Some(Expr::new(default, Loc(4)));
        RevisionDef::new(
            Name::new("0001", Loc(1)),
            vec![Op::CreateTable(CreateTable::new(
                Name::new("foo", Loc(2)),
                vec![c],
            ))],
        )
    }

    #[test]
    fn checksum_ignores_locations_but_not_content() {
        let a = checksum(&rev("bar", "'x'"));
        let mut moved = rev("bar", "'x'");
        moved.id.at = Loc(99);
        assert_eq!(a, checksum(&moved));
        assert_ne!(a, checksum(&rev("baz", "'x'")));
        assert_ne!(a, checksum(&rev("bar", "'y'")));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn canonical_text_quotes_only_names_that_need_it() {
        let r = rev("order details", "''");
        assert_eq!(
            Canonical(&r.ops[0]).to_string(),
            "create table foo { \"order details\" text default ('') }"
        );
    }
}
