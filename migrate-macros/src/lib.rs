//! The `migration!` macro of migrate-dsl. Use it through the `migrate-dsl`
//! crate, which documents the DSL; this crate only parses, asks
//! `migrate-core` to check, and expands.

#![warn(missing_docs)]

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

#[cfg(test)]
mod tests {
    use super::expand;
    use proc_macro2::TokenStream;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    const VALID: &str = r#"
        /// docs
        pub static M;
        revision "0001" {
            create table foo { id integer primary key, bar text not null check (length(bar) < 9), n real default 0.5 }
            create unique index foo_bar on foo (bar desc, id);
            insert into foo (id, bar, n) values (1, "a", -2), (2, "b", null);
        }
        revision "0002" {
            batch alter table foo {
                add column note text default ("x");
                drop column n;
                rename column bar to label;
                alter column label drop not null;
                alter column note set default (1 + 2);
                alter column note type blob;
            }
            drop index foo_bar;
            run a::b;
        }
    "#;

    /// A tiny deterministic generator; the test needs variety, not quality.
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    #[test]
    fn valid_input_expands() {
        let out = expand(VALID.parse::<TokenStream>().unwrap()).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("Revision :: from_static"), "{out}");
    }

    /// The macro never panics: thousands of mutations of a valid input
    /// (words dropped, repeated, swapped, replaced) give output, never a panic.
    #[test]
    fn mutated_inputs_never_panic() {
        let words: Vec<&str> = VALID.split_whitespace().collect();
        let vocabulary = [
            "create", "table", "index", "(", ")", "{", "}", ";", ",", "\"\"", "-", "null",
            "primary", "key", "not", "batch", "alter", "column", "revision", "0", "foo", "r#type",
        ];
        let mut rng = Lcg(0x5eed);
        let mut checked = 0;
        for _ in 0..3000 {
            let mut w: Vec<&str> = words.clone();
            for _ in 0..=rng.below(3) {
                let i = rng.below(w.len());
                match rng.below(4) {
                    0 => {
                        w.remove(i);
                    }
                    1 => w.insert(i, w[i]),
                    2 => {
                        let j = rng.below(w.len());
                        w.swap(i, j);
                    }
                    _ => w[i] = vocabulary[rng.below(vocabulary.len())],
                }
            }
            // Only inputs Rust can tokenize reach a proc macro.
            let Ok(tokens) = w.join(" ").parse::<TokenStream>() else {
                continue;
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| expand(tokens)));
            assert!(outcome.is_ok(), "panicked on: {}", w.join(" "));
            checked += 1;
        }
        assert!(checked > 1000, "too few inputs tokenized: {checked}");
    }
}
