//! Compile-time cost of `migration!`: parse + check + expand of a generated
//! history of 1000 revisions (mixed operations on 50 tables; and 1000
//! `create table` revisions, a schema that grows), called as a library
//! function. Target (issue 3 / issue 5): under 1 s.
//!
//! `cargo bench -p migrate-dsl-codegen --bench compile_cost`

use criterion::{criterion_group, criterion_main, Criterion};
use proc_macro2::TokenStream;
use std::fmt::Write;

/// A small deterministic generator.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

struct Table {
    columns: Vec<(String, bool)>, // (name, not null)
    indexes: Vec<String>,
    next: usize,
}

/// A valid history: 50 `create table` revisions, then 950 revisions of
/// indexes, inserts and batch blocks (add / rename / nullability changes).
fn history(revisions: usize, tables: usize) -> String {
    let mut rng = Lcg(42);
    let mut out = String::from("static M;\n");
    let mut model: Vec<Table> = Vec::new();
    for r in 0..revisions {
        let _ = writeln!(out, "revision \"{r:05}\" {{");
        if model.len() < tables {
            let t = model.len();
            let _ = writeln!(
                out,
                "create table t{t} {{ id integer primary key, c0 text not null, c1 integer check (c1 >= 0) }}"
            );
            model.push(Table {
                columns: vec![("c0".into(), true), ("c1".into(), false)],
                indexes: Vec::new(),
                next: 2,
            });
        } else {
            let t = rng.below(model.len());
            let table = &mut model[t];
            match rng.below(5) {
                0 => {
                    let (c, _) = &table.columns[rng.below(table.columns.len())];
                    let ix = format!("ix_{t}_{r}");
                    let _ = writeln!(out, "create index {ix} on t{t} ({c});");
                    table.indexes.push(ix);
                }
                1 => {
                    let cols: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
                    let vals: Vec<String> = (0..cols.len()).map(|i| format!("\"v{i}\"")).collect();
                    let _ = writeln!(
                        out,
                        "insert into t{t} ({}) values ({}), ({});",
                        cols.join(", "),
                        vals.join(", "),
                        vals.join(", ")
                    );
                }
                2 => {
                    let c = format!("c{}", table.next);
                    table.next += 1;
                    let _ = writeln!(
                        out,
                        "batch alter table t{t} {{ add column {c} text default (\"x\"); }}"
                    );
                    table.columns.push((c, false));
                }
                3 => {
                    let i = rng.below(table.columns.len());
                    let new = format!("c{}", table.next);
                    table.next += 1;
                    let old = std::mem::replace(&mut table.columns[i].0, new.clone());
                    let _ = writeln!(
                        out,
                        "batch alter table t{t} {{ rename column {old} to {new}; }}"
                    );
                }
                _ => {
                    let i = rng.below(table.columns.len());
                    let (c, not_null) = &mut table.columns[i];
                    let change = if *not_null {
                        "drop not null"
                    } else {
                        "set not null"
                    };
                    *not_null = !*not_null;
                    let _ = writeln!(
                        out,
                        "batch alter table t{t} {{ alter column {c} {change}; add column c{} integer; }}",
                        table.next
                    );
                    table.columns.push((format!("c{}", table.next), false));
                    table.next += 1;
                }
            }
        }
        out.push_str("}\n");
    }
    out
}

/// Tokens of the generated history, checked to expand without errors (or
/// the benchmark would measure the error path).
fn valid(source: &str) -> TokenStream {
    let tokens: TokenStream = source.parse().expect("the generated history tokenizes");
    let expanded = migrate_dsl_codegen::expand(tokens.clone()).to_string();
    assert!(
        !expanded.contains("compile_error"),
        "the generated history must be valid"
    );
    tokens
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile_cost");
    group.sample_size(10);
    // Many changes to a schema of moderate size, and a schema that grows
    // with the history (every revision creates a table): the checker's
    // per-revision work must not grow with the whole schema.
    for (label, tables) in [("50 tables", 50), ("1000 tables", 1000)] {
        let tokens = valid(&history(1000, tables));
        group.bench_function(
            format!("parse+check+expand, 1000 revisions on {label}"),
            |b| b.iter(|| migrate_dsl_codegen::expand(tokens.clone())),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
