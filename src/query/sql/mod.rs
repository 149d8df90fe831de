//! The SLS analytic SQL statement (after the `|`): sqlparser AST planned onto polars.
//! (Placeholder API until the sql branch lands.)

use polars::prelude::*;

use crate::timerange::Zone;

/// Session settings of a SQL statement.
#[derive(Debug, Clone)]
pub struct SqlContext {
    /// Time zone for formatting and truncating times.
    pub zone: Zone,
    /// Unix seconds used for `now()`.
    pub now: i64,
}

/// A planned SQL statement.
pub struct SqlPlan {
    /// The result, not cut by the default limit.
    pub frame: LazyFrame,
    /// `Some(100)` when the statement had no LIMIT.
    pub default_limit: Option<usize>,
    /// Notes for the user.
    pub notes: Vec<String>,
}

/// A SQL statement that failed to plan.
#[derive(Debug, Clone)]
pub struct SqlError {
    /// Byte offset into the SQL text.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

/// Plans `sql` over `events`.
pub fn plan(_sql: &str, _events: LazyFrame, _ctx: &SqlContext) -> Result<SqlPlan, SqlError> {
    Err(SqlError {
        position: 0,
        message: "SQL not implemented".into(),
    })
}
