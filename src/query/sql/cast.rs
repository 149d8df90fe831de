//! CAST and TRY_CAST: the SQL type names a CAST accepts, the conversion of one value between
//! SQL types with Presto's rules, and how row functions hand temporal values back (unix
//! milliseconds that become polars datetimes).

use polars::prelude::*;
use sqlparser::ast::{self, CastKind, Value as SqlValue};

use super::errors::{at, PResult};
use super::expr::Compiler;
use super::types::{SqlType, Typed};
use super::udf::{self, row_udf, Out};
use crate::time::calendar;
use crate::time::Zone;

/// Maps a CAST target to a SQL type.
fn cast_target(dt: &ast::DataType) -> Option<SqlType> {
    let text = dt.to_string().to_ascii_lowercase();
    let base = text.split(['(', ' ']).next().unwrap_or("");
    Some(match base {
        "bigint" | "int" | "integer" | "smallint" | "tinyint" | "int64" => SqlType::Bigint,
        "double" | "float" | "real" | "decimal" | "numeric" => SqlType::Double,
        "varchar" | "char" | "string" | "text" => SqlType::Varchar,
        "boolean" | "bool" => SqlType::Boolean,
        "timestamp" => SqlType::Timestamp,
        "date" => SqlType::Date,
        "json" => SqlType::Json,
        _ => return None,
    })
}

/// Converts one value between SQL types (`Err` when the value cannot be converted).
fn cast_value(v: &AnyValue, from: &SqlType, to: &SqlType, zone: &Zone) -> Result<Out, String> {
    use SqlType::*;
    if v.is_null() {
        return Ok(Out::Null);
    }
    let fail = || format!("cannot cast {from} '{}' to {to}", v.str_value());
    match from {
        Varchar | Map | Unknown => from_text(udf::text(v).unwrap_or_default(), to, zone, fail),
        Json => from_json(udf::text(v).unwrap_or_default(), to, fail),
        Bigint => {
            let i = udf::int(v).ok_or_else(fail)?;
            match to {
                Double => Ok(Out::Float(i as f64)),
                Varchar | Json => Ok(Out::Str(i.to_string())),
                Boolean => Ok(Out::Bool(i != 0)),
                _ => Err(fail()),
            }
        }
        Double => {
            let f = udf::float(v).ok_or_else(fail)?;
            match to {
                Bigint if f.is_finite() && f.abs() < 9.2e18 => Ok(Out::Int(f.round() as i64)),
                Varchar | Json => Ok(Out::Str(udf::double_text(f))),
                Boolean => Ok(Out::Bool(f != 0.0)),
                _ => Err(fail()),
            }
        }
        Boolean => {
            let b = udf::boolean(v).ok_or_else(fail)?;
            match to {
                Bigint => Ok(Out::Int(b as i64)),
                Double => Ok(Out::Float(b as i64 as f64)),
                Varchar | Json => Ok(Out::Str(b.to_string())),
                _ => Err(fail()),
            }
        }
        Timestamp | Date => {
            let ms = udf::int(v).ok_or_else(fail)?;
            match to {
                Varchar if *from == Date => Ok(Out::Str(calendar::format_date(ms, zone))),
                Varchar => Ok(Out::Str(calendar::format_timestamp(ms, zone))),
                Date => Ok(Out::Int(calendar::trunc(calendar::Unit::Day, ms, zone))),
                Timestamp => Ok(Out::Int(ms)),
                _ => Err(fail()),
            }
        }
        Array(_) => match (to, v) {
            (Json | Varchar, AnyValue::List(s)) => Ok(Out::Str(udf::any_array_json(s))),
            _ => Err(fail()),
        },
    }
}

/// Converts text (varchar, a map's JSON text, NULL's type) to `to`.
fn from_text(s: &str, to: &SqlType, zone: &Zone, fail: impl Fn() -> String) -> Result<Out, String> {
    use SqlType::*;
    match to {
        Bigint => s.trim().parse::<i64>().map(Out::Int).map_err(|_| fail()),
        Double => s.trim().parse::<f64>().map(Out::Float).map_err(|_| fail()),
        Boolean => udf::parse_bool(s).map(Out::Bool).ok_or_else(fail),
        Timestamp => calendar::parse_timestamp_text(s, zone)
            .map(Out::Int)
            .ok_or_else(fail),
        Date => calendar::parse_timestamp_text(s, zone)
            .map(|ms| Out::Int(calendar::trunc(calendar::Unit::Day, ms, zone)))
            .ok_or_else(fail),
        Json => Ok(Out::Str(
            serde_json::Value::String(s.to_string()).to_string(),
        )),
        _ => Ok(Out::Str(s.to_string())),
    }
}

/// Converts JSON text to `to`: JSON null is NULL, scalars convert as Presto converts them.
fn from_json(s: &str, to: &SqlType, fail: impl Fn() -> String) -> Result<Out, String> {
    use serde_json::Value as J;
    use SqlType::*;
    let value: J = serde_json::from_str(s).map_err(|_| fail())?;
    match (to, &value) {
        (_, J::Null) => Ok(Out::Null),
        (Varchar, J::String(x)) => Ok(Out::Str(x.clone())),
        (Varchar, J::Number(_) | J::Bool(_)) => Ok(Out::Str(value.to_string())),
        (Bigint, J::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Out::Int)
            .ok_or_else(fail),
        (Bigint, J::String(x)) => x.trim().parse().map(Out::Int).map_err(|_| fail()),
        (Bigint, J::Bool(b)) => Ok(Out::Int(*b as i64)),
        (Double, J::Number(n)) => n.as_f64().map(Out::Float).ok_or_else(fail),
        (Double, J::String(x)) => x.trim().parse().map(Out::Float).map_err(|_| fail()),
        (Boolean, J::Bool(b)) => Ok(Out::Bool(*b)),
        (Boolean, J::String(x)) => udf::parse_bool(x).map(Out::Bool).ok_or_else(fail),
        (Boolean, J::Number(n)) => Ok(Out::Bool(n.as_f64() != Some(0.0))),
        _ => Err(fail()),
    }
}

/// The polars dtype a row function returns for a SQL type (timestamps as Int64 ms).
fn raw_dtype(ty: &SqlType) -> DataType {
    if ty.is_temporal() {
        DataType::Int64
    } else {
        ty.dtype()
    }
}

/// Wraps a row-function result so that timestamps become polars datetimes.
pub(super) fn from_raw(expr: Expr, ty: SqlType) -> Typed {
    if ty.is_temporal() {
        Typed::new(expr.cast(ty.dtype()), ty)
    } else {
        Typed::new(expr, ty)
    }
}

impl Compiler<'_> {
    /// `CAST(x AS t)`, `TRY_CAST(x AS t)` and `x::t`.
    pub(super) fn cast_expr(
        &mut self,
        kind: &CastKind,
        x: &ast::Expr,
        data_type: &ast::DataType,
        e: &ast::Expr,
    ) -> PResult<Typed> {
        let target = cast_target(data_type).ok_or_else(|| {
            at(e, format!("cannot cast to {data_type}: use bigint, double, varchar, boolean, timestamp or date"))
        })?;
        let strict = matches!(kind, CastKind::Cast | CastKind::DoubleColon);
        let value = self.compile(x)?;
        self.cast(value, &target, strict, e)
    }

    /// A typed literal such as `timestamp '2024-03-01 08:00:00'`.
    pub(super) fn typed_string(&mut self, ts: &ast::TypedString, e: &ast::Expr) -> PResult<Typed> {
        let target = cast_target(&ts.data_type)
            .ok_or_else(|| at(e, format!("unsupported literal type {}", ts.data_type)))?;
        let SqlValue::SingleQuotedString(text) = &ts.value.value else {
            return Err(at(e, "expected a quoted literal"));
        };
        let value = Typed::new(lit(text.clone()), SqlType::Varchar);
        self.cast(value, &target, true, e)
    }

    /// CAST / TRY_CAST.
    pub fn cast(
        &mut self,
        value: Typed,
        to: &SqlType,
        strict: bool,
        e: &ast::Expr,
    ) -> PResult<Typed> {
        if &value.ty == to {
            return Ok(value);
        }
        match (&value.ty, to) {
            (SqlType::Unknown, _) => return Ok(Typed::null(to.clone())),
            (SqlType::Bigint, SqlType::Double) => {
                return Ok(Typed::new(
                    value.expr.cast(DataType::Float64),
                    SqlType::Double,
                ))
            }
            (SqlType::Array(_), SqlType::Bigint | SqlType::Double | SqlType::Boolean) => {
                return Err(at(e, format!("cannot cast {} to {to}", value.ty)))
            }
            _ => {}
        }
        let strict = strict && !self.in_branch();
        let (from, target, zone) = (value.ty.clone(), to.clone(), self.env.zone);
        let expr = row_udf(
            "cast",
            vec![value.expr],
            raw_dtype(to),
            move |row| match cast_value(&row[0], &from, &target, &zone) {
                Ok(v) => Ok(v),
                Err(m) if strict => Err(m),
                Err(_) => Ok(Out::Null),
            },
        );
        Ok(from_raw(expr, to.clone()))
    }
}
