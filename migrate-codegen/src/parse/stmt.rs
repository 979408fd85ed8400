//! Statements inside a revision, and changes inside a batch block.

use super::expr::{literal, literal_expr, to_expr};
use super::{combine, kw};
use crate::spans::Spans;
use migrate_dsl_core::op::*;
use migrate_dsl_core::{Loc, Name};
use proc_macro2::{Delimiter, Span, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseBuffer, ParseStream};
use syn::{Ident, LitStr, Result, Token};

const STATEMENTS: &str = "expected a statement: `create table`, `drop table`, `rename table`, `create [unique] index`, `drop index`, `create view`, `replace view`, `drop view`, `create trigger`, `drop trigger`, `insert into`, `alter table`, `batch alter table`, `sql` or `run`";

/// Parses statements up to the end of `input` or a `down { … }` block,
/// recovering after each error.
pub(super) fn parse_body(
    input: &ParseBuffer,
    spans: &Spans,
    hooks: &mut Vec<super::HookPaths>,
) -> (Vec<Op>, Option<syn::Error>) {
    let mut ops = Vec::new();
    let mut errors = None;
    while !input.is_empty() && !at_down(input) {
        match statement(input, spans, hooks) {
            Ok(op) => ops.push(op),
            Err(e) => {
                combine(&mut errors, e);
                skip_statement(input);
            }
        }
    }
    (ops, errors)
}

/// Whether `down { … }` comes next.
pub(super) fn at_down(input: ParseStream) -> bool {
    input.peek(kw::down) && input.peek2(syn::token::Brace)
}

/// Skips everything left in `input` (its errors are already reported).
pub(super) fn skip_rest(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((_, next)) = rest.token_tree() {
            rest = next;
        }
        Ok(((), rest))
    });
}

/// Skips to just after the next `;` or `{ … }` block.
fn skip_statement(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            match tt {
                TokenTree::Punct(p) if p.as_char() == ';' => break,
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                    // A trailing `;` after a block belongs to it.
                    if let Some((TokenTree::Punct(p), after)) = rest.token_tree() {
                        if p.as_char() == ';' {
                            rest = after;
                        }
                    }
                    break;
                }
                _ => {}
            }
        }
        Ok(((), rest))
    });
}

fn statement(input: ParseStream, spans: &Spans, hooks: &mut Vec<super::HookPaths>) -> Result<Op> {
    let look = input.lookahead1();
    if look.peek(kw::create) {
        input.parse::<kw::create>()?;
        let mut guarded = false;
        let op = if input.peek(kw::table) {
            Op::CreateTable(create_table(input, spans, &mut guarded)?)
        } else if input.peek(kw::index) || input.peek(kw::unique) {
            Op::CreateIndex(create_index(input, spans, &mut guarded)?)
        } else if input.peek(kw::view) {
            Op::CreateView(view(input, spans, Some(&mut guarded))?)
        } else if input.peek(kw::trigger) {
            Op::CreateTrigger(trigger(input, spans, &mut guarded)?)
        } else {
            return Err(input.error(
                "expected `table`, `index`, `unique index`, `view` or `trigger` after `create`",
            ));
        };
        Ok(if guarded {
            Op::IfExists(Box::new(op))
        } else {
            op
        })
    } else if look.peek(kw::replace) {
        input.parse::<kw::replace>()?;
        view(input, spans, None).map(Op::CreateView)
    } else if look.peek(kw::drop) {
        input.parse::<kw::drop>()?;
        let make: fn(Name) -> Op = if input.peek(kw::table) {
            input.parse::<kw::table>()?;
            Op::DropTable
        } else if input.peek(kw::index) {
            input.parse::<kw::index>()?;
            Op::DropIndex
        } else if input.peek(kw::view) {
            input.parse::<kw::view>()?;
            Op::DropView
        } else if input.peek(kw::trigger) {
            input.parse::<kw::trigger>()?;
            Op::DropTrigger
        } else {
            return Err(input.error(
                "expected `table`, `index`, `view` or `trigger` after `drop`; columns are dropped inside `batch alter table t { drop column c; }`",
            ));
        };
        let guarded = if_exists(input, false)?;
        let n = name(input, spans)?;
        input.parse::<Token![;]>()?;
        Ok(if guarded {
            Op::IfExists(Box::new(make(n)))
        } else {
            make(n)
        })
    } else if look.peek(kw::rename) && input.peek2(kw::table) {
        input.parse::<kw::rename>()?;
        input.parse::<kw::table>()?;
        let from = name(input, spans)?;
        input.parse::<kw::to>()?;
        let to = name(input, spans)?;
        input.parse::<Token![;]>()?;
        Ok(Op::RenameTable { from, to })
    } else if look.peek(kw::insert) {
        insert(input, spans).map(Op::Insert)
    } else if look.peek(kw::batch) {
        batch(input, spans).map(Op::Batch)
    } else if look.peek(kw::alter) && input.peek2(kw::table) {
        alter(input, spans).map(Op::Batch)
    } else if look.peek(kw::sql) {
        raw_sql(input, spans).map(Op::Sql)
    } else if look.peek(kw::run) {
        let run = input.parse::<kw::run>()?;
        let (paths, hook) = run_paths(input, spans, run.span)?;
        let condition = run_condition(input, spans)?;
        input.parse::<Token![;]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `;` after `run path`, or a condition: `run path when \"flag\";` / `run path unless \"flag\";`",
            )
        })?;
        hooks.push(paths);
        let mut hook = hook;
        hook.condition = condition;
        Ok(Op::Run(hook))
    } else if input.peek(kw::alter) || input.peek(kw::add) || input.peek(kw::rename) {
        Err(input.error(
            "column changes are written `alter table t …;` or inside `batch alter table t { … }`",
        ))
    } else {
        Err(syn::Error::new(input.span(), STATEMENTS))
    }
}

/// `if not exists` (after a create's kind) or `if exists` (after a drop's).
fn if_exists(input: ParseStream, create: bool) -> Result<bool> {
    if !input.peek(Token![if]) {
        return Ok(false);
    }
    input.parse::<Token![if]>()?;
    if create {
        input
            .parse::<kw::not>()
            .map_err(|e| syn::Error::new(e.span(), "expected `if not exists`"))?;
    }
    input.parse::<kw::exists>().map_err(|e| {
        let what = if create { "if not exists" } else { "if exists" };
        syn::Error::new(e.span(), format!("expected `{what}`"))
    })?;
    Ok(true)
}

/// After `create` / `replace`: `view name as "SELECT …";`. `guarded` is
/// `None` for `replace view`, which has no `if not exists`.
fn view(input: ParseStream, spans: &Spans, guarded: Option<&mut bool>) -> Result<CreateView> {
    input.parse::<kw::view>()?;
    let replace = guarded.is_none();
    if let Some(g) = guarded {
        *g = if_exists(input, true)?;
    }
    let view_name = name(input, spans)?;
    input.parse::<Token![as]>()?;
    let query = sql_text(
        input,
        spans,
        "the view's query, e.g. `\"SELECT id, name FROM users\"`",
    )?;
    input.parse::<Token![;]>()?;
    let mut view = CreateView::new(view_name, query);
    view.replace = replace;
    Ok(view)
}

/// After `create`: `trigger name before|after|instead of
/// insert|delete|update [of c, …] on table [when "…"] as "…";`
fn trigger(input: ParseStream, spans: &Spans, guarded: &mut bool) -> Result<CreateTrigger> {
    input.parse::<kw::trigger>()?;
    *guarded = if_exists(input, true)?;
    let trigger_name = name(input, spans)?;
    let timing = if input.peek(kw::before) {
        input.parse::<kw::before>()?;
        TriggerTiming::Before
    } else if input.peek(kw::after) {
        input.parse::<kw::after>()?;
        TriggerTiming::After
    } else if input.peek(kw::instead) {
        input.parse::<kw::instead>()?;
        input.parse::<kw::of>()?;
        TriggerTiming::InsteadOf
    } else {
        return Err(input.error("expected `before`, `after` or `instead of`"));
    };
    let event = if input.peek(kw::insert) {
        input.parse::<kw::insert>()?;
        TriggerEvent::Insert
    } else if input.peek(kw::delete) {
        input.parse::<kw::delete>()?;
        TriggerEvent::Delete
    } else if input.peek(kw::update) {
        input.parse::<kw::update>()?;
        let mut columns = Vec::new();
        if input.peek(kw::of) {
            input.parse::<kw::of>()?;
            loop {
                columns.push(name(input, spans)?);
                if !input.peek(Token![,]) {
                    break;
                }
                input.parse::<Token![,]>()?;
            }
        }
        TriggerEvent::Update(columns)
    } else {
        return Err(input.error("expected `insert`, `delete` or `update [of columns]`"));
    };
    input.parse::<kw::on>()?;
    let table = name(input, spans)?;
    let when = if input.peek(kw::when) {
        input.parse::<kw::when>()?;
        Some(sql_text(
            input,
            spans,
            "the trigger's condition, e.g. `\"new.total > 0\"`",
        )?)
    } else {
        None
    };
    input.parse::<Token![as]>()?;
    let body = sql_text(
        input,
        spans,
        "the trigger's statements, e.g. `\"INSERT INTO log (id) VALUES (new.id);\"`",
    )?;
    input.parse::<Token![;]>()?;
    let mut trigger = CreateTrigger::new(trigger_name, timing, event, table, body);
    trigger.when = when;
    Ok(trigger)
}

/// `sql "…" [touches (t, …)] [creates table t (c, …)];`, or with the
/// statements per dialect: `sql sqlite: "…", postgres: "…" …;`.
fn raw_sql(input: ParseStream, spans: &Spans) -> Result<RawSql> {
    let keyword = input.parse::<kw::sql>()?;
    let what = "SQL statements, e.g. `\"UPDATE users SET name = trim(name)\"`";
    let (sql, postgres) = if input.peek(Ident) && input.peek2(Token![:]) {
        let (sqlite, postgres) = per_dialect(input, "sql", |input| sql_text(input, spans, what))?;
        match (sqlite, postgres) {
            (Some(sqlite), Some(postgres)) => (sqlite, Some(postgres)),
            _ => {
                return Err(syn::Error::new(
                    keyword.span,
                    "statements per dialect name both: `sql sqlite: \"…\", postgres: \"…\";` (statements for every engine are written `sql \"…\";`)",
                ))
            }
        }
    } else {
        (sql_text(input, spans, what)?, None)
    };
    let touches = if input.peek(kw::touches) {
        input.parse::<kw::touches>()?;
        nonempty_list(input, |c| name(c, spans), "list the tables it touches")?
    } else {
        Vec::new()
    };
    let creates = if input.peek(kw::creates) {
        input.parse::<kw::creates>()?;
        input.parse::<kw::table>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `table` after `creates`: `creates table t (c, …)`",
            )
        })?;
        let table = name(input, spans)?;
        let columns = nonempty_list(input, |c| name(c, spans), "list the columns the table has")?;
        Some(CreatesTable::new(table, columns))
    } else {
        None
    };
    input.parse::<Token![;]>()?;
    let mut raw = RawSql::new(sql);
    raw.postgres = postgres;
    raw.touches = touches;
    raw.creates = creates;
    Ok(raw)
}

/// SQL text in a string literal (view queries, trigger bodies).
fn sql_text(input: ParseStream, spans: &Spans, what: &str) -> Result<Expr> {
    let lit: LitStr = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), format!("expected a string literal with {what}")))?;
    let text = lit.value();
    if text.trim().is_empty() {
        return Err(syn::Error::new(
            lit.span(),
            format!("expected {what}, found an empty string"),
        ));
    }
    Ok(Expr::new(text, spans.loc(lit.span())))
}

fn path_span(path: &syn::Path) -> Span {
    path.segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// `a::b::c` (no generic arguments: the hook's type is fixed).
/// The functions after `run`: one path (`run f`), or one per dialect
/// (`run sqlite: f, postgres: g`, SQLite's required, each named once).
fn run_paths(
    input: ParseStream,
    spans: &Spans,
    run: proc_macro2::Span,
) -> Result<(super::HookPaths, RunHook)> {
    let labelled = input.peek(Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]);
    if !labelled {
        let path: syn::Path = input.parse()?;
        let name = Name::new(hook_path_text(&path)?, spans.loc(path_span(&path)));
        let paths = super::HookPaths {
            sqlite: path,
            postgres: None,
            written_at: None,
        };
        return Ok((paths, RunHook::new(name)));
    }
    let (sqlite, postgres) = per_dialect(input, "run", |input| {
        let path: syn::Path = input.parse()?;
        let name = Name::new(hook_path_text(&path)?, spans.loc(path_span(&path)));
        Ok((path, name))
    })?;
    let Some((sqlite_path, sqlite_name)) = sqlite else {
        return Err(syn::Error::new(
            run,
            "this `run` names no function for SQLite, which every history targets: write `run sqlite: f, postgres: g;`",
        ));
    };
    let (postgres_path, postgres_name) = postgres.unzip();
    let paths = super::HookPaths {
        sqlite: sqlite_path,
        postgres: postgres_path,
        written_at: None,
    };
    let mut hook = RunHook::new(sqlite_name);
    hook.postgres = postgres_name;
    Ok((paths, hook))
}

/// `sqlite: <item>, postgres: <item>` after `run` or `sql`: each
/// dialect's item, each dialect named at most once.
fn per_dialect<T>(
    input: ParseStream,
    what: &str,
    mut item: impl FnMut(ParseStream) -> Result<T>,
) -> Result<(Option<T>, Option<T>)> {
    let (mut sqlite, mut postgres) = (None, None);
    loop {
        let word: Ident = input.parse()?;
        let dialect = super::dialect(&word)?;
        input.parse::<Token![:]>()?;
        let value = item(input)?;
        let slot = match dialect {
            migrate_dsl_core::op::Dialect::Sqlite => &mut sqlite,
            migrate_dsl_core::op::Dialect::Postgres => &mut postgres,
            _ => {
                return Err(syn::Error::new(
                    word.span(),
                    format!("`{what}` on `{word}` is not supported"),
                ))
            }
        };
        if slot.is_some() {
            return Err(syn::Error::new(
                word.span(),
                format!("`{word}:` is named twice in this `{what}`: name each dialect once"),
            ));
        }
        *slot = Some(value);
        if !input.peek(Token![,]) {
            return Ok((sqlite, postgres));
        }
        input.parse::<Token![,]>()?;
    }
}

fn hook_path_text(path: &syn::Path) -> Result<String> {
    let mut text = String::new();
    if path.leading_colon.is_some() {
        text.push_str("::");
    }
    for (i, seg) in path.segments.iter().enumerate() {
        if !seg.arguments.is_none() {
            return Err(syn::Error::new_spanned(
                &seg.arguments,
                "a hook path cannot have generic arguments; hooks are `fn(&Connection) -> Result<(), E>`",
            ));
        }
        if i > 0 {
            text.push_str("::");
        }
        text.push_str(&seg.ident.to_string());
    }
    Ok(text)
}

/// A table, column or index name: an identifier, or a string literal for a
/// name that is not a Rust identifier (`"order details"`).
pub(super) fn name(input: ParseStream, spans: &Spans) -> Result<Name> {
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        if s.value().is_empty() {
            return Err(syn::Error::new(s.span(), "a name cannot be empty"));
        }
        return Ok(Name::new(s.value(), spans.loc(s.span())));
    }
    let ident = Ident::parse_any(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected a name (an identifier or a string literal)",
        )
    })?;
    let ident = ident.unraw();
    if input.peek(Token![.]) && !input.peek(Token![..]) {
        return Err(qualified(input, &ident.to_string()));
    }
    Ok(Name::new(ident.to_string(), spans.loc(ident.span())))
}

/// `schema.name`: a history describes one database's main schema.
fn qualified(input: ParseStream, schema: &str) -> syn::Error {
    let dot = input.span();
    let fork = input.fork();
    let name = fork
        .parse::<Token![.]>()
        .and_then(|_| Ident::parse_any(&fork))
        .map_or_else(|_| "…".to_owned(), |i| i.unraw().to_string());
    syn::Error::new(
        dot,
        format!(
            "`{schema}.{name}` names an object of schema `{schema}`, but a history describes the main schema of the database it runs on\n\nhelp: write `{name}` alone; for an attached database, give it a `migration!` history of its own and apply that to a connection opened on its file"
        ),
    )
}

/// A declared type as SQL writes it: words (`varchar`, `timestamp with time
/// zone`, `unsigned big int`) and an optional `(n)` or `(n, m)` of signed
/// numbers; or nothing. A malformed size is reported and the rest of the
/// column still parsed, so every type error of an invocation shows at once.
fn column_type(input: ParseStream, spans: &Spans) -> Result<(ColumnType, Loc)> {
    let at = spans.loc(input.span());
    let mut words = Vec::new();
    while input.peek(Ident::peek_any) {
        let fork = input.fork();
        let ident = Ident::parse_any(&fork)?.unraw();
        let word = ident.to_string();
        if migrate_dsl_core::ddl::COLUMN_CLAUSES
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&word))
        {
            break;
        }
        Ident::parse_any(input)?;
        words.push(word);
    }
    let args = if !words.is_empty() && input.peek(syn::token::Paren) {
        let content;
        let paren = syn::parenthesized!(content in input);
        let mut args = Vec::new();
        let mut bad = false;
        while !content.is_empty() {
            match type_arg(&content) {
                Ok(a) => args.push(a),
                Err(_) => {
                    bad = true;
                    skip_rest(&content);
                    break;
                }
            }
            if content.is_empty() {
                break;
            }
            if content.parse::<Token![,]>().is_err() {
                bad = true;
                skip_rest(&content);
                break;
            }
        }
        if bad || args.is_empty() || args.len() > 2 {
            spans.defer(syn::Error::new(
                paren.span.join(),
                format!(
                    "expected the size of type `{}`: one or two signed numbers in parentheses, e.g. `(255)` or `(10, 2)`",
                    words.join(" ")
                ),
            ));
        }
        Some(args)
    } else {
        None
    };
    Ok((ColumnType::new(&words, args.as_deref()), at))
}

/// One signed number of a type's size: `255`, `-1`, `+3.5`.
fn type_arg(input: ParseStream) -> Result<String> {
    let sign = if input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        "-"
    } else if input.peek(Token![+]) {
        input.parse::<Token![+]>()?;
        "+"
    } else {
        ""
    };
    let digits = match input.parse::<syn::Lit>()? {
        syn::Lit::Int(i) if i.suffix().is_empty() => i.base10_digits().to_owned(),
        syn::Lit::Float(f) if f.suffix().is_empty() => f.base10_digits().to_owned(),
        other => return Err(syn::Error::new(other.span(), "expected a number")),
    };
    Ok(format!("{sign}{digits}"))
}

/// `( expr )` as SQL text.
fn paren_expr(input: ParseStream, spans: &Spans) -> Result<Expr> {
    let content;
    let paren = syn::parenthesized!(content in input);
    let tokens: proc_macro2::TokenStream = content.parse()?;
    if tokens.is_empty() {
        return Err(syn::Error::new(
            paren.span.join(),
            "expected an SQL expression inside the parentheses",
        ));
    }
    to_expr(tokens, spans, spans.loc(paren.span.join()))
}

/// `default (expr)`, or what SQLite takes without parentheses: a literal
/// (`0`, `-1`, `+1.5`, `'x'`, `null`, `true`, `false`) or `current_time`,
/// `current_date`, `current_timestamp`.
fn default_expr(input: ParseStream, spans: &Spans) -> Result<Expr> {
    if input.peek(syn::token::Paren) {
        return paren_expr(input, spans);
    }
    let at = spans.loc(input.span());
    if input.peek(Ident::peek_any) && !input.peek(kw::null) {
        let fork = input.fork();
        let word = Ident::parse_any(&fork)?.to_string();
        let keyword = [
            "current_time",
            "current_date",
            "current_timestamp",
            "true",
            "false",
        ]
        .iter()
        .find(|k| k.eq_ignore_ascii_case(&word));
        if let Some(k) = keyword {
            Ident::parse_any(input)?;
            return Ok(Expr::new(k.to_ascii_uppercase(), at));
        }
        return Err(input.error(
            "expected a default value: a literal, `current_timestamp`, `current_date`, `current_time`, or an expression in parentheses",
        ));
    }
    if input.peek(Token![+]) {
        input.parse::<Token![+]>()?;
    }
    literal_expr(input, at)
}

fn create_table(input: ParseStream, spans: &Spans, guarded: &mut bool) -> Result<CreateTable> {
    input.parse::<kw::table>()?;
    *guarded = if_exists(input, true)?;
    let table_name = name(input, spans)?;
    let content;
    syn::braced!(content in input);
    let mut table = CreateTable::new(table_name, Vec::new());
    while !content.is_empty() {
        if starts_table_constraint(&content) {
            table.constraints.push(table_constraint(&content, spans)?);
        } else {
            table.columns.push(column_def(&content, spans)?);
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    // Table options: `strict`, `without rowid`, in any order.
    loop {
        if input.peek(kw::strict) && table.strict.is_none() {
            let k: kw::strict = input.parse()?;
            table.strict = Some(spans.loc(k.span));
        } else if input.peek(kw::without) && table.without_rowid.is_none() {
            let k: kw::without = input.parse()?;
            input.parse::<kw::rowid>()?;
            table.without_rowid = Some(spans.loc(k.span));
        } else {
            break;
        }
        let _ = input.parse::<Option<Token![,]>>()?;
    }
    let _ = input.parse::<Option<Token![;]>>()?;
    Ok(table)
}

/// Whether a table-level constraint starts here (`constraint n …`,
/// `primary key (`, `unique (`, `check (`, `foreign key`).
fn starts_table_constraint(input: ParseStream) -> bool {
    input.peek(kw::constraint)
        || (input.peek(kw::primary) && input.peek2(kw::key))
        || (input.peek(kw::unique) && input.peek2(syn::token::Paren))
        || (input.peek(kw::check) && input.peek2(syn::token::Paren))
        || (input.peek(kw::foreign) && input.peek2(kw::key))
}

/// `[constraint name]`
fn constraint_name(input: ParseStream, spans: &Spans) -> Result<Option<Name>> {
    if input.peek(kw::constraint) {
        input.parse::<kw::constraint>()?;
        Ok(Some(name(input, spans)?))
    } else {
        Ok(None)
    }
}

/// A table-level constraint.
fn table_constraint(input: ParseStream, spans: &Spans) -> Result<TableConstraint> {
    let cname = constraint_name(input, spans)?;
    let at = spans.loc(input.span());
    let kind = if input.peek(kw::primary) {
        input.parse::<kw::primary>()?;
        input.parse::<kw::key>()?;
        let cols = nonempty_list(
            input,
            |c| indexed_column(c, spans),
            "list the key's columns",
        )?;
        TableConstraintKind::PrimaryKey(cols)
    } else if input.peek(kw::unique) {
        input.parse::<kw::unique>()?;
        let cols = nonempty_list(input, |c| name(c, spans), "list the unique columns")?;
        TableConstraintKind::Unique(cols)
    } else if input.peek(kw::check) {
        input.parse::<kw::check>()?;
        TableConstraintKind::Check(paren_expr(input, spans)?)
    } else if input.peek(kw::foreign) {
        input.parse::<kw::foreign>()?;
        input.parse::<kw::key>()?;
        let columns = nonempty_list(input, |c| name(c, spans), "list the referencing columns")?;
        input.parse::<kw::references>()?;
        TableConstraintKind::ForeignKey {
            columns,
            target: references(input, spans)?,
        }
    } else {
        return Err(input.error(
            "expected a table constraint: `primary key (…)`, `unique (…)`, `check (…)` or `foreign key (…) references …`",
        ));
    };
    let mut constraint = TableConstraint::new(kind, at);
    constraint.name = cname;
    constraint.on_conflict = on_conflict(input, spans)?;
    Ok(constraint)
}

/// `[on conflict rollback|abort|fail|ignore|replace]`, with where the
/// resolution is written. (Where SQLite's grammar has no such clause the
/// checker says so.)
fn on_conflict(input: ParseStream, spans: &Spans) -> Result<Option<(Conflict, Loc)>> {
    if !(input.peek(kw::on) && input.peek2(kw::conflict)) {
        return Ok(None);
    }
    input.parse::<kw::on>()?;
    input.parse::<kw::conflict>()?;
    let expected = "expected a conflict resolution after `on conflict`: `rollback`, `abort`, `fail`, `ignore` or `replace`";
    let word = Ident::parse_any(input).map_err(|e| syn::Error::new(e.span(), expected))?;
    let text = word.unraw().to_string();
    let resolution = Conflict::from_word(&text).ok_or_else(|| {
        let words = Conflict::ALL.map(|c| c.sql().to_ascii_lowercase());
        let close = migrate_dsl_core::check::suggest(&text, words.iter().map(String::as_str));
        let help = close.map_or_else(String::new, |k| format!("\n\nhelp: did you mean `{k}`?"));
        syn::Error::new(word.span(), format!("{expected}{help}"))
    })?;
    Ok(Some((resolution, spans.loc(word.span()))))
}

/// After `references`: `table [(cols)] [on delete a] [on update a]
/// [deferrable initially deferred]`.
fn references(input: ParseStream, spans: &Spans) -> Result<ForeignKeyTarget> {
    let table = name(input, spans)?;
    let columns = if input.peek(syn::token::Paren) {
        paren_list(input, |c| name(c, spans))?.0
    } else {
        Vec::new()
    };
    let mut target = ForeignKeyTarget::new(table, columns);
    loop {
        if input.peek(kw::on) && !input.peek2(kw::conflict) {
            input.parse::<kw::on>()?;
            let delete = if input.peek(kw::delete) {
                input.parse::<kw::delete>()?;
                true
            } else {
                input.parse::<kw::update>().map_err(|e| {
                    syn::Error::new(e.span(), "expected `delete` or `update` after `on`")
                })?;
                false
            };
            let action = fk_action(input)?;
            if delete {
                target.on_delete = Some(action);
            } else {
                target.on_update = Some(action);
            }
        } else if input.peek(kw::deferrable) {
            input.parse::<kw::deferrable>()?;
            input.parse::<kw::initially>()?;
            input.parse::<kw::deferred>()?;
            target.deferred = true;
        } else {
            return Ok(target);
        }
    }
}

fn fk_action(input: ParseStream) -> Result<FkAction> {
    if input.peek(kw::cascade) {
        input.parse::<kw::cascade>()?;
        Ok(FkAction::Cascade)
    } else if input.peek(kw::restrict) {
        input.parse::<kw::restrict>()?;
        Ok(FkAction::Restrict)
    } else if input.peek(kw::set) {
        input.parse::<kw::set>()?;
        if input.peek(kw::null) {
            input.parse::<kw::null>()?;
            Ok(FkAction::SetNull)
        } else {
            input.parse::<kw::default>()?;
            Ok(FkAction::SetDefault)
        }
    } else if input.peek(kw::no) {
        input.parse::<kw::no>()?;
        input.parse::<kw::action>()?;
        Ok(FkAction::NoAction)
    } else {
        Err(input.error(
            "expected a foreign key action: `cascade`, `set null`, `set default`, `restrict` or `no action`",
        ))
    }
}

/// An index key: `column` or an expression (`lower(email)`), then
/// `[collate name] [asc|desc]`.
fn index_key(input: ParseStream, spans: &Spans) -> Result<IndexKey> {
    let start = input.span();
    let mut tokens: Vec<TokenTree> = Vec::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.push(input.parse()?);
    }
    let is_word = |t: Option<&TokenTree>, w: &str| matches!(t, Some(TokenTree::Ident(i)) if i == w);
    let mut desc = false;
    if is_word(tokens.last(), "desc") {
        desc = true;
        tokens.pop();
    } else if is_word(tokens.last(), "asc") {
        tokens.pop();
    }
    let mut collate = None;
    if tokens.len() >= 3 && is_word(tokens.get(tokens.len() - 2), "collate") {
        if let Some(TokenTree::Ident(c)) = tokens.pop() {
            collate = Some(Name::new(c.unraw().to_string(), spans.loc(c.span())));
        }
        tokens.pop();
    }
    let target = match tokens.as_slice() {
        [] => return Err(syn::Error::new(start, "expected a column or an expression")),
        [TokenTree::Ident(i)] => {
            IndexTarget::Column(Name::new(i.unraw().to_string(), spans.loc(i.span())))
        }
        [TokenTree::Literal(l)] if matches!(syn::Lit::new(l.clone()), syn::Lit::Str(_)) => {
            let syn::Lit::Str(s) = syn::Lit::new(l.clone()) else {
                return Err(syn::Error::new(l.span(), "expected a column name"));
            };
            IndexTarget::Column(Name::new(s.value(), spans.loc(s.span())))
        }
        _ => IndexTarget::Expr(to_expr(
            tokens.into_iter().collect(),
            spans,
            spans.loc(start),
        )?),
    };
    let mut key = IndexKey::new(target);
    key.collate = collate;
    key.desc = desc;
    Ok(key)
}

/// `name [asc|desc]`
fn indexed_column(input: ParseStream, spans: &Spans) -> Result<IndexedColumn> {
    let column = name(input, spans)?;
    let desc = if input.peek(kw::desc) {
        input.parse::<kw::desc>()?;
        true
    } else {
        let _ = input.parse::<Option<kw::asc>>()?;
        false
    };
    Ok(IndexedColumn::new(column, desc))
}

/// `name type constraint*`
fn column_def(input: ParseStream, spans: &Spans) -> Result<ColumnDef> {
    let column = name(input, spans)?;
    let (ty, ty_at) = column_type(input, spans)?;
    let mut def = ColumnDef::new(column, ty);
    if !def.ty.is_none() {
        def.ty_at = ty_at;
    }
    while !input.is_empty() && !input.peek(Token![,]) && !input.peek(Token![;]) {
        let span = input.span();
        let dup =
            |what: &str| syn::Error::new(span, format!("`{what}` is given twice for this column"));
        let cname = constraint_name(input, spans)?;
        let at = spans.loc(input.span());
        let mut on_conflict_of_key = None;
        let kind = if input.peek(kw::primary) {
            input.parse::<kw::primary>()?;
            input.parse::<kw::key>()?;
            let desc = if input.peek(kw::desc) {
                input.parse::<kw::desc>()?;
                true
            } else {
                let _ = input.parse::<Option<kw::asc>>()?;
                false
            };
            // SQLite's order: `primary key [desc] [on conflict …]
            // [autoincrement]`.
            on_conflict_of_key = on_conflict(input, spans)?;
            let autoincrement = input
                .parse::<Option<kw::autoincrement>>()?
                .map(|k| spans.loc(k.span));
            if def.primary_key().is_some() {
                return Err(dup("primary key"));
            }
            Some(ColumnConstraintKind::PrimaryKey {
                desc,
                autoincrement,
            })
        } else if input.peek(kw::unique) {
            input.parse::<kw::unique>()?;
            Some(ColumnConstraintKind::Unique)
        } else if input.peek(kw::check) {
            input.parse::<kw::check>()?;
            Some(ColumnConstraintKind::Check(paren_expr(input, spans)?))
        } else if input.peek(kw::references) {
            input.parse::<kw::references>()?;
            Some(ColumnConstraintKind::References(references(input, spans)?))
        } else if cname.is_some() {
            return Err(input.error(
                "expected a named constraint: `primary key`, `unique`, `check (…)` or `references …`",
            ));
        } else if input.peek(kw::not) {
            input.parse::<kw::not>()?;
            input.parse::<kw::null>()?;
            if def.not_null {
                return Err(dup("not null"));
            }
            def.not_null = true;
            def.not_null_conflict = on_conflict(input, spans)?;
            None
        } else if input.peek(kw::null) {
            // `null`: SQLite's explicit "nullable", the default. SQLite
            // reads a conflict clause after it and ignores it.
            let k = input.parse::<kw::null>()?;
            if def.not_null {
                return Err(syn::Error::new(
                    k.span,
                    "a column cannot be both `not null` and `null`; remove one",
                ));
            }
            on_conflict(input, spans)?;
            None
        } else if input.peek(kw::default) {
            input.parse::<kw::default>()?;
            if def.default.is_some() {
                return Err(dup("default"));
            }
            def.default = Some(default_expr(input, spans)?);
            None
        } else if input.peek(kw::collate) {
            input.parse::<kw::collate>()?;
            if def.collate.is_some() {
                return Err(dup("collate"));
            }
            def.collate = Some(name(input, spans)?);
            None
        } else if input.peek(Token![as]) || input.peek(kw::generated) {
            if input.peek(kw::generated) {
                input.parse::<kw::generated>()?;
                input.parse::<kw::always>()?;
            }
            input.parse::<Token![as]>()?;
            if def.generated.is_some() {
                return Err(dup("as (…)"));
            }
            let expr = paren_expr(input, spans)?;
            let stored = if input.peek(kw::stored) {
                input.parse::<kw::stored>()?;
                true
            } else {
                // SQLite's default is VIRTUAL.
                let _ = input.parse::<Option<Token![virtual]>>()?;
                false
            };
            def.generated = Some(Generated::new(expr, stored));
            None
        } else {
            return Err(input.error(
                "expected a column constraint (`primary key`, `not null`, `unique`, `default (…)`, `check (…)`, `collate …`, `references …`, `as (…) stored|virtual`) or `,`",
            ));
        };
        if let Some(kind) = kind {
            let on_conflict = match on_conflict_of_key {
                Some(c) => Some(c),
                None => on_conflict(input, spans)?,
            };
            let mut constraint = ColumnConstraint::new(kind, at);
            constraint.name = cname;
            constraint.on_conflict = on_conflict;
            def.constraints.push(constraint);
        }
    }
    Ok(def)
}

/// `( item, item, … )` with an optional trailing comma, and the span of the
/// parentheses.
fn paren_list<T>(
    input: ParseStream,
    mut item: impl FnMut(ParseStream) -> Result<T>,
) -> Result<(Vec<T>, Span)> {
    let content;
    let paren = syn::parenthesized!(content in input);
    let mut items = Vec::new();
    while !content.is_empty() {
        items.push(item(&content)?);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok((items, paren.span.join()))
}

/// A parenthesized list that must not be empty; `empty` says what to list.
fn nonempty_list<T>(
    input: ParseStream,
    item: impl FnMut(ParseStream) -> Result<T>,
    empty: &str,
) -> Result<Vec<T>> {
    let (items, span) = paren_list(input, item)?;
    if items.is_empty() {
        return Err(syn::Error::new(span, empty));
    }
    Ok(items)
}

fn create_index(input: ParseStream, spans: &Spans, guarded: &mut bool) -> Result<CreateIndex> {
    let unique = input.parse::<Option<kw::unique>>()?.is_some();
    input.parse::<kw::index>()?;
    let concurrently = input
        .parse::<Option<kw::concurrently>>()?
        .map(|k| spans.loc(k.span));
    *guarded = if_exists(input, true)?;
    let index = name(input, spans)?;
    input.parse::<kw::on>()?;
    let table = name(input, spans)?;
    let keys = nonempty_list(
        input,
        |content| index_key(content, spans),
        "an index needs at least one column",
    )?;
    let filter = if input.peek(Token![where]) {
        let w: Token![where] = input.parse()?;
        let mut tokens = proc_macro2::TokenStream::new();
        while !input.is_empty() && !input.peek(Token![;]) {
            tokens.extend(std::iter::once(input.parse::<TokenTree>()?));
        }
        if tokens.is_empty() {
            return Err(syn::Error::new(
                w.span,
                "expected the partial index's condition after `where`",
            ));
        }
        Some(to_expr(tokens, spans, spans.loc(w.span))?)
    } else {
        None
    };
    input.parse::<Token![;]>()?;
    let mut create = CreateIndex::new(index, table, keys);
    create.unique = unique;
    create.filter = filter;
    create.concurrently = concurrently;
    Ok(create)
}

fn insert(input: ParseStream, spans: &Spans) -> Result<Insert> {
    input.parse::<kw::insert>()?;
    input.parse::<kw::into>()?;
    let table = name(input, spans)?;
    let columns = nonempty_list(
        input,
        |content| name(content, spans),
        "list the columns the values go into",
    )?;
    input.parse::<kw::values>()?;
    let mut rows = Vec::new();
    loop {
        let (values, span) = paren_list(input, literal)?;
        rows.push(InsertRow::new(values, spans.loc(span)));
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else {
            break;
        }
    }
    input.parse::<Token![;]>()?;
    Ok(Insert::new(table, columns, rows))
}

fn batch(input: ParseStream, spans: &Spans) -> Result<BatchAlter> {
    let start = input.span();
    input.parse::<kw::batch>()?;
    input.parse::<kw::alter>()?;
    input.parse::<kw::table>()?;
    let table = name(input, spans)?;
    let recreate = if input.peek(kw::recreate) {
        input.parse::<kw::recreate>()?;
        input.parse::<Token![=]>()?;
        if input.peek(kw::always) {
            input.parse::<kw::always>()?;
            Recreate::Always
        } else if input.peek(kw::auto) {
            input.parse::<kw::auto>()?;
            Recreate::Auto
        } else {
            return Err(input.error("expected `auto` or `always` after `recreate =`"));
        }
    } else {
        Recreate::Auto
    };
    let content;
    syn::braced!(content in input);
    let mut changes = Vec::new();
    while !content.is_empty() {
        changes.push(change(&content, spans)?);
    }
    let _ = input.parse::<Option<Token![;]>>()?;
    let mut block = BatchAlter::new(table, changes, spans.loc(start));
    block.recreate = recreate;
    Ok(block)
}

/// `alter table t <change>` outside a block: one change by plain `ALTER
/// TABLE`.
fn alter(input: ParseStream, spans: &Spans) -> Result<BatchAlter> {
    let start = input.span();
    input.parse::<kw::alter>()?;
    input.parse::<kw::table>()?;
    let table = name(input, spans)?;
    let change = change(input, spans)?;
    let mut block = BatchAlter::new(table, vec![change], spans.loc(start));
    block.recreate = Recreate::Never;
    Ok(block)
}

fn change(input: ParseStream, spans: &Spans) -> Result<Change> {
    let look = input.lookahead1();
    let change = if look.peek(kw::add) {
        input.parse::<kw::add>()?;
        if input.peek(kw::column) {
            input.parse::<kw::column>()?;
            Change::AddColumn(column_def(input, spans)?)
        } else if starts_table_constraint(input) {
            Change::AddConstraint(table_constraint(input, spans)?)
        } else {
            return Err(input.error("expected `column` or a constraint after `add`"));
        }
    } else if look.peek(kw::drop) {
        input.parse::<kw::drop>()?;
        if input.peek(kw::constraint) {
            input.parse::<kw::constraint>()?;
            Change::DropConstraint(name(input, spans)?)
        } else {
            input.parse::<kw::column>().map_err(|e| {
                syn::Error::new(e.span(), "expected `column` or `constraint` after `drop`")
            })?;
            Change::DropColumn(name(input, spans)?)
        }
    } else if look.peek(kw::rename) {
        input.parse::<kw::rename>()?;
        input.parse::<kw::column>()?;
        let from = name(input, spans)?;
        input.parse::<kw::to>()?;
        let to = name(input, spans)?;
        Change::RenameColumn { from, to }
    } else if look.peek(kw::rowid) {
        let k = input.parse::<kw::rowid>()?;
        input.parse::<kw::alias>()?;
        let begins = if input.peek(kw::begins) {
            input.parse::<kw::begins>()?;
            true
        } else {
            input.parse::<kw::ends>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `rowid alias ends;` or `rowid alias begins;`",
                )
            })?;
            false
        };
        Change::RowidAlias {
            begins,
            at: spans.loc(k.span),
        }
    } else if look.peek(kw::alter) {
        input.parse::<kw::alter>()?;
        input.parse::<kw::column>()?;
        let column = name(input, spans)?;
        Change::AlterColumn {
            column,
            alter: column_alter(input, spans)?,
        }
    } else {
        return Err(syn::Error::new(
            input.span(),
            "expected a change: `add column`, `drop column`, `rename column … to …`, `alter column`, `add constraint` or `drop constraint`",
        ));
    };
    input.parse::<Token![;]>()?;
    Ok(change)
}

fn column_alter(input: ParseStream, spans: &Spans) -> Result<ColumnAlter> {
    if input.peek(kw::drop) {
        input.parse::<kw::drop>()?;
        if input.peek(kw::not) {
            input.parse::<kw::not>()?;
            input.parse::<kw::null>()?;
            return Ok(ColumnAlter::DropNotNull);
        }
        if input.peek(kw::default) {
            input.parse::<kw::default>()?;
            return Ok(ColumnAlter::DropDefault);
        }
        if input.peek(kw::collate) {
            input.parse::<kw::collate>()?;
            return Ok(ColumnAlter::DropCollate);
        }
        return Err(input.error("expected `not null`, `default` or `collate` after `drop`"));
    }
    if input.peek(kw::set) {
        input.parse::<kw::set>()?;
        if input.peek(kw::not) {
            input.parse::<kw::not>()?;
            input.parse::<kw::null>()?;
            return Ok(ColumnAlter::SetNotNull);
        }
        if input.peek(kw::default) {
            input.parse::<kw::default>()?;
            return Ok(ColumnAlter::SetDefault(default_expr(input, spans)?));
        }
        if input.peek(kw::collate) {
            input.parse::<kw::collate>()?;
            return Ok(ColumnAlter::SetCollate(name(input, spans)?));
        }
        return Err(input.error("expected `not null`, `default (…)` or `collate …` after `set`"));
    }
    if input.peek(Token![type]) {
        input.parse::<Token![type]>()?;
        let (ty, at) = column_type(input, spans)?;
        return Ok(ColumnAlter::Type(ty, at));
    }
    Err(input.error(
        "expected `drop not null`, `set not null`, `set default (…)`, `drop default`, `set collate …`, `drop collate` or `type <type>`",
    ))
}

/// `when "flag"` / `unless "flag"` after `run path`.
fn run_condition(input: ParseStream, spans: &Spans) -> Result<Option<RunIf<Name>>> {
    let when = if input.peek(kw::when) {
        input.parse::<kw::when>()?;
        true
    } else if input.peek(kw::unless) {
        input.parse::<kw::unless>()?;
        false
    } else {
        return Ok(None);
    };
    let flag: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the flag as a string, e.g. `run seed_demo when \"demo_data\";`",
        )
    })?;
    let flag = Name::new(flag.value(), spans.loc(flag.span()));
    Ok(Some(if when {
        RunIf::When(flag)
    } else {
        RunIf::Unless(flag)
    }))
}
