//! Reading `CREATE TABLE` and `CREATE INDEX` statements as SQLite stores
//! them, whoever wrote them: the columns, keys and constraints, with every
//! name and expression kept as written. Drift compares what this reads
//! ([`crate::meaning`]); adopting a database prints it as DSL.
//!
//! The reader follows SQLite's grammar (lang_createtable.html) token by
//! token rather than a general SQL parser, so any declared type, clause
//! order and quoting SQLite accepts is read. What it reads but the DSL
//! cannot state (a foreign key's `MATCH`) is listed in
//! [`TableDef::unsupported`].

use crate::op::Conflict;
use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// One token: as written, and normalized for comparison.
#[derive(Clone, Debug)]
pub struct Tok {
    /// The token as written.
    pub orig: Token,
    norm: Norm,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Norm {
    Word(String),
    Open,
    Close,
    Comma,
    Other(String),
}

impl Tok {
    fn is(&self, word: &str) -> bool {
        matches!(&self.norm, Norm::Word(w) if w == word)
    }

    fn is_open(&self) -> bool {
        self.norm == Norm::Open
    }

    /// The normalized text: words lower case and unquoted.
    pub fn norm(&self) -> String {
        match &self.norm {
            Norm::Word(w) => w.clone(),
            Norm::Open => "(".to_owned(),
            Norm::Close => ")".to_owned(),
            Norm::Comma => ",".to_owned(),
            Norm::Other(o) => o.clone(),
        }
    }

    /// A name as written, without its quotes.
    pub fn name(&self) -> String {
        match &self.orig {
            Token::Word(w) => w.value.clone(),
            Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Tokens of `sql` without whitespace, comments and `;`.
pub fn tokenize(sql: &str) -> Option<Vec<Tok>> {
    let all = Tokenizer::new(&SQLiteDialect {}, sql).tokenize().ok()?;
    Some(
        all.into_iter()
            .filter(|t| *t != Token::SemiColon)
            .filter_map(tok)
            .collect(),
    )
}

/// A significant token (not whitespace or a comment).
fn tok(t: Token) -> Option<Tok> {
    let norm = match &t {
        Token::Whitespace(_) | Token::EOF => return None,
        Token::Word(w) => Norm::Word(w.value.to_ascii_lowercase()),
        Token::LParen => Norm::Open,
        Token::RParen => Norm::Close,
        Token::Comma => Norm::Comma,
        other => Norm::Other(other.to_string()),
    };
    Some(Tok { orig: t, norm })
}

/// An SQL fragment (an expression) as tokens.
#[derive(Clone, Debug)]
pub struct Fragment(pub Vec<Tok>);

impl Fragment {
    /// The fragment for comparison: lower case, unquoted, single-spaced,
    /// without parentheses around the whole of it, an identifier, a literal
    /// or a call.
    pub fn normalized(&self) -> String {
        let mut t: Vec<Tok> = self.0.clone();
        while t.len() >= 2 && t[0].is_open() && matching(&t, 0) == Some(t.len() - 1) {
            t = t[1..t.len() - 1].to_vec();
        }
        let mut i = 0;
        while i < t.len() {
            let after_word = i > 0 && matches!(t[i - 1].norm, Norm::Word(_));
            if t[i].is_open() && !after_word {
                if let Some(close) = matching(&t, i) {
                    let inner = &t[i + 1..close];
                    let single =
                        inner.len() == 1 && !matches!(inner[0].norm, Norm::Open | Norm::Close);
                    let call = inner.len() >= 3
                        && matches!(inner[0].norm, Norm::Word(_))
                        && inner[1].is_open()
                        && matching(inner, 1) == Some(inner.len() - 1);
                    if single || call {
                        t.remove(close);
                        t.remove(i);
                        continue;
                    }
                }
            }
            i += 1;
        }
        t.iter().map(Tok::norm).collect::<Vec<_>>().join(" ")
    }

    /// The fragment as SQL text again (spacing aside).
    pub fn to_sql(&self) -> String {
        self.0
            .iter()
            .map(|t| match &t.orig {
                Token::SingleQuotedString(s) => crate::sql::string(s),
                Token::Word(w) if w.quote_style.is_some() => crate::sql::ident(&w.value),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The column the fragment is, when it is one bare name.
    pub fn as_column(&self) -> Option<String> {
        match self.0.as_slice() {
            [t] if matches!(t.orig, Token::Word(_)) => Some(t.name()),
            _ => None,
        }
    }
}

/// A column as declared.
#[derive(Clone, Debug, Default)]
pub struct ColumnDef {
    /// Its name as written.
    pub name: String,
    /// The declared type as written (words, then `(n)` / `(n, m)`), or
    /// empty.
    pub ty: String,
    /// `NOT NULL`.
    pub not_null: bool,
    /// NOT NULL's `ON CONFLICT` resolution.
    pub not_null_conflict: Option<Conflict>,
    /// `DEFAULT …`: a literal, a signed number, a word or `(expr)`.
    pub default: Option<Fragment>,
    /// `COLLATE name`.
    pub collate: Option<String>,
    /// `[GENERATED ALWAYS] AS (expr) [STORED | VIRTUAL]`, with STORED.
    pub generated: Option<(Fragment, bool)>,
}

/// A PRIMARY KEY or UNIQUE constraint.
#[derive(Clone, Debug)]
pub struct KeyDef {
    /// `CONSTRAINT name`.
    pub name: Option<String>,
    /// The columns, each with DESC.
    pub columns: Vec<(String, bool)>,
    /// AUTOINCREMENT (primary keys).
    pub autoincrement: bool,
    /// `ON CONFLICT` resolution.
    pub on_conflict: Option<Conflict>,
    /// Written on this column rather than at table level.
    pub inline: bool,
}

/// A CHECK constraint.
#[derive(Clone, Debug)]
pub struct CheckDef {
    /// `CONSTRAINT name`.
    pub name: Option<String>,
    /// The condition, without its parentheses.
    pub expr: Fragment,
    /// The column it is written on, if it is.
    pub inline: Option<String>,
    /// `ON CONFLICT` resolution (table level only; SQLite reads it and
    /// ignores it).
    pub on_conflict: Option<Conflict>,
}

/// A foreign key.
#[derive(Clone, Debug)]
pub struct ForeignKeyDef {
    /// `CONSTRAINT name`.
    pub name: Option<String>,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The parent table.
    pub parent: String,
    /// The parent columns (empty: its primary key).
    pub parent_columns: Vec<String>,
    /// `ON DELETE` action, lower case (`cascade`, `set null`, …).
    pub on_delete: Option<String>,
    /// `ON UPDATE` action.
    pub on_update: Option<String>,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    pub deferred: bool,
    /// `MATCH name`, upper case (SQLite reads it and enforces every key
    /// as `MATCH SIMPLE`).
    pub match_kind: Option<String>,
    /// Written on a column rather than at table level.
    pub inline: bool,
}

/// A `CREATE TABLE` statement, read.
#[derive(Clone, Debug, Default)]
pub struct TableDef {
    /// The table's name as written.
    pub name: String,
    /// The columns, in order.
    pub columns: Vec<ColumnDef>,
    /// The primary key.
    pub primary_key: Option<KeyDef>,
    /// UNIQUE constraints.
    pub uniques: Vec<KeyDef>,
    /// CHECK constraints.
    pub checks: Vec<CheckDef>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// `STRICT`.
    pub strict: bool,
    /// Clauses read that the DSL cannot state, as written.
    pub unsupported: Vec<String>,
}

/// One key of an index.
#[derive(Clone, Debug)]
pub struct IndexKeyDef {
    /// A column or an expression.
    pub expr: Fragment,
    /// `COLLATE name`.
    pub collate: Option<String>,
    /// `DESC`.
    pub desc: bool,
}

/// A `CREATE INDEX` statement, read.
#[derive(Clone, Debug)]
pub struct IndexDef {
    /// The index's name as written.
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// `UNIQUE`.
    pub unique: bool,
    /// The keys.
    pub keys: Vec<IndexKeyDef>,
    /// `WHERE …` of a partial index.
    pub filter: Option<Fragment>,
}

/// Splits `t` at commas outside parentheses.
fn split_top(t: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, tok) in t.iter().enumerate() {
        match tok.norm {
            Norm::Open => depth += 1,
            Norm::Close => depth = depth.saturating_sub(1),
            Norm::Comma if depth == 0 => {
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
        match tok.norm {
            Norm::Open => depth += 1,
            Norm::Close => {
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

/// The name after `CREATE … TABLE|INDEX [IF NOT EXISTS]`, skipping a
/// schema qualifier; returns it and the index after it.
fn object_name(t: &[Tok], keyword: &str) -> Option<(String, usize)> {
    let mut i = t.iter().position(|x| x.is(keyword))? + 1;
    if t.get(i).is_some_and(|x| x.is("if")) {
        i += 3;
    }
    let mut name = t.get(i)?.name();
    i += 1;
    if t.get(i).is_some_and(|x| x.norm == Norm::Other(".".into())) {
        name = t.get(i + 1)?.name();
        i += 2;
    }
    Some((name, i))
}

/// Whether `sql` creates a table (not a virtual one).
pub fn is_create_table(t: &[Tok]) -> bool {
    t.first().is_some_and(|x| x.is("create")) && t.iter().skip(1).take(2).any(|x| x.is("table"))
}

/// Reads a `CREATE TABLE` statement; `None` when it is not one this
/// reader understands (the caller then compares or copies text).
pub fn parse_table(sql: &str) -> Option<TableDef> {
    let t = tokenize(sql)?;
    if !is_create_table(&t) {
        return None;
    }
    let (name, after) = object_name(&t, "table")?;
    let open = after;
    if !t.get(open)?.is_open() {
        return None; // CREATE TABLE … AS SELECT
    }
    let close = matching(&t, open)?;
    let mut out = TableDef {
        name,
        ..TableDef::default()
    };
    for item in split_top(&t[open + 1..close]) {
        let first = item.first()?;
        let second = item.get(1);
        let table_level = first.is("constraint")
            || (first.is("primary") || first.is("foreign")) && second.is_some_and(|k| k.is("key"))
            || (first.is("unique") || first.is("check")) && second.is_some_and(Tok::is_open);
        if table_level {
            table_constraint(item, &mut out)?;
        } else {
            column(item, &mut out)?;
        }
    }
    for opt in &t[close + 1..] {
        if opt.is("strict") {
            out.strict = true;
        } else if opt.is("rowid") {
            out.without_rowid = true;
        }
    }
    Some(out)
}

/// `( a [collate x] [asc|desc], … )` at `t[at]`: names with DESC, and the
/// index after `)`.
fn name_list(t: &[Tok], at: usize) -> Option<(Vec<(String, bool)>, usize)> {
    if !t.get(at)?.is_open() {
        return None;
    }
    let close = matching(t, at)?;
    let items = split_top(&t[at + 1..close])
        .into_iter()
        .filter(|i| !i.is_empty())
        .map(|i| (i[0].name(), i.last().is_some_and(|l| l.is("desc"))))
        .collect();
    Some((items, close + 1))
}

/// `ON CONFLICT <resolution>` at `t[i]`: the resolution (`None` when there
/// is no clause) and the index after it.
fn conflict(t: &[Tok], i: usize) -> Option<(Option<Conflict>, usize)> {
    if t.get(i).is_some_and(|x| x.is("on")) && t.get(i + 1).is_some_and(|x| x.is("conflict")) {
        let resolution = Conflict::from_word(&t.get(i + 2)?.norm())?;
        Some((Some(resolution), i + 3))
    } else {
        Some((None, i))
    }
}

/// A DEFAULT value at `t[i]`: `(expr)`, a signed number, a literal or a
/// word; returns it and the index after it.
fn default_value(t: &[Tok], i: usize) -> Option<(Fragment, usize)> {
    match &t.get(i)?.norm {
        Norm::Open => {
            let close = matching(t, i)?;
            Some((Fragment(t[i + 1..close].to_vec()), close + 1))
        }
        Norm::Other(sign) if sign == "+" || sign == "-" => {
            Some((Fragment(t.get(i..i + 2)?.to_vec()), i + 2))
        }
        _ => Some((Fragment(vec![t[i].clone()]), i + 1)),
    }
}

/// After `REFERENCES`: `parent [(cols)] [actions]` at `t[i]`.
fn references(
    t: &[Tok],
    mut i: usize,
    name: Option<String>,
    columns: Vec<String>,
    inline: bool,
    out: &mut TableDef,
) -> Option<(ForeignKeyDef, usize)> {
    let parent = t.get(i)?.name();
    i += 1;
    let mut parent_columns = Vec::new();
    if t.get(i).is_some_and(Tok::is_open) {
        let (cols, next) = name_list(t, i)?;
        parent_columns = cols.into_iter().map(|(c, _)| c).collect();
        i = next;
    }
    let mut fk = ForeignKeyDef {
        name,
        columns,
        parent,
        parent_columns,
        on_delete: None,
        on_update: None,
        deferred: false,
        match_kind: None,
        inline,
    };
    let word = |k: usize| t.get(k).map(Tok::norm).unwrap_or_default();
    loop {
        match word(i).as_str() {
            "on" => {
                let (action, next) = match word(i + 2).as_str() {
                    "set" | "no" => (format!("{} {}", word(i + 2), word(i + 3)), i + 4),
                    a => (a.to_owned(), i + 3),
                };
                let action = (action != "no action").then_some(action);
                if word(i + 1) == "delete" {
                    fk.on_delete = action;
                } else {
                    fk.on_update = action;
                }
                i = next;
            }
            "match" => {
                let kind = word(i + 1).to_ascii_uppercase();
                out.unsupported.push(format!("MATCH {kind}"));
                fk.match_kind = Some(kind);
                i += 2;
            }
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

/// Words that end a declared type: the clauses a column may have (SQL
/// keywords, compared case-insensitively). The DSL's parser stops a type at
/// the same words.
pub const COLUMN_CLAUSES: [&str; 11] = [
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

fn column(item: &[Tok], out: &mut TableDef) -> Option<()> {
    let mut c = ColumnDef {
        name: item.first()?.name(),
        ..ColumnDef::default()
    };
    let mut i = 1;
    let mut words = Vec::new();
    while let Some(tok) = item.get(i) {
        let Token::Word(w) = &tok.orig else { break };
        if COLUMN_CLAUSES.contains(&tok.norm().as_str()) {
            break;
        }
        words.push(w.value.clone());
        i += 1;
    }
    c.ty = words.join(" ");
    if !words.is_empty() && item.get(i).is_some_and(Tok::is_open) {
        let close = matching(item, i)?;
        let args: Vec<String> = split_top(&item[i + 1..close])
            .into_iter()
            .map(|a| a.iter().map(Tok::norm).collect::<String>())
            .collect();
        c.ty.push_str(&format!("({})", args.join(", ")));
        i = close + 1;
    }
    let mut name = None;
    while i < item.len() {
        let word = item[i].norm();
        i += 1;
        match word.as_str() {
            "constraint" => {
                name = Some(item.get(i)?.name());
                i += 1;
                continue;
            }
            "primary" => {
                i += 1; // KEY
                let desc = item.get(i).is_some_and(|x| x.is("desc"));
                if item.get(i).is_some_and(|x| x.is("asc") || x.is("desc")) {
                    i += 1;
                }
                let (on_conflict, next) = conflict(item, i)?;
                i = next;
                let autoincrement = item.get(i).is_some_and(|x| x.is("autoincrement"));
                if autoincrement {
                    i += 1;
                }
                out.primary_key = Some(KeyDef {
                    name: name.take(),
                    columns: vec![(c.name.clone(), desc)],
                    autoincrement,
                    on_conflict,
                    inline: true,
                });
            }
            "not" => {
                i += 1; // NULL
                c.not_null = true;
                (c.not_null_conflict, i) = conflict(item, i)?;
            }
            // SQLite reads a conflict clause after NULL and ignores it.
            "null" => i = conflict(item, i)?.1,
            "unique" => {
                let (on_conflict, next) = conflict(item, i)?;
                i = next;
                out.uniques.push(KeyDef {
                    name: name.take(),
                    columns: vec![(c.name.clone(), false)],
                    autoincrement: false,
                    on_conflict,
                    inline: true,
                });
            }
            "check" => {
                let close = matching(item, i)?;
                out.checks.push(CheckDef {
                    name: name.take(),
                    expr: Fragment(item[i + 1..close].to_vec()),
                    inline: Some(c.name.clone()),
                    on_conflict: None,
                });
                i = close + 1;
            }
            "default" => {
                let (value, next) = default_value(item, i)?;
                c.default = Some(value);
                i = next;
            }
            "collate" => {
                c.collate = Some(item.get(i)?.name());
                i += 1;
            }
            "references" => {
                let (fk, next) = references(item, i, name.take(), vec![c.name.clone()], true, out)?;
                out.foreign_keys.push(fk);
                i = next;
            }
            "generated" => i += 1, // ALWAYS; AS follows
            "as" => {
                let close = matching(item, i)?;
                let e = Fragment(item[i + 1..close].to_vec());
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

fn table_constraint(item: &[Tok], out: &mut TableDef) -> Option<()> {
    let mut i = 0;
    let mut name = None;
    if item[0].is("constraint") {
        name = Some(item.get(1)?.name());
        i = 2;
    }
    match item.get(i)?.norm().as_str() {
        "primary" => {
            let (columns, next) = name_list(item, i + 2)?;
            let (on_conflict, next) = conflict(item, next)?;
            out.primary_key = Some(KeyDef {
                name,
                columns,
                autoincrement: item.get(next).is_some_and(|x| x.is("autoincrement")),
                on_conflict,
                inline: false,
            });
        }
        "unique" => {
            let (columns, next) = name_list(item, i + 1)?;
            let (on_conflict, _) = conflict(item, next)?;
            out.uniques.push(KeyDef {
                name,
                columns,
                autoincrement: false,
                on_conflict,
                inline: false,
            });
        }
        "check" => {
            let close = matching(item, i + 1)?;
            out.checks.push(CheckDef {
                name,
                expr: Fragment(item[i + 2..close].to_vec()),
                inline: None,
                on_conflict: conflict(item, close + 1)?.0,
            });
        }
        "foreign" => {
            let (columns, next) = name_list(item, i + 2)?;
            if !item.get(next)?.is("references") {
                return None;
            }
            let columns = columns.into_iter().map(|(c, _)| c).collect();
            let (fk, _) = references(item, next + 1, name, columns, false, out)?;
            out.foreign_keys.push(fk);
        }
        _ => return None,
    }
    Some(())
}

/// Reads a `CREATE [UNIQUE] INDEX` statement.
pub fn parse_index(sql: &str) -> Option<IndexDef> {
    let t = tokenize(sql)?;
    if !t.first()?.is("create") {
        return None;
    }
    let unique = t.get(1).is_some_and(|x| x.is("unique"));
    let (name, after) = object_name(&t, "index")?;
    if !t.get(after)?.is("on") {
        return None;
    }
    let table = t.get(after + 1)?.name();
    let open = after + 2;
    let close = matching(&t, open)?;
    let keys = split_top(&t[open + 1..close])
        .into_iter()
        .map(|k| {
            let mut k = k.to_vec();
            let mut desc = false;
            if k.last().is_some_and(|l| l.is("desc") || l.is("asc")) {
                desc = k.last().is_some_and(|l| l.is("desc"));
                k.pop();
            }
            let mut collate = None;
            if k.len() >= 3 && k[k.len() - 2].is("collate") {
                collate = k.pop().map(|c| c.name());
                k.pop();
            }
            IndexKeyDef {
                expr: Fragment(k),
                collate,
                desc,
            }
        })
        .collect();
    let filter = t
        .get(close + 1)
        .filter(|x| x.is("where"))
        .map(|_| Fragment(t[close + 2..].to_vec()));
    Some(IndexDef {
        name,
        table,
        unique,
        keys,
        filter,
    })
}

/// Tokens of `sql` (no whitespace or comments) with their byte ranges.
fn located(sql: &str) -> Option<Vec<(Tok, usize, usize)>> {
    let all = Tokenizer::new(&SQLiteDialect {}, sql)
        .tokenize_with_location()
        .ok()?;
    let mut out = Vec::new();
    for t in all {
        let start = crate::expr::byte_offset(sql, t.span.start.line, t.span.start.column)?;
        let end = crate::expr::byte_offset(sql, t.span.end.line, t.span.end.column)?;
        if let Some(tok) = tok(t.token) {
            out.push((tok, start, end));
        }
    }
    Some(out)
}

/// The query of a `CREATE VIEW name AS <query>` as written; `None` for a
/// view with a column list (`CREATE VIEW v (a, b) AS …`).
pub fn view_query(sql: &str) -> Option<String> {
    let t = located(sql)?;
    let view = t.iter().position(|(x, _, _)| x.is("view"))?;
    let mut i = view + 1;
    if t.get(i)?.0.is("if") {
        i += 3;
    }
    i += 1;
    if t.get(i)?.0.norm == Norm::Other(".".into()) {
        i += 2;
    }
    if !t.get(i)?.0.is("as") {
        return None;
    }
    Some(sql[t.get(i + 1)?.1..].trim().to_owned())
}

/// A `CREATE TRIGGER` statement, read.
#[derive(Clone, Debug)]
pub struct TriggerDef {
    /// The trigger's name as written.
    pub name: String,
    /// `before`, `after` or `instead of`.
    pub timing: String,
    /// `insert`, `delete` or `update`.
    pub event: String,
    /// The columns of `UPDATE OF a, b`.
    pub update_of: Vec<String>,
    /// The table or view it is on.
    pub table: String,
    /// The `WHEN` condition as written.
    pub when: Option<String>,
    /// The statements between `BEGIN` and `END`, as written.
    pub body: String,
}

/// Reads a `CREATE TRIGGER` statement.
pub fn parse_trigger(sql: &str) -> Option<TriggerDef> {
    let t = located(sql)?;
    let at = |i: usize| t.get(i).map(|x| &x.0);
    let mut i = t.iter().position(|(x, _, _)| x.is("trigger"))? + 1;
    if at(i)?.is("if") {
        i += 3;
    }
    let mut name = at(i)?.name();
    i += 1;
    if at(i)?.norm == Norm::Other(".".into()) {
        name = at(i + 1)?.name();
        i += 2;
    }
    let timing = if at(i)?.is("instead") {
        i += 2;
        "instead of".to_owned()
    } else if at(i)?.is("before") || at(i)?.is("after") {
        i += 1;
        at(i - 1)?.norm()
    } else {
        "before".to_owned()
    };
    let event = at(i)?.norm();
    i += 1;
    let mut update_of = Vec::new();
    if event == "update" && at(i)?.is("of") {
        i += 1;
        while !at(i)?.is("on") {
            if at(i)?.norm != Norm::Comma {
                update_of.push(at(i)?.name());
            }
            i += 1;
        }
    }
    if !at(i)?.is("on") {
        return None;
    }
    let table = at(i + 1)?.name();
    i += 2;
    if at(i)?.is("for") {
        i += 3;
    }
    let begin = (i..t.len()).find(|&k| t[k].0.is("begin"))?;
    let when = match at(i) {
        Some(w) if w.is("when") => Some(sql[t.get(i + 1)?.1..t[begin].1].trim().to_owned()),
        _ => None,
    };
    let end = t.iter().rposition(|(x, _, _)| x.is("end"))?;
    let body = sql[t[begin].2..t[end].1].trim().to_owned();
    Some(TriggerDef {
        name,
        timing,
        event,
        update_of,
        table,
        when,
        body,
    })
}
