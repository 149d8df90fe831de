//! Small helpers of the section builders: run an SLS statement through the query engine and
//! read typed columns out of its result frame.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::query::{self, sql::SqlContext};

/// SQL for "the call failed": a non-empty `errorCode`.
pub const FAILED_SQL: &str = r#""event.errorCode" IS NOT NULL AND "event.errorCode" <> ''"#;

/// The store columns the report's own statements read (scope, activity, per-key, after
/// deletion): small dictionary-like columns, never the `event` JSON text.
pub const SMALL_COLUMNS: &[&str] = &[
    "__time__",
    "event.eventId",
    "event.eventName",
    "event.eventRW",
    "event.serviceName",
    "event.acsRegion",
    "event.errorCode",
    "event.sourceIpAddress",
    "event.recipientAccountId",
    "event.userIdentity.userName",
    "event.userIdentity.principalId",
    "event.userIdentity.accountId",
    "event.userIdentity.accessKeyId",
    "keytrail.kmsKeyId",
];

/// The events' [`SMALL_COLUMNS`], read once into memory: every statement of the report's own
/// sections then runs on this frame instead of scanning the store again.
pub fn small_frame(events: &LazyFrame) -> Result<LazyFrame> {
    let columns: Vec<Expr> = SMALL_COLUMNS.iter().map(|c| col(*c)).collect();
    Ok(events
        .clone()
        .select(columns)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single()
        .lazy())
}

/// The planned SQL part of `statement` over `events`.
pub fn sql(statement: &str, events: LazyFrame, ctx: &SqlContext) -> Result<LazyFrame> {
    query::compile(statement, events, ctx)?
        .sql
        .map(|plan| plan.frame)
        .ok_or_else(|| Error::Other(format!("statement has no SQL part: {statement}")))
}

/// Runs statements over the same events in one collect.
pub fn run_all(
    statements: &[String],
    events: &LazyFrame,
    ctx: &SqlContext,
) -> Result<Vec<DataFrame>> {
    let frames = statements
        .iter()
        .map(|s| sql(s, events.clone(), ctx))
        .collect::<Result<Vec<_>>>()?;
    query::collect_together(frames)
}

/// A text column as owned strings (NULL as empty).
pub fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let column = df.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

/// A text column with NULL kept as None.
pub fn optional_strings(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = df.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// An integer column (NULL as 0).
pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<i64>> {
    let column = df.column(name)?.cast(&DataType::Int64)?;
    Ok(column.i64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

/// A count column (NULL or negative as 0).
pub fn counts(df: &DataFrame, name: &str) -> Result<Vec<u64>> {
    Ok(ints(df, name)?
        .into_iter()
        .map(|v| u64::try_from(v).unwrap_or(0))
        .collect())
}

/// A string quoted as a SQL literal (`'` doubled).
pub fn sql_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_strings_double_quotes() {
        assert_eq!(sql_string("it's"), "'it''s'");
    }
}
