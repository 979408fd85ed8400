//! Which SQLite release the statements of a plan need.
//!
//! With the runtime's `bundled` feature off, the application links whatever
//! SQLite the system has. A history that uses `ALTER TABLE … DROP COLUMN`
//! on SQLite 3.31 would fail halfway through a run on a syntax error; the
//! runtime instead compares the linked version with what the pending steps
//! need, before anything changes, and names what is missing.
//!
//! The needs are read from the SQL this crate renders ([`crate::render`]
//! spells these clauses exactly so). Raw `sql` steps are the user's own
//! SQL: SQLite's error names what it does not know.

use crate::plan::{AlterInPlace, Step};

/// A SQLite feature and the first release that has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// What the feature is, for messages: "ALTER TABLE … DROP COLUMN".
    pub feature: &'static str,
    /// The first release with it, as SQLite numbers versions
    /// (`3035000` for 3.35.0; see `sqlite3_libversion_number`).
    pub version: u32,
}

impl Need {
    /// The version as text: `3.35.0`.
    pub fn version_text(&self) -> String {
        version_text(self.version)
    }
}

/// A SQLite version number (`3035005`) as text (`3.35.5`).
pub fn version_text(number: u32) -> String {
    format!(
        "{}.{}.{}",
        number / 1_000_000,
        number / 1_000 % 1_000,
        number % 1_000
    )
}

/// What every run needs, whatever the history: the schema table read by
/// its name `sqlite_schema`.
pub const BASELINE: Need = Need {
    feature: "the schema table's name `sqlite_schema`",
    version: 3_033_000,
};

/// Whether a rendered statement uses a clause.
type Finds = fn(&str) -> bool;

/// The rendered clauses that need more than [`BASELINE`], with a test that
/// finds them in one statement.
const CLAUSES: &[(Need, Finds)] = &[
    (
        Need {
            feature: "ALTER TABLE … RENAME COLUMN",
            version: 3_025_000,
        },
        |sql| sql.starts_with("ALTER TABLE ") && sql.contains(" RENAME COLUMN "),
    ),
    (
        Need {
            feature: "generated columns",
            version: 3_031_000,
        },
        |sql| sql.starts_with("CREATE TABLE ") && sql.contains(" GENERATED ALWAYS AS ("),
    ),
    (
        Need {
            feature: "ALTER TABLE … DROP COLUMN",
            version: 3_035_000,
        },
        |sql| sql.starts_with("ALTER TABLE ") && sql.contains(" DROP COLUMN "),
    ),
    (
        Need {
            feature: "ALTER TABLE … ALTER COLUMN … SET / DROP NOT NULL",
            version: 3_053_000,
        },
        |sql| {
            sql.starts_with("ALTER TABLE ")
                && (sql.ends_with(" SET NOT NULL") || sql.ends_with(" DROP NOT NULL"))
                && sql.contains(" ALTER COLUMN ")
        },
    ),
    (
        Need {
            feature: "ALTER TABLE … ADD CHECK / DROP CONSTRAINT",
            version: 3_053_000,
        },
        |sql| {
            sql.starts_with("ALTER TABLE ")
                && (sql.contains(" ADD CHECK (")
                    || sql.contains(" ADD CONSTRAINT ")
                    || sql.contains(" DROP CONSTRAINT "))
        },
    ),
    (
        Need {
            feature: "STRICT tables",
            version: 3_037_000,
        },
        |sql| {
            sql.starts_with("CREATE TABLE ")
                && (sql.ends_with(") STRICT") || sql.ends_with(", STRICT"))
        },
    ),
];

/// The newest need of one rendered statement, if it needs more than
/// [`BASELINE`].
pub fn of_sql(sql: &str) -> Option<Need> {
    CLAUSES
        .iter()
        .filter(|(_, found)| found(sql))
        .map(|(need, _)| *need)
        .max_by_key(|need| need.version)
}

/// The newest need among `steps` (raw `sql` steps are not read).
pub fn of_steps(steps: &[Step]) -> Option<Need> {
    steps
        .iter()
        .flat_map(|step| -> Vec<&str> {
            match step {
                Step::Execute(st) | Step::Insert(st) => vec![&st.sql],
                // In place only where SQLite has the statements; the
                // fallback must run everywhere else.
                Step::Rebuild(r) | Step::AlterInPlace(AlterInPlace { fallback: r, .. }) => r
                    .renames
                    .iter()
                    .map(|s| &**s)
                    .chain([&*r.create_sql])
                    .chain(r.recreate.iter().map(|s| &*s.sql))
                    .collect(),
                Step::Hook(_) | Step::RawSql(_) => Vec::new(),
            }
        })
        .filter_map(of_sql)
        .max_by_key(|need| need.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Statement;

    #[test]
    fn rendered_clauses_are_found() {
        let need = |sql: &str| of_sql(sql).map(|n| n.version);
        assert_eq!(need(r#"ALTER TABLE "t" DROP COLUMN "c""#), Some(3_035_000));
        assert_eq!(
            need(r#"ALTER TABLE "t" RENAME COLUMN "a" TO "b""#),
            Some(3_025_000)
        );
        assert_eq!(
            need(r#"CREATE TABLE "t" ("a" INTEGER) STRICT"#),
            Some(3_037_000)
        );
        assert_eq!(
            need(r#"CREATE TABLE "t" ("a" INTEGER PRIMARY KEY) WITHOUT ROWID, STRICT"#),
            Some(3_037_000)
        );
        assert_eq!(
            need(
                r#"CREATE TABLE "t" ("a" INTEGER, "b" INTEGER GENERATED ALWAYS AS ("a" + 1) VIRTUAL)"#
            ),
            Some(3_031_000)
        );
        assert_eq!(need(r#"CREATE TABLE "t" ("strict" INTEGER)"#), None);
        assert_eq!(need(r#"ALTER TABLE "t" ADD COLUMN "c" TEXT"#), None);
        assert_eq!(need(r#"CREATE INDEX "drop column" ON "t" ("a")"#), None);
    }

    #[test]
    fn the_newest_need_of_steps_wins() {
        let steps = [
            Step::Execute(Statement::new(
                "rename column a to b",
                "t",
                r#"ALTER TABLE "t" RENAME COLUMN "a" TO "b""#,
            )),
            Step::Execute(Statement::new(
                "drop column c",
                "t",
                r#"ALTER TABLE "t" DROP COLUMN "c""#,
            )),
        ];
        let need = of_steps(&steps).unwrap();
        assert_eq!(need.feature, "ALTER TABLE … DROP COLUMN");
        assert_eq!(need.version_text(), "3.35.0");
        assert_eq!(of_steps(&steps[..1]).unwrap().version_text(), "3.25.0");
    }
}
