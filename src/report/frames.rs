//! Small helpers of the section builders: run an SLS statement through the query engine, run it
//! group by group of partitions and merge the partial results ([`Merged`]), and read typed
//! columns out of a result frame.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::kms::ALL_ROWS;
use crate::query::{self, sql::SqlContext};

/// SQL for "the call failed": a non-empty `errorCode`.
pub const FAILED_SQL: &str = r#""event.errorCode" IS NOT NULL AND "event.errorCode" <> ''"#;

/// The store columns the report's own statements read (scope, activity, per-key, after
/// deletion, which events are evidence): small columns, never the `event` JSON text.
pub const SMALL_COLUMNS: &[&str] = &[
    "__time__",
    "event.eventId",
    "keytrail.key",
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

/// The events' [`SMALL_COLUMNS`] (one group of partitions), read once into memory: every
/// statement of the report's own sections then runs on this frame instead of scanning the
/// store again.
pub fn small_frame(events: LazyFrame) -> Result<DataFrame> {
    let columns: Vec<Expr> = SMALL_COLUMNS.iter().map(|c| col(*c)).collect();
    Ok(events
        .select(columns)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single())
}

/// How a column of a statement's partial results folds into its result over every group.
#[derive(Debug, Clone, Copy)]
pub enum Fold {
    /// Counts and sums add up.
    Sum,
    /// The smallest.
    Min,
    /// The largest.
    Max,
    /// The value of the row whose column `.0` is the largest (`max_by`). Events of one second
    /// share a partition, so no two groups tie on a time.
    LatestBy(&'static str),
}

/// How the partial results of one statement (its rows per group of partitions) merge into its
/// result over all of them: its GROUP BY keys, the fold of each other column, and its ORDER BY
/// (column, descending), sorted as the SQL engine sorts (NULLs last, ties in the order seen).
#[derive(Debug, Clone)]
pub struct Merge {
    /// The GROUP BY columns.
    pub keys: Vec<&'static str>,
    /// The other columns and how each folds.
    pub folds: Vec<(&'static str, Fold)>,
    /// The ORDER BY: (column, descending).
    pub order: Vec<(&'static str, bool)>,
}

impl Merge {
    /// Grouped by `keys`, each column of `folds` folded.
    pub fn new(keys: &[&'static str], folds: &[(&'static str, Fold)]) -> Merge {
        Merge {
            keys: keys.to_vec(),
            folds: folds.to_vec(),
            order: Vec::new(),
        }
    }

    /// Ordered by `order` (column, descending).
    pub fn ordered(mut self, order: &[(&'static str, bool)]) -> Merge {
        self.order = order.to_vec();
        self
    }

    /// `earlier` and `later` folded into one frame (rows grouped by the keys, unordered).
    fn fold(&self, earlier: DataFrame, later: DataFrame) -> Result<DataFrame> {
        let union = UnionArgs {
            to_supertypes: true,
            ..UnionArgs::default()
        };
        let keys: Vec<Expr> = self.keys.iter().map(|k| col(*k)).collect();
        let aggs: Vec<Expr> = self
            .folds
            .iter()
            .map(|(name, fold)| {
                let c = col(*name);
                match fold {
                    Fold::Sum => c.sum(),
                    Fold::Min => c.min(),
                    Fold::Max => c.max(),
                    Fold::LatestBy(by) => c
                        .sort_by(
                            [col(*by)],
                            SortMultipleOptions::default().with_order_descending(true),
                        )
                        .first(),
                }
                .alias(*name)
            })
            .collect();
        Ok(concat([earlier.lazy(), later.lazy()], union)?
            .group_by_stable(keys)
            .agg(aggs)
            .collect()?)
    }

    /// The statement's result from the merged rows: ordered, at most [`ALL_ROWS`].
    fn finish(&self, merged: DataFrame) -> Result<DataFrame> {
        let mut frame = merged.lazy();
        if !self.order.is_empty() {
            let by: Vec<Expr> = self.order.iter().map(|(c, _)| col(*c)).collect();
            let options = SortMultipleOptions::default()
                .with_order_descending_multi(self.order.iter().map(|(_, d)| *d))
                .with_nulls_last(true)
                .with_maintain_order(true);
            frame = frame.sort_by_exprs(by, options);
        }
        Ok(frame.slice(0, ALL_ROWS as IdxSize).collect()?)
    }
}

/// A statement over the events computed group by group of partitions: each group's rows
/// (the statement run on that group alone, which a group's few events never cut at its
/// LIMIT) folded into the rows so far by its [`Merge`]. Memory holds one row per distinct
/// key, as the statement over all the events would.
#[derive(Debug)]
pub struct Merged {
    /// The statement.
    pub statement: String,
    merge: Merge,
    rows: Option<DataFrame>,
}

impl Merged {
    /// `statement`, merged by `merge`.
    pub fn new(statement: String, merge: Merge) -> Merged {
        Merged {
            statement,
            merge,
            rows: None,
        }
    }

    /// Folds in the statement's result over one more group.
    pub fn add(&mut self, partial: DataFrame) -> Result<()> {
        self.rows = Some(match self.rows.take() {
            None => partial,
            Some(rows) => self.merge.fold(rows, partial)?,
        });
        Ok(())
    }

    /// The statement's result over every group added (at least one must be).
    pub fn finish(self) -> Result<DataFrame> {
        let rows = self
            .rows
            .ok_or_else(|| Error::Other(format!("no events read for: {}", self.statement)))?;
        self.merge.finish(rows)
    }
}

/// Runs each of `merged`'s statements over `events` (one group) in one collect, and folds each
/// result in.
pub fn add_group(merged: &mut [Merged], events: &LazyFrame, ctx: &SqlContext) -> Result<()> {
    let texts: Vec<String> = merged.iter().map(|m| m.statement.clone()).collect();
    for (m, df) in merged.iter_mut().zip(run_all(&texts, events, ctx)?) {
        m.add(df)?;
    }
    Ok(())
}

/// Each of `merged`'s results.
pub fn finish_all(merged: Vec<Merged>) -> Result<Vec<DataFrame>> {
    merged.into_iter().map(Merged::finish).collect()
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
