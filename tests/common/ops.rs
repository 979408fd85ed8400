//! Shorthands for building histories from core operations at run time
//! (the generators of the property tests).

use migrate_dsl::core::op::ColumnType;
use migrate_dsl::core::{Loc, Name};

/// A name without a source location.
pub fn n(s: &str) -> Name {
    Name::new(s, Loc::NONE)
}

/// Every column type the DSL has.
pub const TYPES: [ColumnType; 5] = [
    ColumnType::Integer,
    ColumnType::Text,
    ColumnType::Real,
    ColumnType::Blob,
    ColumnType::Numeric,
];
