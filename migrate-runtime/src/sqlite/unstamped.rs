//! A database made another way — tables, but no revision of this history
//! recorded — is not migrated from nothing: its next step is `stamp` (or
//! `dump`, to adopt it), and every run and `check` says so instead of
//! failing on `table … already exists` or "no revision".

use crate::error::{Error, ErrorKind};
use crate::migrations::Migrations;
use crate::sqlite::catalog::user_objects;
use migrate_dsl_core::plan::ObjectKind;
use rusqlite::Connection;

impl Migrations {
    /// [`ErrorKind::NotStamped`] when the database has tables although no
    /// revision is applied; `None` when it has none.
    pub(crate) fn unstamped(&self, conn: &Connection) -> Result<Option<Error>, Error> {
        let objects = user_objects(conn, &self.history_table)?;
        let tables: Vec<String> = objects
            .iter()
            .filter(|o| o.kind == ObjectKind::Table)
            .map(|o| o.name.clone())
            .collect();
        if tables.is_empty() {
            return Ok(None);
        }
        let live = self.live_fingerprint(conn)?;
        let matches = self
            .revisions
            .iter()
            .rev()
            .find(|r| *r.plan.schema_after == *live)
            .map(|r| r.plan.id.to_string());
        Ok(Some(
            ErrorKind::NotStamped {
                tables,
                matches,
                history_table: self.history_table.to_string(),
                dialect: migrate_dsl_core::op::Dialect::Sqlite,
            }
            .into(),
        ))
    }
}

/// Whether `e` is SQLite refusing to create an object that exists.
pub(crate) fn already_exists(e: &Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(sqlite) = s.downcast_ref::<rusqlite::Error>() {
            return sqlite.to_string().contains("already exists");
        }
        source = s.source();
    }
    false
}
