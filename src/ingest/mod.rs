//! Ingest: reads archive inputs in parallel and commits their events to a store, deduplicated.
//!
//! Inputs are expanded to files (directories walked in sorted order,
//! [`crate::source::discover`]) and cut into chunks of about [`IngestOptions::chunk_bytes`]
//! of estimated JSON ([`plan`]). The files of a chunk are hashed, read and normalized in
//! parallel ([`read`]); then, in input order, each event is checked against the dedup keys of
//! its date partition (loaded from the store when first touched), and the new events of each
//! date become one Parquet file, sorted by time ([`commit`]). That dedup and writing run while
//! the next chunk is read, and only once the files are in place are the chunk's files recorded
//! in the manifest. A key already held with another content hash is compared with its stored
//! copy: the same content is a duplicate, other content a conflict (the new copy rejected, in
//! the run's [`rejects`] file). Key sets of dates are kept between chunks up to a bound on the
//! keys held (`MAX_HELD_KEYS`, least recently touched dropped first), so memory follows the
//! chunk (two chunks are held at once) and that bound, not the archive; all rows of one file
//! are held at once, so a single huge file is the one thing that raises the peak. Events with
//! an implausible time are stored, and their file says so ([`plausible`]).
//!
//! A run killed at any moment leaves a readable store: Parquet files are written whole to
//! `.tmp/`, recorded in the manifest (name, rows, size, blake3, source files), then renamed into
//! `events/` (a recorded part a kill left in `.tmp/` belongs to sources not yet recorded:
//! readers skip it, the next run moves it into place); source-file lines are appended only
//! after their files are in place. A rerun reads
//! again the files without a manifest line; their events already written count as duplicates,
//! so nothing is lost or stored twice.

mod commit;
mod plan;
mod plausible;
mod read;
mod rejects;

use std::path::{Path, PathBuf};

use crate::store::Store;
use crate::{Error, Result};
use commit::Run;
use plan::{chunks, plan_inputs, OrderedReports};
use read::{known_files, read_chunk, Outcome};

/// Estimated JSON bytes read per chunk of files, by default.
pub const CHUNK_BYTES: u64 = 32 * 1024 * 1024;
/// Rejected records shown per file in the summary.
const REJECT_EXAMPLES: usize = 3;
/// Event times before this (2010-01-01T00:00:00Z, before ActionTrail existed) are implausible:
/// such events are stored, and their file reports a problem.
pub const EARLIEST_PLAUSIBLE_TIME: i64 = 1_262_304_000;
/// Event times more than this many seconds after the ingest's clock are implausible too.
pub const FUTURE_SLACK_SECONDS: i64 = 86_400;

/// Settings of one ingest run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Decompressed bytes allowed per gzip file (a gzip bomb guard).
    pub max_decompressed_bytes: u64,
    /// Reader threads; `None` uses every core.
    pub threads: Option<usize>,
    /// The ingest's clock (unix seconds): events more than [`FUTURE_SLACK_SECONDS`] after it
    /// are flagged as implausible. The wall clock by default; the CLI lets a test set it.
    pub now: i64,
    /// Estimated JSON bytes read per chunk of files ([`CHUNK_BYTES`] by default): a chunk is
    /// committed whole, so smaller chunks commit sooner (tests that interrupt a run use them).
    pub chunk_bytes: u64,
    /// Whether each part gets its token index (true by default).
    pub index: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_decompressed_bytes: 4 << 30,
            threads: None,
            now: chrono::Utc::now().timestamp(),
            chunk_bytes: CHUNK_BYTES,
            index: true,
        }
    }
}

/// Progress notifications, for a progress bar.
#[derive(Debug, Clone)]
pub enum Progress {
    /// Inputs expanded: this many files of this many bytes will be looked at.
    Started {
        /// Files found.
        files: usize,
        /// Their total size.
        bytes: u64,
    },
    /// A file was read (or skipped).
    FileDone {
        /// The file.
        path: PathBuf,
        /// Events read from it.
        events: usize,
    },
    /// Writing the new events of one date partition.
    Committing {
        /// The partition date.
        date: String,
    },
}

/// What happened to one input file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The file, as found from the inputs.
    pub path: PathBuf,
    /// The format detected (empty when it was not read).
    pub format: String,
    /// Events read (valid events, duplicates included).
    pub events_read: u64,
    /// Events newly stored.
    pub stored: u64,
    /// Events already stored (earlier in this run or before).
    pub duplicates: u64,
    /// Records rejected (written to the run's rejects file).
    pub rejected: u64,
    /// File-level problems: unreadable, truncated, over the cap, count mismatch.
    pub problems: Vec<String>,
    /// Why the file was not read, if it was not (e.g. already ingested).
    pub skipped: Option<String>,
    /// The first few rejects, as `position: reason`.
    pub reject_examples: Vec<String>,
}

/// What one ingest run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// The run id (names the run's Parquet files and rejects file).
    pub run_id: String,
    /// One report per input file, in input order.
    pub files: Vec<FileReport>,
    /// The rejects file, if anything was rejected.
    pub rejects_file: Option<PathBuf>,
}

impl IngestSummary {
    /// Events read, over all files.
    pub fn events_read(&self) -> u64 {
        self.files.iter().map(|f| f.events_read).sum()
    }

    /// Events newly stored.
    pub fn events_stored(&self) -> u64 {
        self.files.iter().map(|f| f.stored).sum()
    }

    /// Events that were already stored.
    pub fn duplicates(&self) -> u64 {
        self.files.iter().map(|f| f.duplicates).sum()
    }

    /// Records rejected.
    pub fn rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }

    /// Files skipped (already ingested).
    pub fn skipped(&self) -> usize {
        self.files.iter().filter(|f| f.skipped.is_some()).count()
    }

    /// Whether any record was rejected or any file had a problem.
    pub fn has_problems(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.rejected > 0 || !f.problems.is_empty())
    }
}

/// Ingests `inputs` (files, or directories walked recursively) into the store at `store_dir`,
/// creating it if needed.
pub fn ingest(
    inputs: &[PathBuf],
    store_dir: &Path,
    opts: &IngestOptions,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Result<IngestSummary> {
    let mut store = Store::create_or_open(store_dir)?;
    store.set_indexing(opts.index);
    let run_id = new_run_id();
    let (planned, mut early) = plan_inputs(inputs, &store)?;
    let bytes = planned.iter().map(|p| p.size).sum();
    on_progress(&Progress::Started {
        files: planned.len() + early.len(),
        bytes,
    });
    for (_, report) in &early {
        on_progress(&Progress::FileDone {
            path: report.path.clone(),
            events: 0,
        });
    }
    let pool = thread_pool(opts.threads)?;
    let mut known = known_files(&store);
    let mut run = Run::new(store, run_id.clone(), opts.now);
    let mut reports: OrderedReports = Vec::new();
    // Chunk N is deduped and written while chunk N+1 is read: both cores stay busy, and the
    // manifest lines of chunk N are committed only once its files are in place.
    let mut read: Option<Vec<Outcome>> = None;
    for chunk in chunks(&planned, opts.chunk_bytes) {
        let (written, outcomes) = pool.install(|| {
            rayon::join(
                || read.take().map(|o| run.prepare_and_write(o, on_progress)),
                || read_chunk(chunk, &known, opts, on_progress),
            )
        });
        if let Some(deduped) = written {
            reports.extend(run.finish_chunk(deduped?, &mut known)?);
        }
        read = Some(outcomes);
    }
    if let Some(outcomes) = read.take() {
        let deduped = pool.install(|| run.prepare_and_write(outcomes, on_progress))?;
        reports.extend(run.finish_chunk(deduped, &mut known)?);
    }
    reports.append(&mut early);
    reports.sort_by_key(|(order, _)| *order);
    let rejects_file = run.finish()?;
    Ok(IngestSummary {
        run_id,
        files: reports.into_iter().map(|(_, r)| r).collect(),
        rejects_file,
    })
}

/// A run id: UTC start time plus a few bits to tell apart runs started the same second.
fn new_run_id() -> String {
    let now = chrono::Utc::now();
    let salt = (now.timestamp_subsec_nanos() ^ std::process::id().rotate_left(16)) & 0xffff;
    format!("{}-{salt:04x}", now.format("%Y%m%dT%H%M%SZ"))
}

fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Other(format!("starting reader threads: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reports_every_file_and_date() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/ingest/archive");
        let events = std::sync::Mutex::new(Vec::new());
        let record = |p: &Progress| {
            let text = match p {
                Progress::Started { files, .. } => format!("started {files}"),
                Progress::FileDone { .. } => "file".to_string(),
                Progress::Committing { date } => format!("commit {date}"),
            };
            events.lock().unwrap().push(text);
        };
        let summary = ingest(
            std::slice::from_ref(&archive),
            dir.path(),
            &IngestOptions::default(),
            &record,
        )
        .unwrap();
        assert_eq!(
            (
                summary.events_read(),
                summary.events_stored(),
                summary.duplicates()
            ),
            (28, 26, 2)
        );
        let seen = events.lock().unwrap().clone();
        assert_eq!(seen[0], "started 13");
        assert_eq!(seen.iter().filter(|e| *e == "file").count(), 13);
        assert_eq!(&seen[14..], ["commit 2024-03-01", "commit 2024-03-02"]);
        events.lock().unwrap().clear();
        let again = ingest(&[archive], dir.path(), &IngestOptions::default(), &record).unwrap();
        assert_eq!((again.skipped(), again.events_read()), (13, 0));
        assert_eq!(
            events.lock().unwrap().len(),
            14,
            "started + one per skipped file"
        );
    }

    #[test]
    fn run_ids_sort_by_time() {
        let id = new_run_id();
        assert_eq!(id.len(), "20240301T100000Z-abcd".len());
        assert!(id.starts_with("20"));
    }
}
