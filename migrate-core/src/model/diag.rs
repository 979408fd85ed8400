//! Diagnostics: every problem found in one history, collected rather than
//! stopping at the first.

use crate::Loc;
use std::fmt;

/// One problem, located at the token that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Where the offending token was written.
    pub at: Loc,
    /// What is wrong, lower-case, one sentence.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    /// A related place and what it is (`the first revision with this id`),
    /// shown with the error rather than as an error of its own.
    pub note: Option<(Loc, String)>,
}

impl Diagnostic {
    /// A problem at `at`, without help or a note.
    pub fn new(at: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            at,
            message: message.into(),
            help: None,
            note: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        if let Some((_, note)) = &self.note {
            write!(f, "\nnote: {note}")?;
        }
        Ok(())
    }
}

/// A collector of diagnostics.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem at `at`.
    pub fn error(&mut self, at: Loc, message: impl Into<String>) {
        self.list.push(Diagnostic {
            at,
            message: message.into(),
            help: None,
            note: None,
        });
    }

    /// Records a problem at `at` with a hint of what to do instead.
    pub fn error_help(&mut self, at: Loc, message: impl Into<String>, help: impl Into<String>) {
        self.list.push(Diagnostic {
            at,
            message: message.into(),
            help: Some(help.into()),
            note: None,
        });
    }

    /// Records a problem at `at` with a hint, and a note on a related
    /// place (`note_at`).
    pub fn error_note(
        &mut self,
        at: Loc,
        message: impl Into<String>,
        help: impl Into<String>,
        note_at: Loc,
        note: impl Into<String>,
    ) {
        self.list.push(Diagnostic {
            at,
            message: message.into(),
            help: Some(help.into()),
            note: Some((note_at, note.into())),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many problems were recorded.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// `Ok(value)` when nothing was recorded, otherwise every diagnostic in
    /// source order (locations are handed out in the order tokens appear).
    pub fn finish<T>(mut self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            self.list.sort_by_key(|d| d.at.0);
            Err(self.list)
        }
    }
}
