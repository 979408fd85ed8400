//! The verbs on SQLite that are not a run: where a database stands
//! (`status`, `is_up_to_date`), drift (`check`) and `create_fresh`
//! (`stamp` is a run: `run.rs`). Each is one of [`crate::engine::Database`]'s methods for
//! rusqlite's connections (`mod.rs`).

use crate::drift::{compare, Drift};
use crate::error::{Context, Error, ErrorKind};
use crate::migrations::Migrations;
use crate::options::Options;
use crate::report::Report;
use crate::sqlite::catalog::user_objects;
use crate::sqlite::guard::{Owner, RevisionGuard};
use crate::status::Status;
use migrate_dsl_core::plan::{Down, ObjectKind, Step};
use rusqlite::Connection;
use std::time::Instant;

impl Migrations {
    /// [`Migrations::status`] on SQLite.
    pub(crate) fn status_sqlite(&self, conn: &Connection) -> Result<Status, Error> {
        let applied = if crate::sqlite::ledger::exists(conn, &self.history_table)? {
            crate::sqlite::ledger::read(conn, &self.history_table)?
        } else {
            Vec::new()
        };
        Ok(self.status_of(applied))
    }

    /// How many revisions are applied, when the history table's newest
    /// row proves they are exactly the first ones of this history,
    /// unchanged: its digest covers the id and checksum of every row up to
    /// it. `None`: it does not (an edited or unknown revision, rows out of
    /// order, digests not written yet) — read every row to say what. The
    /// history table must exist. One lookup, whatever the length.
    pub(crate) fn applied_by_digest(&self, conn: &Connection) -> Result<Option<usize>, Error> {
        Ok(
            match crate::sqlite::ledger::newest_digest(conn, &self.history_table)? {
                None => Some(0),
                Some((id, digest)) => self.proven(&id, digest.as_deref()),
            },
        )
    }

    /// [`Migrations::is_up_to_date`] on SQLite.
    pub(crate) fn up_to_date_sqlite(&self, conn: &Connection) -> Result<bool, Error> {
        if self.revisions.is_empty() {
            return Ok(true);
        }
        if !crate::sqlite::ledger::exists(conn, &self.history_table)? {
            return Ok(false);
        }
        match self.applied_by_digest(conn)? {
            Some(count) => Ok(count == self.revisions.len()),
            None => Ok(self.status_sqlite(conn)?.is_up_to_date()),
        }
    }

    /// [`Migrations::check`] on SQLite.
    pub(crate) fn check_sqlite(&self, conn: &Connection) -> Result<Vec<Drift>, Error> {
        if !self.up_to_date_sqlite(conn)? {
            let status = self.status_sqlite(conn)?;
            if status.applied.is_empty() {
                if let Some(e) = self.unstamped(conn)? {
                    return Err(e);
                }
            }
            return Err(self.not_at_head(&status));
        }
        let live = user_objects(conn, &self.history_table)?;
        let external = self.tables_created_by_sql();
        let model_tables: Vec<&str> = self
            .head_schema
            .iter()
            .filter(|o| o.kind == ObjectKind::Table)
            .map(|o| &*o.name)
            .collect();
        let on_model_table =
            |table: &str| model_tables.iter().any(|t| t.eq_ignore_ascii_case(table));
        let drift = compare(
            &self.head_schema,
            &live,
            |name| external.iter().any(|t| t.eq_ignore_ascii_case(name)),
            |o| {
                let ours = o.kind == ObjectKind::Table
                    && migrate_dsl_core::check::is_reserved(&o.name).is_some();
                let on_ours = matches!(o.kind, ObjectKind::Index | ObjectKind::Trigger)
                    && on_model_table(&o.table);
                ours || on_ours
            },
        );
        Ok(drift)
    }

    /// [`migrate_dsl_core::render::schema_fingerprint`] of the live schema, comparable with
    /// [`crate::Revision::schema_fingerprint`]: tables made by raw SQL
    /// count by name only, as in the model.
    pub(crate) fn live_fingerprint(&self, conn: &Connection) -> Result<String, Error> {
        let objects = user_objects(conn, &self.history_table)?;
        let external = self.tables_created_by_sql();
        Ok(migrate_dsl_core::render::schema_fingerprint(
            objects.iter().map(|o| {
                let by_sql = external.iter().any(|t| t.eq_ignore_ascii_case(&o.name));
                (o.name.as_str(), if by_sql { "" } else { o.sql.as_str() })
            }),
        ))
    }

    /// Every table some revision creates with `sql … creates table`.
    fn tables_created_by_sql(&self) -> Vec<&str> {
        let steps = self.revisions.iter().flat_map(|r| {
            let down: &[Step] = match r.down() {
                Down::Steps(steps) => steps,
                Down::Irreversible(_) => &[],
            };
            r.steps().iter().chain(down)
        });
        steps
            .filter_map(|step| match step {
                Step::RawSql(raw) => raw.creates.as_ref().map(|c| &*c.name),
                _ => None,
            })
            .collect()
    }

    /// [`Migrations::create_fresh`] on SQLite, the data steps checked.
    pub(crate) fn fresh_sqlite(
        &self,
        conn: &Connection,
        options: &Options,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        self.refuse_unsafe_start(conn)?;
        let _timeout = crate::sqlite::busy::BusyTimeout::set(conn, options.busy_timeout)?;
        crate::sqlite::sqlite_version::require_sql(
            self.head_id(),
            self.head_schema.iter().map(|o| &*o.sql),
        )?;
        let guard = RevisionGuard::begin(conn, Owner::at_start(conn), None)?;
        let tx = guard.conn();
        let objects = self.existing_head_objects(tx)?;
        if !objects.is_empty() {
            return Err(ErrorKind::NotFresh(crate::error::NotFresh::NotEmpty { objects }).into());
        }
        crate::sqlite::ledger::ensure(tx, &self.history_table)?;
        if let Some(row) = crate::sqlite::ledger::newest(tx, &self.history_table)? {
            return Err(ErrorKind::NotFresh(crate::error::NotFresh::NotEmpty {
                objects: vec![format!("revision `{row}` recorded as applied")],
            })
            .into());
        }
        for object in self.head_schema.iter() {
            let sql = &object.sql;
            tx.execute_batch(sql).map_err(|source| {
                Error::at(
                    Context::revision(self.head_id())
                        .operation("create the head schema")
                        .sql(sql),
                    ErrorKind::Sql { source },
                )
            })?;
        }
        let mut report = Report::default();
        for (i, rev) in self.revisions.iter().enumerate() {
            crate::sqlite::ledger::record(tx, &self.history_table, self.entry(i, 0))?;
            report.stamped.push(rev.id().to_owned());
        }
        guard.commit()?;
        report.duration = started.elapsed();
        Ok(report)
    }

    /// The objects of the head schema that already exist, as `kind name`.
    fn existing_head_objects(&self, conn: &Connection) -> Result<Vec<String>, Error> {
        let in_head = |name: &str| {
            self.head_schema
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(name))
        };
        Ok(
            crate::sqlite::catalog::user_objects(conn, &self.history_table)?
                .into_iter()
                .filter(|o| in_head(&o.name))
                .map(|o| format!("{} {}", o.kind, o.name))
                .collect(),
        )
    }

    fn head_id(&self) -> &str {
        self.revisions.last().map_or("", |r| r.id())
    }
}
