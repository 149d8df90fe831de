//! Regular-expression functions: `regexp_extract`, `regexp_like` and `regexp_replace` (Rust
//! `regex` syntax; `$1` in a replacement refers to a group).

use std::sync::Arc;

use polars::prelude::*;
use sqlparser::ast;

use super::super::args::{literal_text, Bigint, Call, FromSqlArg, Varchar};
use super::super::errors::{at, PResult};
use super::super::functions::Func;
use super::super::types::Typed;
use super::super::udf::{self, row_udf, Out};
use super::{boolean, not_in_family, varchar};

/// A regex argument: compiled once when it is a literal (and refused there when invalid),
/// else compiled on each row from its text.
struct RegexArg {
    fixed: Option<Arc<regex::Regex>>,
    expr: Expr,
}

impl FromSqlArg for RegexArg {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        let expr = call.c.varchar(x)?;
        let fixed = match literal_text(x) {
            Some(p) => {
                Some(Arc::new(regex::Regex::new(&p).map_err(|m| {
                    at(x, format!("invalid regular expression: {m}"))
                })?))
            }
            None => None,
        };
        Ok(RegexArg { fixed, expr })
    }
}

/// The regex of one row: the literal one, or the row's pattern text (None when NULL).
fn regex_at(
    fixed: &Option<Arc<regex::Regex>>,
    value: &AnyValue,
) -> Result<Option<Arc<regex::Regex>>, String> {
    match fixed {
        Some(re) => Ok(Some(re.clone())),
        None => match udf::text(value) {
            Some(p) => regex::Regex::new(p)
                .map(|r| Some(Arc::new(r)))
                .map_err(|m| m.to_string()),
            None => Ok(None),
        },
    }
}

/// A row's text (argument 0) and regex (argument 1); None when either is NULL.
fn text_and_regex<'r>(
    fixed: &Option<Arc<regex::Regex>>,
    row: &'r [AnyValue<'r>],
) -> Result<Option<(&'r str, Arc<regex::Regex>)>, String> {
    let Some(text) = udf::text(&row[0]) else {
        return Ok(None);
    };
    Ok(regex_at(fixed, &row[1])?.map(|re| (text, re)))
}

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::RegexpExtract => extract(call),
        Func::RegexpLike => call.binary(|Varchar(s), re: RegexArg| {
            let fixed = re.fixed;
            boolean(row_udf(
                "regexp_like",
                vec![s, re.expr],
                DataType::Boolean,
                move |row| {
                    let Some((t, re)) = text_and_regex(&fixed, row)? else {
                        return Ok(Out::Null);
                    };
                    Ok(Out::Bool(re.is_match(t)))
                },
            ))
        }),
        Func::RegexpReplace => replace(call),
        _ => not_in_family(call, "regexp"),
    }
}

/// `regexp_extract(s, re[, group])`: the first match (or its group), NULL when none.
fn extract(call: &mut Call) -> PResult<Typed> {
    call.arity(2, 3)?;
    let (Varchar(s), re) = (call.arg(0)?, call.arg::<RegexArg>(1)?);
    let mut xs = vec![s, re.expr];
    if let Some(Bigint(group)) = call.optional(2)? {
        xs.push(group);
    }
    let fixed = re.fixed;
    Ok(varchar(row_udf(
        "regexp_extract",
        xs,
        DataType::String,
        move |row| {
            let Some((t, re)) = text_and_regex(&fixed, row)? else {
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

/// `regexp_replace(s, re[, replacement])`: every match; no replacement removes them.
fn replace(call: &mut Call) -> PResult<Typed> {
    call.arity(2, 3)?;
    let (Varchar(s), re) = (call.arg(0)?, call.arg::<RegexArg>(1)?);
    let mut xs = vec![s, re.expr];
    if let Some(Varchar(rep)) = call.optional(2)? {
        xs.push(rep);
    }
    let fixed = re.fixed;
    Ok(varchar(row_udf(
        "regexp_replace",
        xs,
        DataType::String,
        move |row| {
            let Some((t, re)) = text_and_regex(&fixed, row)? else {
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
