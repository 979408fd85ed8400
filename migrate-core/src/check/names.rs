//! Rules about names: reserved prefixes, and "did you mean".

use crate::diag::Diagnostics;
use crate::Name;

/// Prefixes no user object may start with: SQLite reserves `sqlite_`, and
/// `_migrate_` is ours (history table, rebuild temporaries), so a leftover
/// temporary table can never be mistaken for user data.
const RESERVED: [&str; 2] = ["sqlite_", "_migrate_"];

/// Whether `name` starts with a reserved prefix (case-insensitive).
pub fn is_reserved(name: &str) -> Option<&'static str> {
    RESERVED.iter().copied().find(|p| {
        name.len() >= p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    })
}

/// Reports `name` if it starts with a reserved prefix.
pub(crate) fn check_not_reserved(kind: &str, name: &Name, diags: &mut Diagnostics) -> bool {
    match is_reserved(&name.text) {
        Some(prefix) => {
            diags.error_help(
                name.at,
                format!("{kind} name `{name}` starts with the reserved prefix `{prefix}`"),
                "`sqlite_` is reserved by SQLite and `_migrate_` by migrate-dsl; choose another name",
            );
            false
        }
        None => true,
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Help text for an unknown name: a suggestion, or what exists.
pub(crate) fn unknown_help<'a>(
    kind: &str,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    if let Some(s) = suggest(name, candidates.clone()) {
        return format!("did you mean `{s}`?");
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    if all.is_empty() {
        format!("no {kind} exists at this point of the history")
    } else {
        let shown: Vec<String> = all.iter().take(10).map(|c| format!("`{c}`")).collect();
        let more = if all.len() > 10 { ", …" } else { "" };
        format!("{kind}s at this point: {}{more}", shown.join(", "))
    }
}
