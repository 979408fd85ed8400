//! Whether two `CREATE` statements mean the same schema object, and if
//! not, the first property in which they differ.
//!
//! A database made by another tool spells the same table differently: a
//! table-level `PRIMARY KEY (id)` for a column-level one, `DEFAULT 0` for
//! `DEFAULT (0)`, `NOT NULL PRIMARY KEY` for `PRIMARY KEY NOT NULL`, other
//! quoting, case and spacing, `((lower(x)))` for `(lower(x))`, `ON UPDATE`
//! before `ON DELETE`, an explicit `NULL`. None of that is a difference.
//! What is compared:
//!
//! - tables: the columns in order (name, declared type, NOT NULL, default,
//!   collation, generated), the primary key, the UNIQUE, CHECK and foreign
//!   key constraints as sets (a constraint's name only where the expected
//!   definition names it), `WITHOUT ROWID` and `STRICT`;
//! - indexes: the table, uniqueness, the keys and the `WHERE`;
//! - views and triggers: their SQL token by token (`same_sql`).
//!
//! Expressions are compared as token sequences with case, quoting, spacing
//! and redundant parentheses (around the whole expression, an identifier, a
//! literal or a call) removed. Conflict clauses (`ON CONFLICT …`) and
//! `MATCH` are not compared.

use crate::same_sql;
use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::fmt::Write;

/// `None` when `expected` and `actual` define the same object; otherwise
/// the first difference, e.g. ``column `bar`: declared type: expected
/// `varchar(512)`, found `text` ``.
///
/// ```
/// use migrate_core::meaning::difference;
///
/// let ours = r#"CREATE TABLE "t" ("id" integer PRIMARY KEY, "n" integer NOT NULL DEFAULT (0))"#;
/// let theirs = "CREATE TABLE t (id INTEGER NOT NULL, n INTEGER DEFAULT 0 NOT NULL, PRIMARY KEY (id))";
/// assert_eq!(difference(ours, theirs), None);
/// let theirs = "create table T ([id] INTEGER primary key, `n` INTEGER default 1)";
/// assert_eq!(difference(ours, theirs), Some("column `n`: NOT NULL: expected yes, found no".into()));
/// ```
pub fn difference(expected: &str, actual: &str) -> Option<String> {
    let (e, a) = (tokens(expected), tokens(actual));
    let kind = |t: &Option<Vec<Tok>>| t.as_deref().and_then(object_kind);
    match (kind(&e), kind(&a), e, a) {
        (Some(Kind::Table), Some(Kind::Table), Some(e), Some(a)) => {
            if let (Some(e), Some(a)) = (table(&e), table(&a)) {
                return compare_tables(&e, &a);
            }
        }
        (Some(Kind::Index), Some(Kind::Index), Some(e), Some(a)) => {
            if let (Some(e), Some(a)) = (index(&e), index(&a)) {
                return compare_indexes(&e, &a);
            }
        }
        _ => {}
    }
    if same_sql::equivalent(expected, actual) {
        None
    } else {
        Some("the definition differs".to_owned())
    }
}

/// A token, normalized: words and identifiers lower case and unquoted,
/// everything else as SQLite would read it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A keyword or identifier (quoted or not), lower case.
    Word(String),
    /// `(`
    Open,
    /// `)`
    Close,
    /// `,`
    Comma,
    /// Any other token, as text.
    Other(String),
}

impl Tok {
    fn is(&self, word: &str) -> bool {
        matches!(self, Tok::Word(w) if w == word)
    }

    fn text(&self) -> String {
        match self {
            Tok::Word(w) => w.clone(),
            Tok::Open => "(".to_owned(),
            Tok::Close => ")".to_owned(),
            Tok::Comma => ",".to_owned(),
            Tok::Other(o) => o.clone(),
        }
    }
}

fn tokens(sql: &str) -> Option<Vec<Tok>> {
    let all = Tokenizer::new(&SQLiteDialect {}, sql).tokenize().ok()?;
    Some(
        all.into_iter()
            .filter_map(|t| match t {
                Token::Whitespace(_) | Token::EOF | Token::SemiColon => None,
                Token::Word(w) => Some(Tok::Word(w.value.to_ascii_lowercase())),
                Token::LParen => Some(Tok::Open),
                Token::RParen => Some(Tok::Close),
                Token::Comma => Some(Tok::Comma),
                other => Some(Tok::Other(other.to_string())),
            })
            .collect(),
    )
}

enum Kind {
    Table,
    Index,
}

fn object_kind(t: &[Tok]) -> Option<Kind> {
    let words: Vec<&Tok> = t.iter().take(4).collect();
    if !words.first()?.is("create") {
        return None;
    }
    for w in &words[1..] {
        if w.is("table") {
            return Some(Kind::Table);
        }
        if w.is("index") {
            return Some(Kind::Index);
        }
        if !(w.is("temp") || w.is("temporary") || w.is("unique")) {
            return None;
        }
    }
    None
}

/// Splits `t` at commas outside parentheses.
fn split_top(t: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, tok) in t.iter().enumerate() {
        match tok {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Comma if depth == 0 => {
                out.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

/// The index of the `)` matching the `(` at `open`.
fn matching(t: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, tok) in t.iter().enumerate().skip(open) {
        match tok {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// An expression for comparison: without redundant parentheses, spaced.
fn expr(t: &[Tok]) -> String {
    let mut t: Vec<Tok> = t.to_vec();
    // Parentheses around the whole expression.
    while t.len() >= 2 && t[0] == Tok::Open && matching(&t, 0) == Some(t.len() - 1) {
        t = t[1..t.len() - 1].to_vec();
    }
    // Parentheses around one token or a call: `(x)`, `(lower(x))`.
    let mut i = 0;
    while i < t.len() {
        let after_word = i > 0 && matches!(t[i - 1], Tok::Word(_));
        if t[i] == Tok::Open && !after_word {
            if let Some(close) = matching(&t, i) {
                let inner = &t[i + 1..close];
                let atom = inner.len() == 1 && !matches!(inner[0], Tok::Open | Tok::Close)
                    || (inner.len() >= 3
                        && matches!(inner[0], Tok::Word(_))
                        && inner[1] == Tok::Open
                        && matching(inner, 1) == Some(inner.len() - 1));
                if atom {
                    t.remove(close);
                    t.remove(i);
                    continue;
                }
            }
        }
        i += 1;
    }
    let mut out = String::new();
    for (i, tok) in t.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&tok.text());
    }
    out
}

#[derive(Debug, Default)]
struct Column {
    name: String,
    ty: String,
    not_null: bool,
    default: Option<String>,
    collate: Option<String>,
    generated: Option<(String, bool)>,
}

#[derive(Debug, PartialEq)]
struct Key {
    name: Option<String>,
    columns: Vec<(String, bool)>,
}

#[derive(Debug, PartialEq)]
struct ForeignKey {
    name: Option<String>,
    columns: Vec<String>,
    parent: String,
    parent_columns: Vec<String>,
    on_delete: String,
    on_update: String,
    deferred: bool,
}

#[derive(Debug, Default)]
struct Table {
    columns: Vec<Column>,
    primary_key: Option<(Key, bool)>,
    uniques: Vec<Key>,
    checks: Vec<(Option<String>, String)>,
    foreign_keys: Vec<ForeignKey>,
    without_rowid: bool,
    strict: bool,
}

impl Table {
    /// Whether SQLite never stores NULL in `column` whatever is written:
    /// the rowid alias (`integer primary key`), or a primary key column of
    /// a WITHOUT ROWID table.
    fn implies_not_null(&self, column: &str) -> bool {
        let Some((key, _)) = &self.primary_key else {
            return false;
        };
        let in_key = key.columns.iter().any(|(c, _)| c == column);
        let alias = key.columns.len() == 1
            && in_key
            && self
                .columns
                .iter()
                .any(|c| c.name == column && c.ty == "integer");
        in_key && (self.without_rowid || alias)
    }
}

const COLUMN_CLAUSES: [&str; 11] = [
    "constraint",
    "primary",
    "not",
    "null",
    "unique",
    "check",
    "default",
    "collate",
    "references",
    "generated",
    "as",
];

fn table(t: &[Tok]) -> Option<Table> {
    let open = t.iter().position(|x| *x == Tok::Open)?;
    let close = matching(t, open)?;
    let mut out = Table::default();
    for item in split_top(&t[open + 1..close]) {
        let first = item.first()?;
        let table_level = first.is("constraint")
            || (first.is("primary") || first.is("foreign"))
                && item.get(1).is_some_and(|k| k.is("key"))
            || (first.is("unique") || first.is("check")) && item.get(1) == Some(&Tok::Open);
        if table_level {
            table_constraint(item, &mut out)?;
        } else {
            column(item, &mut out)?;
        }
    }
    for opt in &t[close + 1..] {
        match opt {
            Tok::Word(w) if w == "strict" => out.strict = true,
            Tok::Word(w) if w == "rowid" => out.without_rowid = true,
            _ => {}
        }
    }
    // SQLite drops NOT NULL nowhere, but a PRIMARY KEY of a WITHOUT ROWID
    // or STRICT table is NOT NULL by itself; keep what was written.
    Some(out)
}

/// `( a [collate x] [asc|desc], … )` at `t[at]`: the names with DESC, and
/// the index after `)`.
fn name_list(t: &[Tok], at: usize) -> Option<(Vec<(String, bool)>, usize)> {
    if t.get(at) != Some(&Tok::Open) {
        return None;
    }
    let close = matching(t, at)?;
    let items = split_top(&t[at + 1..close])
        .into_iter()
        .filter(|i| !i.is_empty())
        .map(|i| {
            let desc = i.last().is_some_and(|l| l.is("desc"));
            (i[0].text(), desc)
        })
        .collect();
    Some((items, close + 1))
}

/// Skips `ON CONFLICT <resolution>` at `t[i]`.
fn skip_conflict(t: &[Tok], i: usize) -> usize {
    if t.get(i).is_some_and(|x| x.is("on")) && t.get(i + 1).is_some_and(|x| x.is("conflict")) {
        i + 3
    } else {
        i
    }
}

/// A DEFAULT value at `t[i]`: `(expr)`, a signed number, a literal or a
/// word; returns it and the index after it.
fn default_value(t: &[Tok], i: usize) -> Option<(String, usize)> {
    match t.get(i)? {
        Tok::Open => {
            let close = matching(t, i)?;
            Some((expr(&t[i..=close]), close + 1))
        }
        Tok::Other(sign) if sign == "+" || sign == "-" => {
            let number = t.get(i + 1)?.text();
            let value = if sign == "-" {
                format!("- {number}")
            } else {
                number
            };
            Some((value, i + 2))
        }
        other => Some((other.text(), i + 1)),
    }
}

/// `REFERENCES parent [(cols)] [actions]` starting at `t[i]` (after the
/// keyword); returns the key and the index after it.
fn references(
    t: &[Tok],
    mut i: usize,
    name: Option<String>,
    columns: Vec<String>,
) -> Option<(ForeignKey, usize)> {
    let parent = t.get(i)?.text();
    i += 1;
    let mut parent_columns = Vec::new();
    if t.get(i) == Some(&Tok::Open) {
        let (cols, next) = name_list(t, i)?;
        parent_columns = cols.into_iter().map(|(c, _)| c).collect();
        i = next;
    }
    let mut fk = ForeignKey {
        name,
        columns,
        parent,
        parent_columns,
        on_delete: "no action".to_owned(),
        on_update: "no action".to_owned(),
        deferred: false,
    };
    loop {
        let word = |k: usize| t.get(k).map(Tok::text).unwrap_or_default();
        match word(i).as_str() {
            "on" => {
                let action = match word(i + 2).as_str() {
                    "set" | "no" => {
                        let a = format!("{} {}", word(i + 2), word(i + 3));
                        (a, i + 4)
                    }
                    a => (a.to_owned(), i + 3),
                };
                if word(i + 1) == "delete" {
                    fk.on_delete = action.0;
                } else {
                    fk.on_update = action.0;
                }
                i = action.1;
            }
            "match" => i += 2,
            "not" if word(i + 1) == "deferrable" => {
                i += 2;
                if word(i) == "initially" {
                    i += 2;
                }
            }
            "deferrable" => {
                fk.deferred = word(i + 1) == "initially" && word(i + 2) == "deferred";
                i += if word(i + 1) == "initially" { 3 } else { 1 };
            }
            _ => return Some((fk, i)),
        }
    }
}

fn column(item: &[Tok], out: &mut Table) -> Option<()> {
    let mut c = Column {
        name: item.first()?.text(),
        ..Column::default()
    };
    let mut i = 1;
    let mut ty = Vec::new();
    while let Some(Tok::Word(w)) = item.get(i) {
        if COLUMN_CLAUSES.contains(&w.as_str()) {
            break;
        }
        ty.push(w.clone());
        i += 1;
    }
    let mut ty = ty.join(" ");
    if !ty.is_empty() && item.get(i) == Some(&Tok::Open) {
        let close = matching(item, i)?;
        let args: Vec<String> = split_top(&item[i + 1..close])
            .into_iter()
            .map(|a| a.iter().map(Tok::text).collect::<String>())
            .collect();
        let _ = write!(ty, "({})", args.join(", "));
        i = close + 1;
    }
    c.ty = ty;
    let mut name = None;
    while i < item.len() {
        let word = item[i].text();
        i += 1;
        match word.as_str() {
            "constraint" => {
                name = Some(item.get(i)?.text());
                i += 1;
                continue;
            }
            "primary" => {
                i += 1; // KEY
                let desc = item.get(i).is_some_and(|x| x.is("desc"));
                if item.get(i).is_some_and(|x| x.is("asc") || x.is("desc")) {
                    i += 1;
                }
                i = skip_conflict(item, i);
                let autoincrement = item.get(i).is_some_and(|x| x.is("autoincrement"));
                if autoincrement {
                    i += 1;
                }
                let key = Key {
                    name: name.take(),
                    columns: vec![(c.name.clone(), desc)],
                };
                out.primary_key = Some((key, autoincrement));
            }
            "not" => {
                i += 1; // NULL
                c.not_null = true;
                i = skip_conflict(item, i);
            }
            "null" => i = skip_conflict(item, i),
            "unique" => {
                i = skip_conflict(item, i);
                out.uniques.push(Key {
                    name: name.take(),
                    columns: vec![(c.name.clone(), false)],
                });
            }
            "check" => {
                let close = matching(item, i)?;
                out.checks.push((name.take(), expr(&item[i..=close])));
                i = close + 1;
            }
            "default" => {
                let (value, next) = default_value(item, i)?;
                c.default = Some(value);
                i = next;
            }
            "collate" => {
                let coll = item.get(i)?.text();
                c.collate = (coll != "binary").then_some(coll);
                i += 1;
            }
            "references" => {
                let (fk, next) = references(item, i, name.take(), vec![c.name.clone()])?;
                out.foreign_keys.push(fk);
                i = next;
            }
            "generated" => i += 1, // ALWAYS; AS follows
            "as" => {
                let close = matching(item, i)?;
                let e = expr(&item[i..=close]);
                i = close + 1;
                let stored = item.get(i).is_some_and(|x| x.is("stored"));
                if item
                    .get(i)
                    .is_some_and(|x| x.is("stored") || x.is("virtual"))
                {
                    i += 1;
                }
                c.generated = Some((e, stored));
            }
            _ => return None,
        }
        name = None;
    }
    out.columns.push(c);
    Some(())
}

fn table_constraint(item: &[Tok], out: &mut Table) -> Option<()> {
    let mut i = 0;
    let mut name = None;
    if item[0].is("constraint") {
        name = Some(item.get(1)?.text());
        i = 2;
    }
    match item.get(i)?.text().as_str() {
        "primary" => {
            let (columns, next) = name_list(item, i + 2)?;
            let next = skip_conflict(item, next);
            let autoincrement = item.get(next).is_some_and(|x| x.is("autoincrement"));
            out.primary_key = Some((Key { name, columns }, autoincrement));
        }
        "unique" => {
            let (columns, _) = name_list(item, i + 1)?;
            out.uniques.push(Key { name, columns });
        }
        "check" => {
            let close = matching(item, i + 1)?;
            out.checks.push((name, expr(&item[i + 1..=close])));
        }
        "foreign" => {
            let (columns, next) = name_list(item, i + 2)?;
            if !item.get(next)?.is("references") {
                return None;
            }
            let columns = columns.into_iter().map(|(c, _)| c).collect();
            out.foreign_keys
                .push(references(item, next + 1, name, columns)?.0);
        }
        _ => return None,
    }
    Some(())
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn shown(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}

fn keys(k: &[(String, bool)]) -> String {
    k.iter()
        .map(|(c, desc)| {
            if *desc {
                format!("{c} desc")
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare_tables(e: &Table, a: &Table) -> Option<String> {
    for (i, ec) in e.columns.iter().enumerate() {
        let Some(ac) = a.columns.get(i) else {
            return Some(format!("column `{}`: expected, not found", ec.name));
        };
        if ec.name != ac.name {
            return Some(format!(
                "column {}: expected `{}`, found `{}`",
                i + 1,
                ec.name,
                ac.name
            ));
        }
        let what = |p: &str, x: String, y: String| {
            Some(format!(
                "column `{}`: {p}: expected {x}, found {y}",
                ec.name
            ))
        };
        if ec.ty != ac.ty {
            return what(
                "declared type",
                format!("`{}`", ec.ty),
                format!("`{}`", ac.ty),
            );
        }
        if ec.not_null != ac.not_null && !e.implies_not_null(&ec.name) {
            return what("NOT NULL", yes(ec.not_null).into(), yes(ac.not_null).into());
        }
        if ec.default != ac.default {
            return what("default", shown(&ec.default), shown(&ac.default));
        }
        if ec.collate != ac.collate {
            return what("collation", shown(&ec.collate), shown(&ac.collate));
        }
        if ec.generated != ac.generated {
            let g = |g: &Option<(String, bool)>| {
                g.as_ref().map_or_else(
                    || "none".to_owned(),
                    |(e, s)| format!("`AS ({e}) {}`", if *s { "STORED" } else { "VIRTUAL" }),
                )
            };
            return what("generated", g(&ec.generated), g(&ac.generated));
        }
    }
    if let Some(extra) = a.columns.get(e.columns.len()) {
        return Some(format!("column `{}`: not expected, found", extra.name));
    }
    let pk = |k: &Option<(Key, bool)>| {
        k.as_ref().map_or_else(
            || "none".to_owned(),
            |(k, auto)| {
                let auto = if *auto { " autoincrement" } else { "" };
                format!("`({}){auto}`", keys(&k.columns))
            },
        )
    };
    let same_key =
        |x: &Key, y: &Key| x.columns == y.columns && (x.name.is_none() || x.name == y.name);
    let same_pk = match (&e.primary_key, &a.primary_key) {
        (None, None) => true,
        (Some((x, xa)), Some((y, ya))) => xa == ya && same_key(x, y),
        _ => false,
    };
    if !same_pk {
        return Some(format!(
            "primary key: expected {}, found {}",
            pk(&e.primary_key),
            pk(&a.primary_key)
        ));
    }
    if let Some(u) = e
        .uniques
        .iter()
        .find(|u| !a.uniques.iter().any(|v| same_key(u, v)))
    {
        return Some(format!(
            "UNIQUE ({}): expected, not found",
            keys(&u.columns)
        ));
    }
    if let Some(u) = a
        .uniques
        .iter()
        .find(|u| !e.uniques.iter().any(|v| v.columns == u.columns))
    {
        return Some(format!(
            "UNIQUE ({}): not expected, found",
            keys(&u.columns)
        ));
    }
    let same_check = |x: &(Option<String>, String), y: &(Option<String>, String)| {
        x.1 == y.1 && (x.0.is_none() || x.0 == y.0)
    };
    if let Some(c) = e
        .checks
        .iter()
        .find(|c| !a.checks.iter().any(|d| same_check(c, d)))
    {
        return Some(format!("CHECK ({}): expected, not found", c.1));
    }
    if let Some(c) = a
        .checks
        .iter()
        .find(|c| !e.checks.iter().any(|d| d.1 == c.1))
    {
        return Some(format!("CHECK ({}): not expected, found", c.1));
    }
    let same_fk = |x: &ForeignKey, y: &ForeignKey| {
        x.columns == y.columns
            && x.parent == y.parent
            && (x.parent_columns.is_empty()
                || y.parent_columns.is_empty()
                || x.parent_columns == y.parent_columns)
            && x.on_delete == y.on_delete
            && x.on_update == y.on_update
            && x.deferred == y.deferred
            && (x.name.is_none() || x.name == y.name)
    };
    let describe = |f: &ForeignKey| {
        format!(
            "foreign key ({}) references {} ({}) on delete {} on update {}{}",
            f.columns.join(", "),
            f.parent,
            f.parent_columns.join(", "),
            f.on_delete,
            f.on_update,
            if f.deferred {
                " deferrable initially deferred"
            } else {
                ""
            }
        )
    };
    if let Some(f) = e
        .foreign_keys
        .iter()
        .find(|f| !a.foreign_keys.iter().any(|g| same_fk(f, g)))
    {
        return Some(format!("{}: expected, not found", describe(f)));
    }
    if let Some(f) = a
        .foreign_keys
        .iter()
        .find(|f| !e.foreign_keys.iter().any(|g| same_fk(g, f)))
    {
        return Some(format!("{}: not expected, found", describe(f)));
    }
    if e.without_rowid != a.without_rowid {
        return Some(format!(
            "WITHOUT ROWID: expected {}, found {}",
            yes(e.without_rowid),
            yes(a.without_rowid)
        ));
    }
    if e.strict != a.strict {
        return Some(format!(
            "STRICT: expected {}, found {}",
            yes(e.strict),
            yes(a.strict)
        ));
    }
    None
}

#[derive(Debug)]
struct Index {
    table: String,
    unique: bool,
    keys: Vec<String>,
    filter: Option<String>,
}

fn index(t: &[Tok]) -> Option<Index> {
    let unique = t.get(1).is_some_and(|x| x.is("unique"));
    let on = t.iter().position(|x| x.is("on"))?;
    let mut table = t.get(on + 1)?.text();
    let mut open = on + 2;
    if t.get(open).is_some_and(|x| *x == Tok::Other(".".into())) {
        table = t.get(on + 3)?.text();
        open = on + 4;
    }
    let close = matching(t, open)?;
    let keys = split_top(&t[open + 1..close])
        .into_iter()
        .map(|k| {
            let k = match k.last() {
                Some(l) if l.is("asc") => &k[..k.len() - 1],
                _ => k,
            };
            expr(k)
        })
        .collect();
    let filter = t
        .get(close + 1)
        .filter(|x| x.is("where"))
        .map(|_| expr(&t[close + 2..]));
    Some(Index {
        table,
        unique,
        keys,
        filter,
    })
}

fn compare_indexes(e: &Index, a: &Index) -> Option<String> {
    if e.table != a.table {
        return Some(format!(
            "table: expected `{}`, found `{}`",
            e.table, a.table
        ));
    }
    if e.unique != a.unique {
        return Some(format!(
            "UNIQUE: expected {}, found {}",
            yes(e.unique),
            yes(a.unique)
        ));
    }
    if e.keys != a.keys {
        return Some(format!(
            "keys: expected `({})`, found `({})`",
            e.keys.join(", "),
            a.keys.join(", ")
        ));
    }
    if e.filter != a.filter {
        return Some(format!(
            "WHERE: expected {}, found {}",
            shown(&e.filter),
            shown(&a.filter)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn other_tools_spellings_are_the_same_table() {
        let ours = r#"CREATE TABLE "item" ("id" integer PRIMARY KEY AUTOINCREMENT, "sku" varchar(36) NOT NULL UNIQUE, "qty" integer NOT NULL DEFAULT (0), "price" decimal(10, 2), "parent_id" integer REFERENCES "item" ("id") ON DELETE CASCADE ON UPDATE SET NULL, "note" text COLLATE "nocase", "total" real GENERATED ALWAYS AS (price * qty) VIRTUAL, CONSTRAINT "ck_qty" CHECK (qty >= 0))"#;
        for theirs in [
            "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, sku VARCHAR(36) NOT NULL UNIQUE, qty INTEGER DEFAULT 0 NOT NULL, price DECIMAL(10,2) NULL, parent_id INTEGER REFERENCES item ON UPDATE SET NULL ON DELETE CASCADE, note TEXT COLLATE NOCASE, total REAL AS ((price * qty)), CONSTRAINT ck_qty CHECK ((qty >= 0)))",
            "create table `item` (\n  [id] integer not null primary key autoincrement,\n  \"sku\" varchar( 36 ) unique not null,\n  qty integer not null default (0),\n  price decimal(10, 2),\n  parent_id integer,\n  note text collate nocase,\n  total real generated always as (price * qty),\n  constraint ck_qty check (qty >= 0),\n  foreign key (parent_id) references item (id) on delete cascade on update set null\n)",
        ] {
            // `not null` on the rowid alias changes nothing.
            assert_eq!(difference(ours, theirs), None, "{theirs}");
        }
    }

    #[test]
    fn table_level_and_column_level_keys_are_the_same() {
        assert_eq!(
            difference(
                r#"CREATE TABLE "m" ("a" integer NOT NULL, "b" text NOT NULL, PRIMARY KEY ("a", "b"))"#,
                "CREATE TABLE m (a INTEGER NOT NULL, b TEXT NOT NULL, CONSTRAINT m_pk PRIMARY KEY (a, b))"
            ),
            None
        );
        assert_eq!(
            difference(
                r#"CREATE TABLE "t" ("id" integer PRIMARY KEY, "e" text UNIQUE)"#,
                "CREATE TABLE t (id integer, e text, PRIMARY KEY (id), UNIQUE (e))"
            ),
            None
        );
    }

    #[test]
    fn real_differences_name_the_property() {
        let ours = r#"CREATE TABLE "t" ("id" integer PRIMARY KEY, "bar" varchar(512) NOT NULL DEFAULT ('x'))"#;
        for (theirs, want) in [
            ("CREATE TABLE t (id integer primary key, bar text not null default 'x')", "column `bar`: declared type: expected `varchar(512)`, found `text`"),
            ("CREATE TABLE t (id integer primary key, bar varchar(512) default 'x')", "column `bar`: NOT NULL: expected yes, found no"),
            ("CREATE TABLE t (id integer primary key, bar varchar(512) not null default 'y')", "column `bar`: default: expected `'x'`, found `'y'`"),
            ("CREATE TABLE t (id integer primary key, bar varchar(512) not null default 'x', extra)", "column `extra`: not expected, found"),
            ("CREATE TABLE t (id bigint primary key, bar varchar(512) not null default 'x')", "column `id`: declared type: expected `integer`, found `bigint`"),
        ] {
            assert_eq!(difference(ours, theirs).as_deref(), Some(want), "{theirs}");
        }
    }

    #[test]
    fn indexes_compare_keys_and_where_as_parsed() {
        let ours =
            r#"CREATE UNIQUE INDEX "ix" ON "t" (lower(email), "b" DESC) WHERE deleted IS NULL"#;
        assert_eq!(
            difference(
                ours,
                "create unique index ix on t ((lower(email)), b desc) where (deleted is null)"
            ),
            None
        );
        assert_eq!(
            difference(
                ours,
                "create unique index ix on t (lower(email), b) where deleted is null"
            )
            .as_deref(),
            Some("keys: expected `(lower ( email ), b desc)`, found `(lower ( email ), b)`")
        );
        assert_eq!(
            difference(
                ours,
                "create index ix on t (lower(email), b desc) where deleted is null"
            )
            .as_deref(),
            Some("UNIQUE: expected yes, found no")
        );
    }
}
