//! SQL expressions (CHECK, DEFAULT), parsed with `sqlparser`'s SQLite
//! dialect so that column references are known exactly: a rename rewrites
//! them, a drop finds them, and an unknown one is a diagnostic on its token.

use crate::name::same_name;
use crate::sql;
use sqlparser::ast::{visit_expressions, Expr as Ast, Ident, UnaryOperator, Value};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;
use std::ops::ControlFlow;

/// `text` with each blob literal outside quotes (`X'00ff'`) written as a
/// PostgreSQL `bytea` literal.
fn postgres_blobs(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if (c == b'x' || c == b'X')
                && bytes.get(i + 1) == Some(&b'\'')
                && !(i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                if let Some(len) = text[i + 2..].find('\'') {
                    let hex = &text[i + 2..i + 2 + len];
                    if hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        out.push_str(&format!("'\\x{hex}'::bytea"));
                        i += 3 + len;
                        continue;
                    }
                }
            }
            None => {}
        }
        // Whole characters: `i` only ever stops on ASCII bytes above.
        let ch = text[i..].chars().next().unwrap_or_default();
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

/// SQL expression text as a sequence of parts, column references apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqlExpr {
    /// The parts; rendered in order they are the expression.
    pub parts: Vec<ExprPart>,
}

/// A part of an [`SqlExpr`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprPart {
    /// SQL text that names no column (operators, literals, functions).
    Sql(String),
    /// A column reference.
    Column {
        /// The column's name (unquoted).
        name: String,
        /// Render it quoted (it was written quoted, or a rename wrote it).
        quoted: bool,
    },
}

/// A column reference found while parsing, with its byte offset in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRef {
    /// The column's name.
    pub name: String,
    /// Byte offset of the reference in the expression text.
    pub offset: usize,
}

impl SqlExpr {
    /// An expression made of one SQL text part (literals, constants).
    pub fn raw(sql: impl Into<String>) -> Self {
        SqlExpr {
            parts: vec![ExprPart::Sql(sql.into())],
        }
    }

    /// Parses `text` as one SQLite expression; returns it with its column
    /// references, or the parser's message.
    pub fn parse(text: &str) -> Result<(SqlExpr, Vec<ColumnRef>), String> {
        let ast = parse_ast(text)?;
        let mut idents: Vec<Ident> = Vec::new();
        let _ = visit_expressions(&ast, |e: &Ast| {
            match e {
                Ast::Identifier(i) => idents.push(i.clone()),
                // `t.c`: the column is the last part.
                Ast::CompoundIdentifier(parts) => idents.extend(parts.last().cloned()),
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
        let mut spans: Vec<(usize, usize, ColumnRef, bool)> = idents
            .into_iter()
            .filter_map(|i| {
                let start = byte_offset(text, i.span.start.line, i.span.start.column)?;
                let end = byte_offset(text, i.span.end.line, i.span.end.column)?;
                (start < end).then(|| {
                    (
                        start,
                        end,
                        ColumnRef {
                            name: i.value.clone(),
                            offset: start,
                        },
                        i.quote_style.is_some(),
                    )
                })
            })
            .collect();
        spans.sort_by_key(|s| s.0);
        spans.dedup_by_key(|s| s.0);
        let mut parts = Vec::new();
        let mut refs = Vec::new();
        let mut at = 0;
        for (start, end, r, quoted) in spans {
            if start < at {
                continue;
            }
            if start > at {
                parts.push(ExprPart::Sql(text[at..start].to_owned()));
            }
            parts.push(ExprPart::Column {
                name: r.name.clone(),
                quoted,
            });
            refs.push(r);
            at = end;
        }
        if at < text.len() {
            parts.push(ExprPart::Sql(text[at..].to_owned()));
        }
        Ok((SqlExpr { parts }, refs))
    }

    /// Whether the expression is a literal (`1`, `-2.5`, `'x'`, `x'00'`,
    /// `NULL`, `TRUE`): what `ALTER TABLE ADD COLUMN` accepts as a default.
    pub fn is_literal(&self) -> bool {
        match parse_ast(&self.to_sql()) {
            Ok(Ast::Value(_)) => true,
            Ok(Ast::UnaryOp { op, expr }) => {
                matches!(op, UnaryOperator::Minus | UnaryOperator::Plus)
                    && matches!(*expr, Ast::Value(_))
            }
            _ => false,
        }
    }

    /// Whether the expression is the literal `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(parse_ast(&self.to_sql()), Ok(Ast::Value(v)) if v.value == Value::Null)
    }

    /// The SQL text.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                ExprPart::Sql(s) => out.push_str(s),
                ExprPart::Column {
                    name,
                    quoted: false,
                } => out.push_str(name),
                ExprPart::Column { name, quoted: true } => out.push_str(&sql::ident(name)),
            }
        }
        out
    }

    /// The SQL text as `dialect` reads it the same: on PostgreSQL, where
    /// `x'00ff'` is a bit string, a blob literal is written as `bytea`
    /// (`'\x00ff'::bytea`).
    pub fn to_sql_in(&self, dialect: crate::op::Dialect) -> String {
        if dialect != crate::op::Dialect::Postgres {
            return self.to_sql();
        }
        let mut out = String::new();
        for p in &self.parts {
            match p {
                ExprPart::Sql(s) => out.push_str(&postgres_blobs(s)),
                ExprPart::Column { .. } => out.push_str(
                    &SqlExpr {
                        parts: vec![p.clone()],
                    }
                    .to_sql(),
                ),
            }
        }
        out
    }

    /// Whether the expression references column `column`.
    pub fn mentions(&self, column: &str) -> bool {
        self.columns().any(|c| same_name(c, column))
    }

    /// The columns referenced, in order of appearance.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            ExprPart::Column { name, .. } => Some(name.as_str()),
            ExprPart::Sql(_) => None,
        })
    }

    /// Renames every reference to column `from` to `to`.
    pub fn rename(&mut self, from: &str, to: &str) {
        for p in &mut self.parts {
            if let ExprPart::Column { name, quoted } = p {
                if same_name(name, from) {
                    *name = to.to_owned();
                    *quoted = true;
                }
            }
        }
    }
}

/// Parses `text` as exactly one SQLite expression.
pub(crate) fn parse_ast(text: &str) -> Result<Ast, String> {
    Parser::new(&SQLiteDialect {})
        .try_with_sql(&crate::compat::for_parser(text))
        .and_then(|mut p| {
            let e = p.parse_expr()?;
            p.expect_token(&Token::EOF)?;
            Ok(e)
        })
        .map_err(|e| e.to_string().replace("sql parser error: ", ""))
}

/// The byte offset of 1-based (`line`, `column`) in `text`, counting columns
/// in characters.
pub(crate) fn byte_offset(text: &str, line: u64, column: u64) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let col = usize::try_from(column.checked_sub(1)?).ok()?;
    let rest = &text[line_start..];
    match rest.char_indices().nth(col) {
        Some((i, _)) => Some(line_start + i),
        None if rest.chars().count() == col => Some(text.len()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(text: &str) -> Vec<(String, usize)> {
        SqlExpr::parse(text)
            .unwrap()
            .1
            .into_iter()
            .map(|r| (r.name, r.offset))
            .collect()
    }

    #[test]
    fn blob_literals_are_bytea_on_postgres_and_strings_are_left_alone() {
        use crate::op::Dialect;
        let (e, _) =
            SqlExpr::parse("coalesce(data, X'00ff') <> x'' AND note <> 'x''1' AND box = 'ax''0'")
                .unwrap();
        assert_eq!(
            e.to_sql_in(Dialect::Postgres),
            "coalesce(data, '\\x00ff'::bytea) <> '\\x'::bytea AND note <> 'x''1' AND box = 'ax''0'"
        );
        assert_eq!(e.to_sql_in(Dialect::Sqlite), e.to_sql());
    }

    #[test]
    fn column_references_are_found_but_not_functions_or_constants() {
        assert_eq!(
            columns("length(bar) <= 512 and name != 'x' and current_timestamp is not null"),
            [("bar".to_owned(), 7), ("name".to_owned(), 23)]
        );
        assert!(columns("strftime('%s', 'now') || X'00' || true").is_empty());
        assert_eq!(
            columns("\"order details\" > 0"),
            [("order details".to_owned(), 0)]
        );
    }

    #[test]
    fn rename_rewrites_only_references() {
        let (mut e, _) = SqlExpr::parse("bar > 0 and 'bar' != bar(bar)").unwrap();
        e.rename("bar", "label");
        assert_eq!(e.to_sql(), "\"label\" > 0 and 'bar' != bar(\"label\")");
        assert!(e.mentions("LABEL"));
    }

    #[test]
    fn non_ascii_text_keeps_offsets_right() {
        let (e, refs) = SqlExpr::parse("'é' = x").unwrap();
        assert_eq!(refs[0].offset, "'é' = ".len());
        assert_eq!(e.to_sql(), "'é' = x");
    }

    #[test]
    fn parse_errors_are_reported() {
        let err = SqlExpr::parse("1 +").unwrap_err();
        assert!(err.contains("Expected: an expression"), "{err}");
        assert!(SqlExpr::parse("1; drop table x").is_err());
    }
}
