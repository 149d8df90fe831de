//! Keeps a parsed SQL statement shallow before anything else walks it. sqlparser parses a chain
//! of infix operators in a loop but builds it left-deep, one tree level per operand, so 2,000
//! `+` terms or 2,500 ORs make a tree 2,000 levels deep that every recursive walk (the planner,
//! `Display`, polars, even `Drop`) would follow until the stack overflows. Here long chains of
//! one associative operator (AND, OR, `+`, `*`, `||`) are rebalanced to log2(n) levels, and an
//! expression still nested deeper than [`MAX_DEPTH`] is refused with its position and taken
//! apart without recursion, so that dropping it cannot overflow the stack either.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Spanned, Value, VisitMut, VisitorMut};
use sqlparser::tokenizer::Location;

use super::errors::{at_location, Located};

/// How deeply expressions may nest (after rebalancing) before a statement is refused.
pub const MAX_DEPTH: usize = 256;

/// Chains of at least this many operands are rebalanced; shorter ones keep their left-to-right
/// shape (and so their exact floating-point order of evaluation).
const REBALANCE_FROM: usize = 16;

/// Rebalances the long associative chains of every expression in `node` and checks the depth
/// of what remains. On error the offending expressions have been replaced by NULL.
pub(crate) fn shape<N: VisitMut>(node: &mut N) -> Result<(), Located> {
    let mut shaper = Shaper {
        depth: 0,
        error: None,
    };
    let _ = node.visit(&mut shaper);
    match shaper.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

struct Shaper {
    /// Expressions entered and not yet left.
    depth: usize,
    /// The first expression found too deep.
    error: Option<Located>,
}

impl VisitorMut for Shaper {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        rebalance(expr);
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            if self.error.is_none() {
                self.error = Some(at_location(
                    leftmost_location(expr),
                    format!(
                        "expression nested more than {MAX_DEPTH} levels deep (long chains of \
                         AND, OR, +, * and || are fine; other operators cannot be chained that long)"
                    ),
                ));
            }
            dismantle(std::mem::replace(expr, null()));
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, _expr: &mut Expr) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }
}

fn null() -> Expr {
    Expr::value(Value::Null)
}

fn associative(op: &BinaryOperator) -> bool {
    use BinaryOperator::*;
    matches!(op, And | Or | Plus | Multiply | StringConcat)
}

/// Turns a long left-deep chain `((a op b) op c) op ...` of one associative operator at
/// `expr` into a balanced tree of the same operands in the same order.
fn rebalance(expr: &mut Expr) {
    let Expr::BinaryOp { op, .. } = &*expr else {
        return;
    };
    if !associative(op) {
        return;
    }
    let op = op.clone();
    let mut operands = 1;
    let mut cursor = &*expr;
    while let Expr::BinaryOp { left, op: o, .. } = cursor {
        if *o != op {
            break;
        }
        operands += 1;
        cursor = left;
    }
    if operands < REBALANCE_FROM {
        return;
    }
    let mut reversed = Vec::with_capacity(operands);
    let mut node = std::mem::replace(expr, null());
    loop {
        match node {
            Expr::BinaryOp { left, op: o, right } if o == op => {
                reversed.push(*right);
                node = *left;
            }
            other => {
                reversed.push(other);
                break;
            }
        }
    }
    reversed.reverse();
    *expr = balanced(reversed, &op);
}

/// `operands` joined by `op` as a balanced tree (left halves first).
fn balanced(mut level: Vec<Expr>, op: &BinaryOperator) -> Expr {
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut items = level.into_iter();
        while let Some(left) = items.next() {
            next.push(match items.next() {
                Some(right) => Expr::BinaryOp {
                    left: Box::new(left),
                    op: op.clone(),
                    right: Box::new(right),
                },
                None => left,
            });
        }
        level = next;
    }
    level.pop().unwrap_or_else(null)
}

/// The expression an infix or postfix node applies to first (its leftmost operand), for the
/// node kinds sqlparser builds in a loop rather than by recursion.
fn left_child(expr: &Expr) -> Option<&Expr> {
    match expr {
        Expr::BinaryOp { left, .. } => Some(left),
        Expr::IsNull(x)
        | Expr::IsNotNull(x)
        | Expr::IsTrue(x)
        | Expr::IsNotTrue(x)
        | Expr::IsFalse(x)
        | Expr::IsNotFalse(x)
        | Expr::IsUnknown(x)
        | Expr::IsNotUnknown(x)
        | Expr::Nested(x)
        | Expr::UnaryOp { expr: x, .. }
        | Expr::Cast { expr: x, .. }
        | Expr::Collate { expr: x, .. }
        | Expr::In { expr: x, .. }
        | Expr::JsonAccess { value: x, .. }
        | Expr::Between { expr: x, .. }
        | Expr::Like { expr: x, .. }
        | Expr::ILike { expr: x, .. }
        | Expr::SimilarTo { expr: x, .. }
        | Expr::RLike { expr: x, .. }
        | Expr::AtTimeZone { timestamp: x, .. }
        | Expr::CompoundFieldAccess { root: x, .. } => Some(x),
        Expr::IsDistinctFrom(x, _) | Expr::IsNotDistinctFrom(x, _) => Some(x),
        _ => None,
    }
}

/// Where the leftmost operand of `expr` starts (found without recursion).
fn leftmost_location(expr: &Expr) -> Location {
    let mut cursor = expr;
    while let Some(next) = left_child(cursor) {
        cursor = next;
    }
    cursor.span().start
}

/// Drops a possibly very deep expression without recursing along its chains: each node's
/// operands are detached and dropped from a work list.
fn dismantle(expr: Expr) {
    let mut pending = vec![expr];
    while let Some(mut node) = pending.pop() {
        match &mut node {
            Expr::BinaryOp { left, right, .. }
            | Expr::IsDistinctFrom(left, right)
            | Expr::IsNotDistinctFrom(left, right) => {
                pending.push(std::mem::replace(left.as_mut(), null()));
                pending.push(std::mem::replace(right.as_mut(), null()));
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                pending.push(std::mem::replace(expr.as_mut(), null()));
                pending.push(std::mem::replace(low.as_mut(), null()));
                pending.push(std::mem::replace(high.as_mut(), null()));
            }
            Expr::Like { expr, pattern, .. }
            | Expr::ILike { expr, pattern, .. }
            | Expr::SimilarTo { expr, pattern, .. }
            | Expr::RLike { expr, pattern, .. } => {
                pending.push(std::mem::replace(expr.as_mut(), null()));
                pending.push(std::mem::replace(pattern.as_mut(), null()));
            }
            Expr::In { expr, target, .. } => {
                pending.push(std::mem::replace(expr.as_mut(), null()));
                if let sqlparser::ast::InTarget::List(list) = target {
                    pending.append(list);
                }
            }
            other => {
                if let Some(child) = left_child_mut(other) {
                    pending.push(std::mem::replace(child, null()));
                }
            }
        }
    }
}

fn left_child_mut(expr: &mut Expr) -> Option<&mut Expr> {
    match expr {
        Expr::IsNull(x)
        | Expr::IsNotNull(x)
        | Expr::IsTrue(x)
        | Expr::IsNotTrue(x)
        | Expr::IsFalse(x)
        | Expr::IsNotFalse(x)
        | Expr::IsUnknown(x)
        | Expr::IsNotUnknown(x)
        | Expr::Nested(x)
        | Expr::UnaryOp { expr: x, .. }
        | Expr::Cast { expr: x, .. }
        | Expr::Collate { expr: x, .. }
        | Expr::AtTimeZone { timestamp: x, .. }
        | Expr::JsonAccess { value: x, .. }
        | Expr::CompoundFieldAccess { root: x, .. } => Some(x.as_mut()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;

    fn parsed(sql: &str) -> Expr {
        Parser::new(&GenericDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap()
    }

    fn depth(e: &Expr) -> usize {
        match e {
            Expr::BinaryOp { left, right, .. } => 1 + depth(left).max(depth(right)),
            _ => 1,
        }
    }

    #[test]
    fn long_associative_chains_become_balanced_with_the_same_text() {
        let sql = (0..2000)
            .map(|i| format!("x{i}"))
            .collect::<Vec<_>>()
            .join(" + ");
        let mut e = parsed(&sql);
        shape(&mut e).unwrap();
        assert_eq!(depth(&e), 12);
        assert_eq!(e.to_string(), sql);
        let ors = (0..2500)
            .map(|i| format!("a = {i}"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let mut e = parsed(&ors);
        shape(&mut e).unwrap();
        assert!(depth(&e) <= 14, "{}", depth(&e));
        assert_eq!(e.to_string(), ors);
    }

    #[test]
    fn short_chains_keep_their_shape() {
        let mut e = parsed("a + b + c");
        shape(&mut e).unwrap();
        assert_eq!(e, parsed("a + b + c"));
        assert_eq!(depth(&e), 3);
    }

    #[test]
    fn deep_non_associative_chains_are_refused_at_their_start() {
        let sql = format!("1 + ({})", vec!["x"; 3000].join(" - "));
        let mut e = parsed(&sql);
        let err = shape(&mut e).unwrap_err();
        assert_eq!((err.line, err.column), (1, 6));
        assert!(err
            .message
            .starts_with("expression nested more than 256 levels deep"));
        let mut mixed = parsed(&vec!["x"; 600].join(" + 1 - "));
        assert!(shape(&mut mixed).is_err());
    }

    #[test]
    fn dismantling_a_deep_chain_does_not_recurse() {
        let mut e = Expr::value(Value::Null);
        for _ in 0..200_000 {
            e = Expr::BinaryOp {
                left: Box::new(e),
                op: BinaryOperator::Minus,
                right: Box::new(Expr::value(Value::Null)),
            };
        }
        dismantle(e);
    }
}
