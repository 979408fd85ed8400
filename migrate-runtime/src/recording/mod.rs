//! A third engine, for the run loop's own tests: it implements [`Engine`]
//! by writing down what the loop asks of it, and answers as a test tells
//! it to. What an engine is — and all an engine has to be — shows here:
//! nothing else in the crate knows it exists.

use crate::engine::{Engine, Ledger, Notes, Outcome, Start, Work};
use crate::error::{Error, ErrorKind};
use crate::history::HistoryRow;
use crate::migrations::Migrations;
use crate::report::AlreadyBroken;
use crate::run::{Course, Direction};
use migrate_dsl_core::plan::ObjectKind;
use std::time::Duration;

/// What the loop asked, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Call {
    Start,
    /// The ids of the rows handed back.
    Verified(Vec<String>),
    /// The course: its direction and revision ids.
    CanRun(Direction, Vec<String>),
    /// A revision: its id, direction and what its hooks were told
    /// (revert, flags).
    Revision(String, Direction, bool, Vec<String>),
    /// Ledger rows written or deleted (`stamp`): the direction and ids.
    Mark(Direction, Vec<String>),
    Finish,
}

/// The recording engine: a ledger to report, and answers to give.
#[derive(Default)]
struct Recording {
    /// The ledger `start` reports: `Ok(n)` proven, `Err(rows)` to verify.
    ledger: Option<Result<usize, Vec<HistoryRow>>>,
    /// `can_run` refuses.
    refuse: bool,
    /// This revision (index) was applied elsewhere.
    elsewhere: Option<usize>,
    /// This revision (index) fails.
    fail_at: Option<usize>,
    calls: Vec<Call>,
}

impl Engine for Recording {
    fn start(&mut self, _: &Migrations) -> Result<Start, Error> {
        self.calls.push(Call::Start);
        let ledger = match self.ledger.take().unwrap_or(Ok(0)) {
            Ok(n) => Ledger::Proven(n),
            Err(rows) => Ledger::Rows(rows),
        };
        Ok(Start {
            ledger,
            removed: vec!["_migrate_tmp_left".to_owned()],
        })
    }

    fn verified(&mut self, _: &Migrations, rows: &[HistoryRow]) -> Result<(), Error> {
        self.calls
            .push(Call::Verified(rows.iter().map(|r| r.id.clone()).collect()));
        Ok(())
    }

    fn can_run(&mut self, m: &Migrations, course: &Course) -> Result<(), Error> {
        let ids = course
            .revisions
            .iter()
            .map(|&i| m.revisions[i].id().to_owned())
            .collect();
        self.calls.push(Call::CanRun(course.direction, ids));
        if self.refuse {
            return Err(ErrorKind::Unsupported {
                what: "refused by the recording engine".to_owned(),
            }
            .into());
        }
        Ok(())
    }

    fn revision(&mut self, m: &Migrations, work: Work<'_>) -> Result<Outcome, Error> {
        let id = m.revisions[work.index].id().to_owned();
        let flags = work.cx.flags().map(str::to_owned).collect();
        self.calls.push(Call::Revision(
            id.clone(),
            work.direction,
            work.cx.is_revert(),
            flags,
        ));
        assert_eq!(work.cx.revision(), id, "the hooks' context names it");
        if self.fail_at == Some(work.index) {
            return Err(ErrorKind::Unsupported {
                what: format!("{id} failed"),
            }
            .into());
        }
        if self.elsewhere == Some(work.index) {
            return Ok(Outcome::AppliedElsewhere);
        }
        Ok(Outcome::Done(Notes {
            duration: Duration::from_millis(work.index as u64 + 1),
            already_broken: vec![AlreadyBroken {
                revision: id.clone(),
                kind: ObjectKind::View,
                name: format!("noted_by_{id}"),
                message: "no such table".to_owned(),
            }],
            ..Notes::default()
        }))
    }

    fn mark(&mut self, m: &Migrations, course: &Course) -> Result<(), Error> {
        let ids = course
            .revisions
            .iter()
            .map(|&i| m.revisions[i].id().to_owned())
            .collect();
        self.calls.push(Call::Mark(course.direction, ids));
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.calls.push(Call::Finish);
        Ok(())
    }
}

mod tests;
