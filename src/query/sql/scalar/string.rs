//! String functions: `lower`, `upper`, `length`, `trim`/`ltrim`/`rtrim`, `reverse`, `replace`,
//! `substr`, `strpos`, `split`, `split_part`, `concat` and `starts_with`.

use polars::prelude::*;

use super::super::args::{literal_text, Bigint, Call, Varchar};
use super::super::errors::{at, PResult};
use super::super::functions::Func;
use super::super::types::{SqlType, Typed};
use super::super::udf::{self, row_udf, Out};
use super::{bigint, boolean, not_in_family, varchar};

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::Lower => call.unary(|Varchar(x)| varchar(x.str().to_lowercase())),
        Func::Upper => call.unary(|Varchar(x)| varchar(x.str().to_uppercase())),
        Func::Length => call.unary(|Varchar(x)| bigint(x.str().len_chars().cast(DataType::Int64))),
        Func::Trim => call.unary(|Varchar(x)| varchar(x.str().strip_chars(lit(NULL)))),
        Func::Ltrim => call.unary(|Varchar(x)| varchar(x.str().strip_chars_start(lit(NULL)))),
        Func::Rtrim => call.unary(|Varchar(x)| varchar(x.str().strip_chars_end(lit(NULL)))),
        Func::Reverse => call.unary(|Varchar(x)| {
            varchar(row_udf("reverse", vec![x], DataType::String, |row| {
                Ok(udf::text(&row[0]).map_or(Out::Null, |t| Out::Str(t.chars().rev().collect())))
            }))
        }),
        Func::Replace => replace(call),
        Func::Substr => {
            call.arity(2, 3)?;
            let (Varchar(s), Bigint(start)) = (call.arg(0)?, call.arg(1)?);
            let mut xs = vec![s, start];
            if let Some(Bigint(len)) = call.optional(2)? {
                xs.push(len);
            }
            Ok(varchar(substr_udf(xs)))
        }
        Func::Strpos => {
            call.binary(|Varchar(hay), Varchar(needle)| bigint(strpos_udf(hay, needle)))
        }
        Func::Split => split(call),
        Func::SplitPart => call.ternary(|Varchar(s), Varchar(d), Bigint(i)| {
            varchar(row_udf(
                "split_part",
                vec![s, d, i],
                DataType::String,
                |row| {
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
                },
            ))
        }),
        Func::Concat => concat(call),
        Func::StartsWith => call.binary(|Varchar(s), Varchar(prefix)| {
            boolean(row_udf(
                "starts_with",
                vec![s, prefix],
                DataType::Boolean,
                |row| {
                    let (Some(t), Some(p)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Bool(t.starts_with(p)))
                },
            ))
        }),
        _ => not_in_family(call, "string"),
    }
}

/// `replace(s, from[, to])`: every occurrence; an empty `from` changes nothing.
fn replace(call: &mut Call) -> PResult<Typed> {
    call.arity(2, 3)?;
    let (Varchar(s), Varchar(from)) = (call.arg(0)?, call.arg(1)?);
    let mut xs = vec![s, from];
    if let Some(Varchar(to)) = call.optional(2)? {
        xs.push(to);
    }
    Ok(varchar(row_udf("replace", xs, DataType::String, |row| {
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

/// `split(s, d[, limit])`: native for a literal non-empty delimiter without a limit.
fn split(call: &mut Call) -> PResult<Typed> {
    call.arity(2, 3)?;
    let array = SqlType::Array(Box::new(SqlType::Varchar));
    let native = call.args.len() == 2 && literal_text(call.args[1]).is_some_and(|d| !d.is_empty());
    let (Varchar(s), Varchar(d)) = (call.arg(0)?, call.arg(1)?);
    if native {
        return Ok(Typed::new(s.str().split(d), array));
    }
    let mut xs = vec![s, d];
    if let Some(Bigint(limit)) = call.optional(2)? {
        xs.push(limit);
    }
    let list = DataType::List(Box::new(DataType::String));
    let expr = row_udf("split", xs, list, |row| {
        let (Some(t), Some(d)) = (udf::text(&row[0]), udf::text(&row[1])) else {
            return Ok(Out::Null);
        };
        let limit = row.get(2).and_then(udf::int).map(|n| n.max(0) as usize);
        Ok(Out::StrList(udf::split(t, d, limit)))
    });
    Ok(Typed::new(expr, array))
}

/// `concat(a, b, ...)`: numbers and booleans as text; NULL when any argument is NULL.
fn concat(call: &mut Call) -> PResult<Typed> {
    if call.args.is_empty() {
        return Err(at(call.e, "concat expects at least one argument"));
    }
    let mut xs = Vec::new();
    for i in 0..call.args.len() {
        let t: Typed = call.arg(i)?;
        xs.push(match t.ty {
            SqlType::Varchar | SqlType::Json | SqlType::Map => t.expr,
            SqlType::Unknown | SqlType::Bigint | SqlType::Double | SqlType::Boolean => {
                t.expr.cast(DataType::String)
            }
            other => return Err(at(call.args[i], format!("concat cannot take {other}"))),
        });
    }
    Ok(varchar(concat_str(xs, "", false)))
}

/// `substr(s, start[, len])` as a row function.
pub fn substr_udf(args: Vec<Expr>) -> Expr {
    row_udf("substr", args, DataType::String, |row| {
        let (Some(s), Some(start)) = (udf::text(&row[0]), udf::int(&row[1])) else {
            return Ok(Out::Null);
        };
        let len = match row.get(2) {
            Some(v) if v.is_null() => return Ok(Out::Null),
            Some(v) => udf::int(v),
            None => None,
        };
        Ok(Out::Str(udf::substr(s, start, len)))
    })
}

/// `strpos(s, sub)` as a row function.
pub fn strpos_udf(hay: Expr, needle: Expr) -> Expr {
    row_udf("strpos", vec![hay, needle], DataType::Int64, |row| {
        let (Some(s), Some(n)) = (udf::text(&row[0]), udf::text(&row[1])) else {
            return Ok(Out::Null);
        };
        Ok(Out::Int(udf::strpos(s, n)))
    })
}
