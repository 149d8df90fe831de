//! JSON functions on JSON text: `json_extract` (JSON text at a path), `json_extract_scalar`
//! (the scalar at a path as varchar) and `json_array_length`.

use polars::prelude::*;
use sqlparser::ast;

use super::super::args::{literal_text, Call, FromSqlArg, Varchar};
use super::super::errors::{at, PResult};
use super::super::functions::Func;
use super::super::types::{SqlType, Typed};
use super::super::udf::{self, row_udf, Out, PathStep};
use super::{bigint, not_in_family, varchar};

/// A JSONPath argument: parsed once when it is a literal (and refused there when invalid),
/// else parsed on each row (an invalid path gives NULL).
struct JsonPath {
    fixed: Option<Vec<PathStep>>,
    expr: Expr,
}

impl FromSqlArg for JsonPath {
    fn from_arg(call: &mut Call, x: &ast::Expr) -> PResult<Self> {
        let expr = call.c.varchar(x)?;
        let fixed = match literal_text(x) {
            Some(p) => Some(udf::parse_path(&p).map_err(|m| at(x, m))?),
            None => None,
        };
        Ok(JsonPath { fixed, expr })
    }
}

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::JsonExtract => call.binary(|Varchar(doc), path: JsonPath| {
            let expr = leaf("json_extract", doc, path, udf::json_value_text);
            Typed::new(expr, SqlType::Json)
        }),
        Func::JsonExtractScalar => call.binary(|Varchar(doc), path: JsonPath| {
            varchar(leaf(
                "json_extract_scalar",
                doc,
                path,
                udf::scalar_only_text,
            ))
        }),
        Func::JsonArrayLength => call.unary(|Varchar(doc)| {
            bigint(row_udf(
                "json_array_length",
                vec![doc],
                DataType::Int64,
                |row| {
                    let parsed = udf::text(&row[0])
                        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
                    Ok(parsed
                        .and_then(|v| v.as_array().map(|a| Out::Int(a.len() as i64)))
                        .unwrap_or(Out::Null))
                },
            ))
        }),
        _ => not_in_family(call, "JSON"),
    }
}

/// The leaf of `doc` at `path`, as `pick` shows it.
fn leaf(
    name: &'static str,
    doc: Expr,
    path: JsonPath,
    pick: fn(&serde_json::Value) -> Option<String>,
) -> Expr {
    let JsonPath { fixed, expr } = path;
    let hint = fixed.as_deref().and_then(udf::key_hint);
    row_udf(name, vec![doc, expr], DataType::String, move |row| {
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
