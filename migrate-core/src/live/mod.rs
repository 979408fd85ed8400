//! Reading live schemas: any tool's `CREATE` statements read into their
//! meaning ([`ddl`]), two definitions compared by meaning ([`meaning`]) or
//! token by token ([`same_sql`]). The runtime's drift checks and `dump`
//! stand on these.

pub mod ddl;
pub mod meaning;
pub mod same_sql;
