//! Scalar SQL functions: argument checks and their polars form (native where polars has
//! the exact semantics, row functions from [`super::udf`] elsewhere).

use std::sync::Arc;

use polars::prelude::*;
use sqlparser::ast;

use super::errors::{at, PResult};
use super::expr::{literal_arg, millis_of, require, strpos_udf, substr_udf, typed_raw, Compiler};
use super::functions::Func;
use super::types::{SqlType, Typed};
use super::udf::{self, row_udf, Out, PathStep};
use crate::time::calendar::{self, Unit};
use crate::time::{parse_duration, SLS_TIME_SERIES_UNITS};

fn arity(name: &str, args: &[&ast::Expr], min: usize, max: usize, e: &ast::Expr) -> PResult<()> {
    if args.len() < min || args.len() > max {
        let expected = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(at(
            e,
            format!("{name} expects {expected} argument(s), got {}", args.len()),
        ));
    }
    Ok(())
}

fn unit_arg(x: &ast::Expr, name: &str) -> PResult<Unit> {
    let text = literal_arg(x).ok_or_else(|| {
        at(
            x,
            format!("{name}: the unit must be a literal such as 'hour'"),
        )
    })?;
    Unit::parse(&text).ok_or_else(|| {
        at(x, format!("{name}: unknown unit '{text}' (use second, minute, hour, day, week, month, quarter or year)"))
    })
}

/// A regex compiled once when the pattern is a literal.
enum Pattern {
    Fixed(Arc<regex::Regex>),
    Dynamic,
}

fn pattern_arg(c: &mut Compiler, x: &ast::Expr) -> PResult<(Pattern, Expr)> {
    let expr = varchar(c, x)?;
    match literal_arg(x) {
        Some(p) => {
            let re = regex::Regex::new(&p)
                .map_err(|m| at(x, format!("invalid regular expression: {m}")))?;
            Ok((Pattern::Fixed(Arc::new(re)), expr))
        }
        None => Ok((Pattern::Dynamic, expr)),
    }
}

fn regex_at(pattern: &Pattern, value: &AnyValue) -> Result<Option<Arc<regex::Regex>>, String> {
    match pattern {
        Pattern::Fixed(re) => Ok(Some(re.clone())),
        Pattern::Dynamic => match udf::text(value) {
            Some(p) => regex::Regex::new(p)
                .map(|r| Some(Arc::new(r)))
                .map_err(|m| m.to_string()),
            None => Ok(None),
        },
    }
}

fn varchar(c: &mut Compiler, x: &ast::Expr) -> PResult<Expr> {
    let t = c.compile(x)?;
    match t.ty {
        SqlType::Varchar | SqlType::Json | SqlType::Map => Ok(t.expr),
        SqlType::Unknown => Ok(lit(NULL).cast(DataType::String)),
        other => Err(at(
            x,
            format!("expected varchar, found {other}; use cast(... as varchar)"),
        )),
    }
}

fn bigint(c: &mut Compiler, x: &ast::Expr) -> PResult<Expr> {
    let t = c.compile(x)?;
    match t.ty {
        SqlType::Bigint => Ok(t.expr),
        SqlType::Unknown => Ok(lit(NULL).cast(DataType::Int64)),
        other => Err(at(x, format!("expected bigint, found {other}"))),
    }
}

fn array(c: &mut Compiler, x: &ast::Expr) -> PResult<Typed> {
    let t = c.compile(x)?;
    match t.ty {
        SqlType::Array(_) => Ok(t),
        SqlType::Unknown => Ok(Typed::null(SqlType::Array(Box::new(SqlType::Varchar)))),
        other => Err(at(x, format!("expected an array, found {other}"))),
    }
}

/// Common type of several arguments (for coalesce/if/nullif).
fn unify(c: &mut Compiler, args: &[&ast::Expr], branches: bool) -> PResult<(Vec<Typed>, SqlType)> {
    let mut typed = Vec::new();
    let mut ty = SqlType::Unknown;
    for x in args {
        let t = if branches {
            c.branch(x)?
        } else {
            c.compile(x)?
        };
        ty = SqlType::common(&ty, &t.ty).ok_or_else(|| {
            at(
                *x,
                format!(
                    "all arguments must have the same type: found {ty} and {}",
                    t.ty
                ),
            )
        })?;
        typed.push(t);
    }
    Ok((typed, ty))
}

fn json_path_arg(c: &mut Compiler, x: &ast::Expr) -> PResult<(Option<Vec<PathStep>>, Expr)> {
    let expr = varchar(c, x)?;
    match literal_arg(x) {
        Some(p) => Ok((Some(udf::parse_path(&p).map_err(|m| at(x, m))?), expr)),
        None => Ok((None, expr)),
    }
}

fn json_udf(
    name: &'static str,
    doc: Expr,
    path: (Option<Vec<PathStep>>, Expr),
    pick: fn(&serde_json::Value) -> Option<String>,
) -> Expr {
    let (fixed, path_expr) = path;
    let hint = fixed.as_deref().and_then(udf::key_hint);
    row_udf(name, vec![doc, path_expr], DataType::String, move |row| {
        let doc = udf::text(&row[0]);
        if let Some(steps) = &fixed {
            return Ok(udf::json_leaf_hinted(doc, steps, hint.as_ref(), pick));
        }
        match udf::text(&row[1]).map(udf::parse_path) {
            Some(Ok(steps)) => Ok(udf::json_leaf(doc, &steps, pick)),
            _ => Ok(Out::Null),
        }
    })
}

/// Plans a scalar function call.
pub fn call(
    c: &mut Compiler,
    func: Func,
    name: &str,
    args: &[&ast::Expr],
    e: &ast::Expr,
) -> PResult<Typed> {
    let zone = c.env.zone;
    let s = |t: Expr| Typed::new(t, SqlType::Varchar);
    match func {
        Func::DateFormat => {
            arity(name, args, 2, 2, e)?;
            let ms = millis_of(c, args[0], name)?;
            if let Some(fmt) = literal_arg(args[1]) {
                calendar::check_format(&fmt).map_err(|m| at(args[1], m))?;
            }
            let fmt = varchar(c, args[1])?;
            Ok(s(row_udf(
                "date_format",
                vec![ms, fmt],
                DataType::String,
                move |row| {
                    let (Some(ms), Some(f)) = (udf::int(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Str(calendar::format_mysql(ms, f, &zone)))
                },
            )))
        }
        Func::DateParse => {
            arity(name, args, 2, 2, e)?;
            if let Some(fmt) = literal_arg(args[1]) {
                calendar::check_format(&fmt).map_err(|m| at(args[1], m))?;
            }
            let text = varchar(c, args[0])?;
            let fmt = varchar(c, args[1])?;
            let expr = row_udf("date_parse", vec![text, fmt], DataType::Int64, move |row| {
                let (Some(t), Some(f)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                    return Ok(Out::Null);
                };
                calendar::parse_mysql(t, f, &zone)
                    .map(Out::Int)
                    .ok_or_else(|| format!("cannot parse '{t}' with format '{f}'"))
            });
            Ok(typed_raw(expr, SqlType::Timestamp))
        }
        Func::DateTrunc => {
            arity(name, args, 2, 2, e)?;
            let unit = unit_arg(args[0], name)?;
            let ms = millis_of(c, args[1], name)?;
            let expr = row_udf("date_trunc", vec![ms], DataType::Int64, move |row| {
                Ok(udf::int(&row[0])
                    .map_or(Out::Null, |ms| Out::Int(calendar::trunc(unit, ms, &zone))))
            });
            Ok(typed_raw(expr, SqlType::Timestamp))
        }
        Func::FromUnixtime => {
            arity(name, args, 1, 1, e)?;
            let t = c.compile(args[0])?;
            require(&t, &[SqlType::Bigint, SqlType::Double], name, e)?;
            let ms = match t.ty {
                SqlType::Double => (t.expr * lit(1000.0))
                    .round(0, RoundMode::HalfAwayFromZero)
                    .cast(DataType::Int64),
                _ => t.expr.cast(DataType::Int64) * lit(1000i64),
            };
            Ok(typed_raw(ms, SqlType::Timestamp))
        }
        Func::ToUnixtime => {
            arity(name, args, 1, 1, e)?;
            let t = c.compile(args[0])?;
            let seconds = match t.ty {
                SqlType::Timestamp | SqlType::Date => {
                    t.expr.cast(DataType::Int64).cast(DataType::Float64) / lit(1000.0)
                }
                SqlType::Bigint | SqlType::Double | SqlType::Unknown => {
                    t.expr.cast(DataType::Float64)
                }
                other => {
                    return Err(at(
                        args[0],
                        format!("to_unixtime expects a timestamp, found {other}"),
                    ))
                }
            };
            Ok(Typed::new(seconds, SqlType::Double))
        }
        Func::Now => {
            arity(name, args, 0, 0, e)?;
            Ok(typed_raw(lit(c.env.now * 1000), SqlType::Timestamp))
        }
        Func::CurrentDate => {
            arity(name, args, 0, 0, e)?;
            Ok(typed_raw(
                lit(calendar::trunc(Unit::Day, c.env.now * 1000, &zone)),
                SqlType::Date,
            ))
        }
        Func::DateAdd => {
            arity(name, args, 3, 3, e)?;
            let unit = unit_arg(args[0], name)?;
            let n = bigint(c, args[1])?;
            let ty = match c.compile(args[2])?.ty {
                SqlType::Date
                    if !matches!(
                        unit,
                        Unit::Millisecond | Unit::Second | Unit::Minute | Unit::Hour
                    ) =>
                {
                    SqlType::Date
                }
                _ => SqlType::Timestamp,
            };
            let ms = millis_of(c, args[2], name)?;
            let expr = row_udf("date_add", vec![n, ms], DataType::Int64, move |row| {
                let (Some(n), Some(ms)) = (udf::int(&row[0]), udf::int(&row[1])) else {
                    return Ok(Out::Null);
                };
                calendar::add(unit, n, ms, &zone)
                    .map(Out::Int)
                    .ok_or_else(|| "result out of range".to_string())
            });
            Ok(typed_raw(expr, ty))
        }
        Func::DateDiff => {
            arity(name, args, 3, 3, e)?;
            let unit = unit_arg(args[0], name)?;
            let a = millis_of(c, args[1], name)?;
            let b = millis_of(c, args[2], name)?;
            let expr = row_udf("date_diff", vec![a, b], DataType::Int64, move |row| {
                let (Some(a), Some(b)) = (udf::int(&row[0]), udf::int(&row[1])) else {
                    return Ok(Out::Null);
                };
                Ok(Out::Int(calendar::diff(unit, a, b, &zone)))
            });
            Ok(Typed::new(expr, SqlType::Bigint))
        }
        Func::TimeSeries => {
            let spec = time_series_spec(c, args, e)?;
            Ok(s(time_series_label(
                spec.seconds,
                spec.window,
                spec.fmt,
                zone,
            )))
        }
        Func::Lower | Func::Upper => {
            arity(name, args, 1, 1, e)?;
            let x = varchar(c, args[0])?;
            Ok(s(if func == Func::Lower {
                x.str().to_lowercase()
            } else {
                x.str().to_uppercase()
            }))
        }
        Func::Length => {
            arity(name, args, 1, 1, e)?;
            Ok(Typed::new(
                varchar(c, args[0])?.str().len_chars().cast(DataType::Int64),
                SqlType::Bigint,
            ))
        }
        Func::Trim | Func::Ltrim | Func::Rtrim => {
            arity(name, args, 1, 1, e)?;
            let x = varchar(c, args[0])?.str();
            Ok(s(match func {
                Func::Ltrim => x.strip_chars_start(lit(NULL)),
                Func::Rtrim => x.strip_chars_end(lit(NULL)),
                _ => x.strip_chars(lit(NULL)),
            }))
        }
        Func::Reverse => {
            arity(name, args, 1, 1, e)?;
            let x = varchar(c, args[0])?;
            Ok(s(row_udf("reverse", vec![x], DataType::String, |row| {
                Ok(udf::text(&row[0]).map_or(Out::Null, |t| Out::Str(t.chars().rev().collect())))
            })))
        }
        Func::Replace => {
            arity(name, args, 2, 3, e)?;
            let mut xs = vec![varchar(c, args[0])?, varchar(c, args[1])?];
            if let Some(to) = args.get(2) {
                xs.push(varchar(c, to)?);
            }
            Ok(s(row_udf("replace", xs, DataType::String, |row| {
                let (Some(t), Some(from)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                    return Ok(Out::Null);
                };
                let to = match row.get(2) {
                    Some(v) => match udf::text(v) {
                        Some(t) => t,
                        None => return Ok(Out::Null),
                    },
                    None => "",
                };
                Ok(Out::Str(if from.is_empty() {
                    t.to_string()
                } else {
                    t.replace(from, to)
                }))
            })))
        }
        Func::Substr => {
            arity(name, args, 2, 3, e)?;
            let mut xs = vec![varchar(c, args[0])?, bigint(c, args[1])?];
            if let Some(len) = args.get(2) {
                xs.push(bigint(c, len)?);
            }
            Ok(s(substr_udf(xs)))
        }
        Func::Strpos => {
            arity(name, args, 2, 2, e)?;
            let hay = varchar(c, args[0])?;
            let needle = varchar(c, args[1])?;
            Ok(Typed::new(strpos_udf(hay, needle), SqlType::Bigint))
        }
        Func::Split => {
            arity(name, args, 2, 3, e)?;
            let native = args.len() == 2 && literal_arg(args[1]).is_some_and(|d| !d.is_empty());
            if native {
                let text = varchar(c, args[0])?;
                let delimiter = varchar(c, args[1])?;
                let array = SqlType::Array(Box::new(SqlType::Varchar));
                return Ok(Typed::new(text.str().split(delimiter), array));
            }
            let mut xs = vec![varchar(c, args[0])?, varchar(c, args[1])?];
            if let Some(limit) = args.get(2) {
                xs.push(bigint(c, limit)?);
            }
            let expr = row_udf(
                "split",
                xs,
                DataType::List(Box::new(DataType::String)),
                |row| {
                    let (Some(t), Some(d)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    let limit = row.get(2).and_then(udf::int).map(|n| n.max(0) as usize);
                    Ok(Out::StrList(udf::split(t, d, limit)))
                },
            );
            Ok(Typed::new(expr, SqlType::Array(Box::new(SqlType::Varchar))))
        }
        Func::SplitPart => {
            arity(name, args, 3, 3, e)?;
            let xs = vec![
                varchar(c, args[0])?,
                varchar(c, args[1])?,
                bigint(c, args[2])?,
            ];
            Ok(s(row_udf("split_part", xs, DataType::String, |row| {
                let (Some(t), Some(d), Some(i)) =
                    (udf::text(&row[0]), udf::text(&row[1]), udf::int(&row[2]))
                else {
                    return Ok(Out::Null);
                };
                if i < 1 {
                    return Err(format!("index must be greater than zero, got {i}"));
                }
                let parts = udf::split(t, d, None);
                Ok(parts
                    .get(i as usize - 1)
                    .cloned()
                    .flatten()
                    .map_or(Out::Null, Out::Str))
            })))
        }
        Func::Concat => {
            if args.is_empty() {
                return Err(at(e, "concat expects at least one argument"));
            }
            let mut xs = Vec::new();
            for x in args {
                let t = c.compile(x)?;
                xs.push(match t.ty {
                    SqlType::Varchar | SqlType::Json | SqlType::Map => t.expr,
                    SqlType::Unknown | SqlType::Bigint | SqlType::Double | SqlType::Boolean => {
                        t.expr.cast(DataType::String)
                    }
                    other => return Err(at(*x, format!("concat cannot take {other}"))),
                });
            }
            Ok(s(concat_str(xs, "", false)))
        }
        Func::StartsWith => {
            arity(name, args, 2, 2, e)?;
            let xs = vec![varchar(c, args[0])?, varchar(c, args[1])?];
            Ok(Typed::new(
                row_udf("starts_with", xs, DataType::Boolean, |row| {
                    let (Some(t), Some(p)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Bool(t.starts_with(p)))
                }),
                SqlType::Boolean,
            ))
        }
        Func::RegexpExtract => {
            arity(name, args, 2, 3, e)?;
            let text = varchar(c, args[0])?;
            let (pattern, pexpr) = pattern_arg(c, args[1])?;
            let mut xs = vec![text, pexpr];
            if let Some(g) = args.get(2) {
                xs.push(bigint(c, g)?);
            }
            Ok(s(row_udf(
                "regexp_extract",
                xs,
                DataType::String,
                move |row| {
                    let Some(t) = udf::text(&row[0]) else {
                        return Ok(Out::Null);
                    };
                    let Some(re) = regex_at(&pattern, &row[1])? else {
                        return Ok(Out::Null);
                    };
                    let group = row.get(2).and_then(udf::int).unwrap_or(0).max(0) as usize;
                    if group >= re.captures_len() {
                        return Err(format!("pattern has no group {group}"));
                    }
                    Ok(re
                        .captures(t)
                        .and_then(|caps| caps.get(group).map(|m| Out::Str(m.as_str().to_string())))
                        .unwrap_or(Out::Null))
                },
            )))
        }
        Func::RegexpLike => {
            arity(name, args, 2, 2, e)?;
            let text = varchar(c, args[0])?;
            let (pattern, pexpr) = pattern_arg(c, args[1])?;
            let expr = row_udf(
                "regexp_like",
                vec![text, pexpr],
                DataType::Boolean,
                move |row| {
                    let Some(t) = udf::text(&row[0]) else {
                        return Ok(Out::Null);
                    };
                    let Some(re) = regex_at(&pattern, &row[1])? else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Bool(re.is_match(t)))
                },
            );
            Ok(Typed::new(expr, SqlType::Boolean))
        }
        Func::RegexpReplace => {
            arity(name, args, 2, 3, e)?;
            let text = varchar(c, args[0])?;
            let (pattern, pexpr) = pattern_arg(c, args[1])?;
            let mut xs = vec![text, pexpr];
            if let Some(rep) = args.get(2) {
                xs.push(varchar(c, rep)?);
            }
            Ok(s(row_udf(
                "regexp_replace",
                xs,
                DataType::String,
                move |row| {
                    let Some(t) = udf::text(&row[0]) else {
                        return Ok(Out::Null);
                    };
                    let Some(re) = regex_at(&pattern, &row[1])? else {
                        return Ok(Out::Null);
                    };
                    let rep = match row.get(2) {
                        Some(v) => match udf::text(v) {
                            Some(r) => r,
                            None => return Ok(Out::Null),
                        },
                        None => "",
                    };
                    Ok(Out::Str(re.replace_all(t, rep).into_owned()))
                },
            )))
        }
        Func::JsonExtract | Func::JsonExtractScalar => {
            arity(name, args, 2, 2, e)?;
            let doc = varchar(c, args[0])?;
            let path = json_path_arg(c, args[1])?;
            if func == Func::JsonExtract {
                Ok(Typed::new(
                    json_udf("json_extract", doc, path, udf::json_value_text),
                    SqlType::Json,
                ))
            } else {
                Ok(s(json_udf(
                    "json_extract_scalar",
                    doc,
                    path,
                    udf::scalar_text,
                )))
            }
        }
        Func::JsonArrayLength => {
            arity(name, args, 1, 1, e)?;
            let doc = varchar(c, args[0])?;
            let expr = row_udf("json_array_length", vec![doc], DataType::Int64, |row| {
                let parsed = udf::text(&row[0])
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
                Ok(parsed
                    .and_then(|v| v.as_array().map(|a| Out::Int(a.len() as i64)))
                    .unwrap_or(Out::Null))
            });
            Ok(Typed::new(expr, SqlType::Bigint))
        }
        Func::ArrayPosition | Func::Contains => {
            arity(name, args, 2, 2, e)?;
            let arr = array(c, args[0])?;
            let needle = c.compile(args[1])?;
            let needle = match needle.ty {
                SqlType::Varchar | SqlType::Unknown => needle.expr.cast(DataType::String),
                SqlType::Bigint | SqlType::Double | SqlType::Boolean => {
                    needle.expr.cast(DataType::String)
                }
                other => return Err(at(args[1], format!("{name} cannot look for {other}"))),
            };
            let position = func == Func::ArrayPosition;
            let out = if position {
                DataType::Int64
            } else {
                DataType::Boolean
            };
            let expr = row_udf("array_position", vec![arr.expr, needle], out, move |row| {
                let (Some(items), Some(n)) = (udf::texts(&row[0]), udf::text(&row[1])) else {
                    return Ok(Out::Null);
                };
                let p = udf::array_position(&items, n);
                Ok(if position {
                    Out::Int(p)
                } else {
                    Out::Bool(p > 0)
                })
            });
            Ok(Typed::new(
                expr,
                if position {
                    SqlType::Bigint
                } else {
                    SqlType::Boolean
                },
            ))
        }
        Func::Cardinality => {
            arity(name, args, 1, 1, e)?;
            let arr = array(c, args[0])?;
            Ok(Typed::new(
                arr.expr.list().len().cast(DataType::Int64),
                SqlType::Bigint,
            ))
        }
        Func::ElementAt => {
            arity(name, args, 2, 2, e)?;
            let subscript = ast::Expr::CompoundFieldAccess {
                root: Box::new(args[0].clone()),
                access_chain: vec![ast::AccessExpr::Subscript(ast::Subscript::Index {
                    index: args[1].clone(),
                })],
            };
            c.compile(&subscript)
        }
        Func::Round => {
            arity(name, args, 1, 2, e)?;
            let t = c.compile(args[0])?;
            require(&t, &[SqlType::Bigint, SqlType::Double], name, e)?;
            let digits = match args.get(1) {
                Some(d) => literal_arg(d)
                    .or_else(|| Some(d.to_string()))
                    .and_then(|x| x.parse::<i64>().ok())
                    .ok_or_else(|| {
                        at(*d, "round: the number of digits must be an integer literal")
                    })?,
                None => 0,
            };
            if t.ty == SqlType::Bigint && digits >= 0 {
                return Ok(t);
            }
            let expr = row_udf(
                "round",
                vec![t.expr.cast(DataType::Float64)],
                DataType::Float64,
                move |row| {
                    let Some(x) = udf::float(&row[0]) else {
                        return Ok(Out::Null);
                    };
                    let scale = 10f64.powi(digits as i32);
                    Ok(Out::Float((x * scale).round() / scale))
                },
            );
            Ok(Typed::new(expr, SqlType::Double))
        }
        Func::Floor | Func::Ceil => {
            arity(name, args, 1, 1, e)?;
            let t = c.compile(args[0])?;
            match t.ty {
                SqlType::Bigint => Ok(t),
                SqlType::Double => Ok(Typed::new(
                    if func == Func::Ceil {
                        t.expr.ceil()
                    } else {
                        t.expr.floor()
                    },
                    SqlType::Double,
                )),
                SqlType::Unknown => Ok(Typed::null(SqlType::Double)),
                other => Err(at(args[0], format!("{name} cannot be applied to {other}"))),
            }
        }
        Func::Abs => {
            arity(name, args, 1, 1, e)?;
            let t = c.compile(args[0])?;
            require(&t, &[SqlType::Bigint, SqlType::Double], name, e)?;
            Ok(Typed::new(t.expr.abs(), t.ty))
        }
        Func::If => {
            arity(name, args, 2, 3, e)?;
            let cond = c.boolean(args[0])?;
            let (typed, ty) = unify(c, &args[1..], true)?;
            let mut it = typed.into_iter();
            let then = it
                .next()
                .map(|t| t.coerce(&ty))
                .unwrap_or_else(|| lit(NULL));
            let otherwise = it
                .next()
                .map(|t| t.coerce(&ty))
                .unwrap_or_else(|| lit(NULL).cast(ty.dtype()));
            Ok(Typed::new(when(cond).then(then).otherwise(otherwise), ty))
        }
        Func::Coalesce => {
            if args.is_empty() {
                return Err(at(e, "coalesce expects at least one argument"));
            }
            let (typed, ty) = unify(c, args, false)?;
            let exprs: Vec<Expr> = typed.into_iter().map(|t| t.coerce(&ty)).collect();
            let mut chain: Option<Expr> = None;
            for x in exprs.into_iter().rev() {
                chain = Some(match chain {
                    None => x,
                    Some(rest) => when(x.clone().is_not_null()).then(x).otherwise(rest),
                });
            }
            Ok(Typed::new(chain.unwrap_or_else(|| lit(NULL)), ty))
        }
        Func::Nullif => {
            arity(name, args, 2, 2, e)?;
            let (typed, ty) = unify(c, args, false)?;
            let mut it = typed.into_iter().map(|t| t.coerce(&ty));
            let (a, b) = (
                it.next().unwrap_or_else(|| lit(NULL)),
                it.next().unwrap_or_else(|| lit(NULL)),
            );
            let equal = a.clone().eq(b).fill_null(lit(false));
            Ok(Typed::new(
                when(equal).then(lit(NULL).cast(ty.dtype())).otherwise(a),
                ty,
            ))
        }
        Func::IpToDomain => {
            arity(name, args, 1, 1, e)?;
            let ip = varchar(c, args[0])?;
            Ok(s(row_udf(
                "ip_to_domain",
                vec![ip],
                DataType::String,
                |row| {
                    Ok(udf::text(&row[0])
                        .map_or(Out::Null, |t| Out::Str(udf::ip_domain(t).to_string())))
                },
            )))
        }
        Func::IpToCountry
        | Func::IpToCountryCode
        | Func::IpToProvince
        | Func::IpToCity
        | Func::IpToProvider
        | Func::IpToGeo => {
            arity(name, args, 1, 2, e)?;
            let ip = varchar(c, args[0])?;
            let field = super::geo::field(c, func, name, args)?;
            Ok(s(super::geo::lookup(c, ip, field, name)))
        }
        other => Err(at(e, format!("{other:?} is an aggregate function"))),
    }
}

/// The parts of a `time_series(time, window, format, padding)` call.
pub struct SeriesSpec {
    /// Unix seconds of the time argument.
    pub seconds: Expr,
    /// Window in seconds.
    pub window: i64,
    /// Label format (MySQL codes).
    pub fmt: String,
    /// Padding: `0`, `null`, `last`, `next` or `avg` (lowercase).
    pub padding: String,
}

/// Checks and compiles the arguments of `time_series`.
pub fn time_series_spec(
    c: &mut Compiler,
    args: &[&ast::Expr],
    e: &ast::Expr,
) -> PResult<SeriesSpec> {
    arity("time_series", args, 4, 4, e)?;
    let window_text = literal_arg(args[1]).ok_or_else(|| {
        at(
            args[1],
            "time_series: the window must be a literal such as '5m'",
        )
    })?;
    let window = parse_duration(&window_text, &SLS_TIME_SERIES_UNITS).map_err(|_| {
        at(
            args[1],
            format!("time_series: bad window '{window_text}' (use e.g. 30s, 5m, 1h, 1d)"),
        )
    })?;
    let fmt = literal_arg(args[2])
        .ok_or_else(|| at(args[2], "time_series: the format must be a literal"))?;
    calendar::check_format(&fmt).map_err(|m| at(args[2], m))?;
    let padding = literal_arg(args[3])
        .ok_or_else(|| at(args[3], "time_series: the padding must be a literal"))?
        .to_ascii_lowercase();
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
pub fn time_series_label(bucket: Expr, _window: i64, fmt: String, zone: crate::time::Zone) -> Expr {
    row_udf("time_series", vec![bucket], DataType::String, move |row| {
        Ok(udf::int(&row[0]).map_or(Out::Null, |t| {
            Out::Str(calendar::format_mysql(t * 1000, &fmt, &zone))
        }))
    })
}
