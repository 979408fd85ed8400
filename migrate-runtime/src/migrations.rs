//! A compiled history: its revisions and how it is built (by the macro,
//! or at run time). Running it: `run.rs` (the loop) and the engines.

use crate::hook::{HookFn, PgHookFn};
use migrate_dsl_core::plan::{Down, RevisionPlan, SchemaObject, Step, Text};
use std::borrow::Cow;

/// One revision, checked and rendered at compile time: its plan, as the
/// checker made it (the expansion writes the same struct as a `'static`
/// literal), and the functions of its `run` hooks.
#[derive(Clone, Debug)]
pub struct Revision {
    pub(crate) plan: RevisionPlan,
    pub(crate) hooks: Cow<'static, [HookFn]>,
    /// The PostgreSQL functions of its hooks, by the same index.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) pg_hooks: Cow<'static, [PgHookFn]>,
}

impl Revision {
    /// A revision as the expansion of `migration!` writes it. Not a public
    /// API.
    #[doc(hidden)]
    pub const fn from_static(
        plan: RevisionPlan,
        hooks: &'static [HookFn],
        pg_hooks: &'static [PgHookFn],
    ) -> Self {
        Revision {
            plan,
            hooks: Cow::Borrowed(hooks),
            pg_hooks: Cow::Borrowed(pg_hooks),
        }
    }

    /// The revision id.
    pub fn id(&self) -> &str {
        &self.plan.id
    }

    /// The checksum of the revision's normalized definition.
    pub fn checksum(&self) -> &str {
        &self.plan.checksum
    }

    /// Why the revision cannot be reverted (`None`: it can, by its `down`
    /// block or its generated inverse).
    pub fn irreversible(&self) -> Option<&str> {
        match &self.plan.down {
            Down::Steps(_) => None,
            Down::Irreversible(why) => Some(why),
        }
    }

    /// The steps the revision executes (the plan's types are internal).
    #[doc(hidden)]
    pub fn steps(&self) -> &[Step] {
        &self.plan.steps
    }

    /// How the revision is undone (the plan's types are internal).
    #[doc(hidden)]
    pub fn down(&self) -> &Down {
        &self.plan.down
    }

    /// A fingerprint of the model's schema after this revision (see
    /// [`migrate_dsl_core::render::schema_fingerprint`]).
    pub fn schema_fingerprint(&self) -> &str {
        &self.plan.schema_after
    }
}

/// A whole history of revisions, oldest first, as `migration!` defines it.
///
/// ```
/// use migrate_dsl::migration;
///
/// migration! {
///     /// The app's database.
///     pub static MIGRATIONS;
///
///     revision "0001_create_notes" {
///         create table notes {
///             id integer primary key,
///             body text not null,
///         }
///     }
/// }
///
/// let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory()?;
/// let report = MIGRATIONS.apply_pending(&mut conn)?;
/// assert_eq!(report.applied[0].id, "0001_create_notes");
/// assert!(MIGRATIONS.apply_pending(&mut conn)?.applied.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Migrations {
    pub(crate) revisions: Cow<'static, [Revision]>,
    /// The head schema's objects, in an order SQLite accepts.
    pub(crate) head_schema: Cow<'static, [SchemaObject]>,
    pub(crate) history_table: Text,
    /// The directory of revision files the macro read (`revisions from
    /// "…";`), as an absolute path at build time.
    pub(crate) revision_dir: Option<Text>,
    /// The revision files the macro read, as absolute paths at build time.
    pub(crate) revision_files: &'static [&'static str],
}

impl Migrations {
    /// The history row of revision `index` applied in `duration_ms`.
    pub(crate) fn entry(&self, index: usize, duration_ms: i64) -> crate::sqlite::ledger::Entry {
        let rev = &self.revisions[index];
        let before = index.checked_sub(1).map_or(Text::Borrowed(""), |i| {
            self.revisions[i].plan.digest.clone()
        });
        crate::sqlite::ledger::Entry {
            id: rev.plan.id.clone(),
            checksum: rev.plan.checksum.clone(),
            duration_ms,
            compiled: (before, rev.plan.digest.clone()),
        }
    }

    /// A history built at run time from core operations (no `run` hooks),
    /// checked by the same rules the macro applies at compile time.
    ///
    /// ```
    /// use migrate_dsl::build::*;
    /// use migrate_dsl::Migrations;
    ///
    /// let n = |s: &str| Name::new(s, Loc::NONE);
    /// let history = History::new(vec![RevisionDef::new(
    ///     n("0001"),
    ///     vec![
    ///         Op::CreateTable(CreateTable::new(n("notes"), vec![ColumnDef::new(n("body"), ColumnType::TEXT)])),
    ///         Op::DropIndex(n("notes_body")),
    ///     ],
    /// )]);
    /// let problems = Migrations::from_history(&history).unwrap_err();
    /// assert_eq!(problems[0].message, "unknown index `notes_body`");
    /// ```
    pub fn from_history(
        history: &migrate_dsl_core::op::History,
    ) -> Result<Self, Vec<migrate_dsl_core::Diagnostic>> {
        use migrate_dsl_core::op::Op;
        // A `run` hook names a Rust function, which only the macro can
        // link; built at run time it would have nothing to call.
        let hooks: Vec<_> = history
            .revisions
            .iter()
            .flat_map(|r| r.ops.iter().chain(r.down.iter().flat_map(|d| &d.ops)))
            .filter_map(|op| match op {
                Op::Run(hook) => Some(migrate_dsl_core::Diagnostic::new(
                    hook.path.at,
                    format!(
                        "`run {}`: a history built at run time cannot call Rust functions; write the data change as raw SQL (`Op::Sql`), or the history in `migration!`",
                        hook.path
                    ),
                )),
                _ => None,
            })
            .collect();
        if !hooks.is_empty() {
            return Err(hooks);
        }
        migrate_dsl_core::check::check_history_to_head(history).map(|(plans, head)| {
            Self::from_plans(plans, &head).with_history_table(history.history_table_name())
        })
    }

    /// The same history recorded in the table `name` instead (what
    /// `history table "name";` does in the macro's header), so that two
    /// histories can share one database without seeing each other.
    pub(crate) fn with_history_table(mut self, name: &str) -> Self {
        self.history_table = Cow::Owned(name.to_owned());
        self
    }

    /// A history from checked plans built at run time (no `run` hooks), and
    /// the schema at its head: for this project's tests, which build plans
    /// with the core crate directly. Applications use
    /// [`Migrations::from_history`].
    ///
    /// Both come from [`migrate_dsl_core::check::check_history_to_head`], so
    /// they passed the same rules the macro applies at compile time.
    #[doc(hidden)]
    pub fn from_plans(
        plans: Vec<migrate_dsl_core::plan::RevisionPlan>,
        head: &migrate_dsl_core::model::Schema,
    ) -> Self {
        let revisions = plans
            .into_iter()
            .map(|plan| Revision {
                plan,
                hooks: Cow::Borrowed(&[]),
                pg_hooks: Cow::Borrowed(&[]),
            })
            .collect::<Vec<_>>();
        let head_schema = migrate_dsl_core::render::schema_objects(head);
        Migrations {
            revisions: Cow::Owned(revisions),
            head_schema: Cow::Owned(head_schema),
            history_table: Cow::Borrowed(migrate_dsl_core::DEFAULT_HISTORY_TABLE),
            revision_dir: None,
            revision_files: &[],
        }
    }

    #[doc(hidden)]
    pub const fn from_static(
        revisions: &'static [Revision],
        head_schema: &'static [SchemaObject],
        history_table: &'static str,
        revision_dir: Option<&'static str>,
        revision_files: &'static [&'static str],
    ) -> Self {
        Migrations {
            revisions: Cow::Borrowed(revisions),
            head_schema: Cow::Borrowed(head_schema),
            history_table: Cow::Borrowed(history_table),
            revision_dir: match revision_dir {
                Some(dir) => Some(Cow::Borrowed(dir)),
                None => None,
            },
            revision_files,
        }
    }

    /// The revisions, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The name of the table that records applied revisions.
    pub fn history_table(&self) -> &str {
        &self.history_table
    }

    /// The directory of revision files the history was built from
    /// (`revisions from "…";`, the last one when there are several), as an
    /// absolute path on the machine that built it; `None` for a history
    /// written inline or built at run time.
    #[cfg(feature = "cli")]
    pub(crate) fn revision_dir(&self) -> Option<&str> {
        self.revision_dir.as_deref()
    }

    /// Revision files in the history's directories now that this build
    /// did not read: added since it was built. (Stable Rust rebuilds a
    /// crate when a file its macro read changes or goes, but cannot watch
    /// a directory for a new one.) Empty where the directories are not on
    /// this machine, as where a built program is deployed.
    pub fn unbuilt_revision_files(&self) -> Vec<std::path::PathBuf> {
        use std::path::{Path, PathBuf};
        let built: std::collections::BTreeSet<&Path> =
            self.revision_files.iter().map(Path::new).collect();
        let dirs: std::collections::BTreeSet<&Path> = built
            .iter()
            .filter_map(|f| f.parent())
            .chain(self.revision_dir.as_deref().map(Path::new))
            .collect();
        let mut unbuilt: Vec<PathBuf> = dirs
            .into_iter()
            .filter_map(|dir| std::fs::read_dir(dir).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|x| x == migrate_dsl_core::REVISION_FILE_EXTENSION)
            })
            .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
            .filter(|p| !built.contains(p.as_path()))
            .collect();
        unbuilt.sort();
        unbuilt
    }
}
