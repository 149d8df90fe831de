//! Facts read straight off sqlparser's AST that the planner and the SQL translator both need:
//! integer literals, a LIMIT clause's offset and count, function names and the default names
//! of select items. One reading, so the two can never disagree on them.

use sqlparser::ast::{self, ObjectNamePart};

use super::errors::{at, PResult};

/// An integer literal's value.
pub(crate) fn integer_literal(e: &ast::Expr) -> Option<i64> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// (offset, count) of a LIMIT clause; count `None` for `LIMIT ALL`.
pub(crate) fn limit_offset(clause: &ast::LimitClause) -> PResult<(u64, Option<u64>)> {
    let number = |e: &ast::Expr| -> PResult<u64> {
        integer_literal(e)
            .filter(|n| *n >= 0)
            .map(|n| n as u64)
            .ok_or_else(|| at(e, "LIMIT takes a non-negative integer"))
    };
    match clause {
        ast::LimitClause::LimitOffset {
            limit,
            offset,
            limit_by,
        } => {
            if let Some(b) = limit_by.first() {
                return Err(at(b, "LIMIT BY is not supported"));
            }
            let count = match limit {
                Some(l) => Some(number(l)?),
                None => None,
            };
            let offset = match offset {
                Some(o) => number(&o.value)?,
                None => 0,
            };
            Ok((offset, count))
        }
        ast::LimitClause::OffsetCommaLimit { offset, limit } => {
            Ok((number(offset)?, Some(number(limit)?)))
        }
    }
}

/// The (last part of the) name of a function call.
pub(crate) fn function_name(f: &ast::Function) -> Option<String> {
    match f.name.0.last()? {
        ObjectNamePart::Identifier(i) => Some(i.value.clone()),
        ObjectNamePart::Function(_) => None,
    }
}

/// The default output name of a select item without alias.
pub(crate) fn default_name(e: &ast::Expr, index: usize) -> String {
    match e {
        ast::Expr::Identifier(i) => i.value.clone(),
        ast::Expr::CompoundIdentifier(parts) => parts
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join("."),
        _ => format!("_col{index}"),
    }
}
