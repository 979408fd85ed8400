//! The `migration!` macro of migrate-dsl. Use it through the `migrate-dsl`
//! crate, which documents the DSL; this crate only parses, asks
//! `migrate-core` to check, and expands.

mod expand;
mod fallback;
mod parse;
mod spans;

use proc_macro2::TokenStream;

/// Defines a history of schema migrations, checked at compile time.
/// See the `migrate-dsl` crate for the DSL.
#[proc_macro]
pub fn migration(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into()).into()
}

/// parse → check → expand, as a plain function of token streams.
fn expand(input: TokenStream) -> TokenStream {
    let spans = spans::Spans::default();
    let parsed = parse::parse(input, &spans);
    let input = match parsed.result {
        Ok(input) => input,
        Err(e) => return fallback::stub(parsed.header.as_ref(), e.into_compile_error()),
    };
    match migrate_core::check::check_history(&input.history) {
        Ok(plans) => expand::migrations(&input.header, &plans, &input.hooks),
        Err(diags) => {
            let errors = diags.iter().map(|d| {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\n\nhelp: ");
                    message.push_str(help);
                }
                syn::Error::new(spans.span(d.at), message).into_compile_error()
            });
            fallback::stub(Some(&input.header), errors.collect())
        }
    }
}
