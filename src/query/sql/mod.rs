//! The SLS analytic SQL statement (after the `|`): parsed with sqlparser and planned onto a
//! polars LazyFrame with SLS/Presto semantics (implicit `FROM log`, `LIMIT offset, n`, the
//! default of 100 rows, GROUP BY aliases and ordinals, MySQL-style date codes, UTC+8-style
//! session zones, bigint `__time__` accepted by the time functions).
//!
//! Decisions where SLS is silent or where an offline engine must differ (all tested):
//! - `ip_to_domain` is computed offline: private, loopback, link-local, 100.64/10, unique-local
//!   IPv6 and anything that is not an IP address (ActionTrail's `Internal`, service names) is
//!   `intranet`; other IPs are `internet` (IPv4-mapped IPv6 is read as IPv4).
//!   `ip_to_country/country_code/province/city/provider/geo` answer from the `--geoip`
//!   databases ([`crate::geoip`]), once per distinct value of the column; without one they
//!   return NULL with a note saying how to add one.
//! - `approx_distinct` is exact (with a note). `arbitrary` is the first non-NULL value met.
//! - `date_trunc` returns a timestamp (also for bigint input), truncated in the session zone.
//! - `arr[i]` out of range and `x / 0` give NULL instead of failing the query; `json_extract`
//!   on text that is not JSON gives NULL. A failing CAST aborts the query, except inside CASE
//!   and IF branches (polars evaluates every branch on every row), where it gives NULL.
//! - GROUP BY names resolve to select-list aliases first (so `COALESCE(a, b) AS a ... GROUP BY
//!   a` groups by the expression), then to input columns.
//! - `time_series` pads missing buckets between the first and the last one (epoch-aligned;
//!   day windows align to local midnight) when it is the only GROUP BY key.
//! - Output: timestamps render as `YYYY-MM-DD HH:MM:SS.mmm` in the session zone, arrays and
//!   maps as JSON text; ties keep input order (stable group-by and sort).
mod aggregate;
mod args;
mod cast;
pub(crate) mod errors;
mod expr;
mod facts;
pub mod functions;
mod geo;
mod plan;
mod scalar;
pub(crate) mod shape;
pub(crate) mod syntax;
mod types;
mod udf;
mod window;

use std::cell::RefCell;

use polars::prelude::*;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

pub use errors::SqlError;
pub use facts::{OutputColumn, PlanFacts, Source};
pub use types::SqlType;
pub use window::WINDOW_COLUMN;

use crate::time::calendar;
use expr::{Env, Scope};
use plan::Planner;

/// Rows SLS returns when a statement has no LIMIT.
pub const DEFAULT_LIMIT: usize = 100;

/// Settings of one SQL run.
#[derive(Debug, Clone, Copy)]
pub struct SqlContext {
    /// Session time zone: formatting, truncation and parsing of times.
    pub zone: crate::time::Zone,
    /// Unix seconds used for `now()` / `current_date`.
    pub now: i64,
    /// The GeoIP/ASN databases behind `ip_to_country` and the others (`--geoip`); None: they
    /// return NULL with a note.
    pub geoip: Option<&'static crate::geoip::GeoIp>,
}

/// A planned statement.
pub struct SqlPlan {
    /// The result rows. Column types: Int64 (bigint), Float64 (double), Boolean, String
    /// (varchar; JSON and maps as JSON text; timestamps as `YYYY-MM-DD HH:MM:SS.mmm` and dates
    /// as `YYYY-MM-DD` in the session zone; arrays as JSON arrays).
    pub frame: LazyFrame,
    /// `Some(100)` when the statement had no LIMIT: the frame is NOT cut; the caller takes
    /// limit+1 rows to know whether rows were cut.
    pub default_limit: Option<usize>,
    /// Notes for the user, e.g. "approx_distinct computed exactly".
    pub notes: Vec<String>,
    /// The SQL type of each output column, in order.
    pub types: Vec<(String, SqlType)>,
    /// The stored columns read and where each output column comes from.
    pub facts: PlanFacts,
}

/// A parsed statement, to be planned over events once or many times.
pub struct Parsed {
    /// The statement as given (errors point into it).
    text: String,
    /// The statement, with what [`preprocess`] fixed.
    query: sqlparser::ast::Query,
    /// Notes of [`preprocess`].
    notes: Vec<String>,
}

/// Parses `sql` (the part after `|`).
pub fn parse(sql: &str) -> Result<Parsed, SqlError> {
    let (text, notes) = preprocess(sql);
    Ok(Parsed {
        text: sql.to_string(),
        query: parse_query(&text)?,
        notes,
    })
}

/// Parses and plans `sql` over `events` (the store columns, already filtered by the search
/// part and the time range).
pub fn plan(sql: &str, events: LazyFrame, ctx: &SqlContext) -> Result<SqlPlan, SqlError> {
    parse(sql)?.plan(events, ctx)
}

impl Parsed {
    /// Plans the statement over `events` (the store columns, already filtered by the search
    /// part and the time range).
    pub fn plan(&self, events: LazyFrame, ctx: &SqlContext) -> Result<SqlPlan, SqlError> {
        self.plan_query(&self.query, events, ctx)
    }

    /// The parsed statement (after the SLS rewrites).
    pub fn query(&self) -> &sqlparser::ast::Query {
        &self.query
    }

    /// What the statement reads and gives, found by planning it over no events.
    pub fn facts(&self, ctx: &SqlContext) -> Result<PlanFacts, SqlError> {
        Ok(self.plan(LazyFrame::default(), ctx)?.facts)
    }

    /// Plans `query` (this statement or a rewrite of it) over `events`.
    fn plan_query(
        &self,
        query: &sqlparser::ast::Query,
        events: LazyFrame,
        ctx: &SqlContext,
    ) -> Result<SqlPlan, SqlError> {
        let env = Env {
            zone: ctx.zone,
            now: ctx.now,
            notes: RefCell::new(Vec::new()),
            geoip: ctx.geoip,
            reads: RefCell::new(Vec::new()),
        };
        let mut planner = Planner::new(&env, events);
        let (relation, has_limit) = planner
            .query(query)
            .map_err(|e| errors::finish(&self.text, e))?;
        let Scope::Columns { columns, .. } = relation.scope else {
            return Err(SqlError {
                position: 0,
                message: "the statement selects nothing".into(),
            });
        };
        let zone = ctx.zone;
        let display: Vec<Expr> = columns
            .iter()
            .map(|c| {
                display_expr(col(c.frame_name.as_str()), &c.ty, zone).alias(c.frame_name.as_str())
            })
            .collect();
        let mut notes = self.notes.clone();
        notes.extend(env.notes.borrow().iter().cloned());
        let facts = PlanFacts {
            columns_read: env.reads.take(),
            outputs: columns
                .iter()
                .map(|c| OutputColumn {
                    name: c.frame_name.clone(),
                    source: c.source.clone(),
                })
                .collect(),
        };
        Ok(SqlPlan {
            frame: relation.frame.select(display),
            default_limit: (!has_limit).then_some(DEFAULT_LIMIT),
            notes,
            types: columns
                .iter()
                .map(|c| (c.frame_name.clone(), c.ty.clone()))
                .collect(),
            facts,
        })
    }
}

/// The polars plan of a planned statement, as text.
pub fn explain(plan: &SqlPlan) -> String {
    plan.frame
        .describe_plan()
        .unwrap_or_else(|e| format!("cannot describe the plan: {e}"))
}

/// How an output column is shown: timestamps and arrays become text.
fn display_expr(e: Expr, ty: &SqlType, zone: crate::time::Zone) -> Expr {
    match ty {
        SqlType::Timestamp | SqlType::Date => {
            let date_only = *ty == SqlType::Date;
            udf::row_udf(
                "display",
                vec![e.cast(DataType::Int64)],
                DataType::String,
                move |row| {
                    Ok(udf::int(&row[0]).map_or(udf::Out::Null, |ms| {
                        udf::Out::Str(if date_only {
                            calendar::format_date(ms, &zone)
                        } else {
                            calendar::format_timestamp(ms, &zone)
                        })
                    }))
                },
            )
        }
        SqlType::Array(_) => {
            udf::row_udf("display", vec![e], DataType::String, |row| match &row[0] {
                AnyValue::List(items) => Ok(udf::Out::Str(udf::any_array_json(items))),
                _ => Ok(udf::Out::Null),
            })
        }
        _ => e,
    }
}

/// Fixes what published SLS queries contain but sqlparser rejects, keeping byte offsets:
/// `! =` (a typesetting artifact of `!=`) outside quotes.
pub(crate) fn preprocess(sql: &str) -> (String, Vec<String>) {
    let bytes = sql.as_bytes();
    let mut out = sql.to_string().into_bytes();
    let mut notes = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'!' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                    j += 1;
                }
                if j > i + 1 && j < bytes.len() && bytes[j] == b'=' {
                    out[i + 1] = b'=';
                    for byte in out.iter_mut().take(j + 1).skip(i + 2) {
                        *byte = b' ';
                    }
                    notes.push(format!("read '! =' at byte {i} as '!='"));
                    i = j;
                }
            }
            None => {}
        }
        i += 1;
    }
    (
        String::from_utf8(out).unwrap_or_else(|_| sql.to_string()),
        notes,
    )
}

/// How deeply sqlparser may recurse (nested parentheses, subqueries, calls, unary operators):
/// its default, stated here so the error can name it.
const RECURSION_LIMIT: usize = 50;

pub(crate) fn parse_query(sql: &str) -> Result<sqlparser::ast::Query, SqlError> {
    let dialect = GenericDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)
        .map_err(|e| errors::from_parser(sql, &e.to_string()))?;
    let mut statement = match parser.parse_statement() {
        Ok(statement) => statement,
        Err(sqlparser::parser::ParserError::RecursionLimitExceeded) => {
            let next = parser.peek_token();
            return Err(SqlError {
                position: errors::byte_offset(sql, next.span.start.line, next.span.start.column),
                message: format!(
                    "syntax error: nested more than {RECURSION_LIMIT} levels deep (parentheses, \
                     subqueries, function calls or unary operators)"
                ),
            });
        }
        Err(e) => return Err(errors::from_parser(sql, &e.to_string())),
    };
    shape::shape(&mut statement).map_err(|e| errors::finish(sql, e))?;
    while parser.consume_token(&sqlparser::tokenizer::Token::SemiColon) {}
    if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
        let next = parser.peek_token();
        let position = errors::byte_offset(sql, next.span.start.line, next.span.start.column);
        return Err(SqlError {
            position,
            message: format!(
                "syntax error: unexpected '{}' after the statement",
                next.token
            ),
        });
    }
    match statement {
        sqlparser::ast::Statement::Query(q) => Ok(*q),
        _ => Err(SqlError {
            position: 0,
            message: "the SQL part must be a SELECT statement".into(),
        }),
    }
}

#[cfg(test)]
mod tests;
