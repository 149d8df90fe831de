//! The SLS search statement: lexer, parser and lowering to a polars filter expression.
//! (Placeholder API until the search branch lands.)

use polars::prelude::*;

/// A search statement that failed to parse.
#[derive(Debug, Clone)]
pub struct SearchError {
    /// Byte offset into the search text.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

/// A parsed search statement.
#[derive(Debug, Clone)]
pub enum SearchExpr {
    /// Matches every event.
    All,
}

/// Parses a search statement.
pub fn parse(text: &str) -> Result<SearchExpr, SearchError> {
    if text.trim().is_empty() || text.trim() == "*" {
        Ok(SearchExpr::All)
    } else {
        Err(SearchError {
            position: 0,
            message: "search not implemented".into(),
        })
    }
}

impl SearchExpr {
    /// The polars filter.
    pub fn to_expr(&self) -> Expr {
        lit(true)
    }
    /// The parsed tree.
    pub fn explain(&self) -> String {
        "*".into()
    }
    /// Whether the statement matches everything.
    pub fn is_match_all(&self) -> bool {
        true
    }
}
