//! The macro never panics: random and mutated token streams go through
//! parse + check + expand as a library function, and always come back as
//! tokens (an expansion or `compile_error!`s), never as a panic.

use proc_macro2::TokenStream;
use proptest::prelude::*;

const VALID: &str = r#"
    /// docs
    pub static M;
    naming { unique = "{table}_{columns}_u", check = "{table}_ck" }
    history table "app_history";
    revision "0001" {
        create table foo { id integer primary key autoincrement, bar text not null check (length(bar) < 9) collate nocase, n real default 0.5, constraint u unique (bar, n) }
        create table kid { id integer primary key, f integer references foo (id) on delete cascade, g integer as (id + 1) virtual } strict
        create unique index foo_bar on foo (bar desc, id);
        insert into foo (id, bar, n) values (1, "a", -2), (2, "b", null);
    }
    revision "0002" {
        batch alter table foo {
            add column note text default ("x");
            drop constraint u;
            drop column n;
            rename column bar to label;
            alter column label drop not null;
            alter column note set default (1 + 2);
            alter column note type blob;
            add constraint ck check (note is not null);
        }
        drop index foo_bar;
        rename table kid to child;
        run a::b;
    }
    revision "0003" {
        create view v as "SELECT f.id, note AS n FROM foo AS f WHERE f.id > 0";
        create trigger tr after update of note on foo when "new.note IS NOT NULL" as "INSERT INTO child (id) VALUES (new.id);";
        replace view v as "SELECT id FROM foo";
        drop trigger tr;
        drop view v;
        alter table foo add column extra text default ("e");
        alter table foo rename column extra to more;
        batch alter table foo recreate = always { drop column more; }
        create table if not exists later { id integer primary key }
        drop index if exists gone;
        sql "UPDATE foo SET note = 'x' WHERE id > 0" touches (foo);
    }
    revision "0004" {
        create index foo_note on foo (note);
        down { drop index foo_note; run c::d; }
    }
    revision "0005" {
        sql "CREATE VIRTUAL TABLE docs USING fts5(title)" creates table docs (title);
    }
"#;

/// Words that steer the parser into every branch.
const VOCABULARY: &[&str] = &[
    "static",
    "M",
    ";",
    "revision",
    "\"1\"",
    "{",
    "}",
    "(",
    ")",
    ",",
    "create",
    "table",
    "index",
    "unique",
    "on",
    "drop",
    "rename",
    "to",
    "insert",
    "into",
    "values",
    "batch",
    "alter",
    "add",
    "column",
    "constraint",
    "primary",
    "key",
    "foreign",
    "references",
    "check",
    "default",
    "not",
    "null",
    "collate",
    "set",
    "type",
    "integer",
    "text",
    "real",
    "blob",
    "numeric",
    "strict",
    "without",
    "rowid",
    "autoincrement",
    "desc",
    "cascade",
    "run",
    "down",
    "creates",
    "view",
    "trigger",
    "replace",
    "before",
    "after",
    "instead",
    "of",
    "when",
    "stored",
    "recreate",
    "naming",
    "history",
    "sql",
    "touches",
    "\"{table}_{x}\"",
    "if",
    "exists",
    "always",
    "auto",
    "=",
    "virtual",
    "as",
    "\"SELECT * FROM foo\"",
    "\"new.id\"",
    "a",
    "b",
    "t",
    "x",
    "1",
    "-",
    "+",
    "<",
    ">=",
    "\"s\"",
    "b\"\\x00\"",
    "1u8",
    "1.5",
    "r#type",
    "::",
    "#",
    "[",
    "]",
    "'c'",
];

fn no_panic(source: &str) -> Result<(), TestCaseError> {
    // Only what Rust can tokenize ever reaches a proc macro.
    if let Ok(tokens) = source.parse::<TokenStream>() {
        let out = migrate_dsl_codegen::expand(tokens);
        prop_assert!(!out.is_empty() || source.trim().is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_token_soup_never_panics(words in prop::collection::vec(prop::sample::select(VOCABULARY), 0..60)) {
        no_panic(&words.join(" "))?;
    }

    #[test]
    fn mutations_of_a_valid_history_never_panic(
        edits in prop::collection::vec((0usize..4, any::<prop::sample::Index>(), any::<prop::sample::Index>(), prop::sample::select(VOCABULARY)), 1..5)
    ) {
        let mut words: Vec<&str> = VALID.split_whitespace().collect();
        for (kind, i, j, word) in edits {
            if words.is_empty() {
                break;
            }
            let i = i.index(words.len());
            match kind {
                0 => { words.remove(i); }
                1 => { let w = words[i]; words.insert(i, w); }
                2 => { let j = j.index(words.len()); words.swap(i, j); }
                _ => words[i] = word,
            }
        }
        no_panic(&words.join(" "))?;
    }
}

#[test]
fn the_valid_history_expands_without_errors() {
    let out = migrate_dsl_codegen::expand(VALID.parse().unwrap()).to_string();
    assert!(!out.contains("compile_error"), "{out}");
}
