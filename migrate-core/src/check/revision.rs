//! Rules about revision ids.

use crate::diag::Diagnostics;
use crate::op::History;
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
        if let Some(first) = seen.insert(rev.id.text.as_str(), rev.id.at) {
            diags.error_help(
                rev.id.at,
                format!("duplicate revision id `{}`", rev.id),
                "revision ids must be unique; an earlier revision already uses this id",
            );
            diags.error(first, format!("revision id `{}` first used here", rev.id));
        }
    }
}
