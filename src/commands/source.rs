//! Opens what a query command reads: a store made by `ingest`, or archive files/directories
//! read directly through a temporary store (same parsing and dedup rules as `ingest`).

use std::path::{Path, PathBuf};

use polars::prelude::LazyFrame;

use keytrail::ingest::{self, IngestOptions};
use keytrail::render::escape::visible_path;
use keytrail::store::Store;
use keytrail::timerange::TimeRange;
use keytrail::{Error, Result};

/// Files above which reading archives directly earns a hint to run `ingest` instead.
const DIRECT_READ_HINT_BYTES: u64 = 256 << 20;

/// An opened source of events. Holds the temporary store alive for direct archive reads.
pub struct Source {
    /// The store the events come from.
    pub store: Store,
    _temp: Option<tempfile::TempDir>,
}

impl Source {
    /// Opens `path`: a store if it holds one, else archives ingested into a temporary store.
    /// Problems with archive files are reported on stderr, as `ingest` would.
    pub fn open(path: &Path) -> Result<Source> {
        if Store::is_store(path) {
            return Ok(Source {
                store: Store::open(path)?,
                _temp: None,
            });
        }
        if !path.exists() {
            return Err(Error::Usage(format!(
                "{}: no such store, file or directory",
                path.display()
            )));
        }
        let size = total_size(path);
        if size > DIRECT_READ_HINT_BYTES {
            eprintln!(
                "note: reading {} MB of archives directly; for repeated queries run \
                 `keytrail ingest {} --store <DIR>` once and query the store",
                size >> 20,
                visible_path(path)
            );
        }
        let temp = tempfile::Builder::new()
            .prefix("keytrail-direct-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let inputs: Vec<PathBuf> = vec![path.to_path_buf()];
        let summary = ingest::ingest(&inputs, temp.path(), &IngestOptions::default(), &|_| {})?;
        if summary.has_problems() {
            eprintln!(
                "warning: {} of the archive's records could not be read (in {} files); \
                 run `keytrail ingest` to see the details",
                summary.rejected(),
                summary
                    .files
                    .iter()
                    .filter(|f| f.rejected > 0 || !f.problems.is_empty())
                    .count()
            );
        }
        Ok(Source {
            store: Store::open(temp.path())?,
            _temp: Some(temp),
        })
    }

    /// The events within `range`.
    pub fn scan(&self, range: &TimeRange) -> Result<LazyFrame> {
        self.store.scan(range)
    }
}

fn total_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
