//! SQL bodies of views and triggers, parsed with `sqlparser`'s SQLite
//! dialect: which tables, views and columns they use.
//!
//! SQLite checks neither a view's query nor a trigger's statements when they
//! are created; a wrong name fails only when the view is queried or the
//! trigger fires, in production. Here the references are collected so the
//! checker can resolve them against the model at that point of the history.

use sqlparser::ast::{
    AssignmentTarget, Expr, Ident, ObjectName, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableObject, Visit, Visitor,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use std::ops::ControlFlow;

/// What one body references.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyRefs {
    /// Tables or views read or written, with the alias they are known by.
    pub relations: Vec<Relation>,
    /// Column references, with their qualifier when written `q.c`.
    pub columns: Vec<ColumnUse>,
    /// Columns written by INSERT column lists and UPDATE SET: (table, column).
    pub written: Vec<(String, String)>,
    /// Names local to the body: common table expressions and their
    /// columns, and result aliases (`AS n`). A reference to one is not a
    /// schema reference.
    pub local: Vec<String>,
}

/// A table or view named in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    /// The object's name (a schema qualifier such as `main.` is dropped).
    pub name: String,
    /// `AS alias`.
    pub alias: Option<String>,
    /// A table-valued function (`json_each(…)`, `pragma_table_info(…)`),
    /// whose columns are not in the model.
    pub function: bool,
}

/// A column reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnUse {
    /// `q` of `q.c`: a table, view, alias, or `new` / `old` in a trigger.
    pub qualifier: Option<String>,
    /// The column.
    pub name: String,
}

/// One result column of a view's query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// A column with a known name (`c`, `t.c`, `expr AS c`).
    Named(String),
    /// `*` (every relation) or `q.*`.
    All(Option<String>),
    /// An expression without alias: SQLite names it after its text.
    Unnamed,
}

/// Why a body was not understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// The parser cannot read it. That may be SQLite syntax the parser
    /// lacks, so it is not an error by itself: SQLite is asked (at compile
    /// time, by the macro) and has the last word.
    Unreadable(String),
    /// It was read, and is not what its place allows (a view that is not
    /// one SELECT, a trigger that changes the schema).
    Invalid(String),
}

/// Parses a view's query: exactly one `SELECT` (or `WITH … SELECT`,
/// `VALUES`, compound select). Returns its references and, for a plain
/// `SELECT`, its result columns.
pub fn parse_query(text: &str) -> Result<(BodyRefs, Option<Vec<Output>>), BodyError> {
    let statements = parse(text).map_err(BodyError::Unreadable)?;
    let [Statement::Query(query)] = statements.as_slice() else {
        return Err(BodyError::Invalid(match statements.len() {
            0 => "the view has no query".to_owned(),
            1 => "a view's body must be a SELECT".to_owned(),
            n => format!("a view's body is one SELECT, found {n} statements"),
        }));
    };
    let outputs = match query.body.as_ref() {
        SetExpr::Select(select) => Some(outputs(select)),
        _ => None,
    };
    Ok((collect(&statements), outputs))
}

/// Parses a trigger's statements: `INSERT`, `UPDATE`, `DELETE` or `SELECT`,
/// separated by `;` (the only statements SQLite allows in a trigger).
pub fn parse_statements(text: &str) -> Result<BodyRefs, BodyError> {
    let statements = parse(text).map_err(BodyError::Unreadable)?;
    if statements.is_empty() {
        return Err(BodyError::Invalid(
            "the trigger has no statements".to_owned(),
        ));
    }
    only_data(&statements, "a trigger").map_err(BodyError::Invalid)?;
    Ok(collect(&statements))
}

/// Parses the statements of an `sql` escape hatch: `Ok(Some(refs))` for data
/// statements (INSERT, UPDATE, DELETE, SELECT); `Ok(None)` when the parser
/// cannot read the text (SQLite accepts syntax it lacks); `Err` for a
/// statement that changes the schema or is not a data statement.
pub fn parse_data(text: &str) -> Result<Option<BodyRefs>, String> {
    let Ok(statements) = parse(text) else {
        return Ok(None);
    };
    only_data(&statements, "`sql`")?;
    Ok(Some(collect(&statements)))
}

/// Parses a trigger's `WHEN` condition: one expression.
pub fn parse_condition(text: &str) -> Result<BodyRefs, BodyError> {
    let expr = crate::expr::parse_ast(text).map_err(BodyError::Unreadable)?;
    let mut refs = Collector::default();
    let _ = expr.visit(&mut refs);
    Ok(refs.finish())
}

/// Triggers and `sql` may run INSERT, UPDATE, DELETE and SELECT only: the
/// statements that change data, not the schema.
fn only_data(statements: &[Statement], what: &str) -> Result<(), String> {
    let other = statements.iter().find(|s| {
        !matches!(
            s,
            Statement::Insert(_)
                | Statement::Update(_)
                | Statement::Delete(_)
                | Statement::Query(_)
        )
    });
    match other {
        Some(s) => {
            let text = s.to_string();
            let words: Vec<&str> = text.split_whitespace().take(2).collect();
            Err(format!(
                "{what} may run only INSERT, UPDATE, DELETE and SELECT, not `{}`",
                words.join(" ")
            ))
        }
        None => Ok(()),
    }
}

fn parse(text: &str) -> Result<Vec<Statement>, String> {
    Parser::parse_sql(&SQLiteDialect {}, &crate::compat::for_parser(text)).map_err(clean)
}

fn clean(e: sqlparser::parser::ParserError) -> String {
    e.to_string().replace("sql parser error: ", "")
}

fn collect(statements: &[Statement]) -> BodyRefs {
    let mut refs = Collector::default();
    for s in statements {
        let _ = s.visit(&mut refs);
    }
    for s in statements {
        match s {
            Statement::Insert(ins) => {
                if let TableObject::TableName(t) = &ins.table {
                    let table = last(t);
                    // An upsert's `excluded.c` is the row that was not
                    // inserted: a row of the target table.
                    if ins.on.is_some() {
                        refs.out.relations.push(Relation {
                            name: table.clone(),
                            alias: Some("excluded".to_owned()),
                            function: false,
                        });
                    }
                    for c in &ins.columns {
                        refs.out.written.push((table.clone(), last(c)));
                    }
                }
            }
            Statement::Update(up) => {
                if let TableFactor::Table { name, .. } = &up.table.relation {
                    let table = last(name);
                    for a in &up.assignments {
                        let targets = match &a.target {
                            AssignmentTarget::ColumnName(c) => std::slice::from_ref(c),
                            AssignmentTarget::Tuple(cs) => cs.as_slice(),
                        };
                        for c in targets {
                            refs.out.written.push((table.clone(), last(c)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    refs.finish()
}

/// The unqualified name of `main.t` / `t`.
fn last(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map_or_else(|| name.to_string(), |i| i.value.clone())
}

fn outputs(select: &Select) -> Vec<Output> {
    select
        .projection
        .iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(Expr::Identifier(i)) => Output::Named(i.value.clone()),
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => parts
                .last()
                .map_or(Output::Unnamed, |i| Output::Named(i.value.clone())),
            SelectItem::UnnamedExpr(_) => Output::Unnamed,
            SelectItem::ExprWithAlias { alias, .. } => Output::Named(alias.value.clone()),
            SelectItem::ExprWithAliases { aliases, .. } => aliases
                .first()
                .map_or(Output::Unnamed, |a| Output::Named(a.value.clone())),
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(n), _) => {
                Output::All(Some(last(n)))
            }
            SelectItem::QualifiedWildcard(_, _) => Output::Unnamed,
            SelectItem::Wildcard(_) => Output::All(None),
        })
        .collect()
}

#[derive(Default)]
struct Collector {
    out: BodyRefs,
}

impl Collector {
    fn finish(self) -> BodyRefs {
        self.out
    }

    fn local(&mut self, i: &Ident) {
        self.out.local.push(i.value.clone());
    }
}

impl Visitor for Collector {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.local(&cte.alias.name);
                for c in &cte.alias.columns {
                    self.local(&c.name);
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        for item in &select.projection {
            match item {
                SelectItem::ExprWithAlias { alias, .. } => self.local(alias),
                SelectItem::ExprWithAliases { aliases, .. } => {
                    aliases.iter().for_each(|a| self.local(a))
                }
                _ => {}
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => self.out.relations.push(Relation {
                name: last(name),
                alias: alias.as_ref().map(|a| a.name.value.clone()),
                function: args.is_some(),
            }),
            TableFactor::Derived {
                alias: Some(alias), ..
            } => {
                // A subquery in FROM: its alias and columns are local.
                self.local(&alias.name);
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        // INSERT / UPDATE / DELETE targets are relations outside any FROM;
        // a FROM's table factor was recorded just before, with its alias.
        let name = last(relation);
        if !self.out.relations.iter().any(|r| r.name == name) {
            self.out.relations.push(Relation {
                name,
                alias: None,
                function: false,
            });
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::Identifier(i) => self.out.columns.push(ColumnUse {
                qualifier: None,
                name: i.value.clone(),
            }),
            Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                let n = parts.len();
                self.out.columns.push(ColumnUse {
                    qualifier: Some(parts[n - 2].value.clone()),
                    name: parts[n - 1].value.clone(),
                });
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(q: Option<&str>, n: &str) -> ColumnUse {
        ColumnUse {
            qualifier: q.map(str::to_owned),
            name: n.to_owned(),
        }
    }

    #[test]
    fn a_view_query_yields_relations_aliases_columns_and_outputs() {
        let (refs, outputs) = parse_query(
            "SELECT u.id, name AS n, count(*) FROM users AS u JOIN orders o ON o.user_id = u.id GROUP BY u.id ORDER BY n",
        )
        .unwrap();
        let rels: Vec<_> = refs
            .relations
            .iter()
            .map(|r| (r.name.as_str(), r.alias.as_deref()))
            .collect();
        assert_eq!(rels, [("users", Some("u")), ("orders", Some("o"))]);
        assert!(refs.columns.contains(&col(Some("u"), "id")));
        assert!(refs.columns.contains(&col(None, "name")));
        assert!(refs.columns.contains(&col(Some("o"), "user_id")));
        assert_eq!(refs.local, ["n"]);
        assert_eq!(
            outputs.unwrap(),
            [
                Output::Named("id".into()),
                Output::Named("n".into()),
                Output::Unnamed
            ]
        );
    }

    #[test]
    fn common_table_expressions_are_local() {
        let (refs, _) =
            parse_query("WITH x (k) AS (SELECT id FROM users) SELECT k FROM x").unwrap();
        assert_eq!(refs.local, ["x", "k"]);
    }

    #[test]
    fn a_view_must_be_one_select() {
        assert!(parse_query("DELETE FROM t").is_err());
        assert!(parse_query("SELECT 1; SELECT 2").is_err());
        assert!(parse_query("SELEC 1").is_err());
    }

    #[test]
    fn trigger_statements_record_written_columns() {
        let refs = parse_statements(
            "INSERT INTO audit (user_id, note) VALUES (new.id, 'x'); UPDATE users SET name = old.name WHERE id = new.id;",
        )
        .unwrap();
        assert_eq!(
            refs.written,
            [
                ("audit".to_owned(), "user_id".to_owned()),
                ("audit".to_owned(), "note".to_owned()),
                ("users".to_owned(), "name".to_owned())
            ]
        );
        assert!(refs.columns.contains(&col(Some("new"), "id")));
        assert!(refs.columns.contains(&col(Some("old"), "name")));
        assert!(parse_statements("DROP TABLE users").is_err());
    }
}
