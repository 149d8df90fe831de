//! The token index: per part file, per row group, a Bloom filter of every SLS token of every
//! event (the same tokens and case folding as the full-text scan, [`tokens`]), so a needle
//! search reads only the part files that may hold its terms.
//!
//! Written by `ingest` beside each part (`index/date=D/<part>.tokens`, [`file`]) before the
//! part is renamed into place, and recorded in the manifest with its size and blake3
//! (`"kind":"index"`). A reader believes an index only when its size and hash match that record
//! and it was made for the part's recorded size and hash; otherwise the part is scanned and a
//! warning names the index. `keytrail index <STORE>` builds the missing ones.
//!
//! Chosen by measurement on the 1M-event, 365-day store (1,610 parts, 296 MB; README "Token
//! index"): per-row-group split-block Bloom filters sized to each row group's distinct tokens at
//! 1% false positives take 3.5 MB (1.2% of the parts); a sorted token dictionary per file (what
//! an `fst` or a Parquet token column with Bloom filters would store) takes 78 MB raw, 48 MB
//! compressed, over the 10% budget. Only whole files are skipped: the filters are per row group,
//! but a file that may match is read whole.
//!
//! [`prune`] turns a search statement into a necessary condition on tokens and tests it.

pub mod bloom;
pub mod build;
pub mod file;
pub mod prune;
pub mod select;
pub mod separators;
pub mod tokens;
pub mod verify;
