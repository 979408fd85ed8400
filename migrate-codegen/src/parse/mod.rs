//! Parse: tokens → core operations (names located through the span table).
//!
//! Recovery happens at statement level: after a syntax error the parser skips
//! to the next `;` or `{ … }` block and goes on, so one compile shows every
//! syntax error.

mod expr;
mod files;
mod kw;
mod stmt;

use crate::spans::Spans;
use migrate_dsl_core::op::{DownBlock, History, Naming, RevisionDef};
use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, LitStr, Token, Visibility};

/// The `pub static NAME;` header.
pub(crate) struct Header {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) name: Ident,
}

/// The functions a `run` hook names: SQLite's, and PostgreSQL's when the
/// hook names one (`run sqlite: f, postgres: g;`).
#[derive(Clone)]
pub(crate) struct HookPaths {
    pub(crate) sqlite: syn::Path,
    pub(crate) postgres: Option<syn::Path>,
    /// For a hook named in a revision file: the file's name and the line
    /// of its `run`, which the compiler's errors about the functions must
    /// name (their spans can only point at the directory's name).
    pub(crate) written_at: Option<(String, usize)>,
}

/// Everything the macro was given.
pub(crate) struct Input {
    pub(crate) header: Header,
    pub(crate) history: History,
    /// The `run` hooks of each revision, in order: their paths, for expansion.
    pub(crate) hooks: Vec<Vec<HookPaths>>,
}

/// The outcome of parsing: the header (when it parsed, so a stub can be
/// emitted), the revision files read (the expansion includes them, so an
/// edit rebuilds the crate also when they have errors), and either the
/// input or the syntax errors.
pub(crate) struct Parsed {
    pub(crate) header: Option<Header>,
    pub(crate) files: Vec<std::path::PathBuf>,
    /// The directories they were read from (absolute paths).
    pub(crate) dirs: Vec<std::path::PathBuf>,
    pub(crate) result: Result<Input, syn::Error>,
}

/// Parses the whole macro input.
pub(crate) fn parse(tokens: TokenStream, spans: &Spans) -> Parsed {
    let mut header = None;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let parser = |input: ParseStream| -> syn::Result<Input> {
        let h = parse_header(input)?;
        header = Some(Header {
            attrs: h.attrs.clone(),
            vis: h.vis.clone(),
            name: h.name.clone(),
        });
        let mut errors: Option<syn::Error> = None;
        let mut history = History::default();
        loop {
            if input.peek(kw::naming) {
                history.naming = parse_naming(input, spans)?;
            } else if input.peek(kw::history) {
                history.history_table = Some(parse_history_table(input, spans)?);
            } else if input.peek(kw::dialects) {
                history.dialects.extend(parse_dialects(input, spans)?);
            } else {
                break;
            }
        }
        let mut hooks = Vec::new();
        while !input.is_empty() {
            if input.peek(kw::revisions) {
                match files::parse(input, spans) {
                    Ok(dir) => {
                        files.extend(dir.files);
                        dirs.push(dir.path);
                        for (rev, rev_hooks, _) in dir.revisions {
                            history.revisions.push(rev);
                            hooks.push(rev_hooks);
                        }
                        if let Some(e) = dir.errors {
                            combine(&mut errors, e);
                        }
                    }
                    Err(e) => combine(&mut errors, e),
                }
                continue;
            }
            match parse_revision(input, spans) {
                Ok((rev, rev_hooks, rev_errors)) => {
                    history.revisions.push(rev);
                    hooks.push(rev_hooks);
                    if let Some(e) = rev_errors {
                        combine(&mut errors, e);
                    }
                }
                Err(e) => {
                    combine(&mut errors, e);
                    // A revision that does not even start well: give up on
                    // the rest rather than report noise.
                    if !input.peek(kw::revision) {
                        break;
                    }
                }
            }
        }
        for e in spans.take_deferred() {
            combine(&mut errors, e);
        }
        match errors {
            Some(e) => Err(e),
            None => Ok(Input {
                header: h,
                history,
                hooks,
            }),
        }
    };
    let result = parser.parse2(tokens);
    Parsed {
        header,
        files,
        dirs,
        result,
    }
}

/// Appends `e` to the collected errors.
pub(crate) fn combine(errors: &mut Option<syn::Error>, e: syn::Error) {
    match errors {
        Some(all) => all.combine(e),
        None => *errors = Some(e),
    }
}

fn parse_header(input: ParseStream) -> syn::Result<Header> {
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    if !input.peek(Token![static]) {
        return Err(input.error(
            "expected the header `static NAME;` naming the migrations, e.g. `pub static MIGRATIONS;`",
        ));
    }
    input.parse::<Token![static]>()?;
    let name: Ident = input.parse()?;
    input.parse::<Token![;]>()?;
    Ok(Header { attrs, vis, name })
}

/// `history table "name";`: the table applied revisions are recorded in.
fn parse_history_table(input: ParseStream, spans: &Spans) -> syn::Result<migrate_dsl_core::Name> {
    input.parse::<kw::history>()?;
    let expected = |e: syn::Error| {
        syn::Error::new(
            e.span(),
            "expected `history table \"<name>\";`, e.g. `history table \"billing_migrations\";`",
        )
    };
    input.parse::<kw::table>().map_err(expected)?;
    let name: LitStr = input.parse().map_err(expected)?;
    input.parse::<Token![;]>().map_err(expected)?;
    Ok(migrate_dsl_core::Name::new(
        name.value(),
        spans.loc(name.span()),
    ))
}

/// `dialects sqlite, postgres;`: the engines the history targets.
fn parse_dialects(
    input: ParseStream,
    spans: &Spans,
) -> syn::Result<Vec<(migrate_dsl_core::op::Dialect, migrate_dsl_core::Loc)>> {
    use migrate_dsl_core::op::Dialect;
    input.parse::<kw::dialects>()?;
    let expected = |span| {
        let names: Vec<String> = Dialect::ALL
            .iter()
            .map(|d| format!("`{}`", d.keyword()))
            .collect();
        syn::Error::new(
            span,
            format!(
                "expected the dialects the history targets, e.g. `dialects sqlite, postgres;` (known: {})",
                names.join(", ")
            ),
        )
    };
    let mut dialects = Vec::new();
    loop {
        let word: Ident = input.parse().map_err(|e| expected(e.span()))?;
        dialects.push((dialect(&word)?, spans.loc(word.span())));
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            return Ok(dialects);
        }
        input.parse::<Token![,]>().map_err(|e| expected(e.span()))?;
    }
}

/// The dialect `word` names (`sqlite`, `postgres`), or the error saying
/// which are known.
pub(super) fn dialect(word: &Ident) -> syn::Result<migrate_dsl_core::op::Dialect> {
    use migrate_dsl_core::op::Dialect;
    let name = word.to_string();
    Dialect::from_keyword(&name).ok_or_else(|| {
        let close = migrate_dsl_core::check::suggest(&name, Dialect::ALL.map(Dialect::keyword));
        let help = close.map_or_else(String::new, |k| format!("\n\nhelp: did you mean `{k}`?"));
        syn::Error::new(
            word.span(),
            format!("unknown dialect `{name}`: expected `sqlite` or `postgres`{help}"),
        )
    })
}

/// `naming { primary_key = "…", unique = "…", check = "…", foreign_key =
/// "…" }`: any subset, the rest keep their defaults.
fn parse_naming(input: ParseStream, spans: &Spans) -> syn::Result<Naming> {
    input.parse::<kw::naming>()?;
    let mut naming = Naming::default();
    let content;
    syn::braced!(content in input);
    while !content.is_empty() {
        let key: Ident = content.parse()?;
        content.parse::<Token![=]>()?;
        let template: LitStr = content.parse()?;
        let (name, slot) = match key.to_string().as_str() {
            "primary_key" => ("primary_key", &mut naming.primary_key),
            "unique" => ("unique", &mut naming.unique),
            "check" => ("check", &mut naming.check),
            "foreign_key" => ("foreign_key", &mut naming.foreign_key),
            _ => {
                return Err(syn::Error::new(
                    key.span(),
                    "unknown naming template; expected `primary_key`, `unique`, `check` or `foreign_key`",
                ))
            }
        };
        *slot = template.value();
        naming.at.push((name, spans.loc(template.span())));
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(naming)
}

/// A revision, its hooks, and the syntax errors of its statements.
pub(super) type ParsedRevision = (RevisionDef, Vec<HookPaths>, Option<syn::Error>);

fn parse_revision(input: ParseStream, spans: &Spans) -> syn::Result<ParsedRevision> {
    if !input.peek(kw::revision) {
        return Err(
            input.error("expected `revision \"<id>\" { … }` or `revisions from \"<directory>\";`")
        );
    }
    input.parse::<kw::revision>()?;
    let id: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the revision id as a string, e.g. `revision \"0001_create_users\" { … }`",
        )
    })?;
    let content;
    syn::braced!(content in input);
    let mut hooks = Vec::new();
    let (ops, mut errors) = stmt::parse_body(&content, spans, &mut hooks);
    let down = if stmt::at_down(&content) {
        Some(parse_down(&content, spans, &mut hooks, &mut errors)?)
    } else {
        None
    };
    Ok((
        {
            let id = migrate_dsl_core::Name::new(id.value(), spans.loc(id.span()));
            let mut revision = RevisionDef::new(id, ops);
            revision.down = down;
            revision
        },
        hooks,
        errors,
    ))
}

/// `down { … }`: the last item of a revision. Its `run` hooks follow the
/// revision's own in `hooks`.
fn parse_down(
    input: ParseStream,
    spans: &Spans,
    hooks: &mut Vec<HookPaths>,
    errors: &mut Option<syn::Error>,
) -> syn::Result<DownBlock> {
    let keyword = input.parse::<kw::down>()?;
    let body;
    syn::braced!(body in input);
    let (ops, body_errors) = stmt::parse_body(&body, spans, hooks);
    if let Some(e) = body_errors {
        combine(errors, e);
    }
    if !body.is_empty() {
        combine(
            errors,
            body.error("a `down` block cannot contain another `down` block"),
        );
        stmt::skip_rest(&body);
    }
    if !input.is_empty() {
        combine(
            errors,
            input.error(
                "`down { … }` must be the last item of its revision: move this statement above it",
            ),
        );
        stmt::skip_rest(input);
    }
    Ok(DownBlock::new(spans.loc(keyword.span), ops))
}
