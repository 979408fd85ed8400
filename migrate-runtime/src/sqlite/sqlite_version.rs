//! The linked SQLite against what a run needs: with the `bundled` feature
//! off the application links the system's SQLite, which may be older than a
//! statement of the history needs. Checked before anything is sent, so an
//! old library means a clear refusal, never a revision failing halfway
//! through a history on a syntax error.

use crate::error::{Context, Error, ErrorKind};
use migrate_dsl_core::needs::{self, Need};
use migrate_dsl_core::plan::Step;

/// The linked SQLite's version number (`3045001` for 3.45.1).
pub(crate) fn linked() -> u32 {
    crate::fault::pretended_sqlite()
        .unwrap_or_else(|| u32::try_from(rusqlite::version_number()).unwrap_or(0))
}

/// Refuses a run when the linked SQLite lacks what every run needs.
pub(crate) fn require_baseline() -> Result<(), Error> {
    refuse(linked(), None, needs::BASELINE)
}

/// Refuses a run when the linked SQLite lacks what the steps of the given
/// revisions need (the first revision that needs too much is named).
pub(crate) fn require<'a>(
    revisions: impl IntoIterator<Item = (&'a str, &'a [Step])>,
) -> Result<(), Error> {
    require_from(linked(), revisions)
}

fn require_from<'a>(
    linked: u32,
    revisions: impl IntoIterator<Item = (&'a str, &'a [Step])>,
) -> Result<(), Error> {
    for (revision, steps) in revisions {
        if let Some(need) = needs::of_steps(steps) {
            refuse(linked, Some(revision), need)?;
        }
    }
    Ok(())
}

/// Refuses when the head schema's statements need more than is linked
/// (`create_fresh`).
pub(crate) fn require_sql<'a>(
    revision: &str,
    sql: impl IntoIterator<Item = &'a str>,
) -> Result<(), Error> {
    match sql
        .into_iter()
        .filter_map(needs::of_sql)
        .max_by_key(|n| n.version)
    {
        Some(need) => refuse(linked(), Some(revision), need),
        None => Ok(()),
    }
}

fn refuse(linked: u32, revision: Option<&str>, need: Need) -> Result<(), Error> {
    if linked >= need.version {
        return Ok(());
    }
    let kind = ErrorKind::Unfit(crate::error::Unfit::SqliteTooOld {
        feature: need.feature.to_owned(),
        needed: need.version_text(),
        linked: needs::version_text(linked),
    });
    Err(match revision {
        Some(revision) => Error::at(Context::revision(revision), kind),
        None => kind.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_dsl_core::plan::Statement;

    #[test]
    fn an_old_sqlite_is_refused_naming_revision_feature_and_versions() {
        let steps = [Step::Execute(Statement::new(
            "alter table t drop column c",
            "t",
            r#"ALTER TABLE "t" DROP COLUMN "c""#,
        ))];
        let err = require_from(3_031_001, [("0001", &[][..]), ("0002", &steps[..])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "revision `0002`: ALTER TABLE … DROP COLUMN needs SQLite 3.35.0 or later, but the \
             linked SQLite is 3.31.1; nothing was changed. Build with migrate-dsl's default \
             `bundled` feature, or link a newer SQLite"
        );
        assert!(require_from(3_035_000, [("0002", &steps[..])]).is_ok());
        assert!(refuse(3_032_000, None, needs::BASELINE)
            .unwrap_err()
            .to_string()
            .starts_with("the schema table's name `sqlite_schema` needs SQLite 3.33.0"));
    }
}
