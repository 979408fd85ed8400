//! Writes the benchmark's history as one `migration!` block, the way an
//! application holds its history (checked at compile time, `'static`
//! data): `PER_REVISION_REVISIONS` revisions (default 300) of
//! `create table` + `create index`, the peers' revisions.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-env-changed=PER_REVISION_REVISIONS");
    let revisions: usize = std::env::var("PER_REVISION_REVISIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut text = String::from("migration! {\n    static MIGRATIONS;\n");
    for i in 0..revisions {
        let _ = write!(
            text,
            "    revision \"{i:05}\" {{\n        create table t{i} {{ id integer primary key, v text }}\n        create index t{i}_v on t{i} (v);\n    }}\n"
        );
    }
    text.push_str("}\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("history.rs");
    std::fs::write(out, text).unwrap();
}
