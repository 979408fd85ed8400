//! Whether two model objects have the same definition: what `CREATE`
//! statement they render to, never where or in which revision they were
//! defined. Used to check downgrades and to keep the schema fingerprint.

use crate::model::{Constraint, Index, Table, Trigger, View};

/// Same name (as written), columns, constraints, options and raw SQL.
pub(super) fn table(a: &Table, b: &Table) -> bool {
    (&a.name, &a.columns, a.strict, a.without_rowid, &a.external)
        == (&b.name, &b.columns, b.strict, b.without_rowid, &b.external)
        && a.constraints.len() == b.constraints.len()
        && a.constraints
            .iter()
            .zip(&b.constraints)
            .all(|(x, y)| constraint(x, y))
}

fn constraint(a: &Constraint, b: &Constraint) -> bool {
    (&a.name, a.explicit, &a.inline, &a.kind, a.on_conflict)
        == (&b.name, b.explicit, &b.inline, &b.kind, b.on_conflict)
}

/// Same name, table, keys, uniqueness and filter.
pub(super) fn index(a: &Index, b: &Index) -> bool {
    (&a.name, &a.table, &a.keys, a.unique, &a.filter)
        == (&b.name, &b.table, &b.keys, b.unique, &b.filter)
}

/// Same name and query.
pub(super) fn view(a: &View, b: &View) -> bool {
    (&a.name, &a.query) == (&b.name, &b.query)
}

/// Same name, table, timing, event, condition and body.
pub(super) fn trigger(a: &Trigger, b: &Trigger) -> bool {
    (&a.name, &a.table, a.timing, &a.event, &a.when, &a.body)
        == (&b.name, &b.table, b.timing, &b.event, &b.when, &b.body)
}
