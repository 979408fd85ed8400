//! The `migration!` macro of migrate-dsl. Use it through the `migrate-dsl`
//! crate, which documents the DSL; the work is done by `migrate-codegen`.

#![warn(missing_docs)]

/// Defines a history of schema migrations, checked at compile time.
/// See the `migrate-dsl` crate for the DSL.
#[proc_macro]
pub fn migration(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    migrate_codegen::expand(input.into()).into()
}
