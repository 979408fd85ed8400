//! SQLite through `rusqlite`: every verb ([`Database`] for rusqlite's
//! connection types, here), the run (`run.rs`), the other verbs
//! (`verbs.rs`), the ledger's statements run (`ledger.rs`), and what only
//! SQLite needs: the revision guard, the run's batch, the 12-step rebuild,
//! definition edits, views and triggers compiled again, the linked
//! version, TEMP shadows.

pub(crate) mod apply;
pub(crate) mod batch;
pub(crate) mod busy;
pub(crate) mod catalog;
pub(crate) mod dependents;
pub(crate) mod edit;
pub(crate) mod guard;
pub(crate) mod ledger;
pub(crate) mod raw;
pub(crate) mod rebuild;
mod run;
pub(crate) mod script;
pub(crate) mod sqlite_version;
pub(crate) mod temp_shadows;
pub(crate) mod trace;
pub(crate) mod unstamped;
mod verbs;

use crate::drift::Drift;
use crate::engine::Database;
use crate::error::{Error, ErrorKind};
use crate::migrations::{Migrations, Revision};
use crate::options::Options;
use crate::report::Report;
use crate::run::Direction;
use crate::run::Target;
use crate::status::Status;
use migrate_dsl_core::plan::{Down, Step};
use rusqlite::{Connection, Savepoint, Transaction};

impl crate::engine::sealed::Sealed for &mut Connection {}
impl crate::engine::sealed::Sealed for &Connection {}
impl crate::engine::sealed::Sealed for &Transaction<'_> {}
impl crate::engine::sealed::Sealed for &Savepoint<'_> {}

impl Database for &mut Connection {
    type Again<'a>
        = &'a mut Connection
    where
        Self: 'a;
    fn again(&mut self) -> &mut Connection {
        self
    }
    fn migrate(
        self,
        m: &Migrations,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        crate::progress::with_progress(self, options, |conn, tracker| {
            run::run(conn, m, target, options, tracker)
        })
    }
    fn status(self, m: &Migrations) -> Result<Status, Error> {
        (&*self).status(m)
    }
    fn up_to_date(self, m: &Migrations) -> Result<bool, Error> {
        (&*self).up_to_date(m)
    }
    fn check(self, m: &Migrations) -> Result<Vec<Drift>, Error> {
        (&*self).check(m)
    }
    fn stamp(self, m: &Migrations, target: Option<&str>) -> Result<Report, Error> {
        (&*self).stamp(m, target)
    }
    fn create_fresh(self, m: &Migrations, options: &Options) -> Result<Report, Error> {
        (&*self).create_fresh(m, options)
    }
}

impl Database for &Connection {
    type Again<'a>
        = &'a Connection
    where
        Self: 'a;
    fn again(&mut self) -> &Connection {
        self
    }
    fn migrate(
        self,
        m: &Migrations,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        if options.progress.is_some() {
            return Err(ErrorKind::Unfit(crate::error::Unfit::ProgressInTransaction).into());
        }
        run::run(self, m, target, options, None)
    }
    fn status(self, m: &Migrations) -> Result<Status, Error> {
        m.status_sqlite(self)
    }
    fn up_to_date(self, m: &Migrations) -> Result<bool, Error> {
        m.up_to_date_sqlite(self)
    }
    fn check(self, m: &Migrations) -> Result<Vec<Drift>, Error> {
        m.check_sqlite(self)
    }
    fn stamp(self, m: &Migrations, target: Option<&str>) -> Result<Report, Error> {
        run::stamp(self, m, target)
    }
    fn create_fresh(self, m: &Migrations, options: &Options) -> Result<Report, Error> {
        m.fresh_sqlite(self, options)
    }
}

/// A rusqlite transaction or savepoint: the run happens inside it.
macro_rules! inside {
    ($($ty:ident),*) => {$(
        impl<'t> Database for &$ty<'t> {
            type Again<'a>
                = &'a $ty<'t>
            where
                Self: 'a;
            fn again(&mut self) -> &$ty<'t> {
                self
            }
            fn migrate(self, m: &Migrations, target: Target<'_>, options: &Options) -> Result<Report, Error> {
                (&**self).migrate(m, target, options)
            }
            fn status(self, m: &Migrations) -> Result<Status, Error> {
                (&**self).status(m)
            }
            fn up_to_date(self, m: &Migrations) -> Result<bool, Error> {
                (&**self).up_to_date(m)
            }
            fn check(self, m: &Migrations) -> Result<Vec<Drift>, Error> {
                (&**self).check(m)
            }
            fn stamp(self, m: &Migrations, target: Option<&str>) -> Result<Report, Error> {
                (&**self).stamp(m, target)
            }
            fn create_fresh(self, m: &Migrations, options: &Options) -> Result<Report, Error> {
                (&**self).create_fresh(m, options)
            }
        }
    )*};
}
inside!(Transaction, Savepoint);

/// The steps of `rev` going `direction` (none down for a revision the
/// course refused to undo).
pub(crate) fn steps(rev: &Revision, direction: Direction) -> &[Step] {
    match (direction, &rev.plan.down) {
        (Direction::Up, _) => &rev.plan.steps,
        (Direction::Down, Down::Steps(steps)) => steps,
        (Direction::Down, Down::Irreversible(_)) => &[],
    }
}
