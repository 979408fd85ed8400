//! Rules about names: reserved prefixes, and "did you mean".

use crate::diag::Diagnostics;
use crate::op::Op;
use crate::plan::ObjectKind;
use crate::Name;

/// Prefixes no user object may start with: SQLite reserves `sqlite_`, and
/// `_migrate_` is ours (history table, rebuild temporaries), so a leftover
/// temporary table can never be mistaken for user data.
const RESERVED: [&str; 2] = ["sqlite_", "_migrate_"];

/// Whether `name` starts with a reserved prefix (case-insensitive).
pub fn is_reserved(name: &str) -> Option<&'static str> {
    RESERVED
        .iter()
        .copied()
        .find(|p| starts_with_ignore_case(name, p))
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

/// A chosen history table name: not SQLite's, not a rebuild temporary's,
/// and not the name of anything the history creates (the history table
/// would then be that object).
pub(crate) fn check_history_table(history: &crate::op::History, diags: &mut Diagnostics) {
    let Some(name) = &history.history_table else {
        return;
    };
    if name.text.trim().is_empty() {
        diags.error_help(
            name.at,
            "the history table name is empty",
            "write a table name, e.g. `history table \"billing_migrations\";`",
        );
        return;
    }
    for prefix in ["sqlite_", crate::TEMP_PREFIX] {
        if starts_with_ignore_case(&name.text, prefix) {
            diags.error_help(
                name.at,
                format!("history table name `{name}` starts with the reserved prefix `{prefix}`"),
                "`sqlite_` is reserved by SQLite and `_migrate_tmp_` by table rebuilds; choose another name",
            );
            return;
        }
    }
    let revisions = history.revisions.iter();
    let ops = revisions.flat_map(|r| {
        let down = r.down.iter().flat_map(|d| d.ops.iter());
        r.ops.iter().chain(down)
    });
    for op in ops {
        if let Some((kind, created)) = created_name(op) {
            if created.text.eq_ignore_ascii_case(&name.text) {
                diags.error_help(
                    created.at,
                    format!("{kind} `{created}` has the name of this history's history table"),
                    format!(
                        "the header's `history table \"{name}\";` records applied revisions under that name; rename the {kind} or choose another history table"
                    ),
                );
            }
        }
    }
}

/// The kind and name of what `op` creates (or renames a table to).
fn created_name(op: &Op) -> Option<(ObjectKind, &Name)> {
    match op {
        Op::IfExists(inner) => created_name(inner),
        Op::RenameTable { to, .. } => Some((ObjectKind::Table, to)),
        Op::Sql(raw) => raw.creates.as_ref().map(|c| (ObjectKind::Table, &c.name)),
        op => op
            .object()
            .filter(|(creates, _, _)| *creates)
            .map(|(_, kind, name)| (kind, name)),
    }
}

fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}
