//! Names as written by the user, and where they were written.

use std::fmt;

/// Where something was written: an index into a table of source spans kept by
/// the front end (the macro), or [`Loc::NONE`] for values built by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Loc(pub u32);

impl Loc {
    /// No known location (hand-built operations).
    pub const NONE: Loc = Loc(u32::MAX);

    /// The location at `index` in the front end's table of spans.
    pub const fn new(index: u32) -> Loc {
        Loc(index)
    }

    /// This location, or `other` when this one is unknown.
    pub fn or(self, other: Loc) -> Loc {
        if self == Loc::NONE {
            other
        } else {
            self
        }
    }
}

/// A table, column, index or revision name, with its location.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Name {
    /// The name exactly as written (case kept; SQLite compares case-insensitively).
    pub text: String,
    /// Where it was written.
    pub at: Loc,
}

impl Name {
    /// A name written at `at`.
    pub fn new(text: impl Into<String>, at: Loc) -> Self {
        Name {
            text: text.into(),
            at,
        }
    }

    /// Whether two names denote the same SQLite object (ASCII case-insensitive,
    /// as SQLite compares identifiers).
    pub fn same(&self, other: &str) -> bool {
        same_name(&self.text, other)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether `s` can be written without quotes or a string literal: an ASCII
/// letter or `_`, then letters, digits and `_`.
pub fn is_plain(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// SQLite's identifier comparison: ASCII case-insensitive.
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}
