//! SLS queries: splits `search | SQL`, compiles the search part to a polars filter and the SQL
//! part to a polars plan over the matched events. Errors point into the full query text.

pub mod exec;
pub mod search;
pub mod sql;
pub mod value;

use polars::prelude::*;

use crate::error::{Error, Result};
use search::SearchExpr;
use sql::{SqlContext, SqlPlan};

/// A query statement cut at its first top-level `|`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The search part (may be empty: all events).
    pub search: &'a str,
    /// Byte offset of the search part in the full text.
    pub search_offset: usize,
    /// The SQL part after the bar, if any.
    pub sql: Option<&'a str>,
    /// Byte offset of the SQL part in the full text.
    pub sql_offset: usize,
}

/// Splits a statement at the first `|` that is outside double quotes and parentheses, as SLS
/// does (a bar inside `"..."` is part of a search term).
pub fn split(text: &str) -> Statement<'_> {
    let mut in_quotes = false;
    let mut escaped = false;
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '(' if !in_quotes => depth += 1,
            ')' if !in_quotes => depth -= 1,
            '|' if !in_quotes && depth <= 0 => {
                return Statement {
                    search: &text[..i],
                    search_offset: 0,
                    sql: Some(&text[i + 1..]),
                    sql_offset: i + 1,
                }
            }
            _ => {}
        }
    }
    Statement {
        search: text,
        search_offset: 0,
        sql: None,
        sql_offset: text.len(),
    }
}

/// A query compiled onto a source of events.
pub struct Compiled {
    /// The parsed search part.
    pub search: SearchExpr,
    /// The events the search part matched (already within the time range of the source).
    pub matched: LazyFrame,
    /// The planned SQL part, if the statement had one.
    pub sql: Option<SqlPlan>,
}

/// Parses and plans `text` over `events`. Parse errors become [`Error::Query`] with a byte
/// position into `text`.
pub fn compile(text: &str, events: LazyFrame, ctx: &SqlContext) -> Result<Compiled> {
    let statement = split(text);
    let search = search::parse(statement.search).map_err(|e| Error::Query {
        query: text.to_string(),
        position: statement.search_offset + e.position,
        message: e.message,
    })?;
    let matched = if search.is_match_all() {
        events
    } else {
        events.filter(search.to_expr())
    };
    let sql = plan_sql_part(text, matched.clone(), ctx)?;
    Ok(Compiled {
        search,
        matched,
        sql,
    })
}

/// Plans the SQL part of `text` (if it has one) over `matched`, events the search part already
/// selected. Errors point into `text`.
pub fn plan_sql_part(text: &str, matched: LazyFrame, ctx: &SqlContext) -> Result<Option<SqlPlan>> {
    let statement = split(text);
    let Some(sql_text) = statement.sql else {
        return Ok(None);
    };
    sql::plan(sql_text, matched, ctx)
        .map(Some)
        .map_err(|e| Error::Query {
            query: text.to_string(),
            position: statement.sql_offset + e.position,
            message: e.message,
        })
}

/// Joins `exprs` with `op` as a balanced tree, so that n operands nest log2(n) deep instead of
/// n (polars walks expression trees recursively). `None` when there are no operands. The
/// operands keep their order: for an associative `op` the value is that of the left fold.
pub fn balanced(exprs: Vec<Expr>, op: fn(Expr, Expr) -> Expr) -> Option<Expr> {
    let mut level = exprs;
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut items = level.into_iter();
        while let Some(a) = items.next() {
            next.push(match items.next() {
                Some(b) => op(a, b),
                None => a,
            });
        }
        level = next;
    }
    level.pop()
}

/// A filter predicate with more top-level conjuncts than this is shielded (see
/// [`shield_conjunctions`]).
const SHIELD_FROM_CONJUNCTS: usize = 64;

/// Hides the top-level AND of a filter predicate with many conjuncts from polars' predicate
/// pushdown, which splits every conjunct out and chains them back one level each (a tree as
/// deep as the number of terms, planned in quadratic time: 400 search terms took 9 s and
/// 1 GB). The predicate is wrapped in an identity function, so it is pushed down whole, keeping
/// its balanced shape. Predicates with few conjuncts are returned as they are.
pub fn shield_conjunctions(predicate: Expr) -> Expr {
    if conjuncts(&predicate) <= SHIELD_FROM_CONJUNCTS {
        return predicate;
    }
    predicate.map_with_fmt_str(Ok, |_, field| Ok(field.clone()), "all_of")
}

/// How many operands the top-level AND of `e` has (counted without recursion).
fn conjuncts(e: &Expr) -> usize {
    let mut count = 0;
    let mut pending = vec![e];
    while let Some(node) = pending.pop() {
        match node {
            Expr::BinaryExpr {
                left,
                op: Operator::And | Operator::LogicalAnd,
                right,
            } => {
                pending.push(left);
                pending.push(right);
            }
            _ => count += 1,
        }
    }
    count
}

/// Runs several plans in one polars execution, so that the scans and filters they share are
/// done once (common subplan elimination).
pub fn collect_together(frames: Vec<LazyFrame>) -> Result<Vec<DataFrame>> {
    let plans = frames.into_iter().map(|f| f.logical_plan).collect();
    Ok(LazyFrame::collect_all_with_engine(
        plans,
        Engine::Auto,
        OptFlags::default(),
    )?)
}

/// A string column whose text is copied into buffers of its own, batch by batch as a streaming
/// scan produces them. A filtered string column still holds the whole buffers it was decoded
/// into (for `event`, several MB per file of which a match may use a few KB); compacting each
/// batch lets them be freed and reused while the scan goes on instead of piling up.
pub fn compacted(text: Expr) -> Expr {
    text.map(
        |c: Column| {
            let name = c.name().clone();
            let ca = c.take_materialized_series().str()?.clone();
            let arrays = ca.downcast_into_iter().map(|a| a.gc());
            Ok(StringChunked::from_chunk_iter(name, arrays).into_column())
        },
        |_, field| Ok(field.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_first_bar_outside_quotes_and_parens() {
        let s = split(r#""a|b" and x | select 1"#);
        assert_eq!(s.search, r#""a|b" and x "#);
        assert_eq!(s.sql, Some(" select 1"));
        assert_eq!(s.sql_offset, 13);
        let s = split("(a | b) | select 1");
        assert_eq!(s.search, "(a | b) ");
        let s = split("event.eventName: Decrypt");
        assert_eq!(s.sql, None);
        let s = split(r#""x\"|y" | select 2"#);
        assert_eq!(s.sql, Some(" select 2"));
    }

    #[test]
    fn compacting_keeps_values_and_drops_unused_buffer_bytes() {
        let long = |i: usize| format!("a value longer than twelve bytes #{i}");
        let values: Vec<Option<String>> =
            (0..100).map(|i| (i % 10 == 0).then(|| long(i))).collect();
        let column = Column::new("t".into(), values.clone());
        let df = DataFrame::new(100, vec![column]).unwrap();
        let kept = df
            .lazy()
            .filter(col("t").is_not_null())
            .select([compacted(col("t"))])
            .collect()
            .unwrap();
        let text = kept.column("t").unwrap().str().unwrap();
        let got: Vec<Option<&str>> = text.iter().collect();
        let want: Vec<Option<String>> = (0..10).map(|i| Some(long(i * 10))).collect();
        assert_eq!(got, want.iter().map(|v| v.as_deref()).collect::<Vec<_>>());
        let bytes: usize = text.downcast_iter().map(|a| a.total_buffer_len()).sum();
        assert_eq!(bytes, want.iter().flatten().map(String::len).sum::<usize>());
    }
}
