//! Databases that skip the replay: `create_fresh` builds the head schema
//! directly from the model; `stamp` records revisions as applied without
//! running them (for databases made another way).

use crate::engine::Database;
use crate::error::{Context, Error, ErrorKind};
use crate::guard::RevisionGuard;
use crate::history;
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::report::Report;
use migrate_dsl_core::plan::Step;
use rusqlite::Connection;
use std::time::Instant;

impl Migrations {
    /// Creates the schema at the head of the history on an empty database,
    /// directly from the model (one `CREATE` per object rather than a replay
    /// of every revision), and records every revision as applied — the
    /// "building an up-to-date database from scratch" of Alembic's cookbook.
    ///
    /// Fails before changing anything with [`ErrorKind::NotEmpty`] when
    /// this history has applied revisions or a table, index, view or trigger
    /// of the head schema already exists (unrelated objects, such as another
    /// history's tables, may be there), and with [`ErrorKind::DataInHistory`] when a
    /// revision changes data (`insert`, `run`, `sql`), which only a replay
    /// would do — unless [`Options::schema_only`] says to build the schema
    /// all the same (the rows those steps would write are then not there).
    ///
    /// On PostgreSQL the head schema is reached by the history's own
    /// statements, in one run on the empty database (its head schema is
    /// rendered for SQLite only); the same refusals apply.
    ///
    /// ```
    /// use migrate_dsl::migration;
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key, body text } }
    ///     revision "0002" { batch alter table notes { rename column body to text; } }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// MIGRATIONS.create_fresh(&mut conn, &Default::default())?;
    /// assert!(MIGRATIONS.is_up_to_date(&conn)?);
    /// conn.execute("INSERT INTO notes (text) VALUES ('hi')", [])?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_fresh(&self, db: impl Database, options: &Options) -> Result<Report, Error> {
        if !options.schema_only {
            if let Some((rev, operation)) = self.first_data_step() {
                return Err(Error::at(
                    Context::revision(rev.id()).operation(&operation),
                    ErrorKind::DataInHistory,
                ));
            }
        }
        db.create_fresh(self, options)
    }

    /// [`Migrations::create_fresh`] on SQLite, the data steps checked.
    pub(crate) fn fresh_sqlite(
        &self,
        conn: &Connection,
        options: &Options,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        self.refuse_unsafe_start(conn)?;
        let _timeout = crate::busy::BusyTimeout::set(conn, options.busy_timeout)?;
        crate::sqlite_version::require_sql(
            self.head_id(),
            self.head_schema.iter().map(|o| &*o.sql),
        )?;
        let guard = RevisionGuard::begin(conn, None)?;
        let tx = guard.conn();
        let objects = self.existing_head_objects(tx)?;
        if !objects.is_empty() {
            return Err(ErrorKind::NotEmpty { objects }.into());
        }
        history::ensure(tx, &self.history_table)?;
        if let Some(row) = history::newest(tx, &self.history_table)? {
            return Err(ErrorKind::NotEmpty {
                objects: vec![format!("revision `{row}` recorded as applied")],
            }
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
            history::record(tx, &self.history_table, self.entry(i, 0))?;
            report.stamped.push(rev.id().to_owned());
        }
        guard.commit()?;
        report.duration = started.elapsed();
        Ok(report)
    }

    /// Records the revisions up to and including `target` as applied,
    /// without running them, and every later one as not applied: for a
    /// database whose schema was made another way. `None` marks nothing
    /// applied. One transaction; the schema is not touched.
    pub fn stamp(&self, db: impl Database, target: Option<&str>) -> Result<Report, Error> {
        self.count_through(target)?;
        db.stamp(self, target)
    }

    /// [`Migrations::stamp`] on SQLite.
    pub(crate) fn stamp_sqlite(
        &self,
        conn: &Connection,
        target: Option<&str>,
    ) -> Result<Report, Error> {
        let started = Instant::now();
        let keep = self.count_through(target)?;
        self.refuse_unsafe_start(conn)?;
        let guard = RevisionGuard::begin(conn, None)?;
        let tx = guard.conn();
        history::ensure(tx, &self.history_table)?;
        let applied = history::read(tx, &self.history_table)?;
        self.verify(&applied, &crate::Options::default().verify_checksums(false))?;
        let mut report = Report::default();
        for rev in self.revisions[keep.min(applied.len())..applied.len()]
            .iter()
            .rev()
        {
            history::remove(tx, &self.history_table, rev.id())?;
            report.unstamped.push(rev.id().to_owned());
        }
        for i in applied.len()..keep {
            history::record(tx, &self.history_table, self.entry(i, 0))?;
            report.stamped.push(self.revisions[i].id().to_owned());
        }
        guard.commit()?;
        report.duration = started.elapsed();
        Ok(report)
    }

    /// The first step that changes data rather than schema, described.
    fn first_data_step(&self) -> Option<(&Revision, String)> {
        self.revisions.iter().find_map(|rev| {
            rev.steps().iter().find_map(|step| {
                let operation = match step {
                    Step::Insert(st) => &st.operation,
                    Step::Hook(h) => return Some((rev, format!("run {}", h.name))),
                    Step::RawSql(raw) if raw.creates.is_none() => &raw.statement.operation,
                    _ => return None,
                };
                Some((rev, operation.to_string()))
            })
        })
    }

    /// The objects of the head schema that already exist, as `kind name`.
    fn existing_head_objects(&self, conn: &Connection) -> Result<Vec<String>, Error> {
        let in_head = |name: &str| {
            self.head_schema
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(name))
        };
        Ok(crate::catalog::user_objects(conn, &self.history_table)?
            .into_iter()
            .filter(|o| in_head(&o.name))
            .map(|o| format!("{} {}", o.kind, o.name))
            .collect())
    }

    fn head_id(&self) -> &str {
        self.revisions.last().map_or("", |r| r.id())
    }
}
