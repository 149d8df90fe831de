//! The SLS search statement (the part of a query before `|`): parsing, explanation, and
//! lowering to a polars boolean filter over the store columns.
//!
//! Matching follows SLS's index semantics: case-insensitive tokens under the default
//! delimiters, full text over the whole event (keys and values) plus `__topic__`, whole-value
//! matching for `__topic__`/`__source__`/`__tag__:*`, numbers only for `__time__`.

pub mod ast;
pub mod explain;
pub mod leaf;
pub mod lexer;
pub mod lower;
pub mod parser;
pub mod scan;
pub mod tokens;

pub use ast::{CmpOp, Condition, Glyph, Pattern, SearchExpr, Target, Test};

/// A search statement that cannot be parsed: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search syntax error at byte {position}: {message}")]
pub struct SearchError {
    /// Byte offset of the problem in the search text.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

impl SearchError {
    /// An error at `position`.
    pub fn new(position: usize, message: impl Into<String>) -> SearchError {
        SearchError {
            position,
            message: message.into(),
        }
    }
}

/// Parses a search statement. The empty statement and `*` match every event.
pub fn parse(text: &str) -> Result<SearchExpr, SearchError> {
    parser::parse_statement(text)
}

impl SearchExpr {
    /// The boolean filter for this statement over a frame with the store columns.
    pub fn to_expr(&self) -> polars::prelude::Expr {
        crate::query::shield_conjunctions(lower::lower(self))
    }

    /// The parsed tree, one condition a line, with notes on fallbacks and unknown fields.
    pub fn explain(&self) -> String {
        explain::explain(self)
    }

    /// Whether the statement matches every event (`""` or `*`).
    pub fn is_match_all(&self) -> bool {
        matches!(self, SearchExpr::All)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_all_forms() {
        assert!(parse("").unwrap().is_match_all());
        assert!(parse(" * ").unwrap().is_match_all());
        assert!(!parse("* and x").unwrap().is_match_all());
        assert!(!parse("\"\"").unwrap().is_match_all());
    }

    #[test]
    fn errors_display_position() {
        let e = parse("(a").unwrap_err();
        assert_eq!(
            e.to_string(),
            "search syntax error at byte 0: unbalanced parenthesis: '(' is never closed"
        );
    }
}
