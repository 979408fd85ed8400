//! Verifying the applied revisions against the history: known ids, in
//! order, no gaps, unchanged checksums.

use crate::error::{Context, Error, ErrorKind};
use crate::history::HistoryRow;
use crate::migrations::Migrations;
use crate::options::Options;

impl Migrations {
    /// The applied revisions must be exactly the first ones of the history,
    /// unchanged since they were applied.
    pub(crate) fn verify(&self, applied: &[HistoryRow], options: &Options) -> Result<(), Error> {
        // The usual case, checked in one pass: the rows are the first
        // revisions in order. (A run that finds nothing to do must not cost
        // more than reading the history: no search per row.)
        let in_order = applied.len() <= self.revisions.len()
            && applied
                .iter()
                .zip(self.revisions.iter())
                .all(|(a, r)| a.id == r.plan.id);
        if !in_order {
            self.verify_set(applied)?;
        }
        if options.verify_checksums {
            let changed = applied.iter().enumerate().find_map(|(i, row)| {
                let rev = if in_order {
                    &self.revisions[i]
                } else {
                    self.revisions.iter().find(|r| r.plan.id == row.id)?
                };
                (rev.plan.checksum != row.checksum).then_some((row, rev))
            });
            if let Some((row, rev)) = changed {
                return Err(Error::at(
                    Context::revision(&row.id),
                    ErrorKind::History(crate::error::HistoryMismatch::ChecksumMismatch {
                        recorded: row.checksum.clone(),
                        expected: rev.plan.checksum.to_string(),
                    }),
                ));
            }
        }
        Ok(())
    }

    /// The applied rows in another order than the history's: each must be
    /// a known revision, and together they must be a prefix of the history.
    fn verify_set(&self, applied: &[HistoryRow]) -> Result<(), Error> {
        for row in applied {
            if !self.revisions.iter().any(|r| r.plan.id == row.id) {
                return Err(Error::from(ErrorKind::History(
                    crate::error::HistoryMismatch::UnknownRevision {
                        revision: row.id.clone(),
                    },
                )));
            }
        }
        let is_applied = |id: &str| applied.iter().any(|a| a.id == id);
        if let Some(first_missing) = self.revisions.iter().position(|r| !is_applied(&r.plan.id)) {
            if let Some(later) = self.revisions[first_missing..]
                .iter()
                .find(|r| is_applied(&r.plan.id))
            {
                return Err(Error::from(ErrorKind::History(
                    crate::error::HistoryMismatch::OutOfOrder {
                        missing: self.revisions[first_missing].plan.id.to_string(),
                        later: later.plan.id.to_string(),
                    },
                )));
            }
        }
        Ok(())
    }
}
