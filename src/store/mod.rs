//! The Parquet event store: date-partitioned files, manifest, and scans back to polars.
//!
//! Layout under the store root:
//! - `events/date=YYYY-MM-DD/part-<run>-<n>.parquet`: events of one UTC day, sorted by
//!   `__time__`, columns of [`crate::schema::columns`];
//! - `manifest.jsonl`: one line per ingested source file ([`ManifestRecord`]);
//! - `rejects/<run>.ndjson`: records a run could not store, with file, position and reason;
//! - `.tmp/`: files being written; renamed into `events/` when complete, removed on open.
//!
//! A Parquet file appears in `events/` only whole (written to `.tmp/`, then renamed), and a
//! manifest line is appended only after the files holding its events are in place, so a store
//! killed at any moment reads correctly and a rerun completes it without doubling events.

pub mod manifest;
pub mod parquet;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

pub use manifest::ManifestRecord;

use crate::frame::rows_to_dataframe;
use crate::rows::{Picks, RowBatch};
use crate::schema::{self, TIME};
use crate::timerange::TimeRange;
use crate::{Error, Result};

/// The manifest file name.
pub const MANIFEST: &str = "manifest.jsonl";
/// The directory of event partitions.
pub const EVENTS: &str = "events";
/// The directory of rejected records.
pub const REJECTS: &str = "rejects";
/// The directory of files being written.
pub const TMP: &str = ".tmp";
/// The file an ingest locks while it writes: an advisory `flock`, which the kernel releases when
/// the process ends, killed or not, so a crash never leaves the store locked.
pub const LOCK: &str = ".lock";

/// An open store.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    manifest: Vec<ManifestRecord>,
    /// The writer's lock on [`LOCK`], held while the store is open for ingest.
    writer_lock: Option<fs::File>,
}

impl Store {
    /// Whether `root` holds a store (a `manifest.jsonl` and an `events/` directory).
    pub fn is_store(root: &Path) -> bool {
        root.join(MANIFEST).is_file() && root.join(EVENTS).is_dir()
    }

    /// Opens an existing store; an error if `root` is not one (no `manifest.jsonl` or `events/`).
    pub fn open(root: &Path) -> Result<Store> {
        for part in [MANIFEST, EVENTS] {
            if !root.join(part).exists() {
                return Err(Error::Store {
                    path: root.to_path_buf(),
                    message: format!(
                        "not a keytrail store: no {part} (create one with `keytrail ingest`)"
                    ),
                });
            }
        }
        let manifest = manifest::load(&root.join(MANIFEST))?;
        Ok(Store {
            root: root.to_path_buf(),
            manifest,
            writer_lock: None,
        })
    }

    /// Opens the store at `root` for writing, creating it if `root` does not exist or is an
    /// empty directory (or one a killed creation left half made), and removes the leftovers of
    /// an interrupted run from `.tmp/`. Only one writer may use a store at a time.
    pub fn create_or_open(root: &Path) -> Result<Store> {
        if root.join(MANIFEST).exists() {
            let lock = lock_for_writing(root)?;
            clean_tmp(root)?;
            let mut store = Store::open(root)?;
            store.writer_lock = Some(lock);
            return Ok(store);
        }
        let foreign =
            |name: &std::ffi::OsStr| ![EVENTS, REJECTS, TMP, LOCK].iter().any(|d| name == *d);
        let occupied = fs::read_dir(root)
            .map(|d| d.filter_map(|e| e.ok()).any(|e| foreign(&e.file_name())))
            .unwrap_or(false);
        if occupied {
            return Err(Error::Store {
                path: root.to_path_buf(),
                message: "directory exists, is not empty and is not a keytrail store".into(),
            });
        }
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

    /// Whether this handle holds the writer's lock (it came from [`Store::create_or_open`]).
    pub fn is_locked_for_writing(&self) -> bool {
        self.writer_lock.is_some()
    }

    /// The store directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every manifest record, oldest first.
    pub fn manifest(&self) -> &[ManifestRecord] {
        &self.manifest
    }

    /// The dates (`YYYY-MM-DD`) that have a partition directory, sorted.
    pub fn partitions(&self) -> Result<Vec<String>> {
        let dir = self.root.join(EVENTS);
        let mut dates = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(date) = name.strip_prefix("date=") {
                if NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() && entry.path().is_dir() {
                    dates.push(date.to_string());
                }
            }
        }
        dates.sort();
        Ok(dates)
    }

    /// The directory of the partition for `date`.
    pub fn partition_dir(&self, date: &str) -> PathBuf {
        self.root.join(EVENTS).join(format!("date={date}"))
    }

    /// The Parquet files of the partition for `date`, sorted by name (none if it does not exist).
    pub fn partition_files(&self, date: &str) -> Result<Vec<PathBuf>> {
        let dir = self.partition_dir(date);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.extension().is_some_and(|x| x == "parquet") {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// The number of stored events, from the Parquet footers.
    pub fn event_count(&self) -> Result<u64> {
        let mut total = 0;
        for date in self.partitions()? {
            for file in self.partition_files(&date)? {
                total += parquet::row_count(&file)?;
            }
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

    /// Writes the rows `picks` of `batches`, in that order, as the file `<name>` of the
    /// partition for `date`: to `.tmp/` first, then renamed into place. Returns the final path.
    pub fn commit_partition_file(
        &self,
        date: &str,
        name: &str,
        batches: &[RowBatch],
        picks: &Picks,
    ) -> Result<PathBuf> {
        let tmp_dir = self.root.join(TMP);
        fs::create_dir_all(&tmp_dir).map_err(|e| Error::io(&tmp_dir, e))?;
        let tmp = tmp_dir.join(name);
        parquet::write_file(&tmp, batches, picks)?;
        let dir = self.partition_dir(date);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(name);
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }

    /// Appends `records` to the manifest (after their events' files are in place).
    pub fn commit_manifest(&mut self, records: Vec<ManifestRecord>) -> Result<()> {
        manifest::append(&self.root.join(MANIFEST), &records)?;
        self.manifest.extend(records);
        Ok(())
    }

    /// The rejects file of run `run`.
    pub fn rejects_path(&self, run: &str) -> PathBuf {
        self.root.join(REJECTS).join(format!("{run}.ndjson"))
    }

    /// A lazy scan of the events in `range`: only the partitions overlapping it are read,
    /// `__time__` is filtered to `[from, to)`, and the columns are those of
    /// [`schema::columns`], in order. An empty selection scans to an empty frame.
    pub fn scan(&self, range: &TimeRange) -> Result<LazyFrame> {
        let mut paths = Vec::new();
        for date in self.partitions()? {
            if partition_overlaps(&date, range) {
                for file in self.partition_files(&date)? {
                    paths.push(PlRefPath::try_from_path(&file)?);
                }
            }
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
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
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
    use crate::normalize::{normalize, Envelope, EventRow};
    use serde_json::json;

    fn row(id: &str, time: &str) -> EventRow {
        let ev = json!({"eventId": id, "eventName": "Decrypt", "eventTime": time});
        normalize(
            ev,
            &Envelope {
                origin: format!("t#{id}"),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn open_refuses_a_non_store_and_create_makes_one() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Store::open(dir.path()).is_err());
        let store = Store::create_or_open(&dir.path().join("s")).unwrap();
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
        let store = Store::create_or_open(dir.path()).unwrap();
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
        // A file in a partition outside the range that is not even Parquet: never read.
        std::fs::create_dir_all(store.partition_dir("2024-02-01")).unwrap();
        std::fs::write(
            store.partition_dir("2024-02-01").join("bad.parquet"),
            b"junk",
        )
        .unwrap();
        assert_eq!(
            store.partitions().unwrap(),
            vec!["2024-02-01", "2024-03-01", "2024-03-02"]
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
