//! Rewrites a rule's SQL so that one run over all its matched events gives the result of every
//! window: the window start `__time__ - __time__ % width` is added to the select list (and to
//! GROUP BY when the statement aggregates), and LIMIT is taken out to be applied per window.
//! Only a single SELECT over `log` without subqueries, window functions (OVER) or
//! `time_series` is rewritten; for any other shape the caller runs the SQL window by window.

use sqlparser::ast::{self, Expr, GroupByExpr, SelectItem, SetExpr, Statement};
use sqlparser::dialect::GenericDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::query::sql::functions::Func;

/// The name of the added window-start column.
pub const WINDOW_COLUMN: &str = "__keytrail_window";

/// A rule's SQL rewritten to run once over all windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Windowed {
    /// The rewritten SQL part.
    pub sql: String,
    /// The statement aggregates without GROUP BY: every window yields one row even when its
    /// WHERE keeps no event, which the rewritten statement does not (it groups by window).
    pub global: bool,
    /// The statement's LIMIT as (offset, count), to apply to each window's rows.
    pub limit: Option<(u64, Option<u64>)>,
}

/// Rewrites `sql` (the part after `|`) for windows of `width` seconds, or None when its shape
/// is not known to give the same rows per window (see the module doc).
pub fn rewrite(sql: &str, width: i64) -> Option<Windowed> {
    let dialect = GenericDialect {};
    let tokens = Tokenizer::new(&dialect, sql).tokenize().ok()?;
    if !single_plain_select(&tokens) {
        return None;
    }
    let aggregated_calls = calls_an_aggregate(&tokens);
    let statement = Parser::new(&dialect)
        .try_with_sql(sql)
        .ok()?
        .parse_statement()
        .ok()?;
    let Statement::Query(mut query) = statement else {
        return None;
    };
    // Long operator chains are rebalanced before anything walks the tree; a statement nested
    // too deeply is left to the planner, which reports it.
    crate::query::sql::shape::shape(query.as_mut()).ok()?;
    if query.with.is_some() || query.fetch.is_some() || !query.pipe_operators.is_empty() {
        return None;
    }
    let limit = match query.limit_clause.take() {
        Some(clause) => Some(crate::query::sql::limit_offset(&clause).ok()?),
        None => None,
    };
    let SetExpr::Select(select) = query.body.as_mut() else {
        return None;
    };
    if !reads_only_log(&select.from) || select.top.is_some() || !select.named_window.is_empty() {
        return None;
    }
    if matches!(select.distinct, Some(ast::Distinct::On(_))) || has_alias(select, WINDOW_COLUMN) {
        return None;
    }
    let GroupByExpr::Expressions(keys, modifiers) = &mut select.group_by else {
        return None;
    };
    if !modifiers.is_empty() {
        return None;
    }
    let start = window_start(width)?;
    let aggregated = !keys.is_empty() || select.having.is_some() || aggregated_calls;
    let global = aggregated && keys.is_empty();
    if aggregated {
        keys.push(start.clone());
    }
    select.projection.push(SelectItem::ExprWithAlias {
        expr: start,
        alias: ast::Ident::new(WINDOW_COLUMN),
    });
    Some(Windowed {
        sql: query.to_string(),
        global,
        limit,
    })
}

/// Exactly one SELECT, and no OVER, `time_series` or grouping sets (which see across windows
/// or add rows).
fn single_plain_select(tokens: &[Token]) -> bool {
    let mut selects = 0;
    for t in tokens {
        if let Token::Word(w) = t {
            if w.quote_style.is_some() {
                continue;
            }
            match w.keyword {
                Keyword::SELECT => selects += 1,
                Keyword::OVER | Keyword::WINDOW | Keyword::QUALIFY => return false,
                _ if ["time_series", "rollup", "cube", "grouping"]
                    .iter()
                    .any(|n| w.value.eq_ignore_ascii_case(n)) =>
                {
                    return false
                }
                _ => {}
            }
        }
    }
    selects == 1
}

/// Whether an aggregate function is called anywhere (a name followed by `(`).
fn calls_an_aggregate(tokens: &[Token]) -> bool {
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    significant.windows(2).any(|pair| match pair {
        [Token::Word(w), Token::LParen] if w.quote_style.is_none() => {
            Func::lookup(&w.value).is_some_and(Func::is_aggregate)
        }
        _ => false,
    })
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
        SelectItem::ExprWithAlias { alias, .. } => alias.value.eq_ignore_ascii_case(name),
        _ => false,
    })
}

/// `__time__ - __time__ % width`: the epoch-aligned window start of non-negative times.
fn window_start(width: i64) -> Option<Expr> {
    let dialect = GenericDialect {};
    Parser::new(&dialect)
        .try_with_sql(&format!("__time__ - __time__ % {width}"))
        .ok()?
        .parse_expr()
        .ok()
}

/// Which rows of a result (in order) a per-window LIMIT keeps: `windows` holds each row's
/// window; a window's rows keep their relative order, as when it runs alone.
pub fn limit_mask(windows: &[i64], limit: (u64, Option<u64>)) -> Vec<bool> {
    let (offset, count) = limit;
    let mut seen: std::collections::HashMap<i64, u64> = std::collections::HashMap::new();
    windows
        .iter()
        .map(|w| {
            let position = seen.entry(*w).or_insert(0);
            let keep = *position >= offset && count.is_none_or(|c| *position < offset + c);
            *position += 1;
            keep
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_statements_group_by_window_too() {
        let w = rewrite(
            r#" select "event.sourceIpAddress" as ip, count(1) as cnt from log where "event.errorCode" is null group by ip order by cnt desc limit 10000"#,
            1800,
        )
        .unwrap();
        assert_eq!(
            w.sql,
            r#"SELECT "event.sourceIpAddress" AS ip, count(1) AS cnt, __time__ - __time__ % 1800 AS __keytrail_window FROM log WHERE "event.errorCode" IS NULL GROUP BY ip, __time__ - __time__ % 1800 ORDER BY cnt DESC"#
        );
        assert!(!w.global);
        assert_eq!(w.limit, Some((0, Some(10000))));
    }

    #[test]
    fn global_aggregates_and_plain_selects() {
        let w = rewrite("select count(1) as cnt where x = 'select'", 60).unwrap();
        assert!(w.global);
        assert!(
            w.sql.ends_with("GROUP BY __time__ - __time__ % 60"),
            "{}",
            w.sql
        );
        let w = rewrite(r#"select "event.eventName" as n limit 2, 3"#, 60).unwrap();
        assert!(!w.global);
        assert!(!w.sql.contains("GROUP BY"), "{}", w.sql);
        assert_eq!(w.limit, Some((2, Some(3))));
        let w = rewrite("select distinct a having count(1) > 2", 60).unwrap();
        assert!(w.global);
    }

    #[test]
    fn shapes_that_see_across_windows_are_not_rewritten() {
        for sql in [
            "select a, row_number() over (order by a) as r",
            "select count(1) as c from (select a from log)",
            "with t as (select a from log) select count(1) as c from t",
            "select a, (select count(1) from log) as total",
            "select time_series(__time__, '1m', '%H:%i', '0') as t, count(1) as c group by t",
            "select a from log union select b from log",
            "select count(1) as __keytrail_window",
            "select a limit x",
            "select a from other",
            "select count(1) as c group by rollup(a)",
            "not sql at all (",
        ] {
            assert_eq!(rewrite(sql, 60), None, "{sql}");
        }
    }

    #[test]
    fn a_limit_applies_to_each_window() {
        let windows = [0, 60, 0, 0, 60, 0];
        assert_eq!(
            limit_mask(&windows, (0, Some(2))),
            vec![true, true, true, false, true, false]
        );
        assert_eq!(
            limit_mask(&windows, (1, Some(1))),
            vec![false, false, true, false, true, false]
        );
        assert_eq!(
            limit_mask(&windows, (1, None)),
            vec![false, false, true, true, true, true]
        );
    }
}
