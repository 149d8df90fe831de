//! The SLS search statement: lexer, parser and lowering to a polars filter expression.
