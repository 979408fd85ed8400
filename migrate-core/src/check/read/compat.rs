//! SQLite syntax `sqlparser` does not read, rewritten into text it reads
//! *of the same length*, so every byte offset it reports still points into
//! the text as written. The rewrite is only parsed, never rendered or run.
//!
//! - `a IS b` / `a IS NOT b` (any operand) become `a == b` / `a != b`;
//! - the postfix `ISNULL` / `NOTNULL` become `=NULL ` / `<>NULL `;
//! - `NOT INDEXED` and `INDEXED BY name` (index hints) become spaces;
//! - the resolution of `RAISE(ABORT, …)` (`IGNORE`, `ROLLBACK`, `ABORT`,
//!   `FAIL`) becomes zeros, so it is not read as a column.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// `text` with the constructs above rewritten; unchanged when it does not
/// tokenize (the parser then reports the problem on the text as written).
pub(crate) fn for_parser(text: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&SQLiteDialect {}, text).tokenize_with_location() else {
        return text.to_owned();
    };
    // Words with their byte ranges; whitespace and comments skipped.
    let mut words: Vec<(String, usize, usize)> = Vec::new();
    for t in &tokens {
        if matches!(t.token, Token::Whitespace(_) | Token::EOF) {
            continue;
        }
        let (Some(start), Some(end)) = (
            crate::expr::byte_offset(text, t.span.start.line, t.span.start.column),
            crate::expr::byte_offset(text, t.span.end.line, t.span.end.column),
        ) else {
            return text.to_owned();
        };
        let value = match &t.token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            Token::LParen => "(".to_owned(),
            _ => String::new(),
        };
        words.push((value, start, end));
    }
    let mut out = text.as_bytes().to_vec();
    let mut put = |start: usize, end: usize, with: &str| {
        let mut fill = with.bytes().chain(std::iter::repeat(b' '));
        for b in &mut out[start..end] {
            *b = fill.next().unwrap_or(b' ');
        }
    };
    let word = |i: usize| words.get(i).map_or("", |w| w.0.as_str());
    let plain_is = |w: &str| {
        !matches!(
            w,
            "NULL"
                | "TRUE"
                | "FALSE"
                | "DISTINCT"
                | "JSON"
                | "UNKNOWN"
                | "NORMALIZED"
                | "NFC"
                | "NFD"
                | "NFKC"
                | "NFKD"
        )
    };
    let mut i = 0;
    while i < words.len() {
        let (w, start, end) = &words[i];
        let (start, end) = (*start, *end);
        match w.as_str() {
            "IS" if word(i + 1) == "NOT" && plain_is(word(i + 2)) => {
                put(start, end, "!=");
                let (_, s, e) = words[i + 1];
                put(s, e, "");
                i += 1;
            }
            "IS" if word(i + 1) != "NOT" && plain_is(word(i + 1)) => put(start, end, "=="),
            "ISNULL" => put(start, end, "=NULL"),
            "NOTNULL" => put(start, end, "<>NULL"),
            "NOT" if word(i + 1) == "INDEXED" => {
                let (_, _, e) = words[i + 1];
                put(start, e, "");
                i += 1;
            }
            "RAISE"
                if word(i + 1) == "("
                    && matches!(word(i + 2), "IGNORE" | "ROLLBACK" | "ABORT" | "FAIL") =>
            {
                let (_, s, e) = words[i + 2];
                put(s, e, &"0".repeat(e - s));
                i += 2;
            }
            "INDEXED" if word(i + 1) == "BY" => {
                let last = words.get(i + 2).map_or(words[i + 1].2, |w| w.2);
                put(start, last, "");
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were written over ASCII keywords and the whitespace
    // between them, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::for_parser;

    #[test]
    fn rewrites_keep_length_and_offsets() {
        for (sql, want) in [
            ("new.a IS old.a", "new.a == old.a"),
            ("new.a IS NOT old.a", "new.a !=     old.a"),
            ("a IS NOT NULL AND b is null", "a IS NOT NULL AND b is null"),
            ("a IS DISTINCT FROM b", "a IS DISTINCT FROM b"),
            ("x ISNULL OR y NOTNULL", "x =NULL  OR y <>NULL "),
            (
                "SELECT RAISE(ABORT, 'no') WHERE raise(ignore)",
                "SELECT RAISE(00000, 'no') WHERE raise(000000)",
            ),
            ("SELECT * FROM t NOT INDEXED", "SELECT * FROM t            "),
            (
                "SELECT * FROM t INDEXED BY ix WHERE 'IS' = a",
                "SELECT * FROM t               WHERE 'IS' = a",
            ),
        ] {
            let got = for_parser(sql);
            assert_eq!(got, want);
            assert_eq!(got.len(), sql.len());
        }
    }
}
