//! Writes the benchmark's history: `DIALECTS_REVISIONS` revisions
//! (default 100), each a table with a foreign key to the one before and an
//! index, and every tenth a batch block on an earlier table.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-env-changed=DIALECTS_REVISIONS");
    let revisions: usize = std::env::var("DIALECTS_REVISIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let mut text =
        String::from("migration! {\n    static MIGRATIONS;\n    dialects sqlite, postgres;\n");
    for i in 0..revisions {
        let _ = writeln!(text, "    revision \"{i:04}\" {{");
        let parent = if i == 0 {
            String::new()
        } else {
            format!(" parent integer references t{} on delete cascade,", i - 1)
        };
        let _ = writeln!(
            text,
            "        create table t{i} {{ id integer primary key, name varchar(80) not null,{parent} created_at timestamp not null default (current_timestamp) }}"
        );
        let _ = writeln!(text, "        create index t{i}_name on t{i} (name);");
        if i % 10 == 9 {
            let _ = writeln!(
                text,
                "        batch alter table t{} {{ add column note text; alter column name drop not null; }}",
                i - 5
            );
        }
        text.push_str("    }\n");
    }
    text.push_str("}\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("history.rs");
    std::fs::write(out, text).unwrap();
}
