//! SLS queries: splits `search | SQL`, compiles the search part to a polars filter and the SQL
//! part to a polars plan over the matched events.

pub mod search;
pub mod sql;
