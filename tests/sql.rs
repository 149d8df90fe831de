//! Integration tests: sql.
