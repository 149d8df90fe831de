//! Opens what a query command reads: a store made by `ingest` (checked against its manifest
//! first), or archive files/directories read directly through a temporary store (same parsing
//! and dedup rules as `ingest`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use polars::prelude::LazyFrame;

use keytrail::ingest::{self, IngestOptions};
use keytrail::query::exec;
use keytrail::query::search::SearchExpr;
use keytrail::render::escape::{visible, visible_path};
use keytrail::render::stderr;
use keytrail::store::{self, Store};
use keytrail::time::TimeRange;
use keytrail::{Error, Result};

use crate::cli::DamageArgs;

/// The store and the Parquet files the scans of this process read, for naming the damaged one
/// when the query engine fails on a file it cannot decode.
static SCANNED: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// Set when archives read directly (not a store) could not be read whole: the command's result
/// covers only what was read, so it exits 1 at least (a gate never passes on unread evidence).
static INCOMPLETE_READ: AtomicBool = AtomicBool::new(false);

/// Whether archives read directly by this command could not be read whole.
pub fn read_was_incomplete() -> bool {
    INCOMPLETE_READ.load(Ordering::Relaxed)
}

/// Says on stderr which archive files had problems (as ingest would), and marks the run.
fn warn_incomplete_read(summary: &ingest::IngestSummary) {
    INCOMPLETE_READ.store(true, Ordering::Relaxed);
    let damaged: Vec<_> = summary
        .files
        .iter()
        .filter(|f| f.rejected > 0 || !f.problems.is_empty())
        .collect();
    stderr::warning(&format!(
        "the archive has problems ({} records rejected; {} files): the result covers \
         what could be read, and the exit status is 1; `keytrail ingest` shows the details",
        summary.rejected(),
        damaged.len()
    ));
    for file in damaged.iter().take(3) {
        let what = file.problems.first().or(file.reject_examples.first());
        stderr::shown(&format!(
            "  {}: {}",
            visible_path(&file.path),
            visible(what.map_or("records rejected", String::as_str))
        ));
    }
}

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
    pub fn open(path: &Path, damage: &DamageArgs) -> Result<Source> {
        if Store::looks_like_store(path) {
            let store = Store::open_keeping(path, store::manifest::Keep::Parts)?;
            check_damage(&store, damage.allow_damaged)?;
            return Ok(Source { store, _temp: None });
        }
        if !path.exists() {
            return Err(Error::Usage(format!(
                "{}: no such store, file or directory",
                path.display()
            )));
        }
        let size = total_size(path);
        if size > DIRECT_READ_HINT_BYTES {
            stderr::shown(&format!(
                "note: reading {} MB of archives directly; for repeated queries run \
                 `keytrail ingest {} --store <DIR>` once and query the store",
                size >> 20,
                visible_path(path)
            ));
        }
        let temp = tempfile::Builder::new()
            .prefix("keytrail-direct-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let inputs: Vec<PathBuf> = vec![path.to_path_buf()];
        let opts = IngestOptions {
            index: !index_disabled(),
            ..IngestOptions::default()
        };
        let summary = ingest::ingest(&inputs, temp.path(), &opts, &|_| {})?;
        if summary.has_problems() {
            warn_incomplete_read(&summary);
        }
        Ok(Source {
            store: Store::open(temp.path())?,
            _temp: Some(temp),
        })
    }

    /// The part files of `range` that the search part of `query` may match
    /// ([`Source::files_matching`]; all of them when it does not parse: compiling it then
    /// reports the error).
    pub fn files_for_query(&self, range: &TimeRange, query: &str) -> Vec<PathBuf> {
        match keytrail::query::search::parse(keytrail::query::split(query).search) {
            Ok(search) => self.files_matching(range, &search),
            Err(_) => self.files(range),
        }
    }

    /// The part files of `range` that may hold an event `search` matches: those the token index
    /// does not rule out (all of them when it is disabled). Names the indexes not believed on
    /// stderr and keeps what the index did for `--explain`.
    pub fn files_matching(&self, range: &TimeRange, search: &SearchExpr) -> Vec<PathBuf> {
        if index_disabled() {
            return self.files(range);
        }
        let need = keytrail::index::prune::Need::of(search);
        let (files, pruning) = self.store.files_pruned(range, &need);
        warn_ignored_indexes(&self.store, &pruning.ignored);
        if let Ok(mut summary) = INDEX_SUMMARY.lock() {
            *summary = Some(pruning.to_string());
        }
        files
    }

    /// The events of `range` in the part files the token index keeps for the search `search`
    /// ([`Source::files_for_query`]): every event the search matches, and fewer others.
    pub fn scan_for_search(&self, range: &TimeRange, search: &str) -> Result<LazyFrame> {
        self.scan_files(&self.files_for_query(range, search), range)
    }

    /// The events within `range`.
    pub fn scan(&self, range: &TimeRange) -> Result<LazyFrame> {
        self.note_scanned(&self.store.files_in(range));
        self.store.scan(range)
    }

    /// The part files a scan of `range` reads.
    pub fn files(&self, range: &TimeRange) -> Vec<PathBuf> {
        self.store.files_in(range)
    }

    /// The events of `files` (some of [`Source::files`]) within `range`.
    pub fn scan_files(&self, files: &[PathBuf], range: &TimeRange) -> Result<LazyFrame> {
        self.note_scanned(files);
        exec::scan_files(files, range)
    }

    /// Remembers `files` for [`name_damaged_part`].
    fn note_scanned(&self, files: &[PathBuf]) {
        if let Ok(mut scanned) = SCANNED.lock() {
            let root = self.store.root().to_path_buf();
            scanned.extend(files.iter().map(|f| (root.clone(), f.clone())));
        }
    }
}

/// What the token index did for the last [`Source::files_matching`] of this process.
static INDEX_SUMMARY: Mutex<Option<String>> = Mutex::new(None);

/// What the token index did for the last search scan, one line for `--explain`.
pub fn index_summary() -> String {
    let summary = INDEX_SUMMARY.lock().ok().and_then(|s| s.clone());
    summary.unwrap_or_else(|| match index_disabled() {
        true => "the token index is disabled (KEYTRAIL_NO_INDEX): every part file in range is \
                 scanned"
            .into(),
        false => "the token index was not consulted".into(),
    })
}

/// Whether `KEYTRAIL_NO_INDEX` (set and not empty) turns the token index off: ingest writes
/// none and searches scan every part in range (for tests and benchmarks that compare). The
/// binary reads it; the library takes it as an option ([`IngestOptions::index`]).
pub fn index_disabled() -> bool {
    std::env::var_os("KEYTRAIL_NO_INDEX").is_some_and(|v| !v.is_empty())
}

/// Names on stderr the indexes that were not believed (their parts were scanned).
fn warn_ignored_indexes(store: &Store, ignored: &[(String, String)]) {
    if ignored.is_empty() {
        return;
    }
    let lines: Vec<String> = ignored
        .iter()
        .take(10)
        .map(|(path, reason)| format!("  {}: {}", visible(path), visible(reason)))
        .chain((ignored.len() > 10).then(|| format!("  ... and {} more", ignored.len() - 10)))
        .collect();
    stderr::warning(&format!(
        "store {}: {} token indexes not believed, their part files are scanned (run `keytrail \
         index {}` to rebuild them):\n{}",
        visible_path(store.root()),
        ignored.len(),
        visible_path(store.root()),
        lines.join("\n")
    ));
}

/// Refuses a store whose files differ from its manifest, or with `allow_damaged` warns about
/// it on stderr; warns that a store whose manifest records no parts is read unchecked.
fn check_damage(store: &Store, allow_damaged: bool) -> Result<()> {
    let root = visible_path(store.root());
    if store.is_legacy() {
        stderr::warning(&format!(
            "store {root}: its manifest records no part files (written by an older \
             keytrail), so they are read unchecked; run `keytrail verify {root} --adopt` to \
             record them"
        ));
    }
    if store.damage().is_empty() {
        return Ok(());
    }
    let lines = store::damage_lines(store.damage());
    if allow_damaged {
        let shown: Vec<String> = lines.iter().map(|l| format!("  {}", visible(l))).collect();
        stderr::warning(&format!(
            "store {root}: damaged, reading only the recorded parts that are present \
             (results may be incomplete):\n{}",
            shown.join("\n")
        ));
        return Ok(());
    }
    Err(Error::Damaged {
        path: store.root().to_path_buf(),
        summary: "damaged, not read:".into(),
        lines,
        hint: format!(
            "run `keytrail verify {}` for a full check and `--repair` to fix it, or pass \
             --allow-damaged to read the parts that are present",
            store.root().display()
        ),
    })
}

/// An error of the query engine reading Parquet, named after the first file this process
/// scanned that cannot be read in full (a damaged footer, page or compressed block); any other
/// error as it is. Only after such an error is each scanned file read again, one by one.
pub fn name_damaged_part(err: Error) -> Error {
    let Error::Polars(engine) = &err else {
        return err;
    };
    if !store::is_parquet_error(&engine.to_string()) {
        return err;
    }
    let scanned = SCANNED.lock().map(|s| s.clone()).unwrap_or_default();
    let mut tried = std::collections::HashSet::new();
    for (root, file) in scanned {
        if !tried.insert(file.clone()) {
            continue;
        }
        if let Some(reason) = store::read_error(&file) {
            let rel = file.strip_prefix(&root).unwrap_or(&file).to_string_lossy();
            return Error::Store {
                path: root.clone(),
                message: format!(
                    "{rel}: damaged Parquet part, cannot be read: {reason}; run `keytrail verify \
                     {}` for a full check",
                    root.display()
                ),
            };
        }
    }
    err
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
