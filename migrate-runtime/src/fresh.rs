//! Databases that skip the replay: `create_fresh` builds the head schema
//! directly from the model; `stamp` records revisions as applied without
//! running them (for databases made another way).

use crate::engine::Database;
use crate::error::{Context, Error, ErrorKind};
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::report::Report;
use migrate_dsl_core::plan::Step;

impl Migrations {
    /// Creates the schema at the head of the history on an empty database,
    /// directly from the model (one `CREATE` per object rather than a replay
    /// of every revision), and records every revision as applied — the
    /// "building an up-to-date database from scratch" of Alembic's cookbook.
    ///
    /// Fails before changing anything with [`crate::error::NotFresh::NotEmpty`] when
    /// this history has applied revisions or a table, index, view or trigger
    /// of the head schema already exists (unrelated objects, such as another
    /// history's tables, may be there), and with [`crate::error::NotFresh::DataInHistory`] when a
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
                    ErrorKind::NotFresh(crate::error::NotFresh::DataInHistory),
                ));
            }
        }
        db.create_fresh(self, options)
    }

    /// Records the revisions up to and including `target` as applied,
    /// without running them, and every later one as not applied: for a
    /// database whose schema was made another way. `None` marks nothing
    /// applied. One transaction; the schema is not touched.
    pub fn stamp(&self, db: impl Database, target: Option<&str>) -> Result<Report, Error> {
        self.count_through(target)?;
        db.stamp(self, target)
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
}
