//! The history's directory of revision files: `new NAME` creates the next
//! one, `fmt` lays them out (`fmt.rs`).

use crate::migrations::Migrations;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use migrate_dsl_core::REVISION_FILE_EXTENSION as EXTENSION;

/// Creates `<dir>/<next number>_<name>.mig` and returns its path. The
/// newest existing file's modification time is set to now, so the next
/// build of the crate (which tracks the files it read) runs the macro
/// again and sees the new one.
pub(super) fn create(m: &Migrations, name: &str) -> Result<PathBuf, String> {
    let dir = directory(m)?;
    let slug = slug(name)?;
    let files = revision_files(dir)?;
    let numbers: Vec<(u64, usize)> = files
        .iter()
        .filter_map(|f| {
            let stem = f.file_stem()?.to_str()?;
            let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
            Some((digits.parse().ok()?, digits.len()))
        })
        .collect();
    let next = numbers.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
    let width = numbers.iter().map(|(_, w)| *w).max().unwrap_or(4);
    let id = format!("{next:0width$}_{slug}");
    let path = dir.join(format!("{id}.{EXTENSION}"));
    let body = format!(
        "// Revision {id}. Write its changes here, as in a `revision {{ … }}` block:\n// `create table …`, `batch alter table … {{ … }}`, `run hook;`, `down {{ … }}`.\n"
    );
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, body.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(newest) = files.last() {
        let touched = std::fs::File::options()
            .append(true)
            .open(newest)
            .and_then(|f| f.set_modified(SystemTime::now()));
        if let Err(e) = touched {
            return Err(format!(
                "created {}, but could not mark {} changed ({e}): save it or any file of the crate so the next build sees the new revision",
                path.display(),
                newest.display()
            ));
        }
    }
    Ok(path)
}

/// The one-line `build.rs` that makes Cargo rebuild the crate whenever a
/// file of the history's directory is added, edited or removed; the
/// directory relative to the current one (where `cargo` runs, the
/// package's root).
pub(super) fn build_script(m: &Migrations) -> String {
    let dir = Path::new(m.revision_dir().unwrap_or("migrations"));
    let shown = std::env::current_dir()
        .ok()
        .and_then(|here| dir.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| dir.to_path_buf());
    format!(
        "fn main() {{ println!(\"cargo:rerun-if-changed={}\"); }}",
        shown.display()
    )
}

/// The history's directory of revision files, which must exist here.
fn directory(m: &Migrations) -> Result<&Path, String> {
    let dir = m.revision_dir().ok_or_else(|| {
        "this history has no revision directory: add `revisions from \"<directory>\";` to its `migration!` block, or write the revision in the block".to_owned()
    })?;
    let dir = Path::new(dir);
    if !dir.is_dir() {
        return Err(format!(
            "{}: no such directory (the command works in the source tree the program was built from)",
            dir.display()
        ));
    }
    Ok(dir)
}

/// The revision files of `dir`, in name order.
fn revision_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == EXTENSION))
        .collect();
    files.sort();
    Ok(files)
}

/// `name` as a file name part: lowercase ASCII letters, digits and `_`.
fn slug(name: &str) -> Result<String, String> {
    let mut slug = String::new();
    for c in name.trim().chars() {
        match c {
            'a'..='z' | '0'..='9' => slug.push(c),
            'A'..='Z' => slug.push(c.to_ascii_lowercase()),
            _ if !slug.ends_with('_') && !slug.is_empty() => slug.push('_'),
            _ => {}
        }
    }
    let slug = slug.trim_end_matches('_').to_owned();
    if slug.is_empty() {
        return Err(format!(
            "`{name}` makes no file name: use letters, digits and `_`, e.g. `add_users`"
        ));
    }
    Ok(slug)
}

/// Formats `files`, or when there are none every revision file of the
/// history's directory (`check`: only says which would change); the files
/// that (would) change.
pub(super) fn format_all(
    m: &Migrations,
    files: &[PathBuf],
    check: bool,
) -> Result<Vec<String>, String> {
    let files = match files {
        [] => revision_files(directory(m).map_err(|e| {
            if m.revision_dir().is_none() {
                "this history is written in its `migration!` block: name the Rust file that holds it, e.g. `fmt src/main.rs`".to_owned()
            } else {
                e
            }
        })?)?,
        given => given.to_vec(),
    };
    let mut changed = Vec::new();
    let mut rust_blocks = None;
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let formatted = match file.extension().and_then(|x| x.to_str()) {
            Some(EXTENSION) => super::fmt::format(&text),
            Some("rs") => {
                let (formatted, blocks) = super::fmt::format_rust(&text);
                *rust_blocks.get_or_insert(0) += blocks;
                formatted
            }
            _ => {
                return Err(format!(
                    "{}: neither a revision file (.{EXTENSION}) nor a Rust file (.rs)",
                    file.display()
                ))
            }
        };
        if formatted != text {
            changed.push((file, formatted));
        }
    }
    if rust_blocks == Some(0) {
        return Err("no `migration!` block in the Rust files given".to_owned());
    }
    // Written once every file was read and laid out.
    if !check {
        for (file, formatted) in &changed {
            std::fs::write(file, formatted).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(changed
        .into_iter()
        .map(|(file, _)| file.display().to_string())
        .collect())
}
