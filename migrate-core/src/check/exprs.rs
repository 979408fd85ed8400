//! Rules for SQL expressions: they must parse as SQLite, a CHECK may name
//! only columns of its own table, and a DEFAULT must be constant.

use super::names::unknown_help;
use crate::diag::Diagnostics;
use crate::expr::SqlExpr;
use crate::name::same_name;
use crate::op::Expr;

/// Parses `e` with its column references. Text the parser cannot read
/// stays one opaque part: it may be SQLite syntax the parser lacks, and
/// SQLite itself judges it when the macro prepares the statements that use
/// it (`migrate-codegen`'s `oracle`).
fn parse(e: &Expr) -> (SqlExpr, Vec<crate::expr::ColumnRef>) {
    SqlExpr::parse(&e.text).unwrap_or_else(|_| (SqlExpr::raw(e.text.clone()), Vec::new()))
}

/// A CHECK (or other row expression) of table `table` may name only that
/// table's columns: SQLite would reject the table definition otherwise, at
/// run time.
pub(super) fn row_expr(
    e: &Expr,
    what: &str,
    table: &str,
    columns: &[&str],
    diags: &mut Diagnostics,
) -> Option<SqlExpr> {
    let (expr, refs) = parse(e);
    let mut ok = true;
    for r in refs {
        if !columns.iter().any(|c| same_name(c, &r.name)) {
            ok = false;
            diags.error_help(
                e.loc_of(r.offset),
                format!("table `{table}` has no column `{}` (in {what})", r.name),
                unknown_help("column", &r.name, columns.iter().copied()),
            );
        }
    }
    ok.then_some(expr)
}

/// SQLite requires a DEFAULT to be constant ("default value of column is not
/// constant" at run time); a column name in it is an error here.
pub(super) fn default_expr(e: &Expr, diags: &mut Diagnostics) -> Option<SqlExpr> {
    let (expr, refs) = parse(e);
    if let Some(r) = refs.first() {
        diags.error_help(
            e.loc_of(r.offset),
            format!("a DEFAULT must be constant, but it names `{}`", r.name),
            "use a literal or a constant expression such as `(0)`, `(\"\")` or `(current_timestamp)`; a string literal is written in double quotes",
        );
        return None;
    }
    Some(expr)
}
