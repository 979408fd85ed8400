//! The README's recipe for pools and tokio-rusqlite, as a doc test of this
//! crate (`src/lib.rs`): the README's own text, so what it shows is what
//! compiles. It is the README's one `rust,ignore` block (ignored by the
//! main crate's doc tests, which have none of these crates).

use std::fmt::Write;

fn main() {
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    println!("cargo:rerun-if-changed={readme}");
    let text = std::fs::read_to_string(readme).expect("the README");
    let blocks: Vec<&str> = text
        .split("```rust,ignore\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default())
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "the README should have one `rust,ignore` block: the pool recipe"
    );
    let mut doc = String::from(
        "The README's recipe.\n\n```rust,no_run\n# use migrate_dsl::migration;\n# migration! { static MIGRATIONS; revision \"0001\" { create table t { id integer primary key } } }\n# async fn recipe(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {\n",
    );
    for line in blocks[0].lines() {
        let _ = writeln!(doc, "{line}");
    }
    doc.push_str("# Ok(())\n# }\n```\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("recipe.md");
    std::fs::write(out, doc).unwrap();
}
