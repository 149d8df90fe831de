//! Plans a statement for detection windows: one run over the events of many windows gives, for
//! each window, the rows the statement gives over that window's events alone, each naming its
//! window in [`WINDOW_COLUMN`]. On the parsed statement, the window start
//! `__time__ - __time__ % width` is added to the select list (and to GROUP BY when the
//! statement aggregates); LIMIT is applied to each window's rows; a global aggregate also gives
//! its row over no events for each window whose WHERE keeps none. Only a single SELECT over
//! `log` without subqueries, window functions (OVER), `time_series` or grouping sets is planned
//! so. The window starts are epoch-aligned for non-negative times only.

use std::ops::ControlFlow;

use polars::prelude::*;
use sqlparser::ast::{self, Visit, Visitor};

use super::plan::{aggregates, order_items};
use super::syntax::{function_name, limit_offset};
use super::{Parsed, SqlContext, SqlError, SqlPlan};

/// The name of the window-start column.
pub const WINDOW_COLUMN: &str = "__keytrail_window";

/// A statement changed to run once over all windows.
struct Rewritten {
    /// The statement grouped by (or selecting) the window start, without its LIMIT.
    query: ast::Query,
    /// The statement aggregates without GROUP BY: every window yields its row even when its
    /// WHERE keeps no event, which grouping by the window does not give.
    global: bool,
    /// The statement's LIMIT as (offset, count), to apply to each window's rows.
    limit: Option<(u64, Option<u64>)>,
}

impl Parsed {
    /// Plans the statement over `events` for windows of `width` seconds (see the module doc),
    /// or None when its shape is not known to give the same rows per window; the caller then
    /// plans it window by window.
    pub fn plan_windowed(
        &self,
        events: LazyFrame,
        ctx: &SqlContext,
        width: i64,
    ) -> Result<Option<SqlPlan>, SqlError> {
        let Some(rewritten) = rewrite(&self.query, width) else {
            return Ok(None);
        };
        let mut plan = self.plan_query(&rewritten.query, events.clone(), ctx)?;
        if rewritten.global {
            plan.frame = self.fill_empty_windows(plan.frame, &rewritten.query, events, ctx)?;
        }
        if let Some(limit) = rewritten.limit {
            plan.frame = plan
                .frame
                .filter(kept_by_limit(limit).map_err(polars_error)?);
        }
        Ok(Some(plan))
    }

    /// Appends to `result` (a global aggregate grouped by window), for each window of `events`
    /// whose WHERE keeps no event, the rows the statement gives over no events.
    fn fill_empty_windows(
        &self,
        result: LazyFrame,
        windowed: &ast::Query,
        events: LazyFrame,
        ctx: &SqlContext,
    ) -> Result<LazyFrame, SqlError> {
        let ast::SetExpr::Select(select) = windowed.body.as_ref() else {
            return Ok(result);
        };
        if select.selection.is_none() {
            return Ok(result);
        }
        let windows = |selection: Option<ast::Expr>| -> Result<LazyFrame, SqlError> {
            let query = window_starts(windowed, select, selection);
            Ok(self.plan_query(&query, events.clone(), ctx)?.frame)
        };
        let all = windows(None)?;
        let kept = windows(select.selection.clone())?;
        let missing = all.join(
            kept,
            [col(WINDOW_COLUMN)],
            [col(WINDOW_COLUMN)],
            JoinArgs::new(JoinType::Anti),
        );
        let over_none = self.plan(events.slice(0, 0), ctx)?.frame;
        let filler = over_none.cross_join(missing, None);
        concat([result, filler], UnionArgs::default()).map_err(polars_error)
    }
}

/// Whether a row is among those a LIMIT of (offset, count) keeps of its window's rows, in
/// order.
fn kept_by_limit((offset, count): (u64, Option<u64>)) -> PolarsResult<Expr> {
    let position = int_range(lit(0i64), len().cast(DataType::Int64), 1, DataType::Int64)
        .over([col(WINDOW_COLUMN)])?;
    let bound = |n: u64| lit(i64::try_from(n).unwrap_or(i64::MAX));
    let from = position.clone().gt_eq(bound(offset));
    Ok(match count {
        Some(count) => from.and(position.lt(bound(offset.saturating_add(count)))),
        None => from,
    })
}

fn polars_error(e: PolarsError) -> SqlError {
    SqlError {
        position: 0,
        message: e.to_string(),
    }
}

/// `SELECT <window start> AS __keytrail_window FROM log [WHERE selection] GROUP BY <window
/// start>` from the windowed SELECT `select` of `windowed`.
fn window_starts(
    windowed: &ast::Query,
    select: &ast::Select,
    selection: Option<ast::Expr>,
) -> ast::Query {
    let start = select
        .projection
        .iter()
        .find_map(|item| match item {
            ast::SelectItem::ExprWithAlias { expr, alias } if alias.value == WINDOW_COLUMN => {
                Some(expr.clone())
            }
            _ => None,
        })
        .expect("the windowed select names the window start");
    let mut select = select.clone();
    select.projection = vec![ast::SelectItem::ExprWithAlias {
        expr: start.clone(),
        alias: ast::Ident::new(WINDOW_COLUMN),
    }];
    select.selection = selection;
    select.group_by = ast::GroupByExpr::Expressions(vec![start], Vec::new());
    select.having = None;
    select.distinct = None;
    let mut query = windowed.clone();
    query.body = Box::new(ast::SetExpr::Select(Box::new(select)));
    query.order_by = None;
    query.limit_clause = None;
    query
}

/// The statement grouped by window, or None when its shape is not known to give the same rows
/// per window (see the module doc).
fn rewrite(parsed: &ast::Query, width: i64) -> Option<Rewritten> {
    if parsed.with.is_some() || parsed.fetch.is_some() || !parsed.pipe_operators.is_empty() {
        return None;
    }
    if !single_plain_select(parsed) {
        return None;
    }
    let mut query = parsed.clone();
    let limit = match query.limit_clause.take() {
        Some(clause) => Some(limit_offset(&clause).ok()?),
        None => None,
    };
    let order = order_items(query.order_by.as_ref()).ok()?;
    let ast::SetExpr::Select(select) = parsed.body.as_ref() else {
        return None;
    };
    let aggregated = aggregates(select, &order);
    let ast::SetExpr::Select(select) = query.body.as_mut() else {
        return None;
    };
    if !reads_only_log(&select.from) || select.top.is_some() || !select.named_window.is_empty() {
        return None;
    }
    if select.qualify.is_some()
        || matches!(select.distinct, Some(ast::Distinct::On(_)))
        || has_alias(select, WINDOW_COLUMN)
    {
        return None;
    }
    let ast::GroupByExpr::Expressions(keys, modifiers) = &mut select.group_by else {
        return None;
    };
    if !modifiers.is_empty() {
        return None;
    }
    let start = window_start(width);
    let global = aggregated && keys.is_empty();
    if aggregated {
        keys.push(start.clone());
    }
    select.projection.push(ast::SelectItem::ExprWithAlias {
        expr: start,
        alias: ast::Ident::new(WINDOW_COLUMN),
    });
    Some(Rewritten {
        query,
        global,
        limit,
    })
}

/// Exactly one SELECT, and no OVER, `time_series`, `grouping()` or grouping sets (which see
/// across windows or add rows).
fn single_plain_select(query: &ast::Query) -> bool {
    struct Shape {
        queries: usize,
    }
    impl Visitor for Shape {
        type Break = ();
        fn pre_visit_query(&mut self, _query: &ast::Query) -> ControlFlow<()> {
            self.queries += 1;
            match self.queries {
                1 => ControlFlow::Continue(()),
                _ => ControlFlow::Break(()),
            }
        }
        fn pre_visit_expr(&mut self, expr: &ast::Expr) -> ControlFlow<()> {
            let plain = match expr {
                ast::Expr::Function(f) => {
                    f.over.is_none()
                        && !function_name(f).is_some_and(|n| {
                            n.eq_ignore_ascii_case("time_series")
                                || n.eq_ignore_ascii_case("grouping")
                        })
                }
                ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_) => false,
                _ => true,
            };
            match plain {
                true => ControlFlow::Continue(()),
                false => ControlFlow::Break(()),
            }
        }
    }
    let mut shape = Shape { queries: 0 };
    query.visit(&mut shape).is_continue()
}

/// No FROM, or FROM log (any alias), without joins.
fn reads_only_log(from: &[ast::TableWithJoins]) -> bool {
    match from {
        [] => true,
        [only] => {
            only.joins.is_empty()
                && matches!(&only.relation, ast::TableFactor::Table { name, args: None, .. }
                    if name.to_string().trim_matches('"').eq_ignore_ascii_case("log"))
        }
        _ => false,
    }
}

fn has_alias(select: &ast::Select, name: &str) -> bool {
    select.projection.iter().any(|item| match item {
        ast::SelectItem::ExprWithAlias { alias, .. } => alias.value.eq_ignore_ascii_case(name),
        _ => false,
    })
}

/// `__time__ - __time__ % width`: the epoch-aligned window start of non-negative times.
fn window_start(width: i64) -> ast::Expr {
    let time = || {
        Box::new(ast::Expr::Identifier(ast::Ident::new(
            crate::event::schema::TIME,
        )))
    };
    let width = ast::Expr::value(ast::Value::Number(width.to_string(), false));
    ast::Expr::BinaryOp {
        left: time(),
        op: ast::BinaryOperator::Minus,
        right: Box::new(ast::Expr::BinaryOp {
            left: time(),
            op: ast::BinaryOperator::Modulo,
            right: Box::new(width),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(sql: &str, width: i64) -> Option<Rewritten> {
        let parsed = super::super::parse(sql).ok()?;
        rewrite(&parsed.query, width)
    }

    #[test]
    fn grouped_statements_group_by_window_too() {
        let w = rewritten(
            r#" select "event.sourceIpAddress" as ip, count(1) as cnt from log where "event.errorCode" is null group by ip order by cnt desc limit 10000"#,
            1800,
        )
        .unwrap();
        assert_eq!(
            w.query.to_string(),
            r#"SELECT "event.sourceIpAddress" AS ip, count(1) AS cnt, __time__ - __time__ % 1800 AS __keytrail_window FROM log WHERE "event.errorCode" IS NULL GROUP BY ip, __time__ - __time__ % 1800 ORDER BY cnt DESC"#
        );
        assert!(!w.global);
        assert_eq!(w.limit, Some((0, Some(10000))));
    }

    #[test]
    fn global_aggregates_and_plain_selects() {
        let w = rewritten("select count(1) as cnt where x = 'select'", 60).unwrap();
        assert!(w.global);
        let text = w.query.to_string();
        assert!(
            text.ends_with("GROUP BY __time__ - __time__ % 60"),
            "{text}"
        );
        let w = rewritten(r#"select "event.eventName" as n limit 2, 3"#, 60).unwrap();
        assert!(!w.global);
        assert!(!w.query.to_string().contains("GROUP BY"), "{}", w.query);
        assert_eq!(w.limit, Some((2, Some(3))));
        let w = rewritten("select distinct a having count(1) > 2", 60).unwrap();
        assert!(w.global);
        let w = rewritten("select a order by max(b)", 60).unwrap();
        assert!(w.global);
    }

    #[test]
    fn shapes_that_see_across_windows_are_not_rewritten() {
        for sql in [
            "select a, row_number() over (order by a) as r",
            "select count(1) as c from (select a from log)",
            "with t as (select a from log) select count(1) as c from t",
            "select a, (select count(1) from log) as total",
            "select a where a in (select b from log)",
            "select time_series(__time__, '1m', '%H:%i', '0') as t, count(1) as c group by t",
            "select a from log union select b from log",
            "select count(1) as __keytrail_window",
            "select a limit x",
            "select a from other",
            "select count(1) as c group by rollup(a)",
            "select a, grouping(a) as g group by a",
            "select a, count(1) as c group by a qualify c > 1",
        ] {
            assert!(rewritten(sql, 60).is_none(), "{sql}");
        }
    }

    fn ctx() -> SqlContext {
        SqlContext {
            zone: Default::default(),
            now: 0,
            geoip: None,
        }
    }

    /// Events at `times` with event names `names`, in a frame of the store's columns.
    fn events(rows: &[(i64, &str)]) -> LazyFrame {
        let mut columns = Vec::new();
        for name in crate::event::schema::columns() {
            let column = match name.as_str() {
                crate::event::schema::TIME => {
                    Column::new(name.into(), rows.iter().map(|r| r.0).collect::<Vec<_>>())
                }
                "event.eventName" => {
                    Column::new(name.into(), rows.iter().map(|r| r.1).collect::<Vec<_>>())
                }
                _ => Column::full_null(name.into(), rows.len(), &DataType::String),
            };
            columns.push(column);
        }
        DataFrame::new(rows.len(), columns).unwrap().lazy()
    }

    fn run(sql: &str, rows: &[(i64, &str)]) -> Vec<String> {
        let plan = super::super::parse(sql)
            .unwrap()
            .plan_windowed(events(rows), &ctx(), 60)
            .unwrap()
            .unwrap();
        let df = plan.frame.collect().unwrap();
        (0..df.height())
            .map(|i| {
                let row: Vec<String> = df
                    .columns()
                    .iter()
                    .map(|c| c.get(i).unwrap().to_string())
                    .collect();
                row.join(" ")
            })
            .collect()
    }

    #[test]
    fn a_limit_keeps_each_windows_first_rows_in_order() {
        let rows = [(0, "a"), (1, "b"), (61, "c"), (2, "d"), (62, "e"), (3, "f")];
        let sql = r#"select "event.eventName" as n limit 1, 2"#;
        assert_eq!(run(sql, &rows), vec![r#""b" 0"#, r#""d" 0"#, r#""e" 60"#]);
        let sql =
            r#"select "event.eventName" as n, count(1) as c group by n order by n desc limit 1"#;
        assert_eq!(run(sql, &rows), vec![r#""f" 1 0"#, r#""e" 1 60"#]);
    }

    #[test]
    fn a_global_aggregate_fills_the_windows_its_where_empties() {
        let rows = [(0, "a"), (61, "b"), (62, "a"), (130, "b")];
        let sql =
            r#"select count(1) as c, max("event.eventName") as m where "event.eventName" = 'a'"#;
        assert_eq!(
            run(sql, &rows),
            vec![r#"1 "a" 0"#, r#"1 "a" 60"#, "0 null 120"]
        );
        // HAVING rejects window 60 (two events); the count over no events passes it, but a
        // window whose WHERE kept events is not filled.
        let sql = "select count(1) as c where __time__ < 100 having count(1) < 2";
        assert_eq!(run(sql, &rows), vec!["1 0", "0 120"]);
    }
}
