//! The pipeline behind `migration!`: parse (syn) → check (`migrate-core`) →
//! expand (quote), as a plain library over `proc_macro2` token streams, so
//! it can be tested, fuzzed and benchmarked without `proc_macro`. The
//! `migrate-macros` crate is a one-line wrapper around [`expand`].

#![warn(missing_docs)]

mod expand;
mod fallback;
mod oracle;
mod parse;
mod spans;

use proc_macro2::TokenStream;

/// parse → check → expand: the expansion of `migration! { input }`. Never
/// panics; bad input yields `compile_error!`s (and a well-typed stub).
///
/// ```
/// let input: proc_macro2::TokenStream = r#"
///     static M;
///     revision "0001" { create table t { id integer primary key } }
/// "#.parse().unwrap();
/// let out = migrate_dsl_codegen::expand(input).to_string();
/// assert!(!out.contains("compile_error"));
/// ```
pub fn expand(input: TokenStream) -> TokenStream {
    let spans = spans::Spans::default();
    let parsed = parse::parse(input, &spans);
    // Revision files are included, so editing or removing one rebuilds the
    // crate (also while they have errors).
    let tracked = parsed.files.iter().map(|f| {
        let path = f.to_string_lossy();
        quote::quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    let tracked: TokenStream = tracked.collect();
    let mut out = expand_parsed(parsed, &spans);
    out.extend(tracked);
    out
}

fn expand_parsed(parsed: parse::Parsed, spans: &spans::Spans) -> TokenStream {
    let input = match parsed.result {
        Ok(input) => input,
        Err(e) => return fallback::stub(parsed.header.as_ref(), e.into_compile_error()),
    };
    let checked =
        migrate_dsl_core::check::check_history_traced(&input.history).and_then(|checked| {
            let objections = oracle::check(&input.history, &checked);
            if objections.is_empty() {
                Ok(checked)
            } else {
                Err(objections)
            }
        });
    match checked {
        Ok(checked) => expand::migrations(
            &input.header,
            input.history.history_table_name(),
            &checked.plans,
            &checked.head,
            &input.hooks,
            parsed.dirs.last().map(std::path::PathBuf::as_path),
            &parsed.files,
        ),
        Err(diags) => {
            let errors = diags.iter().map(|d| {
                let mut message = match spans.position(d.at) {
                    Some(at) => format!("{at}: {}", d.message),
                    None => d.message.clone(),
                };
                if let Some(help) = &d.help {
                    message.push_str("\n\nhelp: ");
                    message.push_str(help);
                }
                if let Some((at, note)) = &d.note {
                    message.push_str("\n\nnote: ");
                    message.push_str(note);
                    if let Some(place) = spans.describe(*at) {
                        message.push(' ');
                        message.push_str(&place);
                    }
                }
                syn::Error::new(spans.span(d.at), message).into_compile_error()
            });
            fallback::stub(Some(&input.header), errors.collect())
        }
    }
}
