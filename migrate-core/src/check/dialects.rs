//! The rules of every dialect a history targets (`dialects sqlite,
//! postgres;`): the list itself, then what PostgreSQL refuses of what
//! SQLite accepts, each diagnostic naming the dialect that refuses.
//!
//! SQLite's own rules are the rest of the checker. PostgreSQL's, here:
//! table options it does not have (`strict`, `without rowid`), declared
//! types it does not know (with the PostgreSQL spelling where there is
//! one), columns without a type, SQLite's collations, triggers (a
//! PostgreSQL trigger calls a function), and expressions: each parsed by
//! PostgreSQL's grammar, and SQLite's own functions named.

use crate::diag::Diagnostics;
use crate::model::{Schema, View, ViewOutput};
use crate::name::same_name;
use crate::op::{
    Change, ColumnAlter, ColumnConstraintKind, ColumnDef, ColumnType, Conflict, Dialect, Expr,
    History, Op, TableConstraintKind,
};
use crate::Loc;
use sqlparser::ast::{visit_expressions, Expr as Ast};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;
use std::ops::ControlFlow;

/// Checks the list of dialects, and every operation of the history
/// against each dialect it targets besides SQLite.
pub(crate) fn check(history: &History, diags: &mut Diagnostics) {
    let mut seen: Vec<Dialect> = Vec::new();
    for (dialect, at) in &history.dialects {
        if seen.contains(dialect) {
            diags.error_help(
                *at,
                format!("dialect `{}` is named twice", dialect.keyword()),
                "name each dialect once",
            );
        }
        seen.push(*dialect);
    }
    if let Some((_, at)) = history.dialects.first() {
        if !seen.contains(&Dialect::Sqlite) {
            diags.error_help(
                *at,
                "a history targets SQLite, and other dialects besides it",
                "write `dialects sqlite, postgres;` (PostgreSQL alone is not supported yet)",
            );
        }
    }
    hooks(history, diags);
    if !history.targets(Dialect::Postgres) {
        postgres_sql_alone(history, diags);
    }
    if history.targets(Dialect::Postgres) {
        concurrently_alone(history, diags);
        let mut pg = Postgres { diags };
        for rev in &history.revisions {
            let down = rev.down.iter().flat_map(|d| &d.ops);
            for op in rev.ops.iter().chain(down) {
                pg.op(op);
            }
        }
    }
}

/// A `run` hook names one function per dialect the history targets: a
/// hook takes `&rusqlite::Connection` on SQLite and `&mut
/// postgres::Transaction` on PostgreSQL.
fn hooks(history: &History, diags: &mut Diagnostics) {
    let postgres = history.targets(Dialect::Postgres);
    for rev in &history.revisions {
        let down = rev.down.iter().flat_map(|d| &d.ops);
        for op in rev.ops.iter().chain(down) {
            let Op::Run(hook) = op else { continue };
            match (&hook.postgres, postgres) {
                (None, true) => diags.error_help(
                    hook.path.at,
                    format!(
                        "hook `{}` has no function for PostgreSQL ({TARGETS})",
                        hook.path.text
                    ),
                    format!(
                        "name one for each dialect: `run sqlite: {0}, postgres: {0}_pg;` (on PostgreSQL a hook takes `&mut postgres::Transaction` instead of `&rusqlite::Connection`)",
                        hook.path.text
                    ),
                ),
                (Some(pg), false) => diags.error_help(
                    pg.at,
                    format!(
                        "`postgres: {}` in a history that does not target PostgreSQL",
                        pg.text
                    ),
                    "add `dialects sqlite, postgres;` to the history, or remove `postgres: …`",
                ),
                _ => {}
            }
        }
    }
}

/// `sql sqlite: "…", postgres: "…";` in a history that does not target
/// PostgreSQL: its PostgreSQL statements would never run.
fn postgres_sql_alone(history: &History, diags: &mut Diagnostics) {
    for rev in &history.revisions {
        let down = rev.down.iter().flat_map(|d| &d.ops);
        for op in rev.ops.iter().chain(down) {
            let Op::Sql(raw) = op else { continue };
            if let Some(pg) = &raw.postgres {
                diags.error_help(
                    pg.at,
                    "`postgres: \"…\"` in a history that does not target PostgreSQL",
                    "add `dialects sqlite, postgres;` to the history, or write the statements as `sql \"…\";`",
                );
            }
        }
    }
}

/// `create index concurrently` runs outside a transaction on PostgreSQL,
/// so nothing may share its revision: the revision is that one statement.
fn concurrently_alone(history: &History, diags: &mut Diagnostics) {
    for rev in &history.revisions {
        for op in &rev.ops {
            let inner = match op {
                Op::IfExists(inner) => inner,
                op => op,
            };
            let Op::CreateIndex(ci) = inner else { continue };
            if let (Some(at), true) = (ci.concurrently, rev.ops.len() > 1) {
                diags.error_help(
                    at,
                    format!(
                        "PostgreSQL builds index `{}` concurrently outside any transaction, so it cannot share revision `{}` with other statements ({TARGETS})",
                        ci.name.text, rev.id.text
                    ),
                    "move `create index concurrently` to a revision of its own",
                );
            }
        }
    }
}

/// What PostgreSQL refuses of a batch block because of a view over the
/// table: a view's `*` was expanded into every column when the view was
/// made (SQLite expands it at each query), so none of them can be dropped;
/// and no column a view uses can change type.
pub(crate) fn postgres_view_columns(schema: &Schema, op: &Op, diags: &mut Diagnostics) {
    let Op::Batch(b) = op else { return };
    let table = &b.table.text;
    for change in &b.changes {
        let (column, changing) = match change {
            Change::DropColumn(c) => (c, "drop"),
            Change::AlterColumn {
                column,
                alter: ColumnAlter::Type(..),
            } => (column, "change the type of"),
            _ => continue,
        };
        let star = |v: &&View| {
            v.outputs
                .iter()
                .flatten()
                .any(|o| matches!(o, ViewOutput::AllOf(t) if same_name(t, table)))
        };
        let names = |v: &&View| changing != "drop" && v.uses.column(table, &column.text);
        if let Some(view) = schema.views.iter().find(|v| star(v) || names(v)) {
            diags.error_help(
                column.at,
                format!(
                    "PostgreSQL cannot {changing} column `{}` of `{table}`: view `{}` depends on it ({TARGETS})",
                    column.text, view.name
                ),
                format!(
                    "on PostgreSQL a view's `*` and the columns it names are fixed when the view is made: drop view `{}` first and create it again after the change",
                    view.name
                ),
            );
        }
    }
}

/// The targets named in messages.
const TARGETS: &str = "this history targets sqlite, postgres";

struct Postgres<'d> {
    diags: &'d mut Diagnostics,
}

impl Postgres<'_> {
    fn refuse(&mut self, at: Loc, what: String, help: &str) {
        self.diags
            .error_help(at, format!("PostgreSQL {what} ({TARGETS})"), help);
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::CreateTable(t) => {
                if let Some(at) = t.strict {
                    self.refuse(
                        at,
                        "has no `strict` tables".to_owned(),
                        "remove `strict` (PostgreSQL checks column types itself), or target SQLite alone",
                    );
                }
                if let Some(at) = t.without_rowid {
                    self.refuse(
                        at,
                        "has no `without rowid` tables".to_owned(),
                        "remove `without rowid`, or target SQLite alone",
                    );
                }
                for column in &t.columns {
                    self.column(column);
                }
                for c in &t.constraints {
                    self.conflict(c.on_conflict);
                    match &c.kind {
                        TableConstraintKind::Check(e) => self.expr(e),
                        TableConstraintKind::PrimaryKey(columns) => {
                            for column in columns.iter().filter(|c| c.desc) {
                                self.descending_key(column.name.at);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Op::CreateIndex(ci) => {
                for key in &ci.keys {
                    if let Some(collate) = &key.collate {
                        self.collate(&collate.text, collate.at);
                    }
                }
                if let Some(filter) = &ci.filter {
                    self.expr(filter);
                }
            }
            Op::Batch(b) => {
                for change in &b.changes {
                    match change {
                        Change::AddColumn(column) => self.column(column),
                        Change::AddConstraint(c) => {
                            self.conflict(c.on_conflict);
                            if let TableConstraintKind::Check(e) = &c.kind {
                                self.expr(e);
                            }
                        }
                        Change::AlterColumn { alter, .. } => match alter {
                            ColumnAlter::SetDefault(e) => self.expr(e),
                            ColumnAlter::Type(ty, at) => self.ty(ty, *at),
                            ColumnAlter::SetCollate(name) => self.collate(&name.text, name.at),
                            _ => {}
                        },
                        _ => {}
                    }
                }
            }
            Op::CreateView(v) => self.query(&v.query),
            // Statements for both engines must not call SQLite's own
            // functions; PostgreSQL's own are the user's to write.
            Op::Sql(raw) if raw.postgres.is_none() => self.raw_sql(&raw.sql),
            Op::CreateTrigger(t) => self.refuse(
                t.name.at,
                "triggers call a function, and this trigger is SQLite's kind".to_owned(),
                "keep the trigger in a history that targets SQLite alone (triggers per dialect are not supported yet)",
            ),
            Op::IfExists(inner) => self.op(inner),
            _ => {}
        }
    }

    fn column(&mut self, column: &ColumnDef) {
        self.ty(&column.ty, column.ty_at);
        if let Some(collate) = &column.collate {
            self.collate(&collate.text, collate.at);
        }
        for e in column
            .default
            .iter()
            .chain(column.generated.as_ref().map(|g| &g.expr))
        {
            self.expr(e);
        }
        if let Some(g) = column.generated.as_ref().filter(|g| !g.stored) {
            self.refuse(
                g.expr.at,
                "has no virtual generated columns".to_owned(),
                "write `stored` (computed when the row is written), or target SQLite alone",
            );
        }
        self.conflict(column.not_null_conflict);
        for c in &column.constraints {
            self.conflict(c.on_conflict);
            match &c.kind {
                ColumnConstraintKind::Check(e) => self.expr(e),
                ColumnConstraintKind::PrimaryKey { desc: true, .. } => self.descending_key(c.at),
                _ => {}
            }
        }
    }

    fn conflict(&mut self, on_conflict: Option<(Conflict, Loc)>) {
        if let Some((c, at)) = on_conflict {
            self.refuse(
                at,
                format!(
                    "has no conflict clause on a constraint (`on conflict {}`)",
                    c.sql().to_ascii_lowercase()
                ),
                "remove it and say what an insert does where it is written (`insert … on conflict do nothing` on both engines), or target SQLite alone",
            );
        }
    }

    fn descending_key(&mut self, at: Loc) {
        self.refuse(
            at,
            "has no descending primary keys".to_owned(),
            "remove `desc` (an index can be descending), or target SQLite alone",
        );
    }

    fn ty(&mut self, ty: &ColumnType, at: Loc) {
        if let Some((what, help)) = postgres_type_problem(ty) {
            self.refuse(at, what, &help);
        }
    }

    fn collate(&mut self, name: &str, at: Loc) {
        self.refuse(
            at,
            format!("has no collation `{name}`: SQLite's collations are its own"),
            "compare with `lower(…)` instead, or target SQLite alone",
        );
    }

    fn expr(&mut self, e: &Expr) {
        match parse_expr(&e.text) {
            Ok(ast) => self.functions(&ast, e),
            Err(message) => self.refuse(
                e.at,
                format!("does not read `{}`: {message}", e.text),
                "write the expression in SQL both dialects read (`glob`, `match` and `is` between two values are SQLite's own)",
            ),
        }
    }

    fn query(&mut self, q: &Expr) {
        match Parser::parse_sql(&PostgreSqlDialect {}, &q.text) {
            Ok(statements) => {
                for s in &statements {
                    self.functions(s, q);
                }
            }
            Err(e) => self.refuse(
                q.at,
                format!(
                    "cannot parse this query: {}",
                    e.to_string().replace("sql parser error: ", "")
                ),
                "write the query in SQL both dialects read",
            ),
        }
    }

    /// Raw SQL sent to both engines: SQLite's own functions in it are
    /// refused. (SQL PostgreSQL's grammar here cannot read is left to the
    /// server: this parser does not read all PostgreSQL reads.)
    fn raw_sql(&mut self, e: &Expr) {
        let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, &e.text) else {
            return;
        };
        // One error for the string, however many calls it holds.
        let mut found = sqlite_functions(&statements, e);
        found.dedup_by(|a, b| a.0 == b.0);
        let Some((_, _, at)) = found.first() else {
            return;
        };
        let names: Vec<String> = found.iter().map(|(n, _, _)| format!("`{n}`")).collect();
        let instead: Vec<String> = found
            .iter()
            .map(|(n, instead, _)| format!("{instead} for `{n}`"))
            .collect();
        let what = match &names[..] {
            [one] => format!("has no function {one}: it is SQLite's"),
            _ => format!("has no functions {}: they are SQLite's", names.join(", ")),
        };
        self.refuse(
            *at,
            what,
            &format!(
                "write the statements per dialect, PostgreSQL's with {}: `sql sqlite: \"…\", postgres: \"…\";`",
                instead.join(", ")
            ),
        );
    }

    /// SQLite's own functions, which PostgreSQL does not have, shown at
    /// their name in `e`.
    fn functions<V: sqlparser::ast::Visit>(&mut self, node: &V, e: &Expr) {
        for (name, instead, at) in sqlite_functions(node, e) {
            self.refuse(
                at,
                format!("has no function `{name}`: it is SQLite's"),
                &format!("use {instead}, or target SQLite alone"),
            );
        }
    }
}

/// The calls of SQLite's own functions in `node` (parsed from `e`): each
/// name, what PostgreSQL has instead, and where the name is written.
fn sqlite_functions<V: sqlparser::ast::Visit>(
    node: &V,
    e: &Expr,
) -> Vec<(String, &'static str, Loc)> {
    let mut found: Vec<(String, &'static str)> = Vec::new();
    let _ = visit_expressions(node, |e: &Ast| {
        if let Ast::Function(f) = e {
            let name = f.name.to_string().to_ascii_lowercase();
            if let Some((_, instead)) = SQLITE_FUNCTIONS.iter().find(|(n, _)| *n == name) {
                found.push((name, instead));
            }
        }
        ControlFlow::<()>::Continue(())
    });
    found
        .into_iter()
        .map(|(name, instead)| {
            let at = function_offset(&e.text, &name).map_or(e.at, |o| e.loc_of(o));
            (name, instead, at)
        })
        .collect()
}

/// SQLite functions PostgreSQL has no function of the same name for, with
/// what to write there instead.
const SQLITE_FUNCTIONS: &[(&str, &str)] = &[
    ("datetime", "`current_timestamp` or `now()`"),
    ("julianday", "date arithmetic on `timestamp` values"),
    ("strftime", "`to_char(…)`"),
    ("unixepoch", "`extract(epoch from …)`"),
    ("ifnull", "`coalesce(…)`"),
    ("instr", "`strpos(…)`"),
    ("printf", "`format(…)`"),
    ("group_concat", "`string_agg(…)`"),
    ("typeof", "`pg_typeof(…)`"),
    ("randomblob", "`gen_random_bytes(…)` (pgcrypto)"),
    ("zeroblob", "a `bytea` literal"),
    ("last_insert_rowid", "`RETURNING`"),
    ("changes", "the statement's row count"),
    ("total_changes", "the statements' row counts"),
    ("sqlite_version", "`version()`"),
    ("likelihood", "the expression itself"),
    ("likely", "the expression itself"),
    ("unlikely", "the expression itself"),
    ("hex", "`encode(…, 'hex')`"),
    ("unhex", "`decode(…, 'hex')`"),
    ("char", "`chr(…)`"),
    ("unicode", "`ascii(…)`"),
    ("quote", "`quote_literal(…)`"),
    ("iif", "`CASE WHEN … THEN … ELSE … END`"),
    ("total", "`coalesce(sum(…), 0)`"),
    ("json_extract", "`->` / `->>` on `jsonb`"),
    ("json_group_array", "`json_agg(…)`"),
    ("json_group_object", "`json_object_agg(…)`"),
];

/// The byte offset of the first call of function `name` in `text`.
fn function_offset(text: &str, name: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    lower.match_indices(name).map(|(i, _)| i).find(|&i| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + name.len()..].trim_start();
        !before.is_some_and(ident) && after.starts_with('(')
    })
}

/// Parses `text` as one expression by PostgreSQL's grammar.
fn parse_expr(text: &str) -> Result<Ast, String> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| {
            let e = p.parse_expr()?;
            p.expect_token(&Token::EOF)?;
            Ok(e)
        })
        .map_err(|e| readable(&e.to_string()))
}

/// The parser's message without its token dumps: `Word(Word { value:
/// "glob", … })` becomes `glob`, and positions go.
fn readable(message: &str) -> String {
    let mut text = message.replace("sql parser error: ", "");
    while let Some(start) = text.find("Word(Word { value: \"") {
        let rest = &text[start + "Word(Word { value: \"".len()..];
        let (Some(quote), Some(end)) = (rest.find('"'), rest.find("})")) else {
            break;
        };
        let word = rest[..quote].to_owned();
        text.replace_range(
            start..start + "Word(Word { value: \"".len() + end + 2,
            &word,
        );
    }
    match text.find(" at Line: ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// What is wrong with declared type `ty` for PostgreSQL, if anything: the
/// message (after "PostgreSQL") and the help. A SQLite spelling of one of
/// its types is not wrong: PostgreSQL is sent its own name
/// ([`ColumnType::in_dialect`]).
fn postgres_type_problem(ty: &ColumnType) -> Option<(String, String)> {
    let sent = ty.in_dialect(Dialect::Postgres);
    let words: Vec<String> = sent
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        return Some((
            "needs a declared type for every column".to_owned(),
            "declare one, e.g. `text` or `integer`".to_owned(),
        ));
    }
    let text = words.join(" ");
    // The name without its parameters (`varchar(40)`) or array suffixes.
    let base = text
        .split('(')
        .next()
        .unwrap_or_default()
        .trim_end_matches("[]")
        .trim();
    if POSTGRES_TYPES.contains(&base) {
        if text.contains('(') && !SIZED_TYPES.contains(&base) {
            return Some((
                format!("has no size or precision on type `{base}` (`{ty}`)"),
                format!("declare it `{base}`"),
            ));
        }
        return None;
    }
    Some(match SUGGESTED.iter().find(|(n, _)| *n == base) {
        Some((_, instead)) => (
            format!("has no type `{ty}`"),
            format!("declare it `{instead}`, which both dialects accept"),
        ),
        None => (
            format!("has no built-in type `{ty}`"),
            "declare a PostgreSQL type, e.g. `text`, `integer`, `bigint`, `numeric`, `boolean`, `timestamp`, `bytea` (types of extensions and domains are not supported yet)".to_owned(),
        ),
    })
}

/// PostgreSQL's types that take a size or precision (`varchar(40)`,
/// `numeric(12, 2)`, `timestamp(3)`).
const SIZED_TYPES: &[&str] = &[
    "varchar",
    "character varying",
    "char",
    "character",
    "bpchar",
    "numeric",
    "decimal",
    "time",
    "timetz",
    "timestamp",
    "timestamptz",
    "interval",
    "bit",
    "bit varying",
    "varbit",
    "float",
];

/// PostgreSQL's built-in type names, as written in a column definition
/// (lower-case, without parameters).
const POSTGRES_TYPES: &[&str] = &[
    "smallint",
    "integer",
    "int",
    "int2",
    "int4",
    "int8",
    "bigint",
    "smallserial",
    "serial",
    "bigserial",
    "serial2",
    "serial4",
    "serial8",
    "real",
    "float",
    "float4",
    "float8",
    "double precision",
    "numeric",
    "decimal",
    "boolean",
    "bool",
    "text",
    "varchar",
    "character varying",
    "char",
    "character",
    "bpchar",
    "bytea",
    "date",
    "time",
    "timetz",
    "time with time zone",
    "time without time zone",
    "timestamp",
    "timestamptz",
    "timestamp with time zone",
    "timestamp without time zone",
    "interval",
    "uuid",
    "json",
    "jsonb",
    "xml",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "money",
    "bit",
    "bit varying",
    "varbit",
    "tsvector",
    "tsquery",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
];

/// Type names SQLite applications write whose SQLite meaning PostgreSQL
/// has no type for (their affinity is NUMERIC: `'0123'` stored there
/// becomes the integer 123), with the type they are usually meant as.
const SUGGESTED: &[(&str, &str)] = &[("long", "bigint"), ("string", "text")];

#[cfg(test)]
mod tests {
    use crate::op::{ColumnType, Dialect};

    fn problem(declared: &str) -> Option<(String, String)> {
        let ty = ColumnType::parse(declared).unwrap_or(ColumnType::NONE);
        super::postgres_type_problem(&ty)
    }

    #[test]
    fn types_postgres_has_pass_and_sqlite_spellings_get_theirs() {
        for ok in [
            "integer",
            "VARCHAR(512)",
            "numeric(10, 2)",
            "double precision",
            "timestamp with time zone",
            "Character  Varying(20)",
            // SQLite's names for PostgreSQL's types, sent as those.
            "DATETIME",
            "blob",
            "nvarchar(40)",
            "double",
            "unsigned big int",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        let (what, help) = problem("string").unwrap();
        assert_eq!(what, "has no type `string`");
        assert!(help.contains("`text`"), "{help}");
        assert!(problem("").unwrap().0.contains("declared type"));
        assert!(problem("geometry").unwrap().0.contains("built-in"));
        let (what, help) = problem("integer(8)").unwrap();
        assert_eq!(
            what,
            "has no size or precision on type `integer` (`integer(8)`)"
        );
        assert_eq!(help, "declare it `integer`");
    }

    #[test]
    fn postgres_is_sent_its_own_name_and_sqlite_the_text_as_written() {
        let sent = |declared: &str, dialect| {
            ColumnType::parse(declared)
                .unwrap()
                .in_dialect(dialect)
                .into_owned()
        };
        assert_eq!(sent("DateTime", Dialect::Postgres), "timestamp");
        assert_eq!(sent("datetime(3)", Dialect::Postgres), "timestamp(3)");
        assert_eq!(sent("BLOB", Dialect::Postgres), "bytea");
        assert_eq!(sent("nvarchar(40)", Dialect::Postgres), "varchar(40)");
        assert_eq!(sent("tinyint(1)", Dialect::Postgres), "smallint");
        assert_eq!(sent("varchar(40)", Dialect::Postgres), "varchar(40)");
        assert_eq!(sent("DateTime", Dialect::Sqlite), "DateTime");
    }

    #[test]
    fn expressions_are_read_by_postgres_grammar() {
        assert!(super::parse_expr("length(email) > 3 AND a <> b").is_ok());
        assert_eq!(
            super::parse_expr("a glob 'x*'").unwrap_err(),
            "No infix parser for token glob"
        );
        assert_eq!(
            super::function_offset("x + DateTime ( 'now')", "datetime"),
            Some(4)
        );
        assert_eq!(super::function_offset("mydatetime(1)", "datetime"), None);
    }
}
