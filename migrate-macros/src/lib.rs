//! The `migration!` macro of migrate-dsl. Use it through the `migrate-dsl`
//! crate, which documents the DSL; the work is done by `migrate-codegen`.

#![warn(missing_docs)]

/// Defines a history of schema migrations, checked at compile time.
///
/// The grammar, with an example of every construct, is the `dsl` module of
/// the `migrate-dsl` crate
/// ([`migrate_dsl::dsl`](https://docs.rs/migrate-dsl/latest/migrate_dsl/dsl/index.html)).
#[proc_macro]
pub fn migration(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    migrate_dsl_codegen::expand(input.into()).into()
}
