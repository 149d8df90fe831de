//! The SLS analytic SQL statement (after the `|`): sqlparser AST planned onto polars.
