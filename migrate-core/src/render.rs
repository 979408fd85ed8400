//! SQL rendering of model objects. Every name is quoted with [`crate::sql`].

use crate::model::{Column, Index, Table};
use crate::op::Literal;
use crate::sql;

/// `CREATE TABLE "<name>" (…)` for `table`'s complete definition, under
/// `name` (the real name, or the temporary one of a rebuild).
pub fn create_table(table: &Table, name: &str) -> String {
    let pk: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.as_str())
        .collect();
    let composite = pk.len() > 1;
    let mut parts: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_def(c, composite))
        .collect();
    if composite {
        parts.push(format!("PRIMARY KEY ({})", sql::ident_list(pk)));
    }
    for check in &table.checks {
        parts.push(format!("CHECK ({})", check.to_sql()));
    }
    format!("CREATE TABLE {} ({})", sql::ident(name), parts.join(", "))
}

fn column_def(c: &Column, composite_pk: bool) -> String {
    let mut s = format!("{} {}", sql::ident(&c.name), c.ty.sql());
    // A single-column key is written on the column (so `integer primary key`
    // stays a rowid alias); a composite one at table level.
    if c.primary_key && !composite_pk {
        s.push_str(" PRIMARY KEY");
    }
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    if c.unique {
        s.push_str(" UNIQUE");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT ({})", d.to_sql()));
    }
    if let Some(ch) = &c.check {
        s.push_str(&format!(" CHECK ({})", ch.to_sql()));
    }
    s
}

/// `CREATE [UNIQUE] INDEX "<name>" ON "<table>" (…)`.
pub fn create_index(index: &Index) -> String {
    let cols: Vec<String> = index
        .columns
        .iter()
        .map(|(c, desc)| {
            if *desc {
                format!("{} DESC", sql::ident(c))
            } else {
                sql::ident(c)
            }
        })
        .collect();
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        sql::ident(&index.name),
        sql::ident(&index.table),
        cols.join(", ")
    )
}

/// `DROP INDEX "<name>"`.
pub fn drop_index(name: &str) -> String {
    format!("DROP INDEX {}", sql::ident(name))
}

/// A literal as SQL.
pub fn literal(value: &Literal) -> String {
    match value {
        Literal::Null => "NULL".to_owned(),
        Literal::Integer(i) => i.to_string(),
        Literal::Real(r) => r.clone(),
        Literal::Text(t) => sql::string(t),
        Literal::Blob(b) => sql::blob(b),
    }
}

/// `INSERT INTO "<table>" (…) VALUES (…), …`.
pub fn insert(table: &str, columns: &[&str], rows: &[Vec<Literal>]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| {
            let vals: Vec<String> = r.iter().map(literal).collect();
            format!("({})", vals.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        sql::ident(table),
        sql::ident_list(columns.iter().copied()),
        rows.join(", ")
    )
}
