//! Drift on PostgreSQL: the live schema compared with the schema the
//! applied revisions make, both read from `pg_catalog` the same way.
//!
//! The expected schema is made by the server itself: inside a transaction
//! that is always rolled back, the applied revisions' PostgreSQL statements
//! are replayed into a scratch schema (`insert into` rows and `run` hooks
//! skipped: rows are not the schema, and may have been changed since), so
//! types, defaults, constraints, indexes and views are in PostgreSQL's own
//! spelling on both sides (`format_type`,
//! `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`,
//! `pg_get_viewdef`, each read with its schema as the search path, so no
//! name carries a schema; an index's table loses its schema by hand). Nothing of the replay outlives the check.

use super::run::{pg, read_history};
use crate::drift::Drift;
use crate::error::Error;
use crate::migrations::Migrations;
use crate::options::Options;
use migrate_dsl_core::plan::{ObjectKind, PgStep};
use migrate_dsl_core::sql;
use postgres::{Client, Transaction};
use std::collections::BTreeMap;

/// The scratch schema the expected objects are replayed into.
const SCRATCH: &str = "_migrate_expected";

/// One object as the catalog describes it: its kind, the table it
/// belongs to (an index's table), and its properties in order.
#[derive(Debug)]
struct Described {
    kind: ObjectKind,
    table: String,
    items: Vec<String>,
}

impl Described {
    /// One line for messages: `users (id integer NOT NULL …, …)`.
    fn text(&self, name: &str) -> String {
        format!("{name} ({})", self.items.join(", "))
    }
}

impl Migrations {
    /// Compares the schema of the PostgreSQL database of `client` with the
    /// one its applied revisions make and returns every difference (empty:
    /// no drift): a table, index or view of the history missing or with
    /// other columns, types, defaults, constraints or definition, and an
    /// index on one of its tables the history does not make. Changes
    /// nothing: the expected schema is replayed in a transaction that is
    /// rolled back (module documentation of `postgres/drift.rs`).
    pub fn check_postgres(&self, client: &mut Client) -> Result<Vec<Drift>, Error> {
        self.refuse_for_postgres()?;
        let table = &*self.history_table;
        let mut tx = client.transaction().map_err(pg(None, "BEGIN"))?;
        let exists = "SELECT to_regclass($1) IS NOT NULL";
        let found: bool = tx
            .query_one(exists, &[&sql::ident(table)])
            .map_err(pg(None, exists))?
            .get(0);
        let applied = if found {
            read_history(&mut tx, table)?
        } else {
            Vec::new()
        };
        self.verify(&applied, &Options::default())?;
        let live_schema: String = {
            let q = "SELECT current_schema()";
            tx.query_one(q, &[]).map_err(pg(None, q))?.get(0)
        };
        let mut live = describe(&mut tx, &live_schema)?;
        live.remove(table);
        let scratch = format!(
            "CREATE SCHEMA {0}; SET LOCAL search_path TO {0}",
            sql::ident(SCRATCH)
        );
        tx.batch_execute(&scratch).map_err(pg(None, &scratch))?;
        // Each revision committed on its own: its deferred checks ran then.
        let commit_like = "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED";
        for rev in &self.revisions[..applied.len()] {
            for step in super::up_steps(rev)?.iter() {
                let statement = match step {
                    PgStep::Execute(statement) => statement,
                    PgStep::ConcurrentIndex { plain, .. } => plain,
                    // Rows are not the schema (and may have been changed
                    // by hand since, as a later revision expects).
                    PgStep::Rows(_) | PgStep::Hook(_) => continue,
                };
                tx.batch_execute(statement)
                    .map_err(pg(Some(rev.id()), statement))?;
            }
            tx.batch_execute(commit_like)
                .map_err(pg(Some(rev.id()), commit_like))?;
        }
        let expected = describe(&mut tx, SCRATCH)?;
        tx.rollback().map_err(pg(None, "ROLLBACK"))?;
        Ok(compare(&expected, &live))
    }
}

/// Every table, index and view of schema `schema`, by name.
fn describe(tx: &mut Transaction<'_>, schema: &str) -> Result<BTreeMap<String, Described>, Error> {
    let path = format!("SET LOCAL search_path TO {}", sql::ident(schema));
    tx.batch_execute(&path).map_err(pg(None, &path))?;
    let mut objects: BTreeMap<String, Described> = BTreeMap::new();
    let mut add = |name: String, kind, table: String, item: String| {
        objects
            .entry(name)
            .or_insert_with(|| Described {
                kind,
                table,
                items: Vec::new(),
            })
            .items
            .push(item);
    };
    let columns = "SELECT c.relname::text, a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod)
            || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
            || CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END
            || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                    WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        ORDER BY c.relname, a.attnum";
    for row in tx.query(columns, &[&schema]).map_err(pg(None, columns))? {
        let table: String = row.get(0);
        add(table.clone(), ObjectKind::Table, table, row.get(1));
    }
    let constraints = "SELECT c.relname::text, 'CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1
        ORDER BY c.relname, k.conname";
    for row in tx
        .query(constraints, &[&schema])
        .map_err(pg(None, constraints))?
    {
        let table: String = row.get(0);
        add(table.clone(), ObjectKind::Table, table, row.get(1));
    }
    // Indexes of their own: not the ones behind a key constraint.
    // `pg_get_indexdef` names the table with its schema whatever the path.
    let indexes = "SELECT i.relname::text, t.relname::text,
            replace(pg_get_indexdef(i.oid), ' ON ' || quote_ident(n.nspname) || '.', ' ON ')
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND NOT EXISTS (
            SELECT 1 FROM pg_constraint k
            WHERE k.conindid = x.indexrelid AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY 1";
    for row in tx.query(indexes, &[&schema]).map_err(pg(None, indexes))? {
        add(row.get(0), ObjectKind::Index, row.get(1), row.get(2));
    }
    let views = "SELECT c.relname::text, pg_get_viewdef(c.oid, true)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')
        ORDER BY 1";
    for row in tx.query(views, &[&schema]).map_err(pg(None, views))? {
        let name: String = row.get(0);
        let query: String = row.get(1);
        add(
            name,
            ObjectKind::View,
            String::new(),
            query.trim().to_owned(),
        );
    }
    Ok(objects)
}

/// Each expected object missing or different, then each live index on a
/// table the history has that it does not make. Other live tables and
/// views (another application's, say) are not drift.
fn compare(
    expected: &BTreeMap<String, Described>,
    live: &BTreeMap<String, Described>,
) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (name, want) in expected {
        match live.get(name) {
            None => drift.push(Drift::Missing {
                kind: want.kind,
                name: name.clone(),
                expected: want.text(name),
            }),
            Some(found) if found.kind != want.kind || found.items != want.items => {
                drift.push(Drift::Changed {
                    kind: want.kind,
                    name: name.clone(),
                    expected: want.text(name),
                    actual: found.text(name),
                    difference: difference(want, found),
                })
            }
            Some(_) => {}
        }
    }
    for (name, found) in live {
        let on_ours = found.kind == ObjectKind::Index
            && expected
                .get(&found.table)
                .is_some_and(|t| t.kind == ObjectKind::Table);
        if on_ours && !expected.contains_key(name) {
            drift.push(Drift::Unexpected {
                kind: found.kind,
                name: name.clone(),
                actual: found.text(name),
            });
        }
    }
    drift
}

/// The first property that differs: one the history makes and the
/// database lacks, or the other way round.
fn difference(want: &Described, found: &Described) -> String {
    if want.kind != found.kind {
        return format!("expected a {}, found a {}", want.kind, found.kind);
    }
    if let Some(item) = want.items.iter().find(|i| !found.items.contains(i)) {
        return format!("expected `{item}`, not found");
    }
    if let Some(item) = found.items.iter().find(|i| !want.items.contains(i)) {
        return format!("found `{item}`, which the history does not make");
    }
    "the same properties in another order".to_owned()
}
