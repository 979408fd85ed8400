//! Quoting: no SQL is ever built by pasting an unquoted name or value.

/// Quotes an identifier for SQLite: `a"b` → `"a""b"`.
pub fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Quotes a string literal for SQLite: `it's` → `'it''s'`.
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Renders bytes as an SQLite blob literal: `X'00ff'`.
pub fn blob(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2 + 3);
    out.push_str("X'");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out.push('\'');
    out
}

/// A comma-separated list of quoted identifiers.
pub fn ident_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(ident).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_double_embedded_quotes() {
        assert_eq!(ident("order details"), "\"order details\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn strings_double_embedded_apostrophes() {
        assert_eq!(string("it's"), "'it''s'");
        assert_eq!(string(""), "''");
    }

    #[test]
    fn blobs_are_hex() {
        assert_eq!(blob(&[0, 255, 16]), "X'00ff10'");
    }
}
