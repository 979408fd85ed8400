//! Observability: every statement the runtime executes goes through
//! [`execute`], inside a `statement` span, its SQL and duration logged at
//! debug level. Runs and revisions have `info` spans (see `migrations.rs`).

use rusqlite::Connection;
use std::time::Instant;

/// Executes `sql` (one statement, or several with `batch`) and traces it.
pub(crate) fn execute(conn: &Connection, sql: &str, batch: bool) -> rusqlite::Result<()> {
    traced(sql, || {
        if batch {
            conn.execute_batch(sql)
        } else {
            conn.execute(sql, []).map(drop)
        }
    })
}

fn traced(sql: &str, run: impl FnOnce() -> rusqlite::Result<()>) -> rusqlite::Result<()> {
    let span = tracing::debug_span!("statement");
    let _entered = span.enter();
    tracing::debug!(sql = %sql, "executing");
    let started = Instant::now();
    let result = crate::fault::checked(run);
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    match &result {
        Ok(()) => tracing::debug!(elapsed_us, "executed"),
        Err(error) => tracing::debug!(elapsed_us, %error, "failed"),
    }
    result
}
