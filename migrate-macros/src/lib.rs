use proc_macro::TokenStream; #[proc_macro] pub fn migration(i: TokenStream) -> TokenStream { i }
