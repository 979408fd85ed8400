//! Shorthands for building histories from core operations at run time
//! (the generators of the property tests).

use migrate_dsl_core::op::ColumnType;
use migrate_dsl_core::{Loc, Name};

/// A name without a source location.
pub fn n(s: &str) -> Name {
    Name::new(s, Loc::NONE)
}

/// Declared types the property tests draw from: SQLite's five affinity
/// names and types real applications write (every affinity, sizes, several
/// words, no type at all).
pub const TYPES: [ColumnType; 14] = [
    ColumnType::INTEGER,
    ColumnType::TEXT,
    ColumnType::REAL,
    ColumnType::BLOB,
    ColumnType::NUMERIC,
    ColumnType::from_static("varchar(40)"),
    ColumnType::from_static("BIGINT"),
    ColumnType::from_static("datetime"),
    ColumnType::from_static("double precision"),
    ColumnType::from_static("decimal(10, 2)"),
    ColumnType::from_static("boolean"),
    ColumnType::from_static("char(36)"),
    ColumnType::from_static("unsigned big int"),
    ColumnType::NONE,
];

/// The declared type `seed` picks.
pub fn declared(seed: u32) -> ColumnType {
    TYPES[seed as usize % TYPES.len()].clone()
}
