//! Array functions (arrays are 1-based): `array_position`, `contains`, `cardinality`,
//! `element_at`, and the `arr[i]` subscript and `ARRAY[...]` syntax.

use polars::prelude::*;
use sqlparser::ast;

use super::super::args::{Call, FromSqlArg};
use super::super::errors::{at, PResult};
use super::super::functions::Func;
use super::super::types::{SqlType, Typed};
use super::super::udf::{self, row_udf, Out};
use super::{bigint, boolean, not_in_family};

/// An array argument (NULL as a NULL array of varchar).
struct ArrayArg(Typed);

impl FromSqlArg for ArrayArg {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        let t = call.c.compile(x)?;
        match t.ty {
            SqlType::Array(_) => Ok(ArrayArg(t)),
            SqlType::Unknown => Ok(ArrayArg(Typed::null(SqlType::Array(Box::new(
                SqlType::Varchar,
            ))))),
            other => Err(at(x, format!("expected an array, found {other}"))),
        }
    }
}

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::ArrayPosition | Func::Contains => position(call),
        Func::Cardinality => {
            call.unary(|ArrayArg(arr)| bigint(arr.expr.list().len().cast(DataType::Int64)))
        }
        Func::ElementAt => {
            call.arity(2, 2)?;
            let subscript = ast::Expr::CompoundFieldAccess {
                root: Box::new(call.args[0].clone()),
                access_chain: vec![ast::AccessExpr::Subscript(ast::Subscript::Index {
                    index: call.args[1].clone(),
                })],
            };
            call.c.compile(&subscript)
        }
        _ => not_in_family(call, "array"),
    }
}

/// `array_position(arr, x)` (1-based, 0 when absent) and `contains(arr, x)`, comparing as text.
fn position(call: &mut Call) -> PResult<Typed> {
    call.arity(2, 2)?;
    let ArrayArg(arr) = call.arg(0)?;
    let needle: Typed = call.arg(1)?;
    let needle = match needle.ty {
        SqlType::Varchar | SqlType::Unknown => needle.expr.cast(DataType::String),
        SqlType::Bigint | SqlType::Double | SqlType::Boolean => needle.expr.cast(DataType::String),
        other => {
            return Err(at(
                call.args[1],
                format!("{} cannot look for {other}", call.name),
            ))
        }
    };
    let position = call.func == Func::ArrayPosition;
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
    Ok(if position {
        bigint(expr)
    } else {
        boolean(expr)
    })
}

/// `arr[i]`: 1-based, negative from the end, NULL out of range.
pub fn subscript(arr: Typed, index: Typed, e: &ast::Expr) -> PResult<Typed> {
    let SqlType::Array(inner) = arr.ty.clone() else {
        return Err(at(e, format!("cannot subscript {}: not an array", arr.ty)));
    };
    if !matches!(index.ty, SqlType::Bigint | SqlType::Unknown) {
        return Err(at(
            e,
            format!("array index must be bigint, found {}", index.ty),
        ));
    }
    let expr = row_udf(
        "element_at",
        vec![arr.expr, index.coerce(&SqlType::Bigint)],
        DataType::String,
        |row| {
            let (Some(items), Some(i)) = (udf::texts(&row[0]), udf::int(&row[1])) else {
                return Ok(Out::Null);
            };
            let pos = if i > 0 { i - 1 } else { items.len() as i64 + i };
            Ok(items
                .get(pos.max(0) as usize)
                .filter(|_| pos >= 0)
                .cloned()
                .flatten()
                .map_or(Out::Null, Out::Str))
        },
    );
    let ty = *inner;
    let expr = if ty == SqlType::Varchar {
        expr
    } else {
        expr.cast(ty.dtype())
    };
    Ok(Typed::new(expr, ty))
}

/// `ARRAY[a, b, ...]` of varchar items.
pub fn array_of(items: Vec<Expr>) -> Typed {
    let expr = row_udf(
        "array",
        items,
        DataType::List(Box::new(DataType::String)),
        |row| {
            Ok(Out::StrList(
                row.iter()
                    .map(|v| udf::text(v).map(str::to_string))
                    .collect(),
            ))
        },
    );
    Typed::new(expr, SqlType::Array(Box::new(SqlType::Varchar)))
}
