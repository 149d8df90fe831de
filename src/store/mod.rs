//! The Parquet event store: date-partitioned files, manifest, and scans back to polars.
//!
//! Layout under the store root:
//! - `events/date=YYYY-MM-DD/part-<run>-<n>.parquet`: events of one UTC day, sorted by
//!   `__time__`, columns of [`crate::event::schema::COLUMNS`];
//! - `manifest.jsonl`: one line per ingested source file ([`ManifestRecord`]) and one per part
//!   file ([`PartRecord`]: path, rows, size, blake3, source files);
//! - `rejects/<run>.ndjson`: records a run could not store, with file, position and reason;
//! - `quarantine/<repair>/`: files `keytrail verify --repair` moved out of `events/`;
//! - `.tmp/`: files being written; renamed into `events/` when complete.
//!
//! A Parquet file is written whole to `.tmp/`, then recorded in the manifest, then renamed
//! into `events/`; a source file's manifest line is appended only after the files holding its
//! events are in place. So a store killed at any moment reads correctly (a recorded part still
//! in `.tmp/` belongs to sources not yet recorded as ingested: readers skip it, the next writer
//! moves it into place) and a rerun completes it without doubling events. Every reader checks `events/` against the recorded parts when it
//! opens the store ([`check`]): a missing, unknown or resized part is [`Store::damage`].

pub mod batch;
pub mod check;
pub mod frame;
pub mod manifest;
pub mod parquet;
pub mod repair;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

pub use check::{Damage, PartFile};
pub use manifest::{Line, Manifest, ManifestRecord, PartRecord};

use crate::event::schema::{self, TIME};
use crate::store::batch::{Picks, RowBatch};
use crate::store::frame::rows_to_dataframe;
use crate::time::TimeRange;
use crate::{Error, Result};

/// The manifest file name.
pub const MANIFEST: &str = "manifest.jsonl";
/// The directory of event partitions.
pub const EVENTS: &str = "events";
/// The directory of rejected records.
pub const REJECTS: &str = "rejects";
/// The directory of files `keytrail verify --repair` took out of `events/`.
pub const QUARANTINE: &str = "quarantine";
/// The directory of files being written.
pub const TMP: &str = ".tmp";
/// The file an ingest locks while it writes: an advisory `flock`, which the kernel releases when
/// the process ends, killed or not, so a crash never leaves the store locked.
pub const LOCK: &str = ".lock";

/// An open store.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    manifest: Manifest,
    /// The recorded parts that are there with their recorded size (for a legacy store, every
    /// Parquet file of a partition).
    present: Vec<PartFile>,
    /// Recorded parts in `.tmp/` whose sources are not recorded yet (see [`Store::pending`]).
    pending: Vec<PartRecord>,
    /// How the files differ from the manifest, as found on open.
    damage: Vec<Damage>,
    /// The writer's lock on [`LOCK`], held while the store is open for ingest.
    writer_lock: Option<fs::File>,
    /// Whether [`Store::write_part`] writes each part's token index (true unless turned off).
    indexing: bool,
    /// What `manifest` holds of the manifest's lines.
    kept: manifest::Keep,
    /// The source records, read when first asked for on a store opened with
    /// [`manifest::Keep::Parts`].
    later_sources: std::sync::OnceLock<Vec<ManifestRecord>>,
}

impl Store {
    /// Whether `root` holds a store (a `manifest.jsonl` and an `events/` directory).
    pub fn is_store(root: &Path) -> bool {
        root.join(MANIFEST).is_file() && root.join(EVENTS).is_dir()
    }

    /// Whether `root` looks like a store, whole or damaged: it has a `manifest.jsonl`, or an
    /// `events/` directory beside a `.lock` or holding a `date=` partition. Such a directory is
    /// opened as a store (and refused when damaged), never read as archive files.
    pub fn looks_like_store(root: &Path) -> bool {
        let events = root.join(EVENTS);
        root.join(MANIFEST).exists()
            || (events.is_dir()
                && (root.join(LOCK).exists()
                    || fs::read_dir(&events).is_ok_and(|mut d| {
                        d.any(|e| {
                            e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("date="))
                        })
                    })))
    }

    /// Opens an existing store for reading and checks its files against the manifest (see
    /// [`Store::damage`]); an error if `root` is not a store or has lost its manifest.
    pub fn open(root: &Path) -> Result<Store> {
        Store::open_keeping(root, manifest::Keep::All)
    }

    /// As [`Store::open`], holding only what `keep` says of the manifest: with
    /// [`manifest::Keep::Parts`] (what scans need) the memory of the open store does not grow
    /// with the number of source files ingested; [`Store::manifest`] then reads the source
    /// records again when first called, and [`Store::part_records`] have no source lists.
    pub fn open_keeping(root: &Path, keep: manifest::Keep) -> Result<Store> {
        let events = root.join(EVENTS);
        if !root.join(MANIFEST).exists() {
            let message = match events.is_dir() {
                true => "damaged store: events/ is here but manifest.jsonl is missing, so its \
                         files cannot be checked (restore manifest.jsonl, or ingest the sources \
                         again into a new store)"
                    .to_string(),
                false => format!(
                    "not a keytrail store: no {MANIFEST} (create one with `keytrail ingest`)"
                ),
            };
            return Err(Error::Store {
                path: root.to_path_buf(),
                message,
            });
        }
        if !events.is_dir() {
            return Err(Error::Store {
                path: root.to_path_buf(),
                message: "damaged store: manifest.jsonl is here but the events/ directory is \
                          missing"
                    .into(),
            });
        }
        Store::load(root, false, keep)
    }

    /// Lists `events/`, then reads the manifest (so a part an ingest places meanwhile is
    /// recorded already) and compares them.
    fn load(root: &Path, cut_torn_tail: bool, kept: manifest::Keep) -> Result<Store> {
        let listing = check::Listing::take(root)?;
        let manifest = manifest::load_keeping(&root.join(MANIFEST), cut_torn_tail, kept)?;
        let compared = match manifest.is_legacy() {
            true => check::Compared {
                present: legacy_parts(listing),
                ..Default::default()
            },
            false => check::compare(root, listing, &manifest),
        };
        Ok(Store {
            root: root.to_path_buf(),
            manifest,
            present: compared.present,
            pending: compared.pending,
            damage: compared.damage,
            writer_lock: None,
            indexing: true,
            kept,
            later_sources: std::sync::OnceLock::new(),
        })
    }

    /// Opens the store at `root` for writing, creating it if `root` does not exist or is an
    /// empty directory (or one a killed creation left half made), moves parts a killed run
    /// recorded but left in `.tmp/` into place and removes the rest of `.tmp/`. Only one writer
    /// may use a store at a time; a damaged store, or one whose manifest records no parts, is
    /// refused (see `keytrail verify --repair` and `--adopt`).
    pub fn create_or_open(root: &Path) -> Result<Store> {
        let store = Store::open_for_repair(root)?;
        let refuse = |message: String| {
            Err(Error::Store {
                path: root.to_path_buf(),
                message,
            })
        };
        if store.is_legacy() {
            return refuse(format!(
                "its manifest records no part files (written by an older keytrail); run \
                 `keytrail verify {} --adopt` once to record them, then ingest again",
                root.display()
            ));
        }
        if !store.damage.is_empty() {
            return Err(Error::Damaged {
                path: root.to_path_buf(),
                summary: "damaged, not written to:".into(),
                lines: damage_lines(&store.damage),
                hint: format!(
                    "run `keytrail verify {} --repair`, then ingest again",
                    root.display()
                ),
            });
        }
        Ok(store)
    }

    /// Opens the store at `root` for writing (creating it if needed, as
    /// [`Store::create_or_open`]) whatever its damage: what `verify --repair` needs.
    pub fn open_for_repair(root: &Path) -> Result<Store> {
        if root.join(MANIFEST).exists() {
            let lock = lock_for_writing(root)?;
            Store::open(root)?;
            roll_forward_tmp(root)?;
            let mut store = Store::load(root, true, manifest::Keep::All)?;
            store.writer_lock = Some(lock);
            return Ok(store);
        }
        refuse_foreign(root)?;
        for dir in [EVENTS, REJECTS, TMP] {
            let path = root.join(dir);
            fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
        let lock = lock_for_writing(root)?;
        let path = root.join(MANIFEST);
        fs::write(&path, b"").map_err(|e| Error::io(&path, e))?;
        let mut store = Store::open(root)?;
        store.writer_lock = Some(lock);
        Ok(store)
    }

    /// Turns the token index of the parts [`Store::write_part`] writes on or off (on by
    /// default; off for benchmarks and tests that compare with and without it).
    pub fn set_indexing(&mut self, indexing: bool) {
        self.indexing = indexing;
    }

    /// Whether this handle holds the writer's lock (it came from [`Store::create_or_open`]).
    pub fn is_locked_for_writing(&self) -> bool {
        self.writer_lock.is_some()
    }

    /// The store directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every source-file record of the manifest, oldest first (read again now on a store opened
    /// with [`manifest::Keep::Parts`]; if that read fails, a warning names why and none is
    /// returned).
    pub fn manifest(&self) -> &[ManifestRecord] {
        match self.kept {
            manifest::Keep::All => &self.manifest.sources,
            manifest::Keep::Parts => self.later_sources.get_or_init(|| {
                let path = self.root.join(MANIFEST);
                match manifest::load(&path, false) {
                    Ok(read) => read.sources,
                    Err(e) => {
                        crate::render::stderr::warning(&format!(
                            "the source records of the manifest could not be read again: {e}"
                        ));
                        Vec::new()
                    }
                }
            }),
        }
    }

    /// Every part record of the manifest, oldest first.
    pub fn part_records(&self) -> &[PartRecord] {
        &self.manifest.parts
    }

    /// The recorded parts that are there (with their recorded size), and the files that hold
    /// them: what scans read.
    pub fn parts(&self) -> &[PartFile] {
        &self.present
    }

    /// Recorded parts still in `.tmp/` whose source files are not recorded as ingested: an
    /// ingest is placing them, or was killed before it could (the next one places them). Not
    /// read, and not damage.
    pub fn pending(&self) -> &[PartRecord] {
        &self.pending
    }

    /// How the files under `events/` differ from the manifest, as found on open: recorded parts
    /// missing or resized, entries no record names, bad or repeated records. Content is not
    /// hashed here (see [`check::deep`]).
    pub fn damage(&self) -> &[Damage] {
        &self.damage
    }

    /// Whether the manifest records no parts at all but does record source files: a store
    /// written by a keytrail that did not record parts; its files are read unchecked.
    pub fn is_legacy(&self) -> bool {
        self.manifest.is_legacy()
    }

    /// The dates (`YYYY-MM-DD`) of the parts read, sorted.
    pub fn partitions(&self) -> Result<Vec<String>> {
        let mut dates: Vec<String> = self
            .present
            .iter()
            .filter_map(|p| p.record.date().map(str::to_string))
            .collect();
        dates.sort();
        dates.dedup();
        Ok(dates)
    }

    /// The directory of the partition for `date`.
    pub fn partition_dir(&self, date: &str) -> PathBuf {
        self.root.join(EVENTS).join(format!("date={date}"))
    }

    /// The files of the parts of `date` that are read, sorted by name.
    pub fn partition_files(&self, date: &str) -> Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = self
            .present
            .iter()
            .filter(|p| p.record.date() == Some(date))
            .map(|p| p.file.clone())
            .collect();
        files.sort();
        Ok(files)
    }

    /// The number of stored events, from the Parquet footers of the parts read.
    pub fn event_count(&self) -> Result<u64> {
        let mut total = 0;
        for part in &self.present {
            total += parquet::row_count(&part.file)?;
        }
        Ok(total)
    }

    /// The dedup keys stored in the partition for `date`.
    pub fn load_keys(&self, date: &str) -> Result<HashSet<String>> {
        let mut keys = HashSet::new();
        self.for_each_key(date, &mut |k| {
            keys.insert(k.to_string());
        })?;
        Ok(keys)
    }

    /// Calls `each` with every dedup key stored in the partition for `date`.
    pub fn for_each_key(&self, date: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
        for file in self.partition_files(date)? {
            parquet::for_each_key(&file, each)?;
        }
        Ok(())
    }

    /// Calls `each` with the dedup key, event JSON and origin of every event stored for `date`.
    pub fn for_each_stored_event(
        &self,
        date: &str,
        each: &mut dyn FnMut(&str, &str, &str),
    ) -> Result<()> {
        for file in self.partition_files(date)? {
            parquet::for_each_stored_event(&file, each)?;
        }
        Ok(())
    }

    /// Writes the rows `picks` of `batches`, in that order, as the part `<name>` of the
    /// partition for `date`, to `.tmp/`, and its token index beside it; returns their records
    /// (not yet in the manifest: see [`Store::place_parts`]).
    pub fn write_part(
        &self,
        date: &str,
        name: &str,
        run: &str,
        batches: &[RowBatch],
        picks: &Picks,
    ) -> Result<WrittenPart> {
        let tmp_dir = self.root.join(TMP);
        fs::create_dir_all(&tmp_dir).map_err(|e| Error::io(&tmp_dir, e))?;
        let written = parquet::write_file(&tmp_dir.join(name), batches, picks)?;
        let part = PartRecord {
            path: format!("{EVENTS}/date={date}/{name}"),
            rows: picks.len() as u64,
            bytes: written.bytes,
            blake3: written.blake3,
            run: run.to_string(),
            sources: sources_of(batches, picks),
        };
        if !self.indexing {
            return Ok(WrittenPart { part, index: None });
        }
        let rows = index_rows(batches, picks);
        let index = crate::index::build::from_groups(&part, &rows);
        let tmp = tmp_dir.join(index_tmp_name(name));
        let index = crate::index::build::write(&tmp, &part, &index)?;
        Ok(WrittenPart {
            part,
            index: Some(index),
        })
    }

    /// Records `parts` (written to `.tmp/` by [`Store::write_part`]) and their indexes in the
    /// manifest, then renames each index, then its part, into place: a crash in between leaves
    /// recorded parts in `.tmp/`, which readers skip (their sources are not recorded yet) and
    /// the next writer moves into place; an index is in place before its part.
    pub fn place_parts(&mut self, parts: Vec<WrittenPart>) -> Result<()> {
        let lines: Vec<Line> = parts
            .iter()
            .flat_map(|w| {
                let index = w.index.clone().map(Line::Index);
                std::iter::once(Line::Part(w.part.clone())).chain(index)
            })
            .collect();
        manifest::append(&self.root.join(MANIFEST), &lines)?;
        for WrittenPart { part, index } in parts {
            if let Some(index) = index {
                self.place_index(&part)?;
                self.manifest.indexes.push(index);
            }
            let tmp = self.root.join(TMP).join(part.name());
            let path = self.root.join(&part.path);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
            self.manifest.parts.push(part.clone());
            self.present.push(PartFile {
                record: part,
                file: path,
            });
        }
        Ok(())
    }

    /// Renames the index of `part` from `.tmp/` into `index/`.
    fn place_index(&self, part: &PartRecord) -> Result<()> {
        let Some(path) = crate::index::file::path_of(&self.root, part) else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let tmp = self.root.join(TMP).join(index_tmp_name(part.name()));
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    /// Every index record of the manifest, oldest first.
    pub fn index_records(&self) -> &[manifest::IndexRecord] {
        &self.manifest.indexes
    }

    /// Records token indexes written to `.tmp/<part name>.tokens` for placed parts in the
    /// manifest (one append), then renames them into place (`keytrail index`).
    pub fn place_indexes(&mut self, built: Vec<(PartRecord, manifest::IndexRecord)>) -> Result<()> {
        let lines: Vec<Line> = built.iter().map(|(_, i)| Line::Index(i.clone())).collect();
        manifest::append(&self.root.join(MANIFEST), &lines)?;
        for (part, index) in built {
            self.place_index(&part)?;
            self.manifest.indexes.push(index);
        }
        Ok(())
    }

    /// Where `keytrail index` writes the index of the part named `name` before placing it.
    pub fn index_tmp_path(&self, name: &str) -> Result<PathBuf> {
        let dir = self.root.join(TMP);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(dir.join(index_tmp_name(name)))
    }

    /// Writes the rows `picks` of `batches` as the part `<name>` of the partition for `date`
    /// and places it ([`Store::write_part`] then [`Store::place_parts`]). Returns its path.
    pub fn commit_partition_file(
        &mut self,
        date: &str,
        name: &str,
        batches: &[RowBatch],
        picks: &Picks,
    ) -> Result<PathBuf> {
        let part = self.write_part(date, name, "", batches, picks)?;
        let path = self.root.join(&part.part.path);
        self.place_parts(vec![part])?;
        Ok(path)
    }

    /// Appends `records` to the manifest (after their events' files are in place).
    pub fn commit_manifest(&mut self, records: Vec<ManifestRecord>) -> Result<()> {
        let lines: Vec<Line> = records.iter().cloned().map(Line::Source).collect();
        manifest::append(&self.root.join(MANIFEST), &lines)?;
        self.manifest.sources.extend(records);
        Ok(())
    }

    /// The rejects file of run `run`.
    pub fn rejects_path(&self, run: &str) -> PathBuf {
        self.root.join(REJECTS).join(format!("{run}.ndjson"))
    }

    /// The files a scan of `range` reads: the parts read of the partitions overlapping it.
    pub fn files_in(&self, range: &TimeRange) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .present
            .iter()
            .filter(|p| {
                p.record
                    .date()
                    .is_some_and(|d| partition_overlaps(d, range))
            })
            .map(|p| p.file.clone())
            .collect();
        files.sort();
        files
    }

    /// A lazy scan of the events in `range`: only the recorded parts of the partitions
    /// overlapping it are read, `__time__` is filtered to `[from, to)`, and the columns are
    /// those of [`schema::columns`], in order. An empty selection scans to an empty frame.
    pub fn scan(&self, range: &TimeRange) -> Result<LazyFrame> {
        scan_files(&self.files_in(range), range)
    }

    /// The parts a scan of `range` reads.
    fn parts_in(&self, range: &TimeRange) -> Vec<&PartFile> {
        let mut parts: Vec<&PartFile> = self
            .present
            .iter()
            .filter(|p| {
                p.record
                    .date()
                    .is_some_and(|d| partition_overlaps(d, range))
            })
            .collect();
        parts.sort_by(|a, b| a.file.cmp(&b.file));
        parts
    }

    /// As [`Store::files_in`], without the part files whose token index says that no event in
    /// them can meet `need` (a search statement's necessary condition, [`crate::index::prune`]);
    /// also what the index did. Parts without a believed index are kept.
    pub fn files_pruned(
        &self,
        range: &TimeRange,
        need: &crate::index::prune::Need,
    ) -> (Vec<PathBuf>, crate::index::select::Pruning) {
        let parts = self.parts_in(range);
        crate::index::select::select(&self.root, &parts, &self.manifest.indexes, need)
    }
}

/// A lazy scan of the Parquet `files` (some of a store's parts), filtered to `range`, with the
/// store's columns in order; an empty frame of those columns for no files.
pub fn scan_files(files: &[PathBuf], range: &TimeRange) -> Result<LazyFrame> {
    let mut paths = Vec::new();
    for file in files {
        paths.push(PlRefPath::try_from_path(file)?);
    }
    let frame = if paths.is_empty() {
        rows_to_dataframe(&[])?.lazy()
    } else {
        let mut args = ScanArgsParquet::default();
        args.hive_options.enabled = Some(false);
        args.glob = false;
        LazyFrame::scan_parquet_files(paths.into(), args)?
    };
    let columns: Vec<Expr> = schema::columns().iter().map(|c| col(c.as_str())).collect();
    Ok(frame.filter(time_filter(range)).select(columns))
}

/// A part written to `.tmp/` and its token index, to be placed together.
#[derive(Debug, Clone)]
pub struct WrittenPart {
    /// The part's record.
    pub part: PartRecord,
    /// Its index's record (written beside it in `.tmp/`).
    pub index: Option<manifest::IndexRecord>,
}

/// The name in `.tmp/` of the index of the part named `name`.
fn index_tmp_name(name: &str) -> String {
    format!("{name}{}", crate::index::file::EXTENSION)
}

/// The (event text, topic) of the rows `picks` of `batches`, cut into the part's row groups.
fn index_rows<'a>(
    batches: &'a [RowBatch],
    picks: &Picks,
) -> Vec<Vec<(Option<&'a str>, Option<&'a str>)>> {
    let text_column = |name: &str| {
        schema::columns()
            .iter()
            .position(|c| c == name)
            .expect("a stored column")
            - 1
    };
    let (event, topic) = (text_column(schema::EVENT), text_column(schema::TOPIC));
    picks
        .chunks(parquet::ROW_GROUP_ROWS)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&(b, r)| (batches[b].text(event, r), batches[b].text(topic, r)))
                .collect()
        })
        .collect()
}

/// Why the Parquet file at `file` cannot be read in full (every column of every row), by the
/// query engine and then by the parquet crate; `None` when both read it.
pub fn read_error(file: &Path) -> Option<String> {
    let engine = PlRefPath::try_from_path(file)
        .map_err(|e| e.to_string())
        .and_then(|path| {
            let mut args = ScanArgsParquet::default();
            args.hive_options.enabled = Some(false);
            args.glob = false;
            LazyFrame::scan_parquet_files(vec![path].into(), args)
                .and_then(|frame| frame.collect())
                .map_err(|e| e.to_string())
        });
    match engine {
        Err(e) => Some(e),
        Ok(_) => parquet::decode_error(file),
    }
}

/// Whether an error of the query engine looks like one reading a Parquet file (not one of the
/// query): only those are worth decoding every scanned file again to name the damaged one.
pub fn is_parquet_error(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "parquet",
        "corrupt",
        "decompress",
        "zstd",
        "out of spec",
        "arrow:schema",
        "thrift",
    ]
    .iter()
    .any(|word| message.contains(word))
}

/// The damage list as lines of raw text, at most [`DAMAGE_LINES`] of them.
pub fn damage_lines(damage: &[Damage]) -> Vec<String> {
    let mut lines: Vec<String> = damage
        .iter()
        .take(DAMAGE_LINES)
        .map(|d| d.to_string())
        .collect();
    if damage.len() > DAMAGE_LINES {
        lines.push(format!("... and {} more", damage.len() - DAMAGE_LINES));
    }
    lines
}

/// Damage lines shown in an error or warning; `keytrail verify` shows them all.
const DAMAGE_LINES: usize = 10;

/// Every Parquet file of a `date=` partition, as parts of unknown record: how a store whose
/// manifest records no parts is read.
fn legacy_parts(listing: check::Listing) -> Vec<PartFile> {
    listing
        .parquet_files()
        .into_iter()
        .map(|file| {
            let date = file
                .parent()
                .and_then(|d| d.file_name())
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let record = PartRecord {
                path: format!("{EVENTS}/{date}/{name}"),
                rows: 0,
                bytes: 0,
                blake3: String::new(),
                run: String::new(),
                sources: Vec::new(),
            };
            PartFile { record, file }
        })
        .collect()
}

/// The distinct source files (the `keytrail.origin` text before its last `#`) of the rows
/// `picks` of `batches`, sorted. Each batch holds the rows of one file, so every row of every
/// batch picked is looked at: a superset of the picked rows' sources at worst.
fn sources_of(batches: &[RowBatch], picks: &Picks) -> Vec<String> {
    let origin = schema::columns()
        .iter()
        .position(|c| c == schema::ORIGIN)
        .expect("keytrail.origin is a stored column")
        - 1;
    let picked: HashSet<usize> = picks.iter().map(|&(b, _)| b).collect();
    let mut sources: Vec<&str> = Vec::new();
    for b in picked {
        let batch = &batches[b];
        let mut last: Option<&str> = None;
        for row in 0..batch.len() {
            let Some(text) = batch.text(origin, row) else {
                continue;
            };
            if last.is_some_and(|l| {
                text.len() > l.len() && text.starts_with(l) && text.as_bytes()[l.len()] == b'#'
            }) {
                continue;
            }
            let file = text.rsplit_once('#').map_or(text, |(file, _)| file);
            sources.push(file);
            last = Some(file);
        }
    }
    sources.sort_unstable();
    sources.dedup();
    sources.into_iter().map(str::to_string).collect()
}

/// Refuses to create a store in a directory holding anything but what a killed creation
/// leaves (an empty `events/`, `rejects/`, `.tmp/`, `index/`, `.lock`).
fn refuse_foreign(root: &Path) -> Result<()> {
    let known = [EVENTS, REJECTS, TMP, LOCK, crate::index::file::INDEX_DIR];
    let foreign = |name: &std::ffi::OsStr| !known.iter().any(|d| name == *d);
    let occupied = fs::read_dir(root)
        .map(|d| d.filter_map(|e| e.ok()).any(|e| foreign(&e.file_name())))
        .unwrap_or(false);
    let events_used = fs::read_dir(root.join(EVENTS)).is_ok_and(|mut d| d.next().is_some());
    let message = match (occupied, events_used) {
        (true, _) => "directory exists, is not empty and is not a keytrail store",
        (false, true) => {
            "damaged store: events/ holds files but manifest.jsonl is missing, so they cannot be \
             checked (restore manifest.jsonl, or ingest the sources again into a new store)"
        }
        (false, false) => return Ok(()),
    };
    Err(Error::Store {
        path: root.to_path_buf(),
        message: message.into(),
    })
}

/// Moves the recorded parts a killed ingest left in `.tmp/` (recorded, whole, not yet renamed)
/// into place, and removes every other file there.
fn roll_forward_tmp(root: &Path) -> Result<()> {
    let manifest = manifest::load(&root.join(MANIFEST), true)?;
    for part in &manifest.parts {
        let tmp = root.join(TMP).join(part.name());
        let path = root.join(&part.path);
        let whole = fs::metadata(&tmp).is_ok_and(|m| m.is_file() && m.len() == part.bytes);
        if whole && check::valid_part_path(&part.path) && !path.exists() {
            roll_forward_index(root, &manifest, part)?;
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        }
    }
    clean_tmp(root)
}

/// Moves the recorded index of `part` that a killed ingest left whole in `.tmp/` into place.
fn roll_forward_index(root: &Path, manifest: &Manifest, part: &PartRecord) -> Result<()> {
    let Some(record) = manifest.indexes.iter().rev().find(|i| i.part == part.path) else {
        return Ok(());
    };
    let tmp = root.join(TMP).join(index_tmp_name(part.name()));
    let whole = fs::metadata(&tmp).is_ok_and(|m| m.is_file() && m.len() == record.bytes);
    let Some(path) = crate::index::file::path_of(root, part) else {
        return Ok(());
    };
    if whole {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// The `__time__` predicate of `range` (always true when unbounded).
fn time_filter(range: &TimeRange) -> Expr {
    let mut predicate = lit(true);
    if let Some(from) = range.from {
        predicate = predicate.and(col(TIME).gt_eq(lit(from)));
    }
    if let Some(to) = range.to {
        predicate = predicate.and(col(TIME).lt(lit(to)));
    }
    predicate
}

/// Whether the partition for `date` can hold events of `range`.
fn partition_overlaps(date: &str, range: &TimeRange) -> bool {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .is_some_and(|start| range.overlaps_day(start.and_utc().timestamp()))
}

/// Takes the writer's lock of the store at `root`, or says that another ingest holds it.
fn lock_for_writing(root: &Path) -> Result<fs::File> {
    let path = root.join(LOCK);
    let not_regular = |meta: &fs::Metadata| Error::Store {
        path: path.clone(),
        message: format!(
            "the lock is not a regular file ({}): the store is damaged",
            crate::source::open::file_kind(meta)
        ),
    };
    if let Some(meta) = fs::metadata(&path).ok().filter(|m| !m.is_file()) {
        return Err(not_regular(&meta));
    }
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    // Never blocks, even if a FIFO is planted between the check above and the open.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    let file = options.open(&path).map_err(|e| Error::io(&path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(&path, e))?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(Error::Store {
            path: root.to_path_buf(),
            message: "another `keytrail ingest` is writing to this store; run again when it \
                      has finished"
                .into(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// Removes files left in `.tmp/` by an interrupted run.
fn clean_tmp(root: &Path) -> Result<()> {
    let dir = root.join(TMP);
    match fs::remove_dir_all(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&dir, e)),
    }
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::normalize::{normalize, Envelope};
    use crate::event::row::Row;
    use serde_json::json;

    fn row(id: &str, time: &str) -> Row<'static> {
        let ev = json!({"eventId": id, "eventName": "Decrypt", "eventTime": time});
        let envelope = Envelope {
            origin: format!("t#{id}"),
            ..Default::default()
        };
        normalize(ev.to_string().as_bytes(), &envelope, &mut Vec::new())
            .unwrap()
            .into_owned()
    }

    #[test]
    fn open_refuses_a_non_store_and_create_makes_one() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Store::open(dir.path()).is_err());
        let store = Store::create_or_open(&dir.path().join("s")).unwrap();
        assert!(!Store::looks_like_store(dir.path()));
        assert_eq!(store.partitions().unwrap(), Vec::<String>::new());
        assert_eq!(store.event_count().unwrap(), 0);
        let df = store
            .scan(&TimeRange::default())
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(df.height(), 0);
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(names, schema::columns());
        std::fs::write(dir.path().join("other"), b"x").unwrap();
        assert!(Store::create_or_open(dir.path()).is_err());
    }

    #[test]
    fn scan_prunes_partitions_and_filters_time() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create_or_open(dir.path()).unwrap();
        let (a, b, c) = (
            row("A", "2024-03-01T23:00:00Z"),
            row("B", "2024-03-02T01:00:00Z"),
            row("C", "2024-03-02T05:00:00Z"),
        );
        let first = RowBatch::of_rows([&a]);
        store
            .commit_partition_file("2024-03-01", "part-x-0.parquet", &first, &[(0, 0)])
            .unwrap();
        let second = RowBatch::of_rows([&b, &c]);
        store
            .commit_partition_file("2024-03-02", "part-x-1.parquet", &second, &[(0, 0), (0, 1)])
            .unwrap();
        assert_eq!(
            store.partitions().unwrap(),
            vec!["2024-03-01", "2024-03-02"]
        );
        let range = TimeRange {
            from: Some(1709337600 - 7200),
            to: Some(1709337600 + 10800),
        };
        let df = store.scan(&range).unwrap().collect().unwrap();
        let ids: Vec<Option<&str>> = df
            .column("event.eventId")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(ids, vec![Some("A"), Some("B")]);
        assert_eq!(df.width(), schema::columns().len());
        assert_eq!(
            store.load_keys("2024-03-02").unwrap(),
            HashSet::from(["B".to_string(), "C".to_string()])
        );
        let recorded: Vec<(String, u64, Vec<String>)> = store
            .part_records()
            .iter()
            .map(|p| (p.path.clone(), p.rows, p.sources.clone()))
            .collect();
        assert_eq!(
            recorded,
            [
                (
                    "events/date=2024-03-01/part-x-0.parquet".into(),
                    1,
                    vec!["t".into()]
                ),
                (
                    "events/date=2024-03-02/part-x-1.parquet".into(),
                    2,
                    vec!["t".into()]
                ),
            ]
        );
        let on_disk = parquet::hash_file(&store.partition_files("2024-03-02").unwrap()[0]).unwrap();
        assert_eq!(
            (on_disk.bytes, on_disk.blake3.as_str()),
            (
                store.part_records()[1].bytes,
                store.part_records()[1].blake3.as_str()
            )
        );
        // A file no record names, even in a partition no scan reads, is damage on open.
        std::fs::create_dir_all(store.partition_dir("2024-02-01")).unwrap();
        std::fs::write(
            store.partition_dir("2024-02-01").join("bad.parquet"),
            b"junk",
        )
        .unwrap();
        let reopened = Store::open(dir.path()).unwrap();
        let damage: Vec<String> = reopened.damage().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            damage,
            ["events/date=2024-02-01/bad.parquet: a file the manifest does not record (not read)"]
        );
        assert_eq!(
            reopened.partitions().unwrap(),
            vec!["2024-03-01", "2024-03-02"]
        );
        drop(store);
        let refused = Store::create_or_open(dir.path()).unwrap_err().to_string();
        assert!(
            refused.contains("damaged, not written to:\n  events/date=2024-02-01/bad.parquet"),
            "{refused}"
        );
    }

    #[test]
    fn a_part_recorded_but_left_in_tmp_is_skipped_by_readers_and_placed_by_the_next_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create_or_open(dir.path()).unwrap();
        let a = row("A", "2024-03-01T23:00:00Z");
        let batches = RowBatch::of_rows([&a]);
        let part = store
            .write_part("2024-03-01", "part-r-0.parquet", "r", &batches, &[(0, 0)])
            .unwrap();
        // The ingest is killed after recording the part, before renaming it: its source file
        // is not recorded, so readers do not read it and see no damage.
        manifest::append(&dir.path().join(MANIFEST), &[Line::Part(part.part)]).unwrap();
        drop(store);
        let reader = Store::open(dir.path()).unwrap();
        assert!(reader.damage().is_empty(), "{:?}", reader.damage());
        assert_eq!(
            (reader.parts().len(), reader.event_count().unwrap()),
            (0, 0)
        );
        let writer = Store::create_or_open(dir.path()).unwrap();
        assert_eq!(
            writer.parts()[0].file,
            dir.path().join("events/date=2024-03-01/part-r-0.parquet")
        );
        assert!(writer.damage().is_empty());
        assert_eq!(writer.event_count().unwrap(), 1);
    }

    #[test]
    fn a_store_without_its_manifest_is_damaged_never_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create_or_open(dir.path()).unwrap();
        let a = row("A", "2024-03-01T23:00:00Z");
        store
            .commit_partition_file(
                "2024-03-01",
                "p.parquet",
                &RowBatch::of_rows([&a]),
                &[(0, 0)],
            )
            .unwrap();
        drop(store);
        std::fs::remove_file(dir.path().join(MANIFEST)).unwrap();
        assert!(Store::looks_like_store(dir.path()));
        let err = Store::open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("damaged store: events/ is here but manifest.jsonl is missing"),
            "{err}"
        );
        let err = Store::create_or_open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("damaged store: events/ holds files but manifest.jsonl is missing"),
            "{err}"
        );
    }

    #[test]
    fn one_writer_at_a_time_and_the_lock_goes_with_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("s");
        let first = Store::create_or_open(&root).unwrap();
        assert!(first.is_locked_for_writing());
        let second = Store::create_or_open(&root).unwrap_err().to_string();
        assert!(
            second.contains("another `keytrail ingest` is writing"),
            "{second}"
        );
        assert!(
            !Store::open(&root).unwrap().is_locked_for_writing(),
            "readers need no lock"
        );
        drop(first);
        assert!(Store::create_or_open(&root).is_ok());
    }
}
