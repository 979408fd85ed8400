//! The busy timeout of a run.

use crate::error::{Error, ErrorKind};
use rusqlite::Connection;
use std::time::Duration;

/// Sets the busy timeout for the run and restores the previous one after.
pub(crate) struct BusyTimeout<'c> {
    conn: &'c Connection,
    previous_ms: Option<i64>,
}

impl<'c> BusyTimeout<'c> {
    pub(crate) fn set(conn: &'c Connection, timeout: Option<Duration>) -> Result<Self, Error> {
        let Some(timeout) = timeout else {
            return Ok(BusyTimeout {
                conn,
                previous_ms: None,
            });
        };
        let err = |action: &str| {
            let action = action.to_owned();
            move |source| Error::from(ErrorKind::Connection { action, source })
        };
        let previous: i64 =
            crate::fault::checked(|| conn.pragma_query_value(None, "busy_timeout", |r| r.get(0)))
                .map_err(err("read the busy timeout"))?;
        conn.busy_timeout(timeout)
            .map_err(err("set the busy timeout"))?;
        Ok(BusyTimeout {
            conn,
            previous_ms: Some(previous),
        })
    }
}

impl Drop for BusyTimeout<'_> {
    fn drop(&mut self) {
        if let Some(ms) = self.previous_ms {
            let _ = self.conn.pragma_update(None, "busy_timeout", ms);
        }
    }
}
