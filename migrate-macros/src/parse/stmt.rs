//! Statements inside a revision, and changes inside a batch block.

use super::expr::{literal, literal_expr, to_expr};
use super::{combine, kw};
use crate::spans::Spans;
use migrate_core::op::*;
use migrate_core::{Loc, Name};
use proc_macro2::{Delimiter, Span, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseBuffer, ParseStream};
use syn::{Ident, LitStr, Result, Token};

const STATEMENTS: &str = "expected a statement: `create table`, `create [unique] index`, `drop index`, `insert into`, `batch alter table` or `run`";

/// Parses the statements of a revision body, recovering after each error.
pub(super) fn parse_body(
    input: &ParseBuffer,
    spans: &Spans,
    hooks: &mut Vec<syn::Path>,
) -> (Vec<Op>, Option<syn::Error>) {
    let mut ops = Vec::new();
    let mut errors = None;
    while !input.is_empty() {
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

fn statement(input: ParseStream, spans: &Spans, hooks: &mut Vec<syn::Path>) -> Result<Op> {
    let look = input.lookahead1();
    if look.peek(kw::create) {
        input.parse::<kw::create>()?;
        if input.peek(kw::table) {
            create_table(input, spans).map(Op::CreateTable)
        } else if input.peek(kw::index) || input.peek(kw::unique) {
            create_index(input, spans).map(Op::CreateIndex)
        } else {
            Err(input.error("expected `table`, `index` or `unique index` after `create`"))
        }
    } else if look.peek(kw::drop) {
        input.parse::<kw::drop>()?;
        if !input.peek(kw::index) {
            return Err(input.error(
                "expected `index` after `drop`; columns are dropped inside `batch alter table t { drop column c; }`",
            ));
        }
        input.parse::<kw::index>()?;
        let n = name(input, spans)?;
        input.parse::<Token![;]>()?;
        Ok(Op::DropIndex(n))
    } else if look.peek(kw::insert) {
        insert(input, spans).map(Op::Insert)
    } else if look.peek(kw::batch) {
        batch(input, spans).map(Op::Batch)
    } else if look.peek(kw::run) {
        input.parse::<kw::run>()?;
        let path: syn::Path = input.parse()?;
        let text = hook_path_text(&path)?;
        let at = spans.loc(path_span(&path));
        input.parse::<Token![;]>()?;
        hooks.push(path);
        Ok(Op::Run(RunHook {
            path: Name::new(text, at),
        }))
    } else if input.peek(kw::alter) || input.peek(kw::add) || input.peek(kw::rename) {
        Err(input.error("column changes go inside a batch block: `batch alter table t { … }`"))
    } else {
        Err(syn::Error::new(input.span(), STATEMENTS))
    }
}

fn path_span(path: &syn::Path) -> Span {
    path.segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// `a::b::c` (no generic arguments: the hook's type is fixed).
fn hook_path_text(path: &syn::Path) -> Result<String> {
    let mut text = String::new();
    if path.leading_colon.is_some() {
        text.push_str("::");
    }
    for (i, seg) in path.segments.iter().enumerate() {
        if !seg.arguments.is_none() {
            return Err(syn::Error::new_spanned(
                &seg.arguments,
                "a hook path cannot have generic arguments; hooks are `fn(&Transaction) -> Result<(), E>`",
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
    Ok(Name::new(ident.to_string(), spans.loc(ident.span())))
}

fn column_type(input: ParseStream, spans: &Spans) -> Result<(ColumnType, Loc)> {
    let ident = Ident::parse_any(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected a column type: integer, text, real, blob or numeric",
        )
    })?;
    match ColumnType::from_keyword(&ident.to_string()) {
        Some(t) => Ok((t, spans.loc(ident.span()))),
        None => Err(syn::Error::new(
            ident.span(),
            format!(
                "unknown column type `{ident}`; expected one of integer, text, real, blob, numeric"
            ),
        )),
    }
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

/// `default (expr)` or `default <literal>`.
fn default_expr(input: ParseStream, spans: &Spans) -> Result<Expr> {
    if input.peek(syn::token::Paren) {
        paren_expr(input, spans)
    } else {
        let at = spans.loc(input.span());
        literal_expr(input, at)
    }
}

fn create_table(input: ParseStream, spans: &Spans) -> Result<CreateTable> {
    input.parse::<kw::table>()?;
    let name = name(input, spans)?;
    let content;
    syn::braced!(content in input);
    let mut columns = Vec::new();
    let mut checks = Vec::new();
    while !content.is_empty() {
        if content.peek(kw::check) && content.peek2(syn::token::Paren) {
            content.parse::<kw::check>()?;
            checks.push(paren_expr(&content, spans)?);
        } else {
            columns.push(column_def(&content, spans)?);
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    let _ = input.parse::<Option<Token![;]>>()?;
    Ok(CreateTable {
        name,
        columns,
        checks,
    })
}

/// `name type constraint*`
fn column_def(input: ParseStream, spans: &Spans) -> Result<ColumnDef> {
    let name = name(input, spans)?;
    let (ty, ty_at) = column_type(input, spans)?;
    let mut def = ColumnDef::new(name, ty);
    def.ty_at = ty_at;
    while !input.is_empty() && !input.peek(Token![,]) && !input.peek(Token![;]) {
        let span = input.span();
        let dup =
            |what: &str| syn::Error::new(span, format!("`{what}` is given twice for this column"));
        if input.peek(kw::primary) {
            input.parse::<kw::primary>()?;
            input.parse::<kw::key>()?;
            if def.primary_key.is_some() {
                return Err(dup("primary key"));
            }
            def.primary_key = Some(spans.loc(span));
        } else if input.peek(kw::not) {
            input.parse::<kw::not>()?;
            input.parse::<kw::null>()?;
            if def.not_null {
                return Err(dup("not null"));
            }
            def.not_null = true;
        } else if input.peek(kw::unique) {
            input.parse::<kw::unique>()?;
            if def.unique {
                return Err(dup("unique"));
            }
            def.unique = true;
        } else if input.peek(kw::default) {
            input.parse::<kw::default>()?;
            if def.default.is_some() {
                return Err(dup("default"));
            }
            def.default = Some(default_expr(input, spans)?);
        } else if input.peek(kw::check) {
            input.parse::<kw::check>()?;
            if def.check.is_some() {
                return Err(dup("check"));
            }
            def.check = Some(paren_expr(input, spans)?);
        } else {
            return Err(input.error(
                "expected a column constraint (`primary key`, `not null`, `unique`, `default (…)`, `check (…)`) or `,`",
            ));
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

fn create_index(input: ParseStream, spans: &Spans) -> Result<CreateIndex> {
    let unique = input.parse::<Option<kw::unique>>()?.is_some();
    input.parse::<kw::index>()?;
    let index = name(input, spans)?;
    input.parse::<kw::on>()?;
    let table = name(input, spans)?;
    let (columns, span) = paren_list(input, |content| {
        let name = name(content, spans)?;
        let desc = if content.peek(kw::desc) {
            content.parse::<kw::desc>()?;
            true
        } else {
            let _ = content.parse::<Option<kw::asc>>()?;
            false
        };
        Ok(IndexedColumn { name, desc })
    })?;
    if columns.is_empty() {
        return Err(syn::Error::new(span, "an index needs at least one column"));
    }
    input.parse::<Token![;]>()?;
    Ok(CreateIndex {
        name: index,
        table,
        columns,
        unique,
    })
}

fn insert(input: ParseStream, spans: &Spans) -> Result<Insert> {
    input.parse::<kw::insert>()?;
    input.parse::<kw::into>()?;
    let table = name(input, spans)?;
    let (columns, span) = paren_list(input, |content| name(content, spans))?;
    if columns.is_empty() {
        return Err(syn::Error::new(span, "list the columns the values go into"));
    }
    input.parse::<kw::values>()?;
    let mut rows = Vec::new();
    loop {
        let (values, span) = paren_list(input, literal)?;
        rows.push(InsertRow {
            values,
            at: spans.loc(span),
        });
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else {
            break;
        }
    }
    input.parse::<Token![;]>()?;
    Ok(Insert {
        table,
        columns,
        rows,
    })
}

fn batch(input: ParseStream, spans: &Spans) -> Result<BatchAlter> {
    let start = input.span();
    input.parse::<kw::batch>()?;
    input.parse::<kw::alter>()?;
    input.parse::<kw::table>()?;
    let table = name(input, spans)?;
    let content;
    syn::braced!(content in input);
    let mut changes = Vec::new();
    while !content.is_empty() {
        changes.push(change(&content, spans)?);
    }
    let _ = input.parse::<Option<Token![;]>>()?;
    Ok(BatchAlter {
        table,
        changes,
        at: spans.loc(start),
    })
}

fn change(input: ParseStream, spans: &Spans) -> Result<Change> {
    let look = input.lookahead1();
    let change = if look.peek(kw::add) {
        input.parse::<kw::add>()?;
        input.parse::<kw::column>()?;
        Change::AddColumn(column_def(input, spans)?)
    } else if look.peek(kw::drop) {
        input.parse::<kw::drop>()?;
        input.parse::<kw::column>()?;
        Change::DropColumn(name(input, spans)?)
    } else if look.peek(kw::rename) {
        input.parse::<kw::rename>()?;
        input.parse::<kw::column>()?;
        let from = name(input, spans)?;
        input.parse::<kw::to>()?;
        let to = name(input, spans)?;
        Change::RenameColumn { from, to }
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
            "expected a change: `add column`, `drop column`, `rename column … to …` or `alter column`",
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
        return Err(input.error("expected `not null` or `default` after `drop`"));
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
        return Err(input.error("expected `not null` or `default (…)` after `set`"));
    }
    if input.peek(Token![type]) {
        input.parse::<Token![type]>()?;
        let (ty, _) = column_type(input, spans)?;
        return Ok(ColumnAlter::Type(ty));
    }
    Err(input.error(
        "expected `drop not null`, `set not null`, `set default (…)`, `drop default` or `type <type>`",
    ))
}
