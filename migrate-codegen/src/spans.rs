//! The span table: core types carry a `Loc` (an index here) instead of a
//! `Span`, so `migrate-core` stays free of `proc_macro2`.
//!
//! A location in a revision file (`revisions from "dir";`) has no span of
//! its own — Rust cannot point into a file the macro read — so it is kept
//! as the file, line and column (for the message) and shown at the span of
//! the directory's name.

use migrate_dsl_core::Loc;
use proc_macro2::Span;
use std::cell::{Cell, RefCell};

/// Where a `Loc` is.
#[derive(Clone, Copy)]
enum Entry {
    /// A token of the macro's input.
    Span(Span),
    /// A token of revision file `file` (an index into `files`), at a
    /// 1-based line and column.
    File {
        file: usize,
        line: usize,
        column: usize,
    },
}

/// Spans handed out as `Loc`s.
#[derive(Default)]
pub(crate) struct Spans {
    list: RefCell<Vec<Entry>>,
    /// Revision files read: the path to show, and the span of the
    /// directory's name in the macro's input.
    files: RefCell<Vec<(String, Span)>>,
    /// The file being parsed: its tokens' spans carry their position
    /// (proc-macro2's own lexer, with `span-locations`).
    reading: Cell<Option<usize>>,
    /// Syntax errors the parser reported and recovered from in place (a
    /// malformed type size), so parsing went on.
    deferred: RefCell<Vec<syn::Error>>,
}

impl Spans {
    /// Records `span` and returns its location.
    pub(crate) fn loc(&self, span: Span) -> Loc {
        let entry = match self.reading.get() {
            Some(file) => {
                let at = span.start();
                Entry::File {
                    file,
                    line: at.line,
                    column: at.column + 1,
                }
            }
            None => Entry::Span(span),
        };
        let mut list = self.list.borrow_mut();
        list.push(entry);
        Loc::new(u32::try_from(list.len() - 1).unwrap_or(u32::MAX))
    }

    /// Reports `e` without stopping the parse.
    pub(crate) fn defer(&self, e: syn::Error) {
        self.deferred.borrow_mut().push(e);
    }

    /// The errors reported through [`Spans::defer`], emptied.
    pub(crate) fn take_deferred(&self) -> Vec<syn::Error> {
        std::mem::take(&mut *self.deferred.borrow_mut())
    }

    /// The span of `loc`, or the call site for unknown locations.
    pub(crate) fn span(&self, loc: Loc) -> Span {
        match self.list.borrow().get(loc.0 as usize).copied() {
            Some(Entry::Span(span)) => span,
            Some(Entry::File { file, .. }) => self.file_span(file),
            None => Span::call_site(),
        }
    }

    /// `path:line:column` of `loc` when it is in a revision file.
    pub(crate) fn position(&self, loc: Loc) -> Option<String> {
        match self.list.borrow().get(loc.0 as usize).copied() {
            Some(Entry::File { file, line, column }) => {
                let files = self.files.borrow();
                let (path, _) = files.get(file)?;
                Some(format!("{path}:{line}:{column}"))
            }
            _ => None,
        }
    }

    /// Where `loc` is, for a note: `path:line:column` in a revision file,
    /// else `line N` of the macro's input.
    pub(crate) fn describe(&self, loc: Loc) -> Option<String> {
        self.position(loc)
            .or_else(|| match self.list.borrow().get(loc.0 as usize) {
                Some(Entry::Span(span)) => Some(format!("at line {}", span.start().line)),
                _ => None,
            })
    }

    /// Registers revision file `path`, named in the input at `span`.
    pub(crate) fn add_file(&self, path: String, span: Span) -> usize {
        let mut files = self.files.borrow_mut();
        files.push((path, span));
        files.len() - 1
    }

    /// The span of the directory name file `file` was read from.
    pub(crate) fn file_span(&self, file: usize) -> Span {
        self.files
            .borrow()
            .get(file)
            .map_or_else(Span::call_site, |(_, span)| *span)
    }

    /// While `Some(file)`, new locations are positions in that file.
    pub(crate) fn set_reading(&self, file: Option<usize>) {
        self.reading.set(file);
    }
}
