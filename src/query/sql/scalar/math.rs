//! Math functions: `round` (half away from zero), `floor`, `ceil` and `abs`.

use polars::prelude::*;
use sqlparser::ast;

use super::super::args::{literal_text, Call, Number};
use super::super::errors::{at, PResult};
use super::super::functions::Func;
use super::super::types::{SqlType, Typed};
use super::super::udf::{self, row_udf, Out};
use super::not_in_family;

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::Round => round(call),
        Func::Floor | Func::Ceil => {
            call.arity(1, 1)?;
            let t: Typed = call.arg(0)?;
            rounding(t, call.func == Func::Ceil, call.name, call.args[0])
        }
        Func::Abs => call.unary(|Number(t)| Typed::new(t.expr.abs(), t.ty)),
        _ => not_in_family(call, "math"),
    }
}

/// `round(x[, digits])`: digits must be an integer literal; a bigint with digits >= 0 stays.
fn round(call: &mut Call) -> PResult<Typed> {
    call.arity(1, 2)?;
    let Number(t) = call.arg(0)?;
    let digits = match call.args.get(1) {
        Some(d) => literal_text(d)
            .or_else(|| Some(d.to_string()))
            .and_then(|x| x.parse::<i64>().ok())
            .ok_or_else(|| at(*d, "round: the number of digits must be an integer literal"))?,
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

/// `ceil(t)` (`up`) or `floor(t)` of the compiled argument `x` of `name`: bigints stay.
pub fn rounding(t: Typed, up: bool, name: &str, x: &ast::Expr) -> PResult<Typed> {
    match t.ty {
        SqlType::Bigint => Ok(t),
        SqlType::Double => Ok(Typed::new(
            if up { t.expr.ceil() } else { t.expr.floor() },
            SqlType::Double,
        )),
        SqlType::Unknown => Ok(Typed::null(SqlType::Double)),
        other => Err(at(x, format!("{name} cannot be applied to {other}"))),
    }
}
