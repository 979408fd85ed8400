//! On error: the errors, plus an empty history under the declared name so
//! the rest of the crate still type-checks instead of drowning in follow-on
//! "cannot find value" errors.

use crate::parse::Header;
use proc_macro2::TokenStream;
use quote::quote;

/// The errors and, when the header parsed, a well-typed stub.
pub(crate) fn stub(header: Option<&Header>, errors: TokenStream) -> TokenStream {
    let Some(Header { attrs, vis, name }) = header else {
        return errors;
    };
    quote! {
        #errors
        #(#attrs)*
        #vis static #name: ::migrate_dsl::Migrations =
            ::migrate_dsl::__private::Migrations::from_static(
                &[],
                &[],
                ::migrate_dsl::__private::DEFAULT_HISTORY_TABLE,
                ::core::option::Option::None,
                &[],
            );
    }
}
