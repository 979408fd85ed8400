//! TEMP objects that would capture a run's statements (SQLite resolves an
//! unqualified name to TEMP first): a run is refused before it starts.

use crate::error::{Error, ErrorKind};
use crate::migrations::Migrations;
use migrate_dsl_core::plan::{AlterInPlace, Down, Step};
use rusqlite::Connection;

impl Migrations {
    /// What every run checks before it sends a statement: the linked SQLite
    /// has what every run needs, and no TEMP object would capture a name.
    pub(crate) fn refuse_unsafe_start(&self, conn: &Connection) -> Result<(), Error> {
        crate::sqlite::sqlite_version::require_baseline()?;
        self.refuse_temp_shadows(conn)
    }

    /// Refuses a run when a TEMP object of the connection has the name of an
    /// object of the main schema or of one the history uses (the history
    /// table included): statements name objects without a schema, and
    /// SQLite resolves such a name to TEMP first. Checking here, before
    /// anything is sent, keeps every statement (and offline SQL) as it is;
    /// qualifying them all with `main.` is the alternative this avoids.
    fn refuse_temp_shadows(&self, conn: &Connection) -> Result<(), Error> {
        let temp = crate::sqlite::catalog::objects(conn, "temp")?;
        if temp.is_empty() {
            return Ok(());
        }
        let main = crate::sqlite::catalog::objects(conn, "main")?;
        for crate::sqlite::catalog::Object { kind, name, .. } in temp {
            let same = |n: &str| n.eq_ignore_ascii_case(&name);
            let what = if same(&self.history_table) {
                Some("the history table".to_owned())
            } else if let Some(o) = main.iter().find(|o| same(&o.name)) {
                Some(format!("{} `{}`", o.kind, o.name))
            } else {
                self.names_used()
                    .find(|n| same(n))
                    .map(|n| format!("`{n}`"))
            };
            if let Some(what) = what {
                return Err(ErrorKind::Unfit(crate::error::Unfit::ShadowedByTemp {
                    kind,
                    name,
                    what,
                })
                .into());
            }
        }
        Ok(())
    }

    /// Every table, view, index or trigger name the history's statements
    /// name (its head schema and each step's object).
    fn names_used(&self) -> impl Iterator<Item = &str> {
        let head = self.head_schema.iter().map(|o| &*o.name);
        let steps = self.revisions.iter().flat_map(|r| {
            let down: &[Step] = match r.down() {
                Down::Steps(steps) => steps,
                Down::Irreversible(_) => &[],
            };
            r.steps().iter().chain(down).map(|s| match s {
                Step::Execute(st) | Step::Insert(st) => &*st.table,
                Step::Rebuild(rb) | Step::AlterInPlace(AlterInPlace { fallback: rb, .. }) => {
                    &*rb.table
                }
                Step::RawSql(raw) => &*raw.statement.table,
                Step::Hook(_) => "",
            })
        });
        head.chain(steps).filter(|n| !n.is_empty())
    }
}
