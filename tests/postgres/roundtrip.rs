//! The round trip on both engines: random valid histories that target
//! PostgreSQL too (tables with keys, foreign keys, checks and defaults,
//! rows with and without their ids, indexes, views, batch blocks, some
//! with `recreate = always`), each applied to SQLite and to PostgreSQL.
//! On SQLite the live `CREATE`
//! statements must be what the model renders; on PostgreSQL the catalog
//! must describe the model's tables, columns (order, type, nullability),
//! named constraints, indexes and views; `check` finds no drift;
//! and a history that can be undone goes back to nothing on both.

use crate::server::database;
use migrate_dsl::{Migrations, Target};
use migrate_dsl_core::model::{ConstraintKind, KeyTarget, Schema};
use migrate_dsl_core::op::*;
use migrate_dsl_core::{render, Loc, Name};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn n(s: &str) -> Name {
    Name::new(s, Loc::NONE)
}

/// Declared types both engines have, and PostgreSQL's `format_type` of each.
const TYPES: [(&str, &str); 10] = [
    ("integer", "integer"),
    ("text", "text"),
    ("varchar(40)", "character varying(40)"),
    ("bigint", "bigint"),
    ("numeric(10, 2)", "numeric(10,2)"),
    ("boolean", "boolean"),
    ("double precision", "double precision"),
    // SQLite's names, sent to PostgreSQL as its own.
    ("datetime", "timestamp without time zone"),
    ("blob", "bytea"),
    ("nvarchar(40)", "character varying(40)"),
];

fn postgres_type(declared: &str) -> String {
    TYPES
        .iter()
        .find(|(d, _)| d.eq_ignore_ascii_case(declared))
        .map_or_else(|| declared.to_owned(), |(_, pg)| (*pg).to_owned())
}

#[derive(Clone)]
struct Col {
    name: String,
    ty: usize,
    not_null: bool,
    /// Some row may hold NULL here.
    nulls: bool,
    /// An index or check names it: never dropped.
    kept: bool,
}

struct Tab {
    name: String,
    cols: Vec<Col>,
    indexes: Vec<String>,
    next_id: i64,
    rows: bool,
    viewed: bool,
    referenced: bool,
}

struct Gen {
    tables: Vec<Tab>,
    next: u32,
    /// Operations that must follow the one just made, in its revision (a
    /// parent table after the child that references it).
    queued: Vec<Op>,
}

fn value(ty: usize, seed: u32) -> Literal {
    match TYPES[ty].0 {
        "integer" | "bigint" => Literal::Integer(i64::from(seed % 1000)),
        "numeric(10, 2)" | "double precision" => Literal::Real(format!("{}.5", seed % 100)),
        "boolean" => Literal::Integer(i64::from(seed % 2)),
        "datetime" => Literal::Text(format!("2024-01-{:02} 10:00:00", 1 + seed % 28)),
        "blob" => Literal::Blob(vec![(seed % 256) as u8, 0]),
        _ => Literal::Text(format!("v'{}", seed % 50)),
    }
}

impl Gen {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn column(&mut self, seed: u32, rows: bool) -> (ColumnDef, Col) {
        let ty = seed as usize % TYPES.len();
        let name = self.fresh("c");
        let mut def = ColumnDef::new(n(&name), ColumnType::from_static(TYPES[ty].0));
        def.not_null = (seed >> 5).is_multiple_of(2);
        if def.not_null {
            def.default = Some(Expr::new(render::literal(&value(ty, seed)), Loc::NONE));
        }
        let mut kept = false;
        if TYPES[ty].0 == "text" && seed.is_multiple_of(3) {
            kept = true;
            def.constraints.push(ColumnConstraint::new(
                ColumnConstraintKind::Check(Expr::new(format!("length({name}) < 100"), Loc::NONE)),
                Loc::NONE,
            ));
        }
        let col = Col {
            name,
            ty,
            not_null: def.not_null,
            nulls: !def.not_null && rows,
            kept,
        };
        (def, col)
    }

    fn create_table(&mut self, seed: u32) -> Op {
        let name = self.fresh("t");
        let mut id = ColumnDef::new(n("id"), ColumnType::INTEGER);
        id.constraints.push(ColumnConstraint::new(
            ColumnConstraintKind::PrimaryKey {
                desc: false,
                autoincrement: None,
            },
            Loc::NONE,
        ));
        let mut defs = vec![id];
        let mut cols = Vec::new();
        for i in 0..(1 + seed % 3) {
            let (def, col) = self.column(seed >> (i * 3), false);
            defs.push(def);
            cols.push(col);
        }
        let mut constraints = Vec::new();
        if (seed >> 10).is_multiple_of(5) {
            // A key to a table made right after this one, in the same
            // revision: SQLite resolves it when used, PostgreSQL gets it
            // once the parent exists.
            let parent = self.fresh("t");
            let fk = self.fresh("f");
            let mut def = ColumnDef::new(n(&fk), ColumnType::INTEGER);
            let mut target = ForeignKeyTarget::new(n(&parent), Vec::new());
            target.on_delete = Some(FkAction::SetNull);
            def.constraints.push(ColumnConstraint::new(
                ColumnConstraintKind::References(target),
                Loc::NONE,
            ));
            defs.push(def);
            let mut key = ColumnDef::new(n("id"), ColumnType::INTEGER);
            key.constraints.push(ColumnConstraint::new(
                ColumnConstraintKind::PrimaryKey {
                    desc: false,
                    autoincrement: None,
                },
                Loc::NONE,
            ));
            self.queued
                .push(Op::CreateTable(CreateTable::new(n(&parent), vec![key])));
            self.tables.push(Tab {
                name: parent,
                cols: Vec::new(),
                indexes: Vec::new(),
                next_id: 1,
                rows: false,
                viewed: false,
                referenced: true,
            });
        }
        if (seed >> 3).is_multiple_of(3) && !self.tables.is_empty() {
            let parent = (seed as usize >> 4) % self.tables.len();
            self.tables[parent].referenced = true;
            let fk = self.fresh("p");
            let mut def = ColumnDef::new(n(&fk), ColumnType::INTEGER);
            let mut target = ForeignKeyTarget::new(n(&self.tables[parent].name), Vec::new());
            target.on_delete = Some(FkAction::Cascade);
            target.deferred = (seed >> 5).is_multiple_of(2);
            def.constraints.push(ColumnConstraint::new(
                ColumnConstraintKind::References(target),
                Loc::NONE,
            ));
            defs.push(def);
            constraints.push(TableConstraint::new(
                TableConstraintKind::Unique(vec![n("id"), n(&fk)]),
                Loc::NONE,
            ));
        }
        self.tables.push(Tab {
            name: name.clone(),
            cols,
            indexes: Vec::new(),
            next_id: 1,
            rows: false,
            viewed: false,
            referenced: false,
        });
        let mut create = CreateTable::new(n(&name), defs);
        create.constraints = constraints;
        Op::CreateTable(create)
    }

    /// Raw SQL on a text column of table `ti`: every other time written
    /// once for both engines, else per dialect (the same values, each in
    /// its engine's functions).
    fn raw_sql(&mut self, ti: usize, seed: u32) -> Option<Op> {
        let t = &mut self.tables[ti];
        let c = t.cols.iter_mut().find(|c| TYPES[c.ty].0 == "text")?;
        c.kept = true;
        let (table, column) = (sql_ident(&t.name), sql_ident(&c.name));
        let shared =
            format!("UPDATE {table} SET {column} = upper({column}) WHERE {column} IS NOT NULL");
        let mut raw = if seed.is_multiple_of(2) {
            RawSql::new(Expr::new(shared, Loc::NONE))
        } else {
            let sqlite = format!("UPDATE {table} SET {column} = substr({column}, 1, 3) || ifnull(NULL, '') WHERE {column} IS NOT NULL");
            let mut raw = RawSql::new(Expr::new(sqlite, Loc::NONE));
            raw.postgres = Some(Expr::new(
                format!("UPDATE {table} SET {column} = left({column}, 3) || coalesce(NULL, '') WHERE {column} IS NOT NULL"),
                Loc::NONE,
            ));
            raw
        };
        raw.touches = vec![n(&t.name)];
        Some(Op::Sql(raw))
    }

    fn op(&mut self, seed: u32) -> Option<Op> {
        if self.tables.is_empty() || seed.is_multiple_of(9) {
            return Some(self.create_table(seed));
        }
        let ti = (seed as usize / 7) % self.tables.len();
        if seed % 23 == 5 {
            return self.raw_sql(ti, seed);
        }
        let pick = |len: usize| (seed as usize / 11) % len.max(1);
        // Every third block a move-and-copy on PostgreSQL.
        let recreate = if (seed >> 8).is_multiple_of(3) {
            Recreate::Always
        } else {
            Recreate::Auto
        };
        let batch = |table: &str, change| {
            let mut block = BatchAlter::new(n(table), vec![change], Loc::NONE);
            block.recreate = recreate;
            Op::Batch(block)
        };
        let tables = self.tables.len();
        let t = &mut self.tables[ti];
        let table = t.name.clone();
        match seed % 10 {
            0 | 1 => {
                // A row with every column; every other one numbered by hand
                // (the identity must then go on after it).
                let by_hand = (seed >> 6).is_multiple_of(2);
                let mut columns = Vec::new();
                let mut values = Vec::new();
                if by_hand {
                    columns.push(n("id"));
                    values.push(Literal::Integer(t.next_id + 10));
                    t.next_id += 11;
                }
                for c in &t.cols {
                    columns.push(n(&c.name));
                    values.push(value(c.ty, seed));
                }
                t.rows = true;
                if t.cols.is_empty() && !by_hand {
                    return None;
                }
                Some(Op::Insert(Insert::new(
                    n(&table),
                    columns,
                    vec![InsertRow::new(values, Loc::NONE)],
                )))
            }
            2 if !t.cols.is_empty() => {
                let ci = pick(t.cols.len());
                t.cols[ci].kept = true;
                let column = t.cols[ci].name.clone();
                let ix = self.fresh("ix");
                self.tables[ti].indexes.push(ix.clone());
                let mut key = IndexKey::new(IndexTarget::Column(n(&column)));
                key.desc = seed.is_multiple_of(2);
                let mut index = CreateIndex::new(n(&ix), n(&table), vec![key]);
                index.filter = (seed >> 12)
                    .is_multiple_of(3)
                    .then(|| Expr::new(format!("{column} IS NOT NULL"), Loc::NONE));
                Some(Op::CreateIndex(index))
            }
            3 if !t.indexes.is_empty() => {
                let ix = t.indexes.remove(pick(t.indexes.len()));
                Some(Op::DropIndex(n(&ix)))
            }
            4 => {
                let rows = t.rows;
                let (def, col) = self.column(seed >> 7, rows);
                self.tables[ti].cols.push(col);
                Some(batch(&table, Change::AddColumn(def)))
            }
            // A view's `SELECT *` names every column on PostgreSQL (it is
            // expanded when the view is made): such a column cannot go.
            5 if t.cols.len() > 1 && !t.viewed => {
                let ci = pick(t.cols.len());
                if t.cols[ci].kept {
                    return None;
                }
                let c = t.cols.remove(ci);
                Some(batch(&table, Change::DropColumn(n(&c.name))))
            }
            6 if !t.cols.is_empty() && !t.viewed => {
                let ci = pick(t.cols.len());
                let new = self.fresh("r");
                let old = std::mem::replace(&mut self.tables[ti].cols[ci].name, new.clone());
                Some(batch(
                    &table,
                    Change::RenameColumn {
                        from: n(&old),
                        to: n(&new),
                    },
                ))
            }
            7 if !t.cols.is_empty() => {
                let ci = pick(t.cols.len());
                let c = &mut t.cols[ci];
                let alter = if c.not_null {
                    c.not_null = false;
                    ColumnAlter::DropNotNull
                } else if !c.nulls {
                    c.not_null = true;
                    ColumnAlter::SetNotNull
                } else {
                    ColumnAlter::SetDefault(Expr::new(
                        render::literal(&value(c.ty, seed)),
                        Loc::NONE,
                    ))
                };
                let column = n(&c.name);
                Some(batch(&table, Change::AlterColumn { column, alter }))
            }
            8 if tables > 1 && !t.viewed && !t.referenced => {
                self.tables.remove(ti);
                Some(Op::DropTable(n(&table)))
            }
            9 => {
                t.viewed = true;
                let view = self.fresh("v");
                Some(Op::CreateView(CreateView::new(
                    n(&view),
                    Expr::new(format!("SELECT * FROM \"{table}\" WHERE id > 0"), Loc::NONE),
                )))
            }
            _ => None,
        }
    }
}

fn history(seeds: &[Vec<u32>]) -> History {
    let mut g = Gen {
        tables: Vec::new(),
        next: 0,
        queued: Vec::new(),
    };
    let mut revisions = Vec::new();
    for (i, rev) in seeds.iter().enumerate() {
        let mut ops = Vec::new();
        for s in rev {
            ops.extend(g.op(*s));
            ops.append(&mut g.queued);
        }
        if !ops.is_empty() {
            revisions.push(RevisionDef::new(n(&format!("{i:04}")), ops));
        }
    }
    let mut history = History::new(revisions);
    history.dialects = vec![(Dialect::Sqlite, Loc::NONE), (Dialect::Postgres, Loc::NONE)];
    history
}

/// The model's tables, indexes and views as the catalog reads them:
/// per table its columns (name, type, NOT NULL) and its named constraints
/// (kind and columns); per index its table, columns and uniqueness.
fn model_shape(schema: &Schema) -> BTreeMap<String, Vec<String>> {
    let mut shape = BTreeMap::new();
    for t in &schema.tables {
        let key: Vec<&str> = t
            .constraints
            .iter()
            .find_map(|k| match &k.kind {
                ConstraintKind::PrimaryKey { columns, .. } => {
                    Some(columns.iter().map(|(c, _)| c.as_str()).collect())
                }
                _ => None,
            })
            .unwrap_or_default();
        let mut items: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let not_null = c.not_null || key.contains(&c.name.as_str());
                format!("{} {} {not_null}", c.name, postgres_type(c.ty.as_str()))
            })
            .collect();
        let mut constraints: Vec<String> = t
            .constraints
            .iter()
            .map(|k| match &k.kind {
                ConstraintKind::PrimaryKey { columns, .. } => {
                    let cols: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
                    format!("{} p {}", k.name, cols.join(","))
                }
                ConstraintKind::Unique(cols) => format!("{} u {}", k.name, cols.join(",")),
                ConstraintKind::Check(_) => format!("{} c", k.name),
                ConstraintKind::ForeignKey(fk) => format!(
                    "{} f {} -> {}({})",
                    k.name,
                    fk.columns.join(","),
                    fk.table,
                    fk.ref_columns.join(",")
                ),
            })
            .collect();
        constraints.sort();
        items.extend(constraints);
        shape.insert(format!("table {}", t.name), items);
    }
    for i in &schema.indexes {
        let cols: Vec<&str> = i
            .keys
            .iter()
            .map(|k| match &k.target {
                KeyTarget::Column(c) => c.as_str(),
                KeyTarget::Expr(_) => "(expression)",
            })
            .collect();
        shape.insert(
            format!("index {}", i.name),
            vec![format!("{} {} {}", i.table, cols.join(","), i.unique)],
        );
    }
    for v in &schema.views {
        shape.insert(format!("view {}", v.name), Vec::new());
    }
    shape
}

/// The same description read from PostgreSQL's catalog (schema `public`).
fn live_shape(client: &mut postgres::Client) -> BTreeMap<String, Vec<String>> {
    let mut shape: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = |client: &mut postgres::Client, q: &str| client.query(q, &[]).unwrap();
    for r in rows(
        client,
        "SELECT c.relname::text, a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text
         FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_migrate_history'
         ORDER BY c.relname, a.attnum",
    ) {
        let table: String = r.get(0);
        shape.entry(format!("table {table}")).or_default().push(r.get(1));
    }
    let cols = "(SELECT string_agg(a.attname::text, ',' ORDER BY u.i) FROM unnest(%) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = %r AND a.attnum = u.n)";
    let list = |keys: &str, rel: &str| cols.replace("%r", rel).replace('%', keys);
    let q = format!(
        "SELECT c.relname::text, k.conname::text || ' ' || k.contype::text
            || CASE k.contype WHEN 'c' THEN ''
               WHEN 'f' THEN ' ' || {} || ' -> ' || f.relname::text || '(' || {} || ')'
               ELSE ' ' || {} END
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace s ON s.oid = c.relnamespace
         LEFT JOIN pg_class f ON f.oid = k.confrelid
         WHERE s.nspname = 'public' AND c.relname <> '_migrate_history'
         ORDER BY 1, 2",
        list("k.conkey", "k.conrelid"),
        list("k.confkey", "k.confrelid"),
        list("k.conkey", "k.conrelid"),
    );
    for r in rows(client, &q) {
        let table: String = r.get(0);
        shape
            .entry(format!("table {table}"))
            .or_default()
            .push(r.get(1));
    }
    let q = format!(
        "SELECT i.relname::text, t.relname::text || ' ' || {} || ' ' || x.indisunique::text
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace s ON s.oid = t.relnamespace
         WHERE s.nspname = 'public' AND t.relname <> '_migrate_history'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = t.oid)",
        list("x.indkey::int2[]", "x.indrelid"),
    );
    for r in rows(client, &q) {
        let index: String = r.get(0);
        shape.insert(format!("index {index}"), vec![r.get(1)]);
    }
    for r in rows(
        client,
        "SELECT viewname::text FROM pg_views WHERE schemaname = 'public'",
    ) {
        let view: String = r.get(0);
        shape.insert(format!("view {view}"), Vec::new());
    }
    shape
}

fn sqlite_schema(conn: &migrate_dsl::rusqlite::Connection) -> BTreeMap<String, String> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != '_migrate_history'")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_same_history_matches_the_model_on_both_engines(
        seeds in prop::collection::vec(prop::collection::vec(any::<u32>(), 1..4), 1..16)
    ) {
        let history = history(&seeds);
        prop_assume!(!history.revisions.is_empty());
        let (plans, schema) = migrate_dsl_core::check::check_history_to_head(&history)
            .map_err(|e| TestCaseError::fail(format!("generated history rejected: {e:?}")))?;
        let migrations = Migrations::from_plans(plans, &schema);

        let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
        migrations.apply_pending(&mut conn).map_err(|e| TestCaseError::fail(format!("SQLite: {e}")))?;
        let expected: BTreeMap<String, String> = render::schema_sql(&schema).into_iter().collect();
        prop_assert_eq!(sqlite_schema(&conn), expected);

        let db = database("roundtrip");
        let mut client = db.connect();
        migrations
            .apply_pending(&mut client)
            .map_err(|e| {
                let script = migrations.script(Dialect::Postgres, None, Target::Head).unwrap_or_default();
                TestCaseError::fail(format!("PostgreSQL: {e}\nthe history's script:\n{script}"))
            })?;
        prop_assert_eq!(live_shape(&mut client), model_shape(&schema));
        let drift = migrations.check(&mut client).unwrap();
        prop_assert!(drift.is_empty(), "{:?}", drift);

        if migrations.revisions().iter().all(|r| r.irreversible().is_none()) {
            let empty = migrate_dsl::Target::Empty;
            migrations.migrate(&mut conn, empty, &Default::default())
                .map_err(|e| TestCaseError::fail(format!("SQLite down: {e}")))?;
            prop_assert!(sqlite_schema(&conn).is_empty());
            migrations.migrate(&mut client, empty, &Default::default())
                .map_err(|e| TestCaseError::fail(format!("PostgreSQL down: {e}")))?;
            prop_assert!(live_shape(&mut client).is_empty());
        }
    }
}

/// `name` quoted as an SQL identifier.
fn sql_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
