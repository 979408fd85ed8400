//! Whether two SQL texts say the same thing to SQLite: compared token by
//! token, ignoring whitespace, comments, the case of keywords and
//! identifiers, and how identifiers are quoted. A database created by hand
//! (`create table t (id integer primary key)`) then matches the model's
//! rendering (`CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)`).

use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// `true` when `a` and `b` are the same statement up to whitespace,
/// comments, ASCII case of words and identifier quoting. Texts that do not
/// tokenize are compared exactly.
///
/// ```
/// use migrate_dsl_core::same_sql::equivalent;
///
/// assert!(equivalent(
///     "create table t (id integer primary key, -- the key\n \"b c\" text)",
///     r#"CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, [b c] TEXT)"#,
/// ));
/// assert!(!equivalent("CREATE TABLE t (a text)", "CREATE TABLE t (a text not null)"));
/// assert!(!equivalent("CREATE TABLE t (a text default 'x')", "CREATE TABLE t (a text default 'X')"));
/// ```
pub fn equivalent(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (tokens(a), tokens(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The significant tokens of `sql`, words folded to lower case and unquoted.
fn tokens(sql: &str) -> Option<Vec<Token>> {
    let all = Tokenizer::new(&SQLiteDialect {}, sql).tokenize().ok()?;
    Some(
        all.into_iter()
            .filter_map(|t| match t {
                Token::Whitespace(_) => None,
                Token::Word(w) => Some(Token::make_word(&w.value.to_ascii_lowercase(), None)),
                other => Some(other),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::equivalent;

    #[test]
    fn quoting_case_and_spacing_do_not_matter() {
        assert!(equivalent(
            "CREATE INDEX ix ON t(a DESC) WHERE b > 1",
            "create index \"IX\" on `t` (\n  a desc\n) where b>1"
        ));
    }

    #[test]
    fn anything_else_does() {
        for (a, b) in [
            ("CREATE TABLE t (a)", "CREATE TABLE t (b)"),
            ("CREATE TABLE t (a, b)", "CREATE TABLE t (b, a)"),
            (
                "CREATE TABLE t (a CHECK (a > 1))",
                "CREATE TABLE t (a CHECK (a > 2))",
            ),
            ("CREATE TABLE t (a text)", "CREATE TABLE t (a text, b text)"),
        ] {
            assert!(!equivalent(a, b), "{a} vs {b}");
        }
    }
}
