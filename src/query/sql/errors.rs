//! Planning errors of the SQL part: a message plus the byte offset it points at, and the
//! conversions from sqlparser locations and parser messages to byte offsets.

use std::fmt;

use sqlparser::ast::Spanned;
use sqlparser::tokenizer::Location;

/// A planning error: what is wrong, and where (byte offset into the SQL text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    /// Byte offset into the SQL text of the construct the error is about.
    pub position: usize,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.position)
    }
}

impl std::error::Error for SqlError {}

/// A located error before its location is turned into a byte offset.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// Result of planning steps.
pub(crate) type PResult<T> = Result<T, Located>;

/// An error pointing at the start of an AST node.
pub(crate) fn at<T: Spanned + ?Sized>(node: &T, message: impl Into<String>) -> Located {
    at_location(node.span().start, message)
}

/// An error pointing at a location.
pub(crate) fn at_location(loc: Location, message: impl Into<String>) -> Located {
    Located {
        line: loc.line,
        column: loc.column,
        message: message.into(),
    }
}

/// An error at the start of the statement.
pub(crate) fn at_start(message: impl Into<String>) -> Located {
    Located {
        line: 1,
        column: 1,
        message: message.into(),
    }
}

/// Converts a 1-based line/column (columns count characters) to a byte offset into `sql`.
pub(crate) fn byte_offset(sql: &str, line: u64, column: u64) -> usize {
    if line == 0 {
        return 0;
    }
    let mut offset = 0;
    for (index, text) in sql.split_inclusive('\n').enumerate() {
        if index as u64 + 1 == line {
            let chars = column.saturating_sub(1) as usize;
            let within: usize = text.chars().take(chars).map(char::len_utf8).sum();
            return offset + within;
        }
        offset += text.len();
    }
    sql.len()
}

/// Finishes a located error into a [`SqlError`] for `sql`.
pub(crate) fn finish(sql: &str, err: Located) -> SqlError {
    SqlError {
        position: byte_offset(sql, err.line, err.column),
        message: err.message,
    }
}

/// Turns a sqlparser error message (`... at Line: 1, Column: 5`) into a [`SqlError`].
pub(crate) fn from_parser(sql: &str, message: &str) -> SqlError {
    let (text, line, column) = match message.rfind(" at Line: ") {
        Some(cut) => {
            let tail = &message[cut + " at Line: ".len()..];
            let mut parts = tail.split(", Column: ");
            let line = parts
                .next()
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(1);
            let column = parts
                .next()
                .and_then(|c| c.trim().parse().ok())
                .unwrap_or(1);
            (message[..cut].to_string(), line, column)
        }
        None => (message.to_string(), 1, 1),
    };
    let text = text
        .strip_prefix("sql parser error: ")
        .unwrap_or(&text)
        .to_string();
    SqlError {
        position: byte_offset(sql, line, column),
        message: format!("syntax error: {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_per_line() {
        let sql = "select '中文',\n  x";
        assert_eq!(byte_offset(sql, 1, 1), 0);
        assert_eq!(byte_offset(sql, 1, 11), 8 + 6);
        assert_eq!(byte_offset(sql, 2, 3), sql.find('x').unwrap());
    }

    #[test]
    fn parser_messages_lose_their_location_suffix() {
        let err = from_parser(
            "select from",
            "Expected: an expression, found: from at Line: 1, Column: 8",
        );
        assert_eq!(err.position, 7);
        assert_eq!(
            err.message,
            "syntax error: Expected: an expression, found: from"
        );
    }
}
