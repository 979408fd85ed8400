//! The DSL's keywords. `type` and `static` are Rust keywords and use `Token!`.

syn::custom_keyword!(revision);
syn::custom_keyword!(create);
syn::custom_keyword!(table);
syn::custom_keyword!(index);
syn::custom_keyword!(unique);
syn::custom_keyword!(on);
syn::custom_keyword!(insert);
syn::custom_keyword!(into);
syn::custom_keyword!(values);
syn::custom_keyword!(batch);
syn::custom_keyword!(alter);
syn::custom_keyword!(add);
syn::custom_keyword!(drop);
syn::custom_keyword!(rename);
syn::custom_keyword!(column);
syn::custom_keyword!(to);
syn::custom_keyword!(set);
syn::custom_keyword!(not);
syn::custom_keyword!(null);
syn::custom_keyword!(default);
syn::custom_keyword!(primary);
syn::custom_keyword!(key);
syn::custom_keyword!(check);
syn::custom_keyword!(run);
syn::custom_keyword!(desc);
syn::custom_keyword!(asc);
