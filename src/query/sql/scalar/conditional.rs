//! Conditionals: `if`, `coalesce` and `nullif`, whose arguments share one type.

use polars::prelude::*;
use sqlparser::ast;

use super::super::args::Call;
use super::super::errors::{at, PResult};
use super::super::expr::Compiler;
use super::super::functions::Func;
use super::super::types::{SqlType, Typed};
use super::not_in_family;

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::If => {
            call.arity(2, 3)?;
            let cond = call.c.boolean(call.args[0])?;
            let (typed, ty) = unify(call.c, &call.args[1..], true)?;
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
            if call.args.is_empty() {
                return Err(at(call.e, "coalesce expects at least one argument"));
            }
            let (typed, ty) = unify(call.c, call.args, false)?;
            let mut chain: Option<Expr> = None;
            for x in typed.into_iter().map(|t| t.coerce(&ty)).rev() {
                chain = Some(match chain {
                    None => x,
                    Some(rest) => when(x.clone().is_not_null()).then(x).otherwise(rest),
                });
            }
            Ok(Typed::new(chain.unwrap_or_else(|| lit(NULL)), ty))
        }
        Func::Nullif => {
            call.arity(2, 2)?;
            let (typed, ty) = unify(call.c, call.args, false)?;
            let mut it = typed.into_iter().map(|t| t.coerce(&ty));
            let (a, b) = (
                it.next().unwrap_or_else(|| lit(NULL)),
                it.next().unwrap_or_else(|| lit(NULL)),
            );
            let equal = a.clone().eq(b).fill_null(lit(false));
            let null = lit(NULL).cast(ty.dtype());
            Ok(Typed::new(when(equal).then(null).otherwise(a), ty))
        }
        _ => not_in_family(call, "conditional"),
    }
}

/// The arguments compiled (as CASE/IF branches when `branches`) and their common type.
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
