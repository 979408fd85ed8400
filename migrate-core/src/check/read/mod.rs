//! Reading the SQL a history holds, for the checker: expressions
//! ([`expr`]), view, trigger and `sql` bodies ([`body`]), and the SQLite
//! syntax sqlparser lacks rewritten into text it reads (`compat`).

pub mod body;
pub(crate) mod compat;
pub mod expr;
