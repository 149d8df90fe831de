//! Time functions: `date_format`, `date_parse`, `date_trunc`, `from_unixtime`, `to_unixtime`,
//! `now`, `current_date`, `date_add`, `date_diff` and `time_series` (whose padding the planner
//! applies when it is the GROUP BY key). The calendar work is in [`crate::time::calendar`].

use polars::prelude::*;
use sqlparser::ast;

use super::super::args::{literal_text, Bigint, Call, DateFormat, Millis, Number, Varchar};
use super::super::cast::from_raw;
use super::super::errors::{at, PResult};
use super::super::expr::Compiler;
use super::super::functions::Func;
use super::super::types::{SqlType, Typed};
use super::super::udf::{self, row_udf, Out};
use super::{bigint, not_in_family, varchar};
use crate::time::calendar::{self, Unit};
use crate::time::{parse_duration, SLS_TIME_SERIES_UNITS};

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    let zone = call.zone();
    match call.func {
        Func::DateFormat => call.binary(|Millis(ms), DateFormat(fmt)| {
            varchar(row_udf(
                "date_format",
                vec![ms, fmt],
                DataType::String,
                move |row| {
                    let (Some(ms), Some(f)) = (udf::int(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Str(calendar::format_mysql(ms, f, &zone)))
                },
            ))
        }),
        Func::DateParse => {
            call.arity(2, 2)?;
            DateFormat::check(call.args[1])?;
            call.binary(|Varchar(text), DateFormat(fmt)| {
                let expr = row_udf("date_parse", vec![text, fmt], DataType::Int64, move |row| {
                    let (Some(t), Some(f)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    calendar::parse_mysql(t, f, &zone)
                        .map(Out::Int)
                        .ok_or_else(|| format!("cannot parse '{t}' with format '{f}'"))
                });
                from_raw(expr, SqlType::Timestamp)
            })
        }
        Func::DateTrunc => call.binary(|unit: Unit, Millis(ms)| {
            let expr = row_udf("date_trunc", vec![ms], DataType::Int64, move |row| {
                Ok(udf::int(&row[0])
                    .map_or(Out::Null, |ms| Out::Int(calendar::trunc(unit, ms, &zone))))
            });
            from_raw(expr, SqlType::Timestamp)
        }),
        Func::FromUnixtime => call.unary(|Number(t)| {
            let ms = match t.ty {
                SqlType::Double => (t.expr * lit(1000.0))
                    .round(0, RoundMode::HalfAwayFromZero)
                    .cast(DataType::Int64),
                _ => t.expr.cast(DataType::Int64) * lit(1000i64),
            };
            from_raw(ms, SqlType::Timestamp)
        }),
        Func::ToUnixtime => to_unixtime(call),
        Func::Now => {
            call.arity(0, 0)?;
            Ok(from_raw(lit(call.c.env.now * 1000), SqlType::Timestamp))
        }
        Func::CurrentDate => {
            call.arity(0, 0)?;
            let today = calendar::trunc(Unit::Day, call.c.env.now * 1000, &zone);
            Ok(from_raw(lit(today), SqlType::Date))
        }
        Func::DateAdd => date_add(call),
        Func::DateDiff => call.ternary(|unit: Unit, Millis(a), Millis(b)| {
            bigint(row_udf(
                "date_diff",
                vec![a, b],
                DataType::Int64,
                move |row| {
                    let (Some(a), Some(b)) = (udf::int(&row[0]), udf::int(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Int(calendar::diff(unit, a, b, &zone)))
                },
            ))
        }),
        Func::TimeSeries => {
            let spec = time_series_spec(call.c, call.args, call.e)?;
            Ok(varchar(time_series_label(spec.seconds, spec.fmt, zone)))
        }
        _ => not_in_family(call, "time"),
    }
}

/// `to_unixtime(ts)`: double seconds (numbers pass as they are).
fn to_unixtime(call: &mut Call) -> PResult<Typed> {
    call.arity(1, 1)?;
    let t: Typed = call.arg(0)?;
    let seconds = match t.ty {
        SqlType::Timestamp | SqlType::Date => {
            t.expr.cast(DataType::Int64).cast(DataType::Float64) / lit(1000.0)
        }
        SqlType::Bigint | SqlType::Double | SqlType::Unknown => t.expr.cast(DataType::Float64),
        other => {
            return Err(at(
                call.args[0],
                format!("to_unixtime expects a timestamp, found {other}"),
            ))
        }
    };
    Ok(Typed::new(seconds, SqlType::Double))
}

/// `date_add(unit, n, t)`: a date stays a date when the unit is a day or longer.
fn date_add(call: &mut Call) -> PResult<Typed> {
    call.arity(3, 3)?;
    let unit: Unit = call.arg(0)?;
    let Bigint(n) = call.arg(1)?;
    let t: Typed = call.arg(2)?;
    let sub_day = matches!(
        unit,
        Unit::Millisecond | Unit::Second | Unit::Minute | Unit::Hour
    );
    let ty = match t.ty {
        SqlType::Date if !sub_day => SqlType::Date,
        _ => SqlType::Timestamp,
    };
    let Millis(ms) = Millis::of(t, call.name, call.args[2])?;
    let zone = call.zone();
    let expr = row_udf("date_add", vec![n, ms], DataType::Int64, move |row| {
        let (Some(n), Some(ms)) = (udf::int(&row[0]), udf::int(&row[1])) else {
            return Ok(Out::Null);
        };
        calendar::add(unit, n, ms, &zone)
            .map(Out::Int)
            .ok_or_else(|| "result out of range".to_string())
    });
    Ok(from_raw(expr, ty))
}

/// The parts of a `time_series(time, window, format, padding)` call.
pub struct SeriesSpec {
    /// The bucket start of the time argument, in unix seconds.
    pub seconds: Expr,
    /// Window in seconds.
    pub window: i64,
    /// Label format (MySQL codes).
    pub fmt: String,
    /// Padding: `0`, `null`, `last`, `next` or `avg` (lowercase).
    pub padding: String,
}

/// A literal argument of `time_series`, or the error naming what it must be.
fn series_literal(x: &ast::Expr, what: &str) -> PResult<String> {
    literal_text(x).ok_or_else(|| at(x, format!("time_series: {what}")))
}

/// Checks and compiles the arguments of `time_series`.
pub fn time_series_spec(
    c: &mut Compiler,
    args: &[&ast::Expr],
    e: &ast::Expr,
) -> PResult<SeriesSpec> {
    if args.len() != 4 {
        return Err(at(
            e,
            format!("time_series expects 4 argument(s), got {}", args.len()),
        ));
    }
    let window_text = series_literal(args[1], "the window must be a literal such as '5m'")?;
    let window = parse_duration(&window_text, &SLS_TIME_SERIES_UNITS).map_err(|_| {
        at(
            args[1],
            format!("time_series: bad window '{window_text}' (use e.g. 30s, 5m, 1h, 1d)"),
        )
    })?;
    let fmt = series_literal(args[2], "the format must be a literal")?;
    calendar::check_format(&fmt).map_err(|m| at(args[2], m))?;
    let padding = series_literal(args[3], "the padding must be a literal")?.to_ascii_lowercase();
    if !["0", "null", "last", "next", "avg"].contains(&padding.as_str()) {
        return Err(at(
            args[3],
            "time_series: padding must be '0', 'null', 'last', 'next' or 'avg'",
        ));
    }
    let t = c.compile(args[0])?;
    let seconds = match t.ty {
        SqlType::Bigint => t.expr,
        SqlType::Timestamp | SqlType::Date => t.expr.cast(DataType::Int64) / lit(1000i64),
        other => {
            return Err(at(
                args[0],
                format!("time_series expects __time__, found {other}"),
            ))
        }
    };
    let zone = c.env.zone;
    let bucket = row_udf("time_bucket", vec![seconds], DataType::Int64, move |row| {
        Ok(udf::int(&row[0]).map_or(Out::Null, |t| {
            Out::Int(calendar::bucket_start(t, window, &zone))
        }))
    });
    Ok(SeriesSpec {
        seconds: bucket,
        window,
        fmt,
        padding,
    })
}

/// The label of a bucket start (unix seconds), formatted in the zone.
pub fn time_series_label(bucket: Expr, fmt: String, zone: crate::time::Zone) -> Expr {
    row_udf("time_series", vec![bucket], DataType::String, move |row| {
        Ok(udf::int(&row[0]).map_or(Out::Null, |t| {
            Out::Str(calendar::format_mysql(t * 1000, &fmt, &zone))
        }))
    })
}
