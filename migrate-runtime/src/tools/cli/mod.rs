//! The command line (feature `cli`): a `clap` command any application
//! mounts in one line, operating its own history on a database file.
//!
//! ```no_run
//! use migrate_dsl::migration;
//!
//! migration! {
//!     static MIGRATIONS;
//!     revision "0001" { create table notes { id integer primary key, body text } }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     // `migrate_dsl::cli::main` in an application.
//!     migrate_dsl_runtime::cli::main(&MIGRATIONS)
//! }
//! ```
//!
//! Inside an application's own `clap` command, [`Cli`] is a subcommand's
//! arguments (`Db(migrate_dsl::cli::Cli)`), run with [`Cli::run`].
//!
//! Output is text for people (aligned, coloured on a terminal) or, with
//! `--json`, one JSON document on stdout. Failures are one message on
//! stderr, never a panic; with `--json`, one JSON object on stdout instead
//! (`error`: true, `kind`, `message`, and for an error inside a revision
//! `revision`, `operation`, `table`, `sql`; the exit code stays 1). Exit
//! codes:
//!
//! | code | meaning |
//! |---:|---|
//! | 0 | done; `check` found nothing |
//! | 1 | failed (the message says why; nothing was half-applied) |
//! | 2 | bad command line (clap's usage message) |
//! | 3 | `check` found drift or an edited revision; `fmt --check` found a file to format |

mod commands;
mod fmt;
mod new;
mod open;
mod output;
mod progress;

use crate::migrations::Migrations;
use std::path::PathBuf;
use std::process::ExitCode;

/// Migrate an SQLite database with this program's history.
#[derive(Debug, clap::Parser)]
#[command(
    about = "Migrate an SQLite database with this program's history",
    after_help = "Exit codes: 0 done (`check`: nothing found); 1 failed (one message on stderr, or with --json one JSON object on stdout: error, kind, message, revision, operation, table, sql); 2 bad command line; 3 `check` found drift or an edited revision, or `fmt --check` a file to format."
)]
pub struct Cli {
    /// The database file.
    #[arg(short, long, global = true, env = "DATABASE_PATH", value_name = "FILE")]
    pub database: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Seconds to wait for another connection's lock.
    #[arg(long, global = true, default_value_t = 5.0, value_name = "SECONDS")]
    pub busy_timeout: f64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Where the database stands: applied, pending, unknown and edited
    /// revisions.
    Status,
    /// Every revision of this program, with whether it is applied.
    History,
    /// Apply pending revisions (all, or up to one).
    Up {
        /// The last revision to apply.
        #[arg(long, value_name = "REV")]
        to: Option<String>,
        /// Create the database file if it does not exist.
        #[arg(long)]
        create: bool,
        /// Set a flag for `run … when/unless "flag"` data steps.
        #[arg(long = "flag", value_name = "FLAG")]
        flags: Vec<String>,
    },
    /// Undo revisions, newest first, down to one (kept) or all.
    Down {
        /// The revision to go back to (it stays applied).
        #[arg(long, value_name = "REV", required_unless_present = "all")]
        to: Option<String>,
        /// Undo every revision.
        #[arg(long, conflicts_with = "to")]
        all: bool,
    },
    /// The SQL a run would execute, as a script (hooks as comments).
    Sql {
        /// Start from this revision (default: nothing applied).
        #[arg(long, value_name = "REV", conflicts_with = "revision")]
        from: Option<String>,
        /// End at this revision (default: the newest).
        #[arg(long, value_name = "REV", conflicts_with = "revision")]
        to: Option<String>,
        /// Only this revision.
        #[arg(long, value_name = "REV")]
        revision: Option<String>,
    },
    /// Record the database as being at a revision, without running
    /// anything (for a database whose schema was made another way).
    Stamp {
        /// The revision.
        revision: String,
    },
    /// Compare the database with the history: drift and edited revisions
    /// (exit code 3 on any finding).
    Check,
    /// Create the next revision file in the history's directory
    /// (`revisions from "…";`), and make the next build see it.
    New {
        /// What the revision does, e.g. `add_users` (`0007_add_users.mig`).
        name: String,
    },
    /// Lay out revisions one way (indentation, blank lines, trailing
    /// whitespace): the revision files of the history's directory, or the
    /// files given. Their tokens and checksums do not change.
    Fmt {
        /// Change nothing; list the files that would change (exit code 3
        /// if any).
        #[arg(long)]
        check: bool,
        /// Files to lay out instead: revision files (`.mig`), and Rust
        /// files (`.rs`), of which only the `migration!` blocks change.
        #[arg(value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
    },
    /// Print the database's schema as a `migration!` revision, to adopt it.
    Dump {
        /// The id of the revision to print.
        #[arg(long, default_value = "0001_adopted", value_name = "REV")]
        revision: String,
    },
}

/// Parses the process's arguments and runs them on `migrations`: the
/// whole `main` of a migration command.
pub fn main(migrations: &Migrations) -> ExitCode {
    <Cli as clap::Parser>::parse().run(migrations)
}

impl Cli {
    /// Runs the command on `migrations`; the exit code to return.
    pub fn run(&self, migrations: &Migrations) -> ExitCode {
        let out = output::Output::new(self.json);
        match commands::run(self, migrations, &out) {
            Ok(code) => code,
            Err(failure) => {
                out.error(&failure);
                ExitCode::FAILURE
            }
        }
    }
}
