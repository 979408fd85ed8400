//! Rules about revision ids.

use crate::diag::Diagnostics;
use crate::op::{History, Naming};
use crate::{Loc, Name};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Ids identify applied revisions in the history table: an empty id cannot be
/// read back meaningfully, and a duplicate would make a revision look applied
/// when only its namesake was.
pub(super) fn check_ids(history: &History, diags: &mut Diagnostics) {
    let mut seen = HashMap::new();
    for rev in &history.revisions {
        if rev.id.text.trim().is_empty() {
            diags.error_help(
                rev.id.at,
                "revision id is empty",
                "give every revision a unique, non-empty id such as \"0001_create_users\"",
            );
            continue;
        }
        if let Some(first) = seen.get(rev.id.text.as_str()) {
            diags.error_note(
                rev.id.at,
                format!("duplicate revision id `{}`", rev.id),
                "revision ids must be unique: give this revision the next unused id",
                *first,
                format!("revision id `{}` is first used", rev.id),
            );
        } else {
            seen.insert(rev.id.text.as_str(), rev.id.at);
        }
    }
    check_order(history, diags);
    check_naming(history, diags);
}

/// A template placeholder the convention does not know would end up in
/// every constraint name literally.
fn check_naming(history: &History, diags: &mut Diagnostics) {
    let naming = &history.naming;
    for (key, template) in [
        ("primary_key", &naming.primary_key),
        ("unique", &naming.unique),
        ("check", &naming.check),
        ("foreign_key", &naming.foreign_key),
    ] {
        let at = naming
            .at
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(Loc::NONE, |(_, at)| *at);
        if template.trim().is_empty() {
            diags.error_help(
                at,
                format!("naming template `{key}` is empty"),
                "give a template such as \"uq_{table}_{columns}\"",
            );
        }
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c + 1);
            let placeholder = &rest[open..close.unwrap_or(rest.len())];
            if !Naming::PLACEHOLDERS.contains(&placeholder) {
                diags.error_help(
                    at,
                    format!("naming template `{key}` has an unknown placeholder `{placeholder}`"),
                    "templates may use {table}, {columns} and {parent}",
                );
            }
            rest = &rest[close.unwrap_or(rest.len())..];
        }
    }
}

/// Revisions apply in the order written. Ids that also sort in that order
/// make a bad merge visible: two branches that each added "the next"
/// revision produce ids out of order, instead of a history that silently
/// applies one branch's revision before the other's on some databases.
fn check_order(history: &History, diags: &mut Diagnostics) {
    let ids: Vec<&Name> = history
        .revisions
        .iter()
        .map(|r| &r.id)
        .filter(|id| !id.text.trim().is_empty())
        .collect();
    for pair in ids.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        if natural_cmp(&before.text, &after.text) == Ordering::Greater {
            diags.error_help(
                after.at,
                format!(
                    "revision `{after}` is written after `{before}` but its id sorts before it"
                ),
                "revisions apply in the order written and their ids must increase: number them (`0001_init`, `0002_users`, …) or use timestamps",
            );
        }
    }
}

/// Orders ids by their leading number when both have one (`9_x` < `10_x`),
/// then by the rest; otherwise as strings.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn split(s: &str) -> Option<(&str, &str)> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        (end > 0).then(|| {
            let digits = s[..end].trim_start_matches('0');
            (digits, &s[end..])
        })
    }
    match (split(a), split(b)) {
        (Some((na, ra)), Some((nb, rb))) => na
            .len()
            .cmp(&nb.len())
            .then_with(|| na.cmp(nb))
            .then_with(|| ra.cmp(rb)),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;
    use std::cmp::Ordering::*;

    #[test]
    fn leading_numbers_compare_as_numbers() {
        assert_eq!(natural_cmp("9_b", "10_a"), Less);
        assert_eq!(natural_cmp("0002", "0010"), Less);
        assert_eq!(natural_cmp("0002_b", "0002_a"), Greater);
        assert_eq!(natural_cmp("20260101T1200", "20251231T0000"), Greater);
        assert_eq!(natural_cmp("add_users", "init"), Less);
    }
}
