//! The integration tests, one module per subject, in one binary so that
//! SQLite is linked once. Apart, each in its own binary: `tests/tracing.rs`
//! (tracing's callsite interest is process-wide), and the trybuild suites
//! `tests/ui.rs` and `tests/corpus.rs`.

#[path = "../common/mod.rs"]
mod common;

mod alter;
mod apply;
mod batch;
mod cli;
mod conflict;
mod constraints;
mod crash;
mod data_property;
mod data_steps;
mod dependents;
mod dialects;
mod digest;
mod disk_full;
mod downgrade;
mod drift;
mod drift_property;
mod edit;
mod every_statement;
mod fault_injection;
mod files;
mod files_rebuild;
mod generated;
mod histories;
mod indexes;
mod observability;
mod offline;
mod planner;
mod raw_sql;
mod rebuild_cases;
mod recovery;
mod roundtrip;
mod rowid_alias;
mod seed_scenario;
mod spellings;
mod status;
mod temp_shadows;
mod testing_helpers;
mod triggers;
mod views;
