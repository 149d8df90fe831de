//! The library's error type: what went wrong, and where when it is known.

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Errors the library reports to the command layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A query (search or SQL part) is not valid; `position` is a byte offset into `query`.
    #[error("{message}")]
    Query {
        /// The full query text as the user gave it.
        query: String,
        /// Byte offset of the offending position in `query`.
        position: usize,
        /// What is wrong.
        message: String,
    },
    /// A user-supplied option or argument is not valid.
    #[error("{0}")]
    Usage(String),
    /// The store is missing or damaged.
    #[error("store {path}: {message}")]
    Store {
        /// The store directory.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The store's files differ from its manifest: one line per difference (texts raw; the
    /// command layer shows each line in visible form, so a file name cannot forge a line).
    #[error("store {path}: {summary}\n  {}\n  {hint}", .lines.join("\n  "))]
    Damaged {
        /// The store directory.
        path: PathBuf,
        /// What the damage stops (e.g. `damaged, not read:`).
        summary: String,
        /// One line per difference.
        lines: Vec<String>,
        /// What to do about it.
        hint: String,
    },
    /// An error raised by polars while planning or running a query.
    #[error("query engine: {0}")]
    Polars(#[from] polars::error::PolarsError),
    /// Anything else, with its message.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
