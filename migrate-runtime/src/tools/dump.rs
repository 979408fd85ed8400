//! Adopting an existing database: its schema as `migration!` source.
//!
//! [`dump`] reads `sqlite_schema` and prints one revision that creates
//! every table (with its declared types and constraints), index, view and
//! trigger, and every virtual table as `sql "…" creates table`. Tables come
//! first (a foreign key may name a table created later in the same
//! revision), then virtual tables, indexes, views in dependency order, and
//! triggers. What the DSL cannot state is kept as raw SQL with a comment
//! saying why. The database is then stamped at that revision
//! ([`Dump::stamp_call`]), and later revisions are checked against it.

use crate::error::{Error, ErrorKind};
use crate::sqlite::catalog::{user_objects, Object};
use migrate_dsl_core::ddl::{self, Fragment, TableDef};
use migrate_dsl_core::name::is_plain;
use migrate_dsl_core::op::Conflict;
use migrate_dsl_core::plan::ObjectKind;
use rusqlite::Connection;
use sqlparser::tokenizer::Token;
use std::fmt::Write;

/// The source [`dump`] printed, with what it could not express.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dump {
    /// A whole `migration! { … }` invocation declaring `pub static
    /// MIGRATIONS` with one revision.
    pub source: String,
    /// The id of that revision.
    pub revision: String,
    /// The tables written as `create table` (later revisions can alter
    /// them; the others are raw SQL or virtual).
    pub tables: Vec<String>,
    /// What was kept as raw SQL or left out, and why (also written as
    /// comments in the source).
    pub notes: Vec<String>,
}

impl Dump {
    /// The call that marks the existing database as being at the dumped
    /// revision, without running it.
    pub fn stamp_call(&self) -> String {
        format!("MIGRATIONS.stamp(&mut conn, Some({:?}))?;", self.revision)
    }
}

/// Reads the main schema of `conn` and returns `migration!` source that
/// recreates it as revision `revision`. Only reads. SQLite's own tables,
/// migrate-dsl's history and temporary tables, and the shadow tables of
/// virtual tables are left out.
///
/// ```
/// let conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch(
///     "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(254) NOT NULL UNIQUE);
///      CREATE INDEX users_lower ON users (lower(email));",
/// )?;
/// let dump = migrate_dsl::tools::dump(&conn, "0001_adopted")?;
/// assert!(dump.source.contains("create table users {"));
/// assert!(dump.source.contains("email VARCHAR(254) not null unique,"));
/// assert!(dump.source.contains("create index users_lower on users (lower(email));"));
/// assert_eq!(dump.stamp_call(), r#"MIGRATIONS.stamp(&mut conn, Some("0001_adopted"))?;"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dump(conn: &Connection, revision: &str) -> Result<Dump, Error> {
    let mut objects = user_objects(conn, migrate_dsl_core::DEFAULT_HISTORY_TABLE)?;
    // Other histories' tables and leftovers of interrupted rebuilds.
    objects.retain(|o| !o.name.starts_with("_migrate_"));
    let mut notes = Vec::new();
    let mut tables = Vec::new();
    let mut body = String::new();
    let of = |kind: ObjectKind| objects.iter().filter(move |o| o.kind == kind);
    let virtual_table = |o: &Object| {
        o.sql
            .split_whitespace()
            .take(2)
            .map(str::to_ascii_lowercase)
            .eq(["create", "virtual"])
    };
    for t in of(ObjectKind::Table).filter(|o| !virtual_table(o)) {
        match ddl::parse_table(&t.sql).map(|def| table(&def)) {
            Some(Ok(source)) => {
                body.push_str(&source);
                tables.push(t.name.clone());
            }
            Some(Err(why)) => raw_table(conn, t, &why, &mut body, &mut notes)?,
            None => raw_table(
                conn,
                t,
                "it is not a plain column list",
                &mut body,
                &mut notes,
            )?,
        }
    }
    for t in of(ObjectKind::Table).filter(|o| virtual_table(o)) {
        body.push_str(&creates_table(conn, t)?);
    }
    for i in of(ObjectKind::Index) {
        match ddl::parse_index(&i.sql).and_then(|def| index(&def)) {
            Some(source) => body.push_str(&source),
            None => keep_out(
                i,
                "its keys or WHERE cannot be written as DSL expressions",
                &mut body,
                &mut notes,
            ),
        }
    }
    let views: Vec<&Object> = of(ObjectKind::View).collect();
    for v in in_dependency_order(&views) {
        match ddl::view_query(&v.sql) {
            Some(query) => {
                let _ = writeln!(body, "        create view {} as {query:?};", name(&v.name));
            }
            None => keep_out(
                v,
                "a view with a column list has no DSL form",
                &mut body,
                &mut notes,
            ),
        }
    }
    for t in of(ObjectKind::Trigger) {
        match ddl::parse_trigger(&t.sql) {
            Some(def) => body.push_str(&trigger(&def)),
            None => keep_out(t, "the trigger could not be read", &mut body, &mut notes),
        }
    }
    let source = format!(
        "migrate_dsl::migration! {{\n    /// Adopted from an existing database (`migrate_dsl::tools::dump`).\n    pub static MIGRATIONS;\n\n    revision {revision:?} {{\n{body}    }}\n}}\n"
    );
    Ok(Dump {
        source,
        revision: revision.to_owned(),
        tables,
        notes,
    })
}

/// The visible columns of `table`.
fn columns(conn: &Connection, table: &str) -> Result<Vec<String>, Error> {
    let q = "SELECT name FROM pragma_table_info(?1)";
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(q)?;
        let rows = stmt.query_map([table], |r| r.get(0))?;
        rows.collect()
    };
    run().map_err(|source| {
        Error::from(ErrorKind::Connection {
            action: format!("read the columns of `{table}` ({q})"),
            source,
        })
    })
}

/// A table the DSL cannot state, kept as raw SQL that creates it.
fn raw_table(
    conn: &Connection,
    t: &Object,
    why: &str,
    body: &mut String,
    notes: &mut Vec<String>,
) -> Result<(), Error> {
    let note = format!(
        "table `{}` is created by raw SQL because {why}; the DSL cannot alter it later (rebuild it in a later revision to bring it into the DSL)",
        t.name
    );
    let _ = writeln!(body, "        // {note}");
    body.push_str(&creates_table(conn, t)?);
    notes.push(note);
    Ok(())
}

/// `sql "<its CREATE>" creates table t (<its visible columns>);`
fn creates_table(conn: &Connection, t: &Object) -> Result<String, Error> {
    let columns: Vec<String> = columns(conn, &t.name)?.iter().map(|c| name(c)).collect();
    Ok(format!(
        "        sql {:?}\n            creates table {} ({});\n",
        t.sql,
        name(&t.name),
        columns.join(", ")
    ))
}

/// An object left out, with its SQL in a comment.
fn keep_out(o: &Object, why: &str, body: &mut String, notes: &mut Vec<String>) {
    let note = format!("{} `{}` is left out because {why}", o.kind, o.name);
    let _ = writeln!(body, "        // {note}:");
    for line in o.sql.lines() {
        let _ = writeln!(body, "        //   {line}");
    }
    notes.push(note);
}

/// Words that would start a table constraint where a column name stands.
const AMBIGUOUS: [&str; 5] = ["constraint", "primary", "unique", "check", "foreign"];

/// Rust keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// A name as the DSL writes it: an identifier (raw for a Rust keyword), or
/// a string literal.
fn name(n: &str) -> String {
    if !is_plain(n) || AMBIGUOUS.iter().any(|a| a.eq_ignore_ascii_case(n)) || NOT_RAW.contains(&n) {
        return format!("{n:?}");
    }
    if syn_keyword(n) {
        format!("r#{n}")
    } else {
        n.to_owned()
    }
}

/// Whether `word` is a Rust keyword (strict or reserved, 2021 edition).
fn syn_keyword(word: &str) -> bool {
    const KEYWORDS: [&str; 50] = [
        "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
        "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
        "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
        "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "try", "gen", "union", "raw",
    ];
    KEYWORDS.contains(&word)
}

/// An SQL fragment as DSL expression tokens: identifiers and operators as
/// they are, SQL strings as Rust strings, blobs as byte strings. `None`
/// when a token has no DSL form (a quoted name that is not an identifier,
/// a named parameter).
fn expr(f: &Fragment) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for t in &f.0 {
        out.push(match &t.orig {
            Token::Word(w) => {
                if !is_plain(&w.value) || NOT_RAW.contains(&w.value.as_str()) {
                    return None;
                }
                w.value.clone()
            }
            Token::SingleQuotedString(s) => format!("{s:?}"),
            Token::HexStringLiteral(h) => {
                let bytes: Option<Vec<String>> = (0..h.len())
                    .step_by(2)
                    .map(|i| h.get(i..i + 2).map(|b| format!("\\x{b}")))
                    .collect();
                format!("b\"{}\"", bytes?.concat())
            }
            Token::Number(n, _) => n.clone(),
            Token::Placeholder(p) if p == "?" => p.clone(),
            Token::Placeholder(_) | Token::Char(_) => return None,
            other => other.to_string(),
        });
    }
    // Spaced as people write SQL: `lower(email)`, `(a, b)`.
    let mut s = String::new();
    for (i, tok) in out.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| out[p].as_str());
        let glue = tok == ")"
            || tok == ","
            || prev == Some("(")
            || (tok == "("
                && prev.is_some_and(|p| p.chars().all(|c| c.is_alphanumeric() || c == '_')));
        if i > 0 && !glue {
            s.push(' ');
        }
        s.push_str(tok);
    }
    Some(s)
}

/// `default (…)`: a bare word SQLite reads as a string unless it is one of
/// its constants.
fn default(f: &Fragment) -> Option<String> {
    if let [t] = f.0.as_slice() {
        if let Token::Word(w) = &t.orig {
            let constant = [
                "current_time",
                "current_date",
                "current_timestamp",
                "true",
                "false",
                "null",
            ]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&w.value));
            if !constant {
                return Some(format!("default ({:?})", w.value));
            }
        }
    }
    Some(format!("default ({})", expr(f)?))
}

fn constraint_name(n: &Option<String>) -> String {
    n.as_ref()
        .map_or_else(String::new, |n| format!("constraint {} ", name(n)))
}

fn references(fk: &ddl::ForeignKeyDef) -> String {
    let mut s = format!("references {}", name(&fk.parent));
    if !fk.parent_columns.is_empty() {
        let cols: Vec<String> = fk.parent_columns.iter().map(|c| name(c)).collect();
        let _ = write!(s, " ({})", cols.join(", "));
    }
    for (on, action) in [("delete", &fk.on_delete), ("update", &fk.on_update)] {
        if let Some(a) = action {
            let _ = write!(s, " on {on} {a}");
        }
    }
    if fk.deferred {
        s.push_str(" deferrable initially deferred");
    }
    s
}

/// `create table … { … }`, or why the DSL cannot state the table.
fn table(def: &TableDef) -> Result<String, String> {
    if let Some(u) = def.unsupported.first() {
        return Err(format!("the DSL has no `{u}`"));
    }
    let mut items = Vec::new();
    for c in &def.columns {
        let mut s = name(&c.name);
        if !c.ty.is_empty() {
            let ty = migrate_dsl_core::op::ColumnType::parse(&c.ty)
                .filter(|t| {
                    t.as_str().split(['(', ' ']).next().is_some_and(|w| {
                        w.chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    })
                })
                .ok_or_else(|| format!("its declared type `{}` has no DSL form", c.ty))?;
            let _ = write!(s, " {}", ty.as_str());
        }
        if let Some(pk) = def
            .primary_key
            .as_ref()
            .filter(|k| k.inline && k.columns[0].0 == c.name)
        {
            let _ = write!(s, " {}primary key", constraint_name(&pk.name));
            if pk.columns[0].1 {
                s.push_str(" desc");
            }
            s.push_str(&Conflict::dsl_clause(pk.on_conflict));
            if pk.autoincrement {
                s.push_str(" autoincrement");
            }
        }
        if c.not_null {
            s.push_str(" not null");
            s.push_str(&Conflict::dsl_clause(c.not_null_conflict));
        }
        if let Some(d) = &c.default {
            let d =
                default(d).ok_or_else(|| format!("the default of `{}` has no DSL form", c.name))?;
            let _ = write!(s, " {d}");
        }
        if let Some(coll) = &c.collate {
            let _ = write!(s, " collate {}", name(coll));
        }
        if let Some((g, stored)) = &c.generated {
            let g =
                expr(g).ok_or_else(|| format!("the expression of `{}` has no DSL form", c.name))?;
            let _ = write!(
                s,
                " as ({g}) {}",
                if *stored { "stored" } else { "virtual" }
            );
        }
        for u in def
            .uniques
            .iter()
            .filter(|u| u.inline && u.columns[0].0 == c.name)
        {
            let _ = write!(
                s,
                " {}unique{}",
                constraint_name(&u.name),
                Conflict::dsl_clause(u.on_conflict)
            );
        }
        for k in def
            .checks
            .iter()
            .filter(|k| k.inline.as_deref() == Some(c.name.as_str()))
        {
            let e = expr(&k.expr).ok_or("a CHECK has no DSL form")?;
            let _ = write!(s, " {}check ({e})", constraint_name(&k.name));
        }
        for fk in def
            .foreign_keys
            .iter()
            .filter(|f| f.inline && f.columns[0] == c.name)
        {
            let _ = write!(s, " {}{}", constraint_name(&fk.name), references(fk));
        }
        items.push(s);
    }
    if let Some(pk) = def.primary_key.as_ref().filter(|k| !k.inline) {
        if pk.autoincrement {
            return Err("the DSL has AUTOINCREMENT only on a column's `primary key`".to_owned());
        }
        let cols: Vec<String> = pk
            .columns
            .iter()
            .map(|(c, desc)| {
                if *desc {
                    format!("{} desc", name(c))
                } else {
                    name(c)
                }
            })
            .collect();
        items.push(format!(
            "{}primary key ({}){}",
            constraint_name(&pk.name),
            cols.join(", "),
            Conflict::dsl_clause(pk.on_conflict)
        ));
    }
    for u in def.uniques.iter().filter(|u| !u.inline) {
        if u.columns.iter().any(|(_, desc)| *desc) {
            return Err("the DSL has no DESC in a UNIQUE constraint".to_owned());
        }
        let cols: Vec<String> = u.columns.iter().map(|(c, _)| name(c)).collect();
        items.push(format!(
            "{}unique ({}){}",
            constraint_name(&u.name),
            cols.join(", "),
            Conflict::dsl_clause(u.on_conflict)
        ));
    }
    for k in def.checks.iter().filter(|k| k.inline.is_none()) {
        let e = expr(&k.expr).ok_or("a CHECK has no DSL form")?;
        items.push(format!(
            "{}check ({e}){}",
            constraint_name(&k.name),
            Conflict::dsl_clause(k.on_conflict)
        ));
    }
    for fk in def.foreign_keys.iter().filter(|f| !f.inline) {
        let cols: Vec<String> = fk.columns.iter().map(|c| name(c)).collect();
        items.push(format!(
            "{}foreign key ({}) {}",
            constraint_name(&fk.name),
            cols.join(", "),
            references(fk)
        ));
    }
    let mut s = format!("        create table {} {{\n", name(&def.name));
    for item in items {
        let _ = writeln!(s, "            {item},");
    }
    s.push_str("        }");
    let options: Vec<&str> = [
        (def.without_rowid, " without rowid"),
        (def.strict, " strict"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, o)| *o)
    .collect();
    s.push_str(&options.concat());
    s.push('\n');
    Ok(s)
}

/// `create [unique] index … on … (…) [where …];`
fn index(def: &ddl::IndexDef) -> Option<String> {
    let mut keys = Vec::new();
    for k in &def.keys {
        let mut s = match k.expr.as_column() {
            Some(c) => name(&c),
            None => expr(&k.expr)?,
        };
        if let Some(c) = &k.collate {
            let _ = write!(s, " collate {}", name(c));
        }
        if k.desc {
            s.push_str(" desc");
        }
        keys.push(s);
    }
    let mut s = format!(
        "        create {}index {} on {} ({})",
        if def.unique { "unique " } else { "" },
        name(&def.name),
        name(&def.table),
        keys.join(", ")
    );
    if let Some(f) = &def.filter {
        let _ = write!(s, " where {}", expr(f)?);
    }
    s.push_str(";\n");
    Some(s)
}

fn trigger(def: &ddl::TriggerDef) -> String {
    let event = if def.update_of.is_empty() {
        def.event.clone()
    } else {
        let cols: Vec<String> = def.update_of.iter().map(|c| name(c)).collect();
        format!("{} of {}", def.event, cols.join(", "))
    };
    let mut s = format!(
        "        create trigger {} {} {event} on {}",
        name(&def.name),
        def.timing,
        name(&def.table)
    );
    if let Some(w) = &def.when {
        let _ = write!(s, " when {w:?}");
    }
    let _ = writeln!(s, "\n            as {:?};", def.body);
    s
}

/// Views ordered so each comes after the views its SQL names.
fn in_dependency_order<'a>(views: &[&'a Object]) -> Vec<&'a Object> {
    let mut out: Vec<&Object> = Vec::new();
    let mut left: Vec<&Object> = views.to_vec();
    while !left.is_empty() {
        let ready = left.iter().position(|v| {
            let sql = v.sql.to_ascii_lowercase();
            left.iter()
                .filter(|o| !std::ptr::eq(**o, *v))
                .all(|o| !mentions(&sql, &o.name.to_ascii_lowercase()))
        });
        // A cycle cannot exist in SQLite; a false mention (a column named
        // like a view) keeps the original order.
        let next = ready.unwrap_or(0);
        out.push(left.remove(next));
    }
    out
}

/// Whether `sql` names `word` as a whole word.
fn mentions(sql: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    sql.match_indices(word).any(|(i, _)| {
        let before = sql[..i].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = sql[i + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_ident(c));
        before && after
    })
}
