//! Ingest: reads archive inputs in parallel and commits their events to a store, deduplicated.
//!
//! Inputs are expanded to files (directories walked in sorted order) and cut into chunks of
//! about [`CHUNK_BYTES`] of estimated JSON. The files of a chunk are hashed, read and
//! normalized in parallel; then, in input order, each event is checked against the dedup keys
//! of its date partition (loaded from the store when first touched), and the new events of each
//! date become one Parquet file, sorted by time. That dedup and writing run while the next
//! chunk is read, and only once the files are in place are the chunk's files recorded in the
//! manifest. A key already held with another content hash is compared with its stored copy:
//! the same content is a duplicate, other content a conflict (the new copy rejected). Key sets of dates are kept between chunks up to [`MAX_HELD_KEYS`] keys (least
//! recently touched dropped first), so memory follows the chunk (two chunks are held at once)
//! and that bound, not the archive; all rows of one file are held at once, so a single huge
//! file is the one thing that raises the peak.
//!
//! A run killed at any moment leaves a readable store: Parquet files are written whole to
//! `.tmp/`, recorded in the manifest (name, rows, size, blake3, source files), then renamed into
//! `events/` (a recorded part a kill left in `.tmp/` belongs to sources not yet recorded:
//! readers skip it, the next run moves it into place); source-file lines are appended only
//! after their files are in place. A rerun reads
//! again the files without a manifest line; their events already written count as duplicates,
//! so nothing is lost or stored twice.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::json;

use crate::normalize::{
    date_of, normalize_compact_into, normalize_into, same_event_content, Envelope,
};
use crate::rows::{
    content_hash, key_hash, RowBatch, RowBuilder, EVENT_COLUMN, EVENT_ID_COLUMN, EVENT_TIME_COLUMN,
    ORIGIN_COLUMN,
};
use crate::source::open::{
    changed_while_read, not_regular_reason, open_regular, FileStamp, HashingReader,
};
use crate::source::{read_reader, truncate_raw, EventBody, ReadOptions, Record};
use crate::store::{ManifestRecord, Store};
use crate::{Error, Result};

/// Estimated JSON bytes read per chunk of files.
pub const CHUNK_BYTES: u64 = 32 * 1024 * 1024;
/// Environment variable overriding [`CHUNK_BYTES`] (for tests that need many small chunks).
pub const CHUNK_BYTES_ENV: &str = "KEYTRAIL_INGEST_CHUNK_BYTES";
/// How much larger than its file a gzip file is assumed to decompress when its trailer does not
/// say, for chunking.
const GZIP_RATIO_ESTIMATE: u64 = 10;
/// Files up to this size are read whole into memory first, so that a copy of a file already
/// ingested is skipped before it is parsed; larger ones are parsed as they are read. Either way
/// each byte is read once, and hashed as it is read.
const READ_WHOLE_MAX: u64 = 64 * 1024 * 1024;
/// Dedup keys held in memory between chunks, at most (each takes ~16 to 40 bytes): dates
/// touched again soon, as when an archive is walked region by region, are not read again from
/// the store, and memory stays bounded however large the store grows.
const MAX_HELD_KEYS: usize = 1_500_000;
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
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_decompressed_bytes: 4 << 30,
            threads: None,
            now: chrono::Utc::now().timestamp(),
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
    let store = Store::create_or_open(store_dir)?;
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
    let budget = std::env::var(CHUNK_BYTES_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CHUNK_BYTES);
    // Chunk N is deduped and written while chunk N+1 is read: both cores stay busy, and the
    // manifest lines of chunk N are committed only once its files are in place.
    let mut read: Option<Vec<Outcome>> = None;
    for chunk in chunks(&planned, budget) {
        let (written, outcomes) = pool.install(|| {
            rayon::join(
                || read.take().map(|o| run.prepare_and_write(o, on_progress)),
                || read_chunk(chunk, &known, opts, on_progress),
            )
        });
        if let Some(prepared) = written {
            reports.extend(run.finish_chunk(prepared?, &mut known)?);
        }
        read = Some(outcomes);
    }
    if let Some(outcomes) = read.take() {
        let prepared = pool.install(|| run.prepare_and_write(outcomes, on_progress))?;
        reports.extend(run.finish_chunk(prepared, &mut known)?);
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

/// Reads the files of one chunk in parallel.
fn read_chunk(
    chunk: &[Planned],
    known: &KnownFiles,
    opts: &IngestOptions,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Vec<Outcome> {
    chunk
        .par_iter()
        .map(|p| read_planned(p, known, opts, on_progress))
        .collect()
}

/// A file to read.
#[derive(Debug, Clone)]
struct Planned {
    /// Position among all input files, for the report order.
    order: usize,
    /// The path as found.
    path: PathBuf,
    /// The absolute path, as the manifest records it.
    absolute: String,
    size: u64,
    /// Its size and modification time when it was listed.
    listed: FileStamp,
    /// Estimated bytes of JSON it holds.
    estimate: u64,
}

/// Reports paired with the input position of their file.
type OrderedReports = Vec<(usize, FileReport)>;

/// Expands the inputs to files in stable order. Files that cannot be looked at, or that the
/// manifest already holds under the same path and size, get their report right away.
fn plan_inputs(inputs: &[PathBuf], store: &Store) -> Result<(Vec<Planned>, OrderedReports)> {
    let by_path: HashMap<(&str, u64), &str> = store
        .manifest()
        .iter()
        .map(|m| ((m.path.as_str(), m.size), m.run.as_str()))
        .collect();
    let store_root = std::fs::canonicalize(store.root()).ok();
    let mut seen = HashSet::new();
    let (mut planned, mut early) = (Vec::new(), Vec::new());
    for (order, found) in expand_inputs(inputs).into_iter().enumerate() {
        let path = match found {
            Ok(path) => path,
            Err((path, problem)) => {
                early.push((
                    order,
                    FileReport {
                        path,
                        problems: vec![problem],
                        ..Default::default()
                    },
                ));
                continue;
            }
        };
        let canonical = std::fs::canonicalize(&path).ok();
        if let (Some(c), Some(root)) = (&canonical, &store_root) {
            if c.starts_with(root) {
                continue;
            }
        }
        if !seen.insert(canonical.clone().unwrap_or_else(|| path.clone())) {
            continue;
        }
        let absolute = std::path::absolute(&path)
            .unwrap_or_else(|_| path.clone())
            .to_string_lossy()
            .into_owned();
        let listed = match regular_file_stamp(&path) {
            Ok(listed) => listed,
            Err(problem) => {
                let report = FileReport {
                    path,
                    problems: vec![problem],
                    ..Default::default()
                };
                early.push((order, report));
                continue;
            }
        };
        let size = listed.size;
        if let Some(run) = by_path.get(&(absolute.as_str(), size)) {
            let skipped = Some(format!("already ingested (run {run})"));
            early.push((
                order,
                FileReport {
                    path,
                    skipped,
                    ..Default::default()
                },
            ));
            continue;
        }
        let estimate = json_bytes_estimate(&path, size);
        planned.push(Planned {
            order,
            path,
            absolute,
            size,
            listed,
            estimate,
        });
    }
    Ok((planned, early))
}

/// The stamp of the regular file at `path` (a symlink is followed), or why it is not read:
/// `cannot read: ...`, or `not a regular file (fifo)` for FIFOs, sockets, devices, directories
/// reached through a symlink (not followed) and symlinks to any of them. Only the metadata is
/// looked at: nothing is opened, so a FIFO cannot block.
fn regular_file_stamp(path: &Path) -> std::result::Result<FileStamp, String> {
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let link = std::fs::symlink_metadata(path).map_err(cannot)?;
    let target = std::fs::metadata(path).map_err(cannot)?;
    match not_regular_reason(&link, &target) {
        None => Ok(FileStamp::of(&target)),
        Some(reason) if target.is_dir() => Err(format!(
            "{reason}: not followed, pass the directory itself as an input"
        )),
        Some(reason) => Err(reason),
    }
}

/// Every file under `inputs`, in input order and sorted within directories; or the input and
/// why it cannot be read.
fn expand_inputs(inputs: &[PathBuf]) -> Vec<std::result::Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            out.push(Ok(input.clone()));
            continue;
        }
        for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => out.push(Ok(e.into_path())),
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| input.clone());
                    out.push(Err((path, format!("cannot read: {e}"))));
                }
            }
        }
    }
    out
}

/// The JSON bytes a file of `size` bytes holds: its size, or for a gzip file the size its
/// trailer records (ISIZE: exact for a single member under 4 GiB), or ten times the file when
/// that record is implausible.
fn json_bytes_estimate(path: &Path, size: u64) -> u64 {
    let mut magic = [0u8; 2];
    let Ok(mut file) = open_regular(path) else {
        return size;
    };
    if file.read_exact(&mut magic).is_err() || magic != [0x1f, 0x8b] {
        return size;
    }
    let mut trailer = [0u8; 4];
    let recorded = size >= 18
        && file.seek(SeekFrom::Start(size - 4)).is_ok()
        && file.read_exact(&mut trailer).is_ok();
    match u64::from(u32::from_le_bytes(trailer)) {
        isize if recorded && isize >= size && isize <= size * 1032 => isize,
        _ => size * GZIP_RATIO_ESTIMATE,
    }
}

/// Cuts the planned files into chunks of about `budget` bytes of estimated JSON.
fn chunks(planned: &[Planned], budget: u64) -> Vec<&[Planned]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, p) in planned.iter().enumerate() {
        if i > start && bytes + p.estimate > budget {
            out.push(&planned[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += p.estimate;
    }
    if start < planned.len() {
        out.push(&planned[start..]);
    }
    out
}

/// One rejected record, as a line of the rejects file.
#[derive(Debug, Clone)]
struct RejectLine {
    position: String,
    reason: String,
    raw: String,
}

/// The result of reading one planned file.
struct Outcome {
    planned: Planned,
    report: FileReport,
    rows: Vec<RowBatch>,
    rejects: Vec<RejectLine>,
    /// blake3 of the file, when it was read whole and did not change while it was read (only
    /// then is it recorded in the manifest).
    hash: Option<String>,
}

/// Reads one file, hashing exactly the bytes it parses (unless its content is already in the
/// manifest). A file that changed since it was listed, or while it was read, keeps the events
/// read but gets no hash, so no manifest line: the next run reads it again.
fn read_planned(
    planned: &Planned,
    known: &KnownFiles,
    opts: &IngestOptions,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Outcome {
    let mut outcome = Outcome {
        planned: planned.clone(),
        report: FileReport {
            path: planned.path.clone(),
            ..Default::default()
        },
        rows: Vec::new(),
        rejects: Vec::new(),
        hash: None,
    };
    let file_done = |outcome: Outcome, events: usize| {
        on_progress(&Progress::FileDone {
            path: planned.path.clone(),
            events,
        });
        outcome
    };
    let mut hashing = match open_regular(&planned.path) {
        Ok(file) => HashingReader::new(file),
        Err(e) => {
            outcome.report.problems.push(format!("cannot read: {e}"));
            return file_done(outcome, 0);
        }
    };
    // A file of modest size is read whole first: a copy of a file already ingested is skipped
    // before it is parsed. One byte more than listed is asked for, to see a file that grew.
    let mut head = Vec::new();
    if planned.size <= READ_WHOLE_MAX {
        head.reserve_exact(planned.size as usize + 1);
        if let Err(e) = (&mut hashing).take(planned.size + 1).read_to_end(&mut head) {
            outcome.report.problems.push(format!("cannot read: {e}"));
            return file_done(outcome, 0);
        }
        if head.len() as u64 == planned.size {
            if let Some(skipped) = already_ingested(known, &hashing.hash(), planned.size) {
                outcome.report.skipped = Some(skipped);
                return file_done(outcome, 0);
            }
        }
    }
    let (rows, rejects, read) =
        parse_file(planned, Cursor::new(&head[..]).chain(&mut hashing), opts);
    drop(head);
    outcome.report.format = read.format;
    outcome.report.problems = read.problems;
    outcome.report.events_read = rows.len() as u64;
    outcome.report.rejected = rejects.len() as u64;
    outcome.report.reject_examples = rejects
        .iter()
        .take(REJECT_EXAMPLES)
        .map(|r| format!("{}: {}", r.position, r.reason))
        .collect();
    let events = rows.len();
    match file_hash_after_read(planned, &mut hashing) {
        Ok(hash) => match already_ingested(known, &hash, planned.size) {
            // A large file is known only once read: what it held is stored already.
            Some(skipped) => {
                outcome.report = FileReport {
                    path: planned.path.clone(),
                    skipped: Some(skipped),
                    ..Default::default()
                };
                return file_done(outcome, 0);
            }
            None => outcome.hash = Some(hash),
        },
        Err(problem) => outcome.report.problems.push(problem),
    }
    outcome.rows = rows.finish();
    outcome.rejects = rejects;
    file_done(outcome, events)
}

/// Why a file of this content is skipped, if the store (or this run) holds it already.
fn already_ingested(known: &KnownFiles, hash: &str, size: u64) -> Option<String> {
    if size == 0 {
        return None;
    }
    let run = known.get(&(hash.to_string(), size))?;
    Some(format!("already ingested (same content, run {run})"))
}

/// After parsing: reads the rest of the file into the hash (what the parser left, up to one
/// byte more than listed) and checks that the file is still what was listed. The hash, or the
/// problem that keeps the file out of the manifest.
fn file_hash_after_read(
    planned: &Planned,
    hashing: &mut HashingReader<File>,
) -> std::result::Result<String, String> {
    let cannot = |e: std::io::Error| format!("cannot read the rest of the file: {e}");
    hashing.drain(planned.size + 1).map_err(cannot)?;
    let now = hashing.get_ref().metadata().map_err(cannot)?;
    match changed_while_read(planned.listed, hashing.bytes_read(), FileStamp::of(&now)) {
        Some(problem) => Err(problem),
        None => Ok(hashing.hash()),
    }
}

/// Parses the bytes of `source` (the file of `planned`) into normalized rows and rejects.
fn parse_file(
    planned: &Planned,
    source: impl Read,
    opts: &IngestOptions,
) -> (RowBuilder, Vec<RejectLine>, crate::source::FileRead) {
    let read_opts = ReadOptions {
        max_decompressed_bytes: opts.max_decompressed_bytes,
    };
    let origin_width = planned.absolute.len() + "#index 1000 (byte 1000000)".len();
    let mut rows = RowBuilder::with_capacity(planned.estimate as usize, origin_width);
    let (mut rejects, mut scratch) = (Vec::new(), Vec::new());
    let mut envelope = Envelope::default();
    let mut sink = |record: Record| match record {
        Record::Event(raw) => {
            envelope.topic = raw.topic;
            envelope.time = raw.time;
            envelope.origin.clear();
            envelope.origin.push_str(&planned.absolute);
            envelope.origin.push('#');
            envelope.origin.push_str(&raw.position);
            // A reader's JSON text is checked already; a value serializes to valid JSON.
            let (text, normalized) = match raw.body {
                EventBody::Compact { raw, text, fields } => (
                    Cow::Borrowed(raw),
                    normalize_compact_into(raw, text, fields, &envelope, &mut scratch, &mut rows),
                ),
                EventBody::Json(bytes) => {
                    let done = normalize_into(&bytes, &envelope, &mut scratch, &mut rows);
                    (bytes, done)
                }
                EventBody::Value(value) => {
                    let bytes = value.to_string().into_bytes();
                    let done = normalize_into(&bytes, &envelope, &mut scratch, &mut rows);
                    (Cow::Owned(bytes), done)
                }
            };
            match normalized {
                Ok(()) => {}
                Err(e) => rejects.push(RejectLine {
                    position: raw.position,
                    reason: e.to_string(),
                    raw: truncate_raw(&text),
                }),
            }
        }
        Record::Reject(r) => rejects.push(RejectLine {
            position: r.position,
            reason: r.reason,
            raw: r.raw,
        }),
    };
    let read = read_reader(&planned.path, source, &read_opts, &mut sink);
    (rows, rejects, read)
}

/// (blake3, size) → run, for every file in the manifest or read in this run.
type KnownFiles = HashMap<(String, u64), String>;

/// The files the store's manifest holds, by content.
fn known_files(store: &Store) -> KnownFiles {
    store
        .manifest()
        .iter()
        .filter(|m| m.size > 0)
        .map(|m| ((m.blake3.clone(), m.size), m.run.clone()))
        .collect()
}

/// The new events of one date in a chunk, to be written as one Parquet file: rows of the
/// chunk's batches, as `(batch, row)`.
struct DateFile {
    date: String,
    name: String,
    picks: Vec<(usize, usize)>,
}

/// A chunk after dedup: its rows and the files to write from them, then its manifest lines
/// and reports.
struct Prepared {
    batches: Vec<RowBatch>,
    files: Vec<DateFile>,
    records: Vec<ManifestRecord>,
    reports: OrderedReports,
}

/// The dedup key hashes of one date, each with the [`content_hash`] of its stored event
/// ([`UNKNOWN_CONTENT`] for keys read from the store, until a new copy needs it). Key hashes are
/// blake3 output already: the map uses their low bits as its hash instead of hashing them again.
type KeySet = HashMap<u128, u64, BuildHasherDefault<PreHashed>>;

/// The content hash of a key read from the store whose event was not read.
const UNKNOWN_CONTENT: u64 = 0;

/// The hasher of [`KeySet`]: the value's own low 64 bits.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u128(&mut self, value: u128) {
        self.0 = value as u64;
    }
}

/// The store date of event times, formatted once per day seen in a row.
#[derive(Default)]
struct DateCache {
    day: Option<i64>,
    date: String,
}

impl DateCache {
    fn date(&mut self, time: i64) -> &str {
        let day = time.div_euclid(86_400);
        if self.day != Some(day) {
            self.day = Some(day);
            self.date = date_of(time);
        }
        &self.date
    }
}

/// What dedup of one chunk gathers: the new rows of each date (as `(batch, row)`), the
/// collisions to settle, and the date of the last time seen.
#[derive(Default)]
struct ChunkDedup {
    by_date: BTreeMap<String, Vec<(usize, usize)>>,
    collisions: Vec<Collision>,
    dates: DateCache,
}

/// Where the results of one file go: its report and manifest record (by index in the chunk's
/// lists), and its path as the manifest records it.
struct FileSlots<'a> {
    report: usize,
    record: Option<usize>,
    file: &'a str,
}

/// A new event whose dedup key is held already with another (or an unknown) content.
struct Collision {
    date: String,
    key: u128,
    /// `(batch, row)` of the new copy in the chunk.
    at: (usize, usize),
    /// The [`content_hash`] of the new copy.
    content: u64,
    /// Its file's report and manifest record (see [`FileSlots`]).
    report: usize,
    record: Option<usize>,
    file: String,
}

/// The rows a chunk stores, by date, and the batches they sit in.
struct Picked<'a> {
    batches: &'a [RowBatch],
    by_date: &'a BTreeMap<String, Vec<(usize, usize)>>,
}

/// The stored copy of an event: its [`content_hash`], its compact JSON (unless every new copy
/// has that hash) and `<file>#<position>`.
struct StoredCopy {
    content: u64,
    event: Option<String>,
    origin: String,
}

/// The reject of a new copy (row `row` of `batch`, read from `file`) that conflicts with the
/// stored copy `first`.
fn conflict_reject(batch: &RowBatch, row: usize, file: &str, first: &StoredCopy) -> RejectLine {
    let origin = batch.text(ORIGIN_COLUMN, row).unwrap_or_default();
    let position = origin
        .strip_prefix(file)
        .and_then(|p| p.strip_prefix('#'))
        .unwrap_or(origin);
    let id = match batch.text(EVENT_ID_COLUMN, row) {
        Some(id) => format!("eventId {id:?}"),
        None => "an event without eventId".to_string(),
    };
    RejectLine {
        position: position.to_string(),
        reason: format!(
            "conflict: {id} already stored with different content (first seen at {})",
            first.origin
        ),
        raw: truncate_raw(batch.text(EVENT_COLUMN, row).unwrap_or_default().as_bytes()),
    }
}

/// The events of one file whose time is implausible: how many, and the first one's origin,
/// `eventTime` text and time.
#[derive(Default)]
struct Implausible {
    count: u64,
    first: Option<(String, Option<String>, i64)>,
}

impl Implausible {
    fn see(&mut self, batch: &RowBatch, row: usize) {
        self.count += 1;
        if self.first.is_none() {
            let origin = batch
                .text(ORIGIN_COLUMN, row)
                .unwrap_or_default()
                .to_string();
            let event_time = batch.text(EVENT_TIME_COLUMN, row).map(str::to_string);
            self.first = Some((origin, event_time, batch.time(row)));
        }
    }

    /// The problem line of the file at `file`, if any of its events had an implausible time
    /// (`latest` is the latest plausible one).
    fn problem(&self, file: &str, latest: i64) -> Option<String> {
        let (origin, event_time, time) = self.first.as_ref()?;
        let position = origin
            .strip_prefix(file)
            .and_then(|p| p.strip_prefix('#'))
            .unwrap_or(origin);
        let shown = match event_time {
            Some(text) => format!("{text:?}"),
            None => format!("__time__ {time}"),
        };
        let latest = chrono::DateTime::from_timestamp(latest, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| latest.to_string());
        let events = match self.count {
            1 => "1 event".to_string(),
            n => format!("{n} events"),
        };
        Some(format!(
            "{events} with an implausible eventTime (before 2010-01-01 or after {latest}), \
             stored anyway; first at {position}: {shown}"
        ))
    }
}

/// The committing side of a run: dedup key sets, Parquet part numbering, rejects file.
struct Run {
    store: Store,
    run_id: String,
    /// Event times after this are implausible (the ingest's clock plus a day).
    latest_plausible: i64,
    /// (blake3, size) → path, for files read in this run.
    this_run: HashMap<(String, u64), PathBuf>,
    /// Dedup keys (as [`key_hash`]es) of recently touched date partitions, with the number of
    /// the chunk that last touched each.
    keys: HashMap<String, (KeySet, usize)>,
    /// Chunks prepared so far.
    chunks: usize,
    next_part: usize,
    rejects: Option<BufWriter<File>>,
}

impl Run {
    fn new(store: Store, run_id: String, now: i64) -> Run {
        Run {
            store,
            run_id,
            latest_plausible: now.saturating_add(FUTURE_SLACK_SECONDS),
            this_run: HashMap::new(),
            keys: HashMap::new(),
            chunks: 0,
            next_part: 0,
            rejects: None,
        }
    }

    /// Dedups a chunk and writes its new events.
    fn prepare_and_write(
        &mut self,
        outcomes: Vec<Outcome>,
        on_progress: &(dyn Fn(&Progress) + Sync),
    ) -> Result<Prepared> {
        let mut prepared = self.prepare(outcomes)?;
        self.write(&mut prepared, on_progress)?;
        Ok(prepared)
    }

    /// Dedups the events of one chunk in input order and groups the new ones by date, ready to
    /// be written; writes the chunk's rejects.
    fn prepare(&mut self, outcomes: Vec<Outcome>) -> Result<Prepared> {
        let (mut batches, mut reports, mut records) = (Vec::new(), Vec::new(), Vec::new());
        let mut chunk = ChunkDedup::default();
        for mut outcome in outcomes {
            if let Some(hash) = &outcome.hash {
                let id = (hash.clone(), outcome.planned.size);
                if outcome.planned.size > 0 {
                    if let Some(first) = self.this_run.get(&id) {
                        outcome.report = FileReport {
                            path: outcome.planned.path.clone(),
                            skipped: Some(format!("same content as {}", first.display())),
                            ..Default::default()
                        };
                        reports.push((outcome.planned.order, outcome.report));
                        continue;
                    }
                }
                self.this_run.insert(id, outcome.planned.path.clone());
            }
            self.write_rejects(&outcome)?;
            let slots = FileSlots {
                report: reports.len(),
                record: outcome.hash.as_ref().map(|_| records.len()),
                file: &outcome.planned.absolute,
            };
            let mut implausible = Implausible::default();
            for batch in std::mem::take(&mut outcome.rows) {
                let index = batches.len();
                let report = &mut outcome.report;
                self.dedup_batch(&batch, index, &slots, &mut chunk, report, &mut implausible)?;
                batches.push(batch);
            }
            if let Some(problem) = implausible.problem(slots.file, self.latest_plausible) {
                outcome.report.problems.push(problem);
            }
            if let Some(hash) = &outcome.hash {
                records.push(self.manifest_record(&outcome, hash));
            }
            reports.push((outcome.planned.order, outcome.report));
        }
        let by_date = chunk.by_date;
        let picked = Picked {
            batches: &batches,
            by_date: &by_date,
        };
        self.settle_collisions(chunk.collisions, &picked, &mut reports, &mut records)?;
        self.chunks += 1;
        self.forget_old_keys(MAX_HELD_KEYS);
        let mut files = Vec::with_capacity(by_date.len());
        for (date, picks) in by_date {
            let name = format!("part-{}-{}.parquet", self.run_id, self.next_part);
            self.next_part += 1;
            files.push(DateFile { date, name, picks });
        }
        Ok(Prepared {
            batches,
            files,
            records,
            reports,
        })
    }

    /// Dedups the rows of one batch (number `index` of the chunk) of a file: a new key is
    /// stored, a key held with the same content is a duplicate, a key held with another (or an
    /// unknown) content is a collision, settled once the chunk is read. Implausible times are
    /// noted.
    fn dedup_batch(
        &mut self,
        batch: &RowBatch,
        index: usize,
        slots: &FileSlots,
        chunk: &mut ChunkDedup,
        report: &mut FileReport,
        implausible: &mut Implausible,
    ) -> Result<()> {
        for row in 0..batch.len() {
            let time = batch.time(row);
            if !(EARLIEST_PLAUSIBLE_TIME..=self.latest_plausible).contains(&time) {
                implausible.see(batch, row);
            }
            let date = chunk.dates.date(time);
            match self.keys_of(date)?.entry(batch.key(row)) {
                Entry::Vacant(slot) => {
                    slot.insert(batch.content(row));
                    report.stored += 1;
                    match chunk.by_date.get_mut(date) {
                        Some(picks) => picks.push((index, row)),
                        None => drop(chunk.by_date.insert(date.to_string(), vec![(index, row)])),
                    }
                }
                Entry::Occupied(held) if *held.get() == batch.content(row) => {
                    report.duplicates += 1;
                }
                Entry::Occupied(_) => chunk.collisions.push(Collision {
                    date: date.to_string(),
                    key: batch.key(row),
                    at: (index, row),
                    content: batch.content(row),
                    report: slots.report,
                    record: slots.record,
                    file: slots.file.to_string(),
                }),
            }
        }
        Ok(())
    }

    /// Settles the collisions of a chunk against the stored copy of each key: the same
    /// content ([`same_event_content`]) is a duplicate; different content is a conflict, the
    /// new copy rejected with the place of the stored one.
    fn settle_collisions(
        &mut self,
        collisions: Vec<Collision>,
        picked: &Picked,
        reports: &mut OrderedReports,
        records: &mut [ManifestRecord],
    ) -> Result<()> {
        let mut by_date: BTreeMap<&str, Vec<&Collision>> = BTreeMap::new();
        for collision in &collisions {
            by_date.entry(&collision.date).or_default().push(collision);
        }
        for (date, collisions) in by_date {
            let firsts = self.first_copies(date, &collisions, picked)?;
            for collision in collisions {
                let (batch, row) = collision.at;
                let later = picked.batches[batch]
                    .text(EVENT_COLUMN, row)
                    .unwrap_or_default();
                let report = &mut reports[collision.report].1;
                let record = collision.record.map(|i| &mut records[i]);
                let conflict = match firsts.get(&collision.key) {
                    Some(first) if first.content == collision.content => None,
                    Some(first) => first
                        .event
                        .as_deref()
                        .filter(|stored| !same_event_content(stored, later))
                        .map(|_| first),
                    None => None,
                };
                let conflict = match conflict {
                    Some(first) => first,
                    _ => {
                        report.duplicates += 1;
                        if let Some(record) = record {
                            record.duplicates += 1;
                        }
                        continue;
                    }
                };
                let reject =
                    conflict_reject(&picked.batches[batch], row, &collision.file, conflict);
                report.rejected += 1;
                if report.reject_examples.len() < REJECT_EXAMPLES {
                    let example = format!("{}: {}", reject.position, reject.reason);
                    report.reject_examples.push(example);
                }
                if let Some(record) = record {
                    record.rejects += 1;
                }
                self.write_reject_line(&collision.file, &reject)?;
            }
        }
        Ok(())
    }

    /// The stored copy of each key of `collisions` (all of one date): from the rows this chunk
    /// stores, else from the store's files (whose content hashes then fill the date's key set,
    /// so that later copies compare by hash).
    fn first_copies(
        &mut self,
        date: &str,
        collisions: &[&Collision],
        picked: &Picked,
    ) -> Result<HashMap<u128, StoredCopy>> {
        let mut wanted: HashMap<u128, Vec<u64>> = HashMap::new();
        for collision in collisions {
            wanted
                .entry(collision.key)
                .or_default()
                .push(collision.content);
        }
        let mut firsts = HashMap::new();
        for &(batch, row) in picked.by_date.get(date).map_or(&[][..], Vec::as_slice) {
            let key = picked.batches[batch].key(row);
            if wanted.contains_key(&key) && !firsts.contains_key(&key) {
                let text = |column| picked.batches[batch].text(column, row).unwrap_or_default();
                let copy = StoredCopy {
                    content: picked.batches[batch].content(row),
                    event: Some(text(EVENT_COLUMN).to_string()),
                    origin: text(ORIGIN_COLUMN).to_string(),
                };
                firsts.insert(key, copy);
            }
        }
        if firsts.len() == wanted.len() {
            return Ok(firsts);
        }
        let mut held = self.keys.get_mut(date).map(|(keys, _)| keys);
        self.store
            .for_each_stored_event(date, &mut |key, event, origin| {
                let (key, content) = (key_hash(key), content_hash(event));
                if let Some(held) = held.as_mut().and_then(|keys| keys.get_mut(&key)) {
                    if *held == UNKNOWN_CONTENT {
                        *held = content;
                    }
                }
                let Some(new_copies) = wanted.get(&key) else {
                    return;
                };
                if let Entry::Vacant(slot) = firsts.entry(key) {
                    // The text is kept only when a new copy differs: on a rerun, none do.
                    let differs = new_copies.iter().any(|&c| c != content);
                    slot.insert(StoredCopy {
                        content,
                        event: differs.then(|| event.to_string()),
                        origin: origin.to_string(),
                    });
                }
            })?;
        Ok(firsts)
    }

    /// Writes the Parquet files of a prepared chunk, one per date, in parallel, each sorted by
    /// time (ties in input order), to `.tmp/`; then records them in the manifest and renames
    /// them into place. The chunk's rows are released once all are done.
    fn write(
        &mut self,
        prepared: &mut Prepared,
        on_progress: &(dyn Fn(&Progress) + Sync),
    ) -> Result<()> {
        let (store, batches, run) = (&self.store, &prepared.batches, &self.run_id);
        let parts = std::mem::take(&mut prepared.files)
            .into_par_iter()
            .map(|mut file| {
                on_progress(&Progress::Committing {
                    date: file.date.clone(),
                });
                file.picks.sort_by_key(|&(b, r)| batches[b].time(r));
                store.write_part(&file.date, &file.name, run, batches, &file.picks)
            })
            .collect::<Result<Vec<_>>>()?;
        self.store.place_parts(parts)?;
        prepared.batches = Vec::new();
        Ok(())
    }

    /// Records the files of a written chunk in the manifest, and in `known`.
    fn finish_chunk(
        &mut self,
        prepared: Prepared,
        known: &mut KnownFiles,
    ) -> Result<OrderedReports> {
        self.flush_rejects()?;
        for record in &prepared.records {
            known.insert((record.blake3.clone(), record.size), record.run.clone());
        }
        self.store.commit_manifest(prepared.records)?;
        Ok(prepared.reports)
    }

    /// The dedup keys of the partition for `date`, loaded from the store unless held already.
    fn keys_of(&mut self, date: &str) -> Result<&mut KeySet> {
        if !self.keys.contains_key(date) {
            let mut keys = KeySet::default();
            self.store.for_each_key(date, &mut |k| {
                keys.insert(key_hash(k), UNKNOWN_CONTENT);
            })?;
            self.keys.insert(date.to_string(), (keys, self.chunks));
        }
        let (keys, used) = self.keys.get_mut(date).expect("inserted above");
        *used = self.chunks;
        Ok(keys)
    }

    /// Drops the key sets of the dates touched longest ago until at most `max` keys are held
    /// (the sets of the chunk just prepared always stay).
    fn forget_old_keys(&mut self, max: usize) {
        let mut held: usize = self.keys.values().map(|(keys, _)| keys.len()).sum();
        while held > max {
            let oldest = self
                .keys
                .iter()
                .filter(|(_, (_, used))| *used + 1 < self.chunks)
                .min_by_key(|(date, (_, used))| (*used, (*date).clone()))
                .map(|(date, _)| date.clone());
            let Some(date) = oldest else {
                break;
            };
            held -= self.keys.remove(&date).map_or(0, |(keys, _)| keys.len());
        }
    }

    fn manifest_record(&self, outcome: &Outcome, hash: &str) -> ManifestRecord {
        let r = &outcome.report;
        ManifestRecord {
            path: outcome.planned.absolute.clone(),
            size: outcome.planned.size,
            blake3: hash.to_string(),
            format: r.format.clone(),
            events_read: r.events_read,
            stored: r.stored,
            duplicates: r.duplicates,
            rejects: r.rejected,
            problems: r.problems.clone(),
            run: self.run_id.clone(),
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    fn write_rejects(&mut self, outcome: &Outcome) -> Result<()> {
        for reject in &outcome.rejects {
            self.write_reject_line(&outcome.planned.absolute, reject)?;
        }
        Ok(())
    }

    /// Appends one line to the run's rejects file (created on the first).
    fn write_reject_line(&mut self, file: &str, reject: &RejectLine) -> Result<()> {
        let path = self.store.rejects_path(&self.run_id);
        if self.rejects.is_none() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            self.rejects = Some(BufWriter::new(file));
        }
        let writer = self.rejects.as_mut().expect("opened above");
        let line = json!({"file": file, "position": reject.position, "reason": reject.reason, "raw": reject.raw});
        writeln!(writer, "{line}").map_err(|e| Error::io(&path, e))
    }

    fn flush_rejects(&mut self) -> Result<()> {
        if let Some(w) = self.rejects.as_mut() {
            let path = self.store.rejects_path(&self.run_id);
            w.flush().map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// Flushes the rejects file and returns its path if anything was rejected.
    fn finish(mut self) -> Result<Option<PathBuf>> {
        self.flush_rejects()?;
        Ok(self
            .rejects
            .is_some()
            .then(|| self.store.rejects_path(&self.run_id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(order: usize, estimate: u64) -> Planned {
        Planned {
            order,
            path: PathBuf::new(),
            absolute: String::new(),
            size: estimate,
            listed: FileStamp {
                size: estimate,
                modified: None,
            },
            estimate,
        }
    }

    #[test]
    fn chunks_follow_the_byte_budget() {
        let files = vec![
            planned(0, CHUNK_BYTES / 2),
            planned(1, CHUNK_BYTES / 2),
            planned(2, 1),
            planned(3, CHUNK_BYTES * 3),
            planned(4, 5),
        ];
        let sizes: Vec<Vec<usize>> = chunks(&files, CHUNK_BYTES)
            .iter()
            .map(|c| c.iter().map(|p| p.order).collect())
            .collect();
        assert_eq!(sizes, vec![vec![0, 1], vec![2], vec![3], vec![4]]);
    }

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
    fn key_sets_touched_longest_ago_are_dropped_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create_or_open(dir.path()).unwrap();
        let mut run = Run::new(store, "r".into(), 0);
        let set = |n: u128| (0..n).map(|k| (k, 1)).collect::<KeySet>();
        for (date, size, used) in [("d1", 10, 1), ("d2", 10, 0), ("d3", 10, 3), ("d4", 50, 4)] {
            run.keys.insert(date.to_string(), (set(size), used));
        }
        run.chunks = 5;
        run.forget_old_keys(70);
        let mut held: Vec<&String> = run.keys.keys().collect();
        held.sort();
        assert_eq!(held, ["d1", "d3", "d4"]);
        run.forget_old_keys(0);
        assert_eq!(
            run.keys.keys().collect::<Vec<_>>(),
            ["d4"],
            "the last chunk's set stays"
        );
    }

    #[test]
    fn a_file_that_changes_after_it_was_listed_keeps_its_events_but_no_manifest_line() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create_or_open(&dir.path().join("store")).unwrap();
        let file = dir.path().join("events.ndjson");
        let line = r#"{"eventId":"E1","eventName":"Decrypt","eventTime":"2024-03-01T10:00:00Z"}"#;
        std::fs::write(&file, format!("{line}\n")).unwrap();
        let size = line.len() as u64 + 1;
        let (planned, early) = plan_inputs(std::slice::from_ref(&file), &store).unwrap();
        assert!(early.is_empty());
        let read =
            |p: &Planned| read_planned(p, &KnownFiles::new(), &IngestOptions::default(), &|_| {});

        let unchanged = read(&planned[0]);
        let whole = std::fs::read(&file).unwrap();
        assert_eq!(
            unchanged.hash,
            Some(blake3::hash(&whole).to_hex().to_string())
        );
        assert!(unchanged.report.problems.is_empty());

        // It grows after it was listed, as a delivery still being written does.
        let mut f = OpenOptions::new().append(true).open(&file).unwrap();
        writeln!(f, "{}", line.replace("E1", "E2")).unwrap();
        let grown = read(&planned[0]);
        assert_eq!(
            grown.hash, None,
            "no manifest line: the next run reads it again"
        );
        assert_eq!(grown.report.events_read, 2, "what was read is kept");
        assert_eq!(
            grown.report.problems,
            [format!(
                "file changed while it was read ({size} bytes when listed, {} bytes read, {} bytes now): \
                 not recorded as ingested, the next run reads it again",
                2 * size,
                2 * size
            )]
        );
        // The streaming path (files above READ_WHOLE_MAX) checks the same way.
        let big = Planned {
            size: READ_WHOLE_MAX + 1,
            listed: FileStamp {
                size: READ_WHOLE_MAX + 1,
                ..planned[0].listed
            },
            ..planned[0].clone()
        };
        let streamed = read(&big);
        assert_eq!((streamed.hash, streamed.report.events_read), (None, 2));
        assert!(streamed.report.problems[0].contains(&format!(
            "{} bytes when listed, {} bytes read",
            READ_WHOLE_MAX + 1,
            2 * size
        )));

        // It shrinks: the part read is kept, nothing is recorded.
        std::fs::write(&file, &line.as_bytes()[..10]).unwrap();
        let shrunk = read(&planned[0]);
        assert_eq!(shrunk.hash, None);
        assert!(shrunk.report.problems.iter().any(|p| p.contains(&format!(
            "({size} bytes when listed, 10 bytes read, 10 bytes now)"
        ))));
    }

    #[test]
    fn run_ids_sort_by_time() {
        let id = new_run_id();
        assert_eq!(id.len(), "20240301T100000Z-abcd".len());
        assert!(id.starts_with("20"));
    }
}
