//! PostgreSQL, for a history that targets it (`dialects sqlite,
//! postgres;`): each revision's statements there were rendered at compile
//! time from the same model as SQLite's. Here: the offline script, to
//! review or to run with `psql`; `run.rs` (feature `postgres`): applying
//! through the `postgres` client; `drift.rs`: the live schema against the
//! applied revisions'.

#[cfg(feature = "postgres")]
mod drift;
#[cfg(feature = "postgres")]
mod ledger;
#[cfg(feature = "postgres")]
mod run;

use crate::error::{Context, Error, ErrorKind};
use crate::migrations::Revision;
use crate::run::Direction;
use migrate_dsl_core::plan::{Down, PgStep};
use migrate_dsl_core::sql;
use std::fmt::Write;

/// `rev`'s steps on PostgreSQL, or the refusal of a history that does
/// not target it.
pub(crate) fn up_steps(rev: &Revision) -> Result<&[PgStep], Error> {
    rev.plan.postgres.as_deref().ok_or_else(|| {
        unsupported(
            rev,
            "this history does not target PostgreSQL: add `dialects sqlite, postgres;` to its `migration!` block",
        )
    })
}

/// What PostgreSQL support does not do (yet), in revision `rev`.
pub(crate) fn unsupported(rev: &Revision, what: &str) -> Error {
    Error::at(
        Context::revision(rev.id()),
        ErrorKind::Unsupported {
            what: what.to_owned(),
        },
    )
}

/// `rev`'s steps on PostgreSQL going `direction`, or why there are none.
pub(crate) fn steps(rev: &Revision, direction: Direction) -> Result<&[PgStep], Error> {
    match direction {
        Direction::Up => up_steps(rev),
        Direction::Down => rev
            .plan
            .postgres_down
            .as_deref()
            .ok_or_else(|| irreversible(rev)),
    }
}

/// The refusal to undo `rev` on PostgreSQL: why it has no inverse.
pub(crate) fn irreversible(rev: &Revision) -> Error {
    let reason = match &rev.plan.down {
        Down::Irreversible(why) => why.to_string(),
        Down::Steps(_) => "it has no inverse on PostgreSQL".to_owned(),
    };
    Error::at(
        Context::revision(rev.id()),
        ErrorKind::Target(crate::error::TargetError::Irreversible { reason }),
    )
}

/// One revision on PostgreSQL: its transaction, steps and history change
/// (an index built concurrently before the transaction).
pub(crate) fn revision(
    out: &mut String,
    rev: &Revision,
    direction: Direction,
    record: &str,
) -> Result<(), Error> {
    // A history that does not target PostgreSQL is refused either way.
    up_steps(rev)?;
    let steps = steps(rev, direction)?;
    if let (
        true,
        [PgStep::ConcurrentIndex {
            index,
            concurrently,
            ..
        }],
    ) = (direction == Direction::Up, steps)
    {
        // Outside a transaction; a failed build's INVALID index is
        // dropped first when the script runs again.
        let _ = writeln!(
            out,
            "\n-- revision {} (up): CREATE INDEX CONCURRENTLY runs outside a transaction\nDROP INDEX CONCURRENTLY IF EXISTS {};\n{};\nBEGIN;",
            rev.id(),
            sql::ident(index),
            concurrently
        );
    } else {
        let direction = direction.as_str();
        let _ = writeln!(out, "\n-- revision {} ({direction})\nBEGIN;", rev.id());
    }
    for step in steps.iter() {
        match step {
            PgStep::Execute(text) | PgStep::Rows(text) => {
                let _ = writeln!(out, "{};", text.trim_end_matches(';'));
            }
            PgStep::Hook(h) => crate::offline::hook_comment(out, h),
            // Written before the revision's transaction (above).
            PgStep::ConcurrentIndex { .. } => {}
        }
    }
    let _ = writeln!(out, "{record};\nCOMMIT;");
    Ok(())
}
