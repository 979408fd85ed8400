//! SQL expressions and literals written as Rust tokens.
//!
//! A string literal is an SQL string (`"it's"` → `'it''s'`), a byte string a
//! blob, identifiers and numbers are copied, and token spacing is normalized
//! so the text (and a revision's checksum) does not depend on formatting.

use crate::spans::Spans;
use migrate_dsl_core::op::{Expr, Literal};
use migrate_dsl_core::Loc;
use migrate_dsl_core::{render, sql};
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Lit, Result};

#[derive(Clone, Copy, PartialEq)]
enum Prev {
    Start,
    Word,
    Open,
    Close,
    Comma,
    GluedPunct,
    Punct,
    Dot,
}

/// Expression text being built, with where each identifier was written.
struct Out<'s> {
    text: String,
    spans: &'s Spans,
    name_locs: Vec<(usize, Loc)>,
}

impl Out<'_> {
    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn ident(&mut self, text: &str, span: proc_macro2::Span) {
        let loc = self.spans.loc(span);
        self.name_locs.push((self.text.len(), loc));
        self.text.push_str(text);
    }
}

/// Renders a token stream as an SQL expression written at `at`.
pub(crate) fn to_expr(tokens: TokenStream, spans: &Spans, at: Loc) -> Result<Expr> {
    let mut out = Out {
        text: String::new(),
        spans,
        name_locs: Vec::new(),
    };
    write(&mut out, tokens, &mut Prev::Start)?;
    let mut expr = Expr::new(out.text, at);
    expr.name_locs = out.name_locs;
    Ok(expr)
}

fn write(out: &mut Out, tokens: TokenStream, prev: &mut Prev) -> Result<()> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for tt in tokens.iter().cloned() {
        match tt {
            TokenTree::Ident(ident) => {
                space(out, *prev, false);
                let text = ident.unraw().to_string();
                // Function names are located too, so SQLite's "no such
                // function" points at the name.
                out.ident(&text, ident.span());
                *prev = Prev::Word;
            }
            TokenTree::Literal(l) => {
                space(out, *prev, false);
                out.push_str(&literal_sql(Lit::new(l))?);
                *prev = Prev::Word;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                match c {
                    ',' => {
                        out.push(',');
                        *prev = Prev::Comma;
                    }
                    '.' => {
                        out.push('.');
                        *prev = Prev::Dot;
                    }
                    ';' => {
                        return Err(syn::Error::new(
                            p.span(),
                            "`;` is not allowed inside an SQL expression",
                        ))
                    }
                    _ => {
                        if *prev != Prev::GluedPunct {
                            space(out, *prev, false);
                        }
                        out.push(c);
                        *prev = if p.spacing() == Spacing::Joint {
                            Prev::GluedPunct
                        } else {
                            Prev::Punct
                        };
                    }
                }
            }
            TokenTree::Group(g) => match g.delimiter() {
                Delimiter::Parenthesis => {
                    space(out, *prev, true);
                    out.push('(');
                    let mut inner = Prev::Open;
                    write(out, g.stream(), &mut inner)?;
                    out.push(')');
                    *prev = Prev::Close;
                }
                Delimiter::None => write(out, g.stream(), prev)?,
                Delimiter::Brace | Delimiter::Bracket => {
                    return Err(syn::Error::new(
                        g.span(),
                        "braces and brackets are not SQL expression syntax; use parentheses, and a string literal for a name that needs quoting",
                    ))
                }
            },
        }
    }
    Ok(())
}

fn space(out: &mut Out, prev: Prev, open_paren: bool) {
    let glue = match prev {
        Prev::Start | Prev::Open | Prev::Dot => true,
        // `length(x)`: a call keeps its parenthesis.
        Prev::Word => open_paren,
        Prev::Close | Prev::Comma | Prev::GluedPunct | Prev::Punct => false,
    };
    if !glue {
        out.push(' ');
    }
}

/// SQL text of a Rust literal used inside an expression.
fn literal_sql(lit: Lit) -> Result<String> {
    Ok(match lit {
        Lit::Str(s) => sql::string(&s.value()),
        Lit::Char(c) => sql::string(&c.value().to_string()),
        Lit::ByteStr(b) => sql::blob(&b.value()),
        Lit::Int(i) => {
            no_suffix(i.suffix(), i.span())?;
            i.base10_digits().to_owned()
        }
        Lit::Float(f) => {
            no_suffix(f.suffix(), f.span())?;
            f.base10_digits().to_owned()
        }
        Lit::Bool(b) => if b.value { "TRUE" } else { "FALSE" }.to_owned(),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "this literal has no SQL equivalent; use a string, a number, a byte string (blob) or `null`",
            ))
        }
    })
}

fn no_suffix(suffix: &str, span: proc_macro2::Span) -> Result<()> {
    if suffix.is_empty() {
        Ok(())
    } else {
        Err(syn::Error::new(
            span,
            format!("remove the `{suffix}` suffix: SQL numbers have no Rust type suffix"),
        ))
    }
}

/// A literal value: `null`, a number (optionally negative), a string, a byte
/// string, `true`/`false`.
pub(crate) fn literal(input: ParseStream) -> Result<Literal> {
    if input.peek(super::kw::null) {
        input.parse::<super::kw::null>()?;
        return Ok(Literal::Null);
    }
    let negative = input.peek(syn::Token![-]);
    if negative {
        input.parse::<syn::Token![-]>()?;
    }
    let lit: Lit = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected a literal value: a number, a string, a byte string, `true`, `false` or `null`",
        )
    })?;
    let value = match lit {
        Lit::Int(i) => {
            no_suffix(i.suffix(), i.span())?;
            let digits = if negative {
                format!("-{}", i.base10_digits())
            } else {
                i.base10_digits().to_owned()
            };
            Literal::Integer(digits.parse::<i64>().map_err(|_| {
                syn::Error::new(i.span(), "integer out of range: SQLite integers are 64-bit signed")
            })?)
        }
        Lit::Float(f) => {
            no_suffix(f.suffix(), f.span())?;
            let text = format!("{}{}", if negative { "-" } else { "" }, f.base10_digits());
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Literal::Real(text),
                _ => return Err(syn::Error::new(f.span(), "real out of range")),
            }
        }
        other if negative => {
            return Err(syn::Error::new(other.span(), "only numbers can be negative"))
        }
        Lit::Str(s) => Literal::Text(s.value()),
        Lit::Char(c) => Literal::Text(c.value().to_string()),
        Lit::ByteStr(b) => Literal::Blob(b.value()),
        Lit::Bool(b) => Literal::Integer(i64::from(b.value)),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "this literal has no SQL equivalent; use a string, a number, a byte string (blob) or `null`",
            ))
        }
    };
    Ok(value)
}

/// A literal as an expression (for `default 0` without parentheses).
pub(crate) fn literal_expr(input: ParseStream, at: Loc) -> Result<Expr> {
    literal(input).map(|l| Expr::new(render::literal(&l), at))
}

#[cfg(test)]
mod tests {
    use crate::spans::Spans;
    use migrate_dsl_core::Loc;
    use quote::quote;

    fn to_sql(tokens: proc_macro2::TokenStream) -> syn::Result<String> {
        super::to_expr(tokens, &Spans::default(), Loc::NONE).map(|e| e.text)
    }

    #[test]
    fn identifiers_are_located_by_offset() {
        let e = super::to_expr(quote!(length(bar) < n), &Spans::default(), Loc::NONE).unwrap();
        assert_eq!(e.text, "length(bar) < n");
        let offsets: Vec<usize> = e.name_locs.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [0, 7, 14]);
    }

    #[test]
    fn spacing_is_normalized() {
        let sql = to_sql(quote!(length( bar )<=512 and bar!="x" or abs(-1)>=1)).unwrap();
        assert_eq!(sql, "length(bar) <= 512 and bar != 'x' or abs(- 1) >= 1");
    }

    #[test]
    fn strings_are_quoted_for_sql() {
        assert_eq!(to_sql(quote!("it's")).unwrap(), "'it''s'");
        assert_eq!(to_sql(quote!("")).unwrap(), "''");
        assert_eq!(to_sql(quote!(b"\x01")).unwrap(), "X'01'");
    }

    #[test]
    fn braces_and_suffixes_are_errors() {
        assert!(to_sql(quote!({ a })).is_err());
        assert!(to_sql(quote!(1u8)).is_err());
    }
}
