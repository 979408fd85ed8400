//! Drift compares meaning: a random valid history's schema, created by raw
//! SQL in another tool's spelling (table-level keys, other quoting, case
//! and whitespace, parenthesized defaults and expressions, explicit NULL,
//! reordered clauses) and stamped, has no drift; one real change (a
//! column's type, NOT NULL, a default, an index key) is reported once,
//! naming that property.

use crate::common::ops::n;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{Drift, Migrations};
use migrate_dsl_core::op::*;
use migrate_dsl_core::Loc;
use proptest::prelude::*;

/// Declared types, each in the history's spelling and another tool's.
const TYPES: [(&str, &str); 8] = [
    ("integer", "INTEGER"),
    ("text", "TEXT"),
    ("varchar(40)", "VARCHAR( 40 )"),
    ("decimal(10, 2)", "DECIMAL(10,2)"),
    ("datetime", "DATETIME"),
    ("double precision", "DOUBLE   PRECISION"),
    ("boolean", "Boolean"),
    ("bigint", "BIGINT"),
];

/// A small deterministic generator (the seed comes from proptest).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

#[derive(Clone, Debug)]
struct Col {
    name: String,
    ty: usize,
    not_null: bool,
    default: Option<i64>,
    unique: bool,
    check: Option<i64>,
}

#[derive(Clone, Debug)]
struct Table {
    name: String,
    cols: Vec<Col>,
    /// Column 0 is `integer primary key` (else no primary key, or a
    /// composite one over the first two columns).
    alias: bool,
    composite: bool,
    /// A foreign key from the last column to this earlier table's alias.
    parent: Option<String>,
}

#[derive(Clone, Debug)]
struct Index {
    name: String,
    table: usize,
    /// Column positions; `lower()` around the first when `expr`.
    keys: Vec<usize>,
    expr: bool,
    unique: bool,
    partial: bool,
}

fn schema(rng: &mut Rng) -> (Vec<Table>, Vec<Index>) {
    let mut tables: Vec<Table> = Vec::new();
    for t in 0..1 + rng.below(4) {
        let alias = rng.coin();
        let mut cols = Vec::new();
        let n = 2 + rng.below(4);
        for c in 0..n {
            let ty = if c == 0 && alias {
                0
            } else {
                rng.below(TYPES.len())
            };
            cols.push(Col {
                name: format!("c{c}"),
                ty,
                not_null: rng.coin() && !(c == 0 && alias),
                default: (rng.below(3) == 0).then(|| rng.below(100) as i64 - 50),
                unique: c > 0 && rng.below(5) == 0,
                check: (c > 0 && rng.below(4) == 0).then(|| rng.below(10) as i64),
            });
        }
        let parent = tables
            .iter()
            .filter(|p| p.alias)
            .map(|p| p.name.clone())
            .nth(rng.below(3));
        if parent.is_some() {
            let last = cols.last_mut().unwrap();
            last.ty = 0;
            last.unique = false;
        }
        tables.push(Table {
            name: format!("t{t}"),
            cols,
            alias,
            composite: !alias && rng.coin(),
            parent,
        });
    }
    let mut indexes = Vec::new();
    for i in 0..rng.below(4) {
        let table = rng.below(tables.len());
        let cols = tables[table].cols.len();
        let mut keys = vec![1 + rng.below(cols - 1)];
        if rng.coin() {
            keys.push(rng.below(cols));
            keys.dedup();
        }
        indexes.push(Index {
            name: format!("ix{i}"),
            table,
            keys,
            expr: rng.coin(),
            unique: rng.below(4) == 0,
            partial: rng.coin(),
        });
    }
    (tables, indexes)
}

/// The history creating the schema, as operations.
fn history(tables: &[Table], indexes: &[Index]) -> History {
    let mut ops = Vec::new();
    for t in tables {
        let mut defs = Vec::new();
        for (i, c) in t.cols.iter().enumerate() {
            let mut d = ColumnDef::new(n(&c.name), ColumnType::from_static(TYPES[c.ty].0));
            d.not_null = c.not_null;
            d.default = c.default.map(|v| Expr::new(v.to_string(), Loc::NONE));
            let mut constraint = |kind| d.constraints.push(ColumnConstraint::new(kind, Loc::NONE));
            if i == 0 && t.alias {
                constraint(ColumnConstraintKind::PrimaryKey {
                    desc: false,
                    autoincrement: None,
                });
            }
            if c.unique {
                constraint(ColumnConstraintKind::Unique);
            }
            if let Some(k) = c.check {
                constraint(ColumnConstraintKind::Check(Expr::new(
                    format!("{} > {k}", c.name),
                    Loc::NONE,
                )));
            }
            if let (Some(p), true) = (&t.parent, i == t.cols.len() - 1) {
                let mut target = ForeignKeyTarget::new(n(p), vec![n("c0")]);
                target.on_delete = Some(FkAction::Cascade);
                target.on_update = Some(FkAction::SetNull);
                constraint(ColumnConstraintKind::References(target));
            }
            defs.push(d);
        }
        let mut ct = CreateTable::new(n(&t.name), defs);
        if t.composite {
            ct.constraints.push(TableConstraint::new(
                TableConstraintKind::PrimaryKey(
                    ["c0", "c1"]
                        .map(|c| IndexedColumn::new(n(c), false))
                        .to_vec(),
                ),
                Loc::NONE,
            ));
        }
        ops.push(Op::CreateTable(ct));
    }
    for ix in indexes {
        let t = &tables[ix.table];
        let keys = ix
            .keys
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                IndexKey::new(if k == 0 && ix.expr {
                    IndexTarget::Expr(Expr::new(format!("lower({})", t.cols[c].name), Loc::NONE))
                } else {
                    IndexTarget::Column(n(&t.cols[c].name))
                })
            })
            .collect();
        let mut create = CreateIndex::new(n(&ix.name), n(&t.name), keys);
        create.unique = ix.unique;
        create.filter = ix.partial.then(|| {
            Expr::new(
                format!("{} IS NOT NULL", t.cols[ix.keys[0]].name),
                Loc::NONE,
            )
        });
        ops.push(Op::CreateIndex(create));
    }
    History::new(vec![RevisionDef::new(n("0001"), ops)])
}

/// The same schema as another tool would write it, spelled at random.
fn other_spelling(tables: &[Table], indexes: &[Index], rng: &mut Rng) -> String {
    let kw = |w: &str, rng: &mut Rng| {
        if rng.coin() {
            w.to_uppercase()
        } else {
            w.to_lowercase()
        }
    };
    let quote = |s: &str, rng: &mut Rng| match rng.below(4) {
        0 => s.to_owned(),
        1 => format!("\"{s}\""),
        2 => format!("[{s}]"),
        _ => format!("`{s}`"),
    };
    let sep = |rng: &mut Rng| if rng.coin() { " " } else { "\n    " };
    let mut out = String::new();
    for t in tables {
        let mut items = Vec::new();
        let table_level_pk = t.alias && rng.coin();
        for (i, c) in t.cols.iter().enumerate() {
            let mut parts = vec![quote(&c.name, rng), TYPES[c.ty].1.to_owned()];
            let mut clauses = Vec::new();
            if i == 0 && t.alias && !table_level_pk {
                clauses.push(kw("primary key", rng));
            }
            if c.not_null {
                clauses.push(kw("not null", rng));
            } else if rng.below(3) == 0 {
                clauses.push(kw("null", rng));
            }
            if let Some(d) = c.default {
                let v = if rng.coin() {
                    format!("({d})")
                } else {
                    d.to_string()
                };
                clauses.push(format!("{} {v}", kw("default", rng)));
            }
            if c.unique {
                clauses.push(kw("unique", rng));
            }
            if let Some(k) = c.check {
                let e = format!("{} > {k}", quote(&c.name, rng));
                let e = if rng.coin() { format!("({e})") } else { e };
                clauses.push(format!("{} ({e})", kw("check", rng)));
            }
            if let (Some(p), true) = (&t.parent, i == t.cols.len() - 1) {
                let cols = if rng.coin() {
                    String::new()
                } else {
                    " (c0)".to_owned()
                };
                let actions = [kw("on delete cascade", rng), kw("on update set null", rng)];
                let (a, b) = if rng.coin() { (0, 1) } else { (1, 0) };
                clauses.push(format!(
                    "{} {}{cols} {} {}",
                    kw("references", rng),
                    quote(p, rng),
                    actions[a],
                    actions[b]
                ));
            }
            // Clause order does not matter to SQLite.
            if clauses.len() > 1 && rng.coin() {
                clauses.reverse();
            }
            parts.extend(clauses);
            items.push(parts.join(" "));
        }
        if table_level_pk {
            items.push(format!("{} ({})", kw("primary key", rng), quote("c0", rng)));
        }
        if t.composite {
            items.push(format!(
                "{} (c0, {})",
                kw("primary key", rng),
                quote("c1", rng)
            ));
        }
        let s = sep(rng);
        out.push_str(&format!(
            "{} {} ({s}{});\n",
            kw("create table", rng),
            quote(&t.name, rng),
            items.join(&format!(",{s}"))
        ));
    }
    for ix in indexes {
        let t = &tables[ix.table];
        let keys: Vec<String> = ix
            .keys
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                let col = quote(&t.cols[c].name, rng);
                match (k == 0 && ix.expr, rng.coin()) {
                    (true, true) => format!("(lower({col}))"),
                    (true, false) => format!("LOWER({col})"),
                    (false, _) => col,
                }
            })
            .collect();
        let mut s = format!(
            "{} {} {} {} ({})",
            kw(
                if ix.unique {
                    "create unique index"
                } else {
                    "create index"
                },
                rng
            ),
            quote(&ix.name, rng),
            kw("on", rng),
            quote(&t.name, rng),
            keys.join(", ")
        );
        if ix.partial {
            let e = format!(
                "{} {}",
                quote(&t.cols[ix.keys[0]].name, rng),
                kw("is not null", rng)
            );
            s.push_str(&format!(
                " {} {}",
                kw("where", rng),
                if rng.coin() { format!("({e})") } else { e }
            ));
        }
        out.push_str(&s);
        out.push_str(";\n");
    }
    out
}

/// Builds the database from `sql`, stamps it at the head and returns the
/// drift `check` reports.
fn drift(migrations: &Migrations, sql: &str) -> Vec<Drift> {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(sql)
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    migrations.stamp(&mut conn, Some("0001")).unwrap();
    migrations.check(&conn).unwrap()
}

/// One real change to the schema and the property drift must name.
fn mutate(tables: &mut [Table], indexes: &mut [Index], rng: &mut Rng) -> (String, &'static str) {
    let kind = rng.below(4);
    if kind == 3 {
        if let Some(ix) = indexes.first_mut() {
            let cols = tables[ix.table].cols.len();
            let old = ix.keys[0];
            ix.keys[0] = 1 + (old % (cols - 1)); // another column (never the same)
            if ix.keys[0] == old || ix.keys.get(1) == Some(&ix.keys[0]) {
                ix.keys[0] = if old == 1 { 2.min(cols - 1) } else { 1 };
            }
            if ix.keys[0] != old && ix.keys.get(1) != Some(&ix.keys[0]) {
                return (ix.name.clone(), "keys");
            }
            ix.keys[0] = old;
        }
    }
    let t = rng.below(tables.len());
    let table = &mut tables[t];
    // A column that is no key and no foreign key.
    let c = 1 + rng.below(table.cols.len() - 1);
    let fk = table.parent.is_some() && c == table.cols.len() - 1;
    let in_key = table.composite && c == 1;
    let col = &mut table.cols[c];
    match kind {
        0 if !fk => {
            col.ty = (col.ty + 1 + rng.below(TYPES.len() - 1)) % TYPES.len();
            (table.name.clone(), "declared type")
        }
        1 if !in_key => {
            col.not_null = !col.not_null;
            (table.name.clone(), "NOT NULL")
        }
        _ => {
            col.default = Some(col.default.map_or(7, |d| d + 1));
            (table.name.clone(), "default")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn other_spellings_are_not_drift_and_real_changes_name_the_property(seed in 1u64..u64::MAX) {
        let mut rng = Rng(seed);
        let (mut tables, mut indexes) = schema(&mut rng);
        let migrations = Migrations::from_history(&history(&tables, &indexes)).unwrap();

        let sql = other_spelling(&tables, &indexes, &mut rng);
        let found = drift(&migrations, &sql);
        prop_assert!(found.is_empty(), "{found:#?}\n{sql}");

        let (object, property) = mutate(&mut tables, &mut indexes, &mut rng);
        let sql = other_spelling(&tables, &indexes, &mut rng);
        let found = drift(&migrations, &sql);
        match found.as_slice() {
            [Drift::Changed { name, difference, .. }] => {
                prop_assert_eq!(name, &object);
                prop_assert!(difference.contains(property), "{difference} names {property}\n{sql}");
            }
            other => prop_assert!(false, "one change to {object} ({property}), found {other:#?}\n{sql}"),
        }
    }
}
