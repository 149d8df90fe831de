//! Rule conditions: a SQL boolean expression over the columns of a rule's result rows (e.g.
//! `cnt > 5 and fail_cnt > 0`), parsed with sqlparser and turned into a polars filter.
//!
//! Supported: column names (bare or double-quoted), numbers, 'strings', true/false/null,
//! `= != <> < <= > >=`, `+ - * /`, `and or not`, `is [not] null`, parentheses.

use polars::prelude::{col, lit, Expr, NULL};
use sqlparser::ast::{self, BinaryOperator, UnaryOperator, Value};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

/// Parses `text` into a polars predicate over result columns.
pub fn parse(text: &str) -> Result<Expr, String> {
    let dialect = GenericDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| e.to_string())?;
    let mut expr = parser.parse_expr().map_err(|e| e.to_string())?;
    crate::query::sql::shape::shape(&mut expr)
        .map_err(|e| format!("{} at column {}", e.message, e.column))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(format!(
            "unexpected {} at column {}",
            next.token, next.span.start.column
        ));
    }
    lower(&expr)
}

fn lower(expr: &ast::Expr) -> Result<Expr, String> {
    Ok(match expr {
        ast::Expr::Identifier(ident) => col(ident.value.as_str()),
        ast::Expr::CompoundIdentifier(parts) => {
            let name: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            col(name.join(".").as_str())
        }
        ast::Expr::Value(v) => literal(&v.value)?,
        ast::Expr::Nested(inner) => lower(inner)?,
        ast::Expr::IsNull(inner) => lower(inner)?.is_null(),
        ast::Expr::IsNotNull(inner) => lower(inner)?.is_not_null(),
        ast::Expr::UnaryOp { op, expr } => match op {
            UnaryOperator::Not => lower(expr)?.not(),
            UnaryOperator::Minus => lit(0i64) - lower(expr)?,
            UnaryOperator::Plus => lower(expr)?,
            other => return Err(format!("unsupported operator {other}")),
        },
        ast::Expr::BinaryOp { left, op, right } => binary(lower(left)?, op, lower(right)?)?,
        other => return Err(format!("unsupported expression {other}")),
    })
}

fn binary(l: Expr, op: &BinaryOperator, r: Expr) -> Result<Expr, String> {
    Ok(match op {
        BinaryOperator::Gt => l.gt(r),
        BinaryOperator::GtEq => l.gt_eq(r),
        BinaryOperator::Lt => l.lt(r),
        BinaryOperator::LtEq => l.lt_eq(r),
        BinaryOperator::Eq => l.eq(r),
        BinaryOperator::NotEq => l.neq(r),
        BinaryOperator::And => l.and(r),
        BinaryOperator::Or => l.or(r),
        BinaryOperator::Plus => l + r,
        BinaryOperator::Minus => l - r,
        BinaryOperator::Multiply => l * r,
        BinaryOperator::Divide => l / r,
        other => return Err(format!("unsupported operator {other}")),
    })
}

fn literal(value: &Value) -> Result<Expr, String> {
    Ok(match value {
        Value::Number(n, _) => match n.parse::<i64>() {
            Ok(i) => lit(i),
            Err(_) => lit(n.parse::<f64>().map_err(|_| format!("bad number {n}"))?),
        },
        Value::SingleQuotedString(s) => lit(s.clone()),
        Value::Boolean(b) => lit(*b),
        Value::Null => lit(NULL),
        other => return Err(format!("unsupported value {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn keep(cond: &str) -> Vec<i64> {
        let df = df!(
            "cnt" => [1i64, 6, 9, 12],
            "name" => ["a", "b", "c", "d"],
            "fail cnt" => [Some(0i64), None, Some(2), Some(0)]
        )
        .unwrap();
        let out = df.lazy().filter(parse(cond).unwrap()).collect().unwrap();
        out.column("cnt")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    #[test]
    fn comparisons_and_logic() {
        assert_eq!(keep("cnt > 5"), vec![6, 9, 12]);
        assert_eq!(keep("cnt >= 6 and not (name = 'c')"), vec![6, 12]);
        assert_eq!(keep("cnt < 2 or name <> 'b' and cnt * 2 > 20"), vec![1, 12]);
        assert_eq!(keep("\"fail cnt\" > 0"), vec![9]);
        assert_eq!(keep("\"fail cnt\" is null"), vec![6]);
        assert_eq!(keep("cnt - 1 = 8.0"), vec![9]);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("cnt >").is_err());
        assert!(parse("cnt > 5 5").unwrap_err().contains("unexpected"));
        assert!(parse("cnt in (select 1)").is_err());
    }
}
