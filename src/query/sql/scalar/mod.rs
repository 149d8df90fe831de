//! Scalar SQL functions, one module per family of [`Func`]: each states its argument types
//! ([`super::args`]) and builds the polars form (native where polars has the exact semantics,
//! row functions from [`super::udf`] elsewhere).

pub(super) mod array;
mod conditional;
pub(super) mod datetime;
mod ip;
mod json;
pub(super) mod math;
mod regexp;
pub(super) mod string;

use polars::prelude::*;
use sqlparser::ast;

use super::args::Call;
use super::errors::{at, PResult};
use super::expr::Compiler;
use super::functions::{Family, Func};
use super::types::{SqlType, Typed};

/// Plans a scalar function call.
pub fn call(
    c: &mut Compiler,
    func: Func,
    name: &str,
    args: &[&ast::Expr],
    e: &ast::Expr,
) -> PResult<Typed> {
    let mut call = Call {
        c,
        func,
        name,
        args,
        e,
    };
    match func.def().family {
        Family::Time => datetime::call(&mut call),
        Family::String => string::call(&mut call),
        Family::Regexp => regexp::call(&mut call),
        Family::Json => json::call(&mut call),
        Family::Array => array::call(&mut call),
        Family::Math => math::call(&mut call),
        Family::Conditional => conditional::call(&mut call),
        Family::Ip => ip::call(&mut call),
        Family::Aggregate => Err(at(e, format!("{func:?} is an aggregate function"))),
    }
}

/// A varchar result.
fn varchar(expr: Expr) -> Typed {
    Typed::new(expr, SqlType::Varchar)
}

/// A bigint result.
fn bigint(expr: Expr) -> Typed {
    Typed::new(expr, SqlType::Bigint)
}

/// A boolean result.
fn boolean(expr: Expr) -> Typed {
    Typed::new(expr, SqlType::Boolean)
}

/// The error for a function planned by the wrong family module (a wrong row in the table).
fn not_in_family(call: &Call, family: &str) -> PResult<Typed> {
    Err(at(
        call.e,
        format!("{:?} is not a {family} function", call.func),
    ))
}
