//! SQL expressions and literals written as Rust tokens.
//!
//! A string literal is an SQL string (`"it's"` → `'it''s'`), a byte string a
//! blob, identifiers and numbers are copied, and token spacing is normalized
//! so the text (and a revision's checksum) does not depend on formatting.

use migrate_core::op::{ExprPart, Literal, SqlExpr};
use migrate_core::{render, sql};
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

/// Expression text being built: SQL text, with bare names kept apart.
#[derive(Default)]
struct Out {
    parts: Vec<ExprPart>,
}

impl Out {
    fn push(&mut self, c: char) {
        match self.parts.last_mut() {
            Some(ExprPart::Sql(s)) => s.push(c),
            _ => self.parts.push(ExprPart::Sql(c.to_string())),
        }
    }

    fn push_str(&mut self, text: &str) {
        match self.parts.last_mut() {
            Some(ExprPart::Sql(s)) => s.push_str(text),
            _ => self.parts.push(ExprPart::Sql(text.to_owned())),
        }
    }

    fn name(&mut self, text: String) {
        self.parts.push(ExprPart::Name {
            text,
            quoted: false,
        });
    }
}

/// Renders a token stream as an SQL expression.
pub(crate) fn to_expr(tokens: TokenStream) -> Result<SqlExpr> {
    let mut out = Out::default();
    write(&mut out, tokens, &mut Prev::Start)?;
    Ok(SqlExpr { parts: out.parts })
}

fn write(out: &mut Out, tokens: TokenStream, prev: &mut Prev) -> Result<()> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tokens.iter().cloned().enumerate() {
        match tt {
            TokenTree::Ident(ident) => {
                space(out, *prev, false);
                let text = ident.unraw().to_string();
                // `length(x)`: a function name, not a column.
                let call = matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                if call {
                    out.push_str(&text);
                } else {
                    out.name(text);
                }
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
pub(crate) fn literal_expr(input: ParseStream) -> Result<SqlExpr> {
    literal(input).map(|l| SqlExpr::raw(render::literal(&l)))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn to_sql(tokens: proc_macro2::TokenStream) -> syn::Result<String> {
        super::to_expr(tokens).map(|e| e.to_sql())
    }

    #[test]
    fn names_are_kept_apart_from_function_calls() {
        use migrate_core::op::ExprPart;
        let e = super::to_expr(quote!(length(bar) < n)).unwrap();
        let names: Vec<&str> = e
            .parts
            .iter()
            .filter_map(|p| match p {
                ExprPart::Name { text, .. } => Some(text.as_str()),
                ExprPart::Sql(_) => None,
            })
            .collect();
        assert_eq!(names, ["bar", "n"]);
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
