//! Drift: differences between a live database and the schema the history
//! says it has — objects changed or dropped by hand, indexes or triggers
//! added behind the history's back, leftovers of interrupted rebuilds.

use crate::engine::Database;
use crate::error::{Error, ErrorKind};
use crate::migrations::Migrations;
use crate::sqlite::catalog::Object;
use migrate_dsl_core::meaning;
use migrate_dsl_core::plan::{ObjectKind, SchemaObject};
use std::fmt;

/// One difference between the live schema and the head of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Drift {
    /// An object of the head schema does not exist.
    Missing {
        /// What kind of object.
        kind: ObjectKind,
        /// Its name.
        name: String,
        /// The `CREATE` statement the history expects.
        expected: String,
    },
    /// An object exists with another meaning (or of another kind):
    /// spelling, quoting, case, clause order and redundant parentheses do
    /// not count ([`migrate_dsl_core::meaning`]).
    Changed {
        /// What kind of object.
        kind: ObjectKind,
        /// Its name.
        name: String,
        /// The `CREATE` statement the history expects.
        expected: String,
        /// The one in the database.
        actual: String,
        /// The first property that differs, with the expected and the
        /// found value: ``column `bar`: NOT NULL: expected yes, found no``.
        difference: String,
    },
    /// An index or trigger the history does not know, on a table it does
    /// (a rebuild of that table would refuse to drop it), or a leftover
    /// temporary table of an interrupted rebuild. Other objects — another
    /// history's tables, say — are not drift.
    Unexpected {
        /// What kind of object.
        kind: ObjectKind,
        /// Its name.
        name: String,
        /// Its `CREATE` statement.
        actual: String,
    },
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Missing {
                kind,
                name,
                expected,
            } => write!(f, "missing {kind} `{name}`\n  expected: {expected}"),
            Drift::Changed {
                kind,
                name,
                expected,
                actual,
                difference,
            } => write!(
                f,
                "changed {kind} `{name}`: {difference}\n  expected: {expected}\n  actual:   {actual}"
            ),
            Drift::Unexpected { kind, name, actual } => {
                write!(f, "unexpected {kind} `{name}`\n  actual:   {actual}")
            }
        }
    }
}

impl Migrations {}

impl Migrations {
    /// Compares the live schema of `db` with the history's and returns
    /// every difference (empty: no drift). Changes nothing.
    ///
    /// On SQLite the database must be at the head ([`crate::error::TargetError::NotAtHead`]
    /// otherwise; [`ErrorKind::NotStamped`] for tables without a history):
    /// the comparison is with the schema the history ends with. On
    /// PostgreSQL it is with the schema the applied revisions make, replayed
    /// into a scratch schema inside a transaction that is rolled back, so a
    /// database part way is checked too; both sides are read from
    /// `pg_catalog` the same way.
    ///
    /// ```
    /// use migrate_dsl::{migration, Drift};
    ///
    /// migration! {
    ///     static MIGRATIONS;
    ///     revision "0001" { create table notes { id integer primary key, body text } }
    /// }
    ///
    /// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
    /// MIGRATIONS.apply_pending(&mut conn)?;
    /// assert!(MIGRATIONS.check(&conn)?.is_empty());
    /// conn.execute_batch("CREATE INDEX by_hand ON notes (body)")?;
    /// let drift = MIGRATIONS.check(&conn)?;
    /// assert!(matches!(&drift[..], [Drift::Unexpected { name, .. }] if name == "by_hand"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, db: impl Database) -> Result<Vec<Drift>, Error> {
        db.check(self)
    }
}

impl Migrations {
    /// Why a database whose `status` is not up to date cannot be checked:
    /// an applied revision edited since (named, as a run names it), or
    /// not at the head.
    pub(crate) fn not_at_head(&self, status: &crate::Status) -> Error {
        if let Some(id) = status.edited.first() {
            let recorded = status.applied.iter().find(|a| &a.id == id);
            let expected = self.revisions.iter().find(|r| r.id() == id);
            if let (Some(row), Some(rev)) = (recorded, expected) {
                return Error::at(
                    crate::error::Context::revision(id),
                    ErrorKind::History(crate::error::HistoryMismatch::ChecksumMismatch {
                        recorded: row.checksum.clone(),
                        expected: rev.checksum().to_owned(),
                    }),
                );
            }
        }
        ErrorKind::Target(crate::error::TargetError::NotAtHead {
            current: status.current().map(str::to_owned),
            head: self
                .revisions
                .last()
                .map_or_else(String::new, |r| r.id().to_owned()),
        })
        .into()
    }
}

/// The differences between the objects a model `expected` and the `live`
/// ones: each expected object missing or with another meaning
/// ([`meaning::difference`]; unless `sql_unknown` says the model knows it by
/// name only), then each live object the model does not have for which
/// `counts` holds.
pub(crate) fn compare(
    expected: &[SchemaObject],
    live: &[Object],
    sql_unknown: impl Fn(&str) -> bool,
    counts: impl Fn(&Object) -> bool,
) -> Vec<Drift> {
    let mut drift = Vec::new();
    for object in expected {
        let (kind, name, sql) = (object.kind, &*object.name, &*object.sql);
        match live.iter().find(|o| o.name.eq_ignore_ascii_case(name)) {
            None => drift.push(Drift::Missing {
                kind,
                name: name.to_owned(),
                expected: sql.to_owned(),
            }),
            Some(o) => {
                let difference = if o.kind != kind {
                    Some(format!("expected a {kind}, found a {}", o.kind))
                } else if sql_unknown(name) {
                    None
                } else {
                    meaning::difference(sql, &o.sql)
                };
                if let Some(difference) = difference {
                    drift.push(Drift::Changed {
                        kind: o.kind,
                        name: name.to_owned(),
                        expected: sql.to_owned(),
                        actual: o.sql.clone(),
                        difference,
                    });
                }
            }
        }
    }
    for o in live {
        let in_model = expected
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(&o.name));
        if !in_model && counts(o) {
            drift.push(Drift::Unexpected {
                kind: o.kind,
                name: o.name.clone(),
                actual: o.sql.clone(),
            });
        }
    }
    drift
}
