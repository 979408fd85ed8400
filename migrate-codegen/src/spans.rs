//! The span table: core types carry a `Loc` (an index here) instead of a
//! `Span`, so `migrate-core` stays free of `proc_macro2`.

use migrate_dsl_core::Loc;
use proc_macro2::Span;
use std::cell::RefCell;

/// Spans handed out as `Loc`s.
#[derive(Default)]
pub(crate) struct Spans {
    list: RefCell<Vec<Span>>,
    /// Syntax errors the parser reported and recovered from in place (a
    /// malformed type size), so parsing went on.
    deferred: RefCell<Vec<syn::Error>>,
}

impl Spans {
    /// Records `span` and returns its location.
    pub(crate) fn loc(&self, span: Span) -> Loc {
        let mut list = self.list.borrow_mut();
        list.push(span);
        Loc(u32::try_from(list.len() - 1).unwrap_or(u32::MAX))
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
        self.list
            .borrow()
            .get(loc.0 as usize)
            .copied()
            .unwrap_or_else(Span::call_site)
    }
}
