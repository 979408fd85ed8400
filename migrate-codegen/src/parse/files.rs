//! `revisions from "dir";`: revisions kept one per file, `*.mig` in a
//! directory, ordered by file name. A file holds a revision's body (its id
//! is the file's stem) or a whole `revision "id" { … }` (the id it says).
//!
//! The path is relative to the source file of the `migration!` call, as
//! for `include_str!` (or to the crate's directory when that file is not
//! known). Each file's text is read by proc-macro2's own lexer, whose
//! spans carry line and column, so an error says `file:line:column`; it
//! is shown at the directory's name, since Rust cannot point into a file
//! a macro read. The expansion includes every file with `include_bytes!`,
//! so editing or removing one rebuilds the crate.
//!
//! A revision file is not Rust source: SQL's single-quoted strings
//! (`default ('draft')`) are read as the string literals the macro's
//! input writes with double quotes.

use super::{combine, kw, parse_revision, stmt, ParsedRevision};
use crate::spans::Spans;
use migrate_dsl_core::op::{DownBlock, RevisionDef};
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::ToTokens;
use std::path::{Path, PathBuf};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{LitStr, Token};

use migrate_dsl_core::REVISION_FILE_EXTENSION as EXTENSION;

/// The revisions of a directory, the files read, and their errors.
pub(super) struct Directory {
    /// The directory, absolute.
    pub(super) path: PathBuf,
    pub(super) revisions: Vec<ParsedRevision>,
    pub(super) files: Vec<PathBuf>,
    pub(super) errors: Option<syn::Error>,
}

/// Parses `revisions from "dir";` and reads the directory.
pub(super) fn parse(input: ParseStream, spans: &Spans) -> syn::Result<Directory> {
    input.parse::<kw::revisions>()?;
    let expected = |e: syn::Error| {
        syn::Error::new(
            e.span(),
            "expected `revisions from \"<directory>\";`, e.g. `revisions from \"../migrations\";`",
        )
    };
    input.parse::<kw::from>().map_err(expected)?;
    let dir: LitStr = input.parse().map_err(expected)?;
    input.parse::<Token![;]>().map_err(expected)?;
    read(&dir, spans)
}

/// Where a relative path in the source file of `span` points.
fn base(span: Span) -> PathBuf {
    span.local_file()
        .and_then(|f| f.parent().map(Path::to_path_buf))
        .filter(|d| d.is_dir())
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
        .unwrap_or_default()
}

fn read(dir: &LitStr, spans: &Spans) -> syn::Result<Directory> {
    let written = dir.value();
    let path = base(dir.span()).join(&written);
    let error = |what: String| syn::Error::new(dir.span(), what);
    let entries = std::fs::read_dir(&path).map_err(|e| {
        error(format!(
            "cannot read directory `{written}`: {e}\n\nhelp: the path is relative to the file that contains this `migration!`, as for `include_str!`"
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == EXTENSION))
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    // `include_bytes!` reads a relative path from the including file.
    for file in &mut files {
        if let Ok(absolute) = std::fs::canonicalize(&*file) {
            *file = absolute;
        }
    }
    if files.is_empty() {
        return Err(error(format!(
            "directory `{written}` has no revision files (`*.{EXTENSION}`)\n\nhelp: write one revision per file, e.g. `0001_create_users.{EXTENSION}` holding `create table users {{ … }}`"
        )));
    }
    let mut revisions = Vec::new();
    let mut errors = None;
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = format!("{}/{name}", written.trim_end_matches('/'));
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                combine(&mut errors, error(format!("cannot read `{shown}`: {e}")));
                continue;
            }
        };
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let index = spans.add_file(shown.clone(), dir.span());
        let read = read_file(&text, &stem, spans, index);
        for (message, line, column) in read.errors {
            combine(
                &mut errors,
                error(format!("{shown}:{line}:{column}: {message}")),
            );
        }
        if let Some(rev) = read.revision {
            let path =
                |text: &str| syn::parse2::<syn::Path>(respan(text.parse().ok()?, dir.span())).ok();
            let hooks = read
                .hooks
                .iter()
                .filter_map(|(sqlite, postgres, line)| {
                    Some(super::HookPaths {
                        sqlite: path(sqlite)?,
                        postgres: match postgres {
                            Some(p) => Some(path(p)?),
                            None => None,
                        },
                        written_at: Some((name.clone(), *line)),
                    })
                })
                .collect();
            revisions.push((rev, hooks, None));
        }
    }
    Ok(Directory {
        path: std::fs::canonicalize(&path).unwrap_or(path),
        revisions,
        files,
        errors,
    })
}

/// What reading one file gave, as plain data (its tokens were
/// proc-macro2's own, which must not meet the compiler's).
struct FileRead {
    revision: Option<RevisionDef>,
    /// The `run` hooks' paths, as text: SQLite's, PostgreSQL's, and the
    /// line they are on.
    hooks: Vec<(String, Option<String>, usize)>,
    /// Errors: message, line, column.
    errors: Vec<(String, usize, usize)>,
}

/// Parses one file's text with proc-macro2's own lexer (positions), its
/// locations recorded as positions in file `index`.
fn read_file(text: &str, stem: &str, spans: &Spans, index: usize) -> FileRead {
    // Errors deferred before this file keep their compiler spans.
    let earlier = spans.take_deferred();
    proc_macro2::fallback::force();
    spans.set_reading(Some(index));
    let _restore = Restore;
    let mut read = FileRead {
        revision: None,
        hooks: Vec::new(),
        errors: Vec::new(),
    };
    let mut found = Vec::new();
    let mut report = |e: syn::Error| {
        for e in e {
            let at = e.span().start();
            found.push((e.to_string(), at.line, at.column + 1));
        }
    };
    match sql_strings(text).parse::<TokenStream>() {
        Err(e) => report(syn::Error::new(
            e.span(),
            format!("cannot read the tokens: {e}"),
        )),
        Ok(tokens) => {
            let parser = |input: ParseStream| -> syn::Result<ParsedRevision> {
                if input.peek(kw::revision) {
                    let parsed = parse_revision(input, spans)?;
                    if !input.is_empty() {
                        return Err(input.error(
                            "a revision file holds one revision: move this one to a file of its own",
                        ));
                    }
                    return Ok(parsed);
                }
                let id = migrate_dsl_core::Name::new(stem, spans.loc(input.span()));
                let mut hooks = Vec::new();
                let (ops, mut errors) = stmt::parse_body(input, spans, &mut hooks);
                let down = if stmt::at_down(input) {
                    Some(super::parse_down(input, spans, &mut hooks, &mut errors)?)
                } else {
                    None::<DownBlock>
                };
                let mut revision = RevisionDef::new(id, ops);
                revision.down = down;
                Ok((revision, hooks, errors))
            };
            match parser.parse2(tokens) {
                Ok((rev, hooks, errors)) => {
                    read.hooks = hooks
                        .iter()
                        .map(|h| {
                            let text = |p: &syn::Path| p.to_token_stream().to_string();
                            let line = h.sqlite.span().start().line;
                            (text(&h.sqlite), h.postgres.as_ref().map(text), line)
                        })
                        .collect();
                    read.revision = Some(rev);
                    if let Some(e) = errors {
                        report(e);
                    }
                }
                Err(e) => report(e),
            }
            for e in spans.take_deferred() {
                report(e);
            }
        }
    }
    read.errors = found;
    for e in earlier {
        spans.defer(e);
    }
    spans.set_reading(None);
    read
}

/// `text` with each SQL string `'…'` (outside Rust strings and comments)
/// written as a Rust string literal, `''` inside it read as one quote. A
/// string without `''`, `"` or `\\` keeps its length, so positions after
/// it stay right.
fn sql_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Copies `chars[i..end]` as written and moves past it.
    let copy = |out: &mut String, i: &mut usize, end: usize| {
        out.extend(&chars[*i..end.min(chars.len())]);
        *i = end.min(chars.len());
    };
    let find = |from: usize, what: &[char]| {
        (from..chars.len())
            .find(|&k| chars[k..].starts_with(what))
            .map_or(chars.len(), |k| k + what.len())
    };
    while i < chars.len() {
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        match chars[i] {
            '\'' => {
                out.push('"');
                i += 1;
                while i < chars.len() {
                    match chars[i] {
                        '\'' if chars.get(i + 1) == Some(&'\'') => {
                            out.push('\'');
                            i += 1;
                        }
                        '\'' => break,
                        c @ ('"' | '\\') => {
                            out.push('\\');
                            out.push(c);
                        }
                        c => out.push(c),
                    }
                    i += 1;
                }
                out.push('"');
                i += 1;
            }
            '"' => {
                let mut end = i + 1;
                while end < chars.len() && chars[end] != '"' {
                    end += if chars[end] == '\\' { 2 } else { 1 };
                }
                copy(&mut out, &mut i, end + 1);
            }
            'r' if !ident_before && matches!(chars.get(i + 1), Some('"' | '#')) => {
                let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
                if chars.get(i + 1 + hashes) == Some(&'"') {
                    let close: Vec<char> = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', hashes))
                        .collect();
                    let end = find(i + 2 + hashes, &close);
                    copy(&mut out, &mut i, end);
                } else {
                    let end = i + 1;
                    copy(&mut out, &mut i, end);
                }
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                let end = find(i, &['\n']);
                copy(&mut out, &mut i, end);
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let end = find(i + 2, &['*', '/']);
                copy(&mut out, &mut i, end);
            }
            _ => {
                let end = i + 1;
                copy(&mut out, &mut i, end);
            }
        }
    }
    out
}

/// Gives the compiler back its own token implementation, also if parsing
/// panicked.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        proc_macro2::fallback::unforce();
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut t| {
            if let TokenTree::Group(g) = &t {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                t = TokenTree::Group(group);
            } else {
                t.set_span(span);
            }
            t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sql_strings;

    #[test]
    fn sql_strings_become_rust_strings_and_nothing_else_changes() {
        assert_eq!(
            sql_strings("default ('draft') check (s in ('a', 'it''s', 'say \"hi\"'))"),
            r#"default ("draft") check (s in ("a", "it's", "say \"hi\""))"#
        );
        for untouched in [
            r#"sql "UPDATE t SET a = 'x'" touches (t);"#,
            "// it's a comment\ndrop table x;",
            "/* don't */ drop table x;",
            r##"sql r#"SELECT 'a' || "b""# touches (t);"##,
        ] {
            assert_eq!(sql_strings(untouched), untouched);
        }
    }
}
