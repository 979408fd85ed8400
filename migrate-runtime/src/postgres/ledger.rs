//! PostgreSQL's side of the ledger: the history table's statements
//! ([`Sql::postgres`]) run through the `postgres` client.

use super::run::pg;
use crate::error::Error;
use crate::history::{HistoryRow, Sql};
use migrate_dsl_core::sql;
use postgres::GenericClient;
use std::time::Duration;

/// Whether the history table exists.
pub(super) fn ledger_exists(client: &mut impl GenericClient, table: &str) -> Result<bool, Error> {
    let exists = "SELECT to_regclass($1) IS NOT NULL";
    Ok(client
        .query_one(exists, &[&sql::ident(table)])
        .map_err(pg(None, exists))?
        .get(0))
}

/// Every history row; none without the table.
pub(super) fn read_if_exists(
    client: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<HistoryRow>, Error> {
    if ledger_exists(client, table)? {
        read_history(client, table)
    } else {
        Ok(Vec::new())
    }
}

pub(super) fn read_history(
    tx: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<HistoryRow>, Error> {
    let q = Sql::postgres(table).read();
    let rows = tx.query(&q, &[]).map_err(pg(None, &q))?;
    Ok(rows
        .iter()
        .map(|r| HistoryRow {
            id: r.get(0),
            checksum: r.get(1),
            applied_at: r.get(2),
            duration: Duration::from_millis(u64::try_from(r.get::<_, i64>(3)).unwrap_or(0)),
        })
        .collect())
}

/// The newest row's digest (`""` without rows; it was written by this
/// run or given by `applied_on_postgres`).
pub(super) fn newest_digest(tx: &mut impl GenericClient, table: &str) -> Result<String, Error> {
    let rows = newest_rows(tx, table)?;
    Ok(rows.first().and_then(|r| r.2.clone()).unwrap_or_default())
}

/// The two newest rows' id, checksum and digest ([`Sql::newest_two`]).
pub(super) fn newest_rows(
    tx: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<(String, String, Option<String>)>, Error> {
    let q = Sql::postgres(table).newest_two();
    Ok(tx
        .query(&q, &[])
        .map_err(pg(None, &q))?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
