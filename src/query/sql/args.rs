//! Function arguments: the argument list of a call, arity and type checks, and typed arguments
//! in the style of polars-sql (`visit_unary`/`visit_binary` with `FromSQLExpr`): a function
//! names the argument types it takes ([`FromSqlArg`]) and [`Call::unary`], [`Call::binary`] and
//! [`Call::ternary`] check the count, compile and convert them.

use polars::prelude::*;
use sqlparser::ast::{
    self, DuplicateTreatment, FunctionArg, FunctionArgExpr, FunctionArguments, Value as SqlValue,
};

use super::errors::{at, PResult};
use super::expr::Compiler;
use super::functions::Func;
use super::types::{SqlType, Typed};
use crate::time::calendar::{self, Unit};
use crate::time::Zone;

/// One argument of a call.
pub enum Arg<'x> {
    /// `*`.
    Star,
    /// An expression.
    Expr(&'x ast::Expr),
}

/// The DISTINCT flag and the arguments of a call.
pub fn call_args<'x>(f: &'x ast::Function, e: &ast::Expr) -> PResult<(bool, Vec<Arg<'x>>)> {
    if let Some(filter) = &f.filter {
        return Err(at(
            filter.as_ref(),
            "FILTER (WHERE ...) is not supported; use count_if(...) or sum(if(...))",
        ));
    }
    if !f.within_group.is_empty() {
        return Err(at(e, "WITHIN GROUP is not supported"));
    }
    match &f.args {
        FunctionArguments::None => Ok((false, Vec::new())),
        FunctionArguments::Subquery(_) => Err(at(e, "subquery arguments are not supported")),
        FunctionArguments::List(list) => {
            let distinct = matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct));
            let args = list
                .args
                .iter()
                .map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Ok(Arg::Expr(x)),
                    FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => Ok(Arg::Star),
                    _ => Err(at(e, "named or qualified arguments are not supported")),
                })
                .collect::<PResult<Vec<_>>>()?;
            Ok((distinct, args))
        }
    }
}

/// Requires one of the given types (NULL fits every type).
pub fn require(t: &Typed, allowed: &[SqlType], what: &str, e: &ast::Expr) -> PResult<()> {
    if t.ty == SqlType::Unknown || allowed.contains(&t.ty) {
        Ok(())
    } else {
        let names: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
        Err(at(
            e,
            format!("{what} expects {}, found {}", names.join(" or "), t.ty),
        ))
    }
}

/// The text of a string literal (in parentheses or not); None for anything else.
pub fn literal_text(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        ast::Expr::Nested(inner) => literal_text(inner),
        _ => None,
    }
}

impl Compiler<'_> {
    /// Compiles `x` and requires varchar (JSON text and maps are accepted as text).
    pub fn varchar(&mut self, x: &ast::Expr) -> PResult<Expr> {
        let t = self.compile(x)?;
        match t.ty {
            SqlType::Varchar | SqlType::Json | SqlType::Map => Ok(t.expr),
            SqlType::Unknown => Ok(lit(NULL).cast(DataType::String)),
            other => Err(at(
                x,
                format!("expected varchar, found {other}; use cast(... as varchar)"),
            )),
        }
    }

    /// Compiles `x` and requires bigint.
    pub fn bigint(&mut self, x: &ast::Expr) -> PResult<Expr> {
        let t = self.compile(x)?;
        match t.ty {
            SqlType::Bigint => Ok(t.expr),
            SqlType::Unknown => Ok(lit(NULL).cast(DataType::Int64)),
            other => Err(at(x, format!("expected bigint, found {other}"))),
        }
    }
}

/// One scalar call being planned: the compiler, the function, its name as written, its
/// arguments and the whole call (where arity errors point).
pub struct Call<'c, 'a, 'x> {
    /// The compiler of the enclosing expression.
    pub c: &'c mut Compiler<'a>,
    /// The function.
    pub func: Func,
    /// Its name as written (error messages use it).
    pub name: &'x str,
    /// The arguments.
    pub args: &'x [&'x ast::Expr],
    /// The call.
    pub e: &'x ast::Expr,
}

/// An argument type a function can ask for: how to compile and check one argument.
pub trait FromSqlArg: Sized {
    /// Compiles `x`, an argument of `call`, into this type.
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self>;
}

impl Call<'_, '_, '_> {
    /// The session zone.
    pub fn zone(&self) -> Zone {
        self.c.env.zone
    }

    /// Requires between `min` and `max` arguments.
    pub fn arity(&self, min: usize, max: usize) -> PResult<()> {
        let n = self.args.len();
        if n < min || n > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(at(
                self.e,
                format!("{} expects {expected} argument(s), got {n}", self.name),
            ));
        }
        Ok(())
    }

    /// Argument `i` (which must exist: check the arity first) as an `A`.
    pub fn arg<A: FromSqlArg>(&mut self, i: usize) -> PResult<A> {
        let x = self.args[i];
        A::from_arg(self, x)
    }

    /// Argument `i` as an `A`, if the call has it.
    pub fn optional<A: FromSqlArg>(&mut self, i: usize) -> PResult<Option<A>> {
        match self.args.get(i) {
            Some(x) => A::from_arg(self, x).map(Some),
            None => Ok(None),
        }
    }

    /// A function of exactly one argument.
    pub fn unary<A: FromSqlArg>(&mut self, f: impl FnOnce(A) -> Typed) -> PResult<Typed> {
        self.arity(1, 1)?;
        Ok(f(self.arg(0)?))
    }

    /// A function of exactly two arguments, compiled in order.
    pub fn binary<A: FromSqlArg, B: FromSqlArg>(
        &mut self,
        f: impl FnOnce(A, B) -> Typed,
    ) -> PResult<Typed> {
        self.arity(2, 2)?;
        let a = self.arg(0)?;
        Ok(f(a, self.arg(1)?))
    }

    /// A function of exactly three arguments, compiled in order.
    pub fn ternary<A: FromSqlArg, B: FromSqlArg, C: FromSqlArg>(
        &mut self,
        f: impl FnOnce(A, B, C) -> Typed,
    ) -> PResult<Typed> {
        self.arity(3, 3)?;
        let a = self.arg(0)?;
        let b = self.arg(1)?;
        Ok(f(a, b, self.arg(2)?))
    }
}

impl FromSqlArg for Typed {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        call.c.compile(x)
    }
}

/// A varchar argument (JSON and maps pass as their text; NULL as a NULL string).
pub struct Varchar(pub Expr);

impl FromSqlArg for Varchar {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        call.c.varchar(x).map(Varchar)
    }
}

/// A bigint argument.
pub struct Bigint(pub Expr);

impl FromSqlArg for Bigint {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        call.c.bigint(x).map(Bigint)
    }
}

/// A bigint or double argument.
pub struct Number(pub Typed);

impl FromSqlArg for Number {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        let t = call.c.compile(x)?;
        require(&t, &[SqlType::Bigint, SqlType::Double], call.name, call.e)?;
        Ok(Number(t))
    }
}

/// A time argument as unix milliseconds: a timestamp, a date, or unix seconds as a bigint or
/// double (SLS accepts `__time__`).
pub struct Millis(pub Expr);

impl Millis {
    /// The milliseconds of `t`, the compiled argument `x` of `name`.
    pub fn of(t: Typed, name: &str, x: &ast::Expr) -> PResult<Millis> {
        let ms = match t.ty {
            SqlType::Bigint => t.expr * lit(1000i64),
            SqlType::Double => (t.expr * lit(1000.0)).cast(DataType::Int64),
            SqlType::Timestamp | SqlType::Date => t.expr.cast(DataType::Int64),
            SqlType::Unknown => lit(NULL).cast(DataType::Int64),
            other => {
                return Err(at(
                    x,
                    format!("{name} expects a timestamp or unix seconds, found {other}"),
                ))
            }
        };
        Ok(Millis(ms))
    }
}

impl FromSqlArg for Millis {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        let t = call.c.compile(x)?;
        Millis::of(t, call.name, x)
    }
}

/// A `date_add`/`date_diff`/`date_trunc` unit: a literal such as `'hour'`.
impl FromSqlArg for Unit {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        let name = call.name;
        let text = literal_text(x).ok_or_else(|| {
            at(
                x,
                format!("{name}: the unit must be a literal such as 'hour'"),
            )
        })?;
        Unit::parse(&text).ok_or_else(|| {
            at(x, format!("{name}: unknown unit '{text}' (use second, minute, hour, day, week, month, quarter or year)"))
        })
    }
}

/// A MySQL date format (`'%Y-%m-%d'`): checked when it is a literal, any varchar otherwise.
pub struct DateFormat(pub Expr);

impl DateFormat {
    /// Checks `x` when it is a literal format, before anything is compiled.
    pub fn check(x: &ast::Expr) -> PResult<()> {
        match literal_text(x) {
            Some(fmt) => calendar::check_format(&fmt).map_err(|m| at(x, m)),
            None => Ok(()),
        }
    }
}

impl FromSqlArg for DateFormat {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        DateFormat::check(x)?;
        call.c.varchar(x).map(DateFormat)
    }
}
