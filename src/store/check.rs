//! Checks a store's files against its manifest: the cheap check every reader runs (the entries
//! under `events/` against the recorded parts: names and sizes) and the full one of
//! `keytrail verify` (every byte re-hashed, every footer's row count read). Damage is described
//! in raw text, one line each: the command layer shows it in visible form.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::manifest::{Manifest, PartRecord};
use super::parquet;
use super::{EVENTS, TMP};
use crate::{Error, Result};

/// A difference between the store's files and its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// A recorded part is not there.
    Missing {
        /// The part, as recorded.
        part: PartRecord,
    },
    /// An entry under `events/` that no part record names.
    Unknown {
        /// Its path under the store root, `/`-separated.
        path: String,
        /// The entry itself.
        file: PathBuf,
        /// Whether it is a directory.
        dir: bool,
        /// The recorded part it is a byte-for-byte copy of (found by `verify` only).
        copy_of: Option<String>,
    },
    /// A recorded part of a committed chunk found in `.tmp/` instead of its place (moved there:
    /// readers do not read it; the next writer moves it back).
    InTmp {
        /// The part, as recorded.
        part: PartRecord,
    },
    /// A recorded part whose path is a directory, a symlink or another non-regular file.
    NotAFile {
        /// The part, as recorded.
        part: PartRecord,
    },
    /// A recorded part whose size differs from the record.
    Size {
        /// The part, as recorded.
        part: PartRecord,
        /// Its size now.
        found: u64,
    },
    /// A recorded part whose bytes differ from the record (`verify` only).
    Altered {
        /// The part, as recorded.
        part: PartRecord,
        /// blake3 of its bytes now.
        found: String,
    },
    /// A recorded part whose footer holds another row count than the record (`verify` only).
    Rows {
        /// The part, as recorded.
        part: PartRecord,
        /// The row count its footer holds.
        found: u64,
    },
    /// A recorded part whose Parquet footer cannot be read (`verify` only).
    Unreadable {
        /// The part, as recorded.
        part: PartRecord,
        /// Why.
        message: String,
    },
    /// A second record of a part already recorded.
    RecordedTwice {
        /// The part, as recorded the second time.
        part: PartRecord,
    },
    /// A part record whose path is not `events/date=YYYY-MM-DD/<name>.parquet`.
    BadRecord {
        /// The record.
        part: PartRecord,
    },
}

impl Damage {
    /// The part record the damage is about (none for an unknown entry).
    pub fn part(&self) -> Option<&PartRecord> {
        match self {
            Damage::Unknown { .. } => None,
            Damage::Missing { part }
            | Damage::InTmp { part }
            | Damage::NotAFile { part }
            | Damage::Size { part, .. }
            | Damage::Altered { part, .. }
            | Damage::Rows { part, .. }
            | Damage::Unreadable { part, .. }
            | Damage::RecordedTwice { part }
            | Damage::BadRecord { part } => Some(part),
        }
    }

    /// The path under the store root the damage is about.
    pub fn path(&self) -> &str {
        match self {
            Damage::Unknown { path, .. } => path,
            other => &other.part().expect("a part damage").path,
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path())?;
        match self {
            Damage::Missing { part } => write!(
                f,
                "missing (the manifest records {} events in it)",
                part.rows
            ),
            Damage::Unknown { dir, copy_of, .. } => {
                let what = if *dir { "a directory" } else { "a file" };
                write!(f, "{what} the manifest does not record (not read)")?;
                match copy_of {
                    Some(original) => write!(f, ", a copy of {original}"),
                    None => Ok(()),
                }
            }
            Damage::InTmp { .. } => write!(
                f,
                "in .tmp/ instead of its place, though its source files are recorded as ingested \
                 (not read; the next ingest or `verify --repair` moves it back)"
            ),
            Damage::NotAFile { .. } => write!(f, "not a regular file"),
            Damage::Size { part, found } => write!(
                f,
                "{found} bytes, the manifest records {} (altered or truncated)",
                part.bytes
            ),
            Damage::Altered { part, found } => write!(
                f,
                "content differs from the manifest (blake3 {}, recorded {})",
                short(found),
                short(&part.blake3)
            ),
            Damage::Rows { part, found } => {
                write!(f, "{found} rows, the manifest records {}", part.rows)
            }
            Damage::Unreadable { message, .. } => write!(f, "unreadable Parquet: {message}"),
            Damage::RecordedTwice { .. } => write!(f, "recorded twice in the manifest"),
            Damage::BadRecord { .. } => write!(
                f,
                "a part record outside events/date=YYYY-MM-DD/ (not read)"
            ),
        }
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// What an entry under `events/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// A regular file of this size.
    File(u64),
    /// A directory.
    Dir,
    /// A symlink or any other kind of entry.
    Other,
}

/// Every entry of `events/`: the contents of each `date=YYYY-MM-DD` directory, and any other
/// entry of `events/` itself; by `/`-separated path under the store root. Not recursive.
fn list_events(root: &Path) -> Result<BTreeMap<String, (PathBuf, Found)>> {
    let mut out = BTreeMap::new();
    let events = root.join(EVENTS);
    for (name, path, found) in list_dir(&events)? {
        let partition = name
            .strip_prefix("date=")
            .is_some_and(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
        if !(partition && found == Found::Dir) {
            out.insert(format!("{EVENTS}/{name}"), (path, found));
            continue;
        }
        for (file, path, found) in list_dir(&path)? {
            out.insert(format!("{EVENTS}/{name}/{file}"), (path, found));
        }
    }
    Ok(out)
}

/// The entries of `dir`: name (lossy UTF-8), path, kind (symlinks not followed).
fn list_dir(dir: &Path) -> Result<Vec<(String, PathBuf, Found)>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let meta = fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
        let found = match meta.file_type() {
            t if t.is_file() => Found::File(meta.len()),
            t if t.is_dir() => Found::Dir,
            _ => Found::Other,
        };
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            path,
            found,
        ));
    }
    Ok(out)
}

/// A recorded part and the file that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFile {
    /// The record.
    pub record: PartRecord,
    /// Its file under `events/`.
    pub file: PathBuf,
}

/// The entries under `events/` as they are now, to compare with a manifest read after them
/// (so that a part an ingest renames into place meanwhile is already recorded).
pub struct Listing(BTreeMap<String, (PathBuf, Found)>);

impl Listing {
    /// Lists the entries under `root/events/`.
    pub fn take(root: &Path) -> Result<Listing> {
        list_events(root).map(Listing)
    }

    /// The regular `*.parquet` files of `date=` partitions, sorted by path: how a store whose
    /// manifest records no parts is read.
    pub fn parquet_files(&self) -> Vec<PathBuf> {
        self.0
            .iter()
            .filter(|(rel, (_, found))| {
                matches!(found, Found::File(_))
                    && rel.ends_with(".parquet")
                    && rel.matches('/').count() == 2
            })
            .map(|(_, (path, _))| path.clone())
            .collect()
    }
}

/// What the cheap check found.
#[derive(Debug, Default)]
pub struct Compared {
    /// The recorded parts present with their recorded size.
    pub present: Vec<PartFile>,
    /// Recorded parts in `.tmp/` whose sources are not recorded yet: being placed by an ingest,
    /// or left by a killed one (the next ingest places them). Not read.
    pub pending: Vec<PartRecord>,
    /// Every difference, sorted by path.
    pub damage: Vec<Damage>,
}

/// The cheap check: compares `listing` with the recorded parts of `manifest` by name and size. A recorded part
/// still in `.tmp/` whose chunk is not committed (an ingest is placing it, or was killed before
/// it could) is neither read nor damage: none of its source files is recorded as ingested yet.
pub fn compare(root: &Path, listing: Listing, manifest: &Manifest) -> Compared {
    let parts = &manifest.parts;
    let mut found = listing.0;
    let (mut present, mut damage, mut pending) = (Vec::new(), Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for part in parts {
        if !valid_part_path(&part.path) {
            damage.push(Damage::BadRecord { part: part.clone() });
            continue;
        }
        if !seen.insert(part.path.as_str()) {
            damage.push(Damage::RecordedTwice { part: part.clone() });
            continue;
        }
        let part = part.clone();
        match found.remove(&part.path) {
            Some((file, Found::File(len))) if len == part.bytes => {
                present.push(PartFile { record: part, file })
            }
            Some((_, Found::File(found))) => damage.push(Damage::Size { part, found }),
            Some(_) => damage.push(Damage::NotAFile { part }),
            None => match locate_unlisted(root, &part) {
                Unlisted::Placed(file) => present.push(PartFile { record: part, file }),
                Unlisted::InTmp if manifest.committed.contains(&part.path) => {
                    damage.push(Damage::InTmp { part })
                }
                Unlisted::InTmp => pending.push(part),
                Unlisted::Missing => damage.push(Damage::Missing { part }),
            },
        }
    }
    for (path, (file, kind)) in found {
        let dir = kind == Found::Dir;
        damage.push(Damage::Unknown {
            path,
            file,
            dir,
            copy_of: None,
        });
    }
    damage.sort_by(|a, b| a.path().cmp(b.path()));
    Compared {
        present,
        pending,
        damage,
    }
}

/// Where a recorded part the listing did not show is.
enum Unlisted {
    /// In place after all: renamed there since the listing.
    Placed(PathBuf),
    /// Whole in `.tmp/`: recorded, not renamed into place yet.
    InTmp,
    /// Nowhere.
    Missing,
}

/// Looks for a recorded part the listing did not show: in `.tmp/` (an ingest recorded it and is
/// about to rename it, or was killed before it could), or in place (renamed since the listing;
/// looked at second, so a rename between the two looks is seen).
fn locate_unlisted(root: &Path, part: &PartRecord) -> Unlisted {
    let has_size = |path: &Path| {
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == part.bytes)
    };
    if has_size(&root.join(TMP).join(part.name())) {
        return Unlisted::InTmp;
    }
    let placed = root.join(&part.path);
    match has_size(&placed) {
        true => Unlisted::Placed(placed),
        false => Unlisted::Missing,
    }
}

/// Whether `path` is `events/date=YYYY-MM-DD/<name>.parquet` with a plain file name.
pub fn valid_part_path(path: &str) -> bool {
    let mut pieces = path.split('/');
    let (Some(events), Some(date), Some(name), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return false;
    };
    events == EVENTS
        && date
            .strip_prefix("date=")
            .is_some_and(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        && name.ends_with(".parquet")
        && !name.starts_with('.')
        && !name.contains('\\')
}

/// The full check of `keytrail verify`: the cheap check's `damage`, plus every present part
/// re-hashed and its footer's row count read, and every unknown file hashed to tell whether it
/// copies a recorded part.
pub fn deep(present: &[PartFile], mut damage: Vec<Damage>) -> Result<Vec<Damage>> {
    let mut by_hash: HashMap<String, String> = HashMap::new();
    for part in present {
        let record = &part.record;
        by_hash.insert(record.blake3.clone(), record.path.clone());
        let written = parquet::hash_file(&part.file)?;
        if written.blake3 != record.blake3 {
            damage.push(Damage::Altered {
                part: record.clone(),
                found: written.blake3,
            });
            continue;
        }
        match parquet::row_count(&part.file) {
            Ok(rows) if rows == record.rows => {}
            Ok(found) => damage.push(Damage::Rows {
                part: record.clone(),
                found,
            }),
            Err(e) => damage.push(Damage::Unreadable {
                part: record.clone(),
                message: e.to_string(),
            }),
        }
    }
    for d in &mut damage {
        if let Damage::Unknown {
            file,
            dir: false,
            copy_of,
            ..
        } = d
        {
            if let Ok(written) = parquet::hash_file(file) {
                *copy_of = by_hash.get(&written.blake3).cloned();
            }
        }
    }
    damage.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(damage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(path: &str, bytes: u64) -> PartRecord {
        PartRecord {
            path: path.into(),
            rows: 3,
            bytes,
            blake3: "00".into(),
            run: "r".into(),
            sources: vec![],
        }
    }

    #[test]
    fn compare_names_missing_unknown_resized_and_bad_records() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let day = root.join("events/date=2024-03-01");
        fs::create_dir_all(&day).unwrap();
        fs::create_dir_all(root.join("events/date=2024-03-01 copy")).unwrap();
        fs::create_dir_all(root.join(TMP)).unwrap();
        fs::write(day.join("a.parquet"), b"aaaa").unwrap();
        fs::write(day.join("b.parquet"), b"bb").unwrap();
        fs::write(day.join("extra.parquet"), b"x").unwrap();
        fs::write(root.join(TMP).join("t.parquet"), b"ttt").unwrap();
        fs::write(root.join(TMP).join("u.parquet"), b"uuu").unwrap();
        let manifest = Manifest {
            parts: vec![
                part("events/date=2024-03-01/a.parquet", 4),
                part("events/date=2024-03-01/b.parquet", 3),
                part("events/date=2024-03-01/gone.parquet", 3),
                part("events/date=2024-03-02/t.parquet", 3),
                part("events/date=2024-03-02/u.parquet", 3),
                part("events/date=2024-03-01/a.parquet", 4),
                part("events/../../etc/passwd", 4),
            ],
            committed: HashSet::from(["events/date=2024-03-02/u.parquet".to_string()]),
            ..Default::default()
        };
        let Compared {
            present,
            pending,
            damage,
        } = compare(root, Listing::take(root).unwrap(), &manifest);
        assert_eq!(pending, [manifest.parts[3].clone()]);
        let files: Vec<&Path> = present.iter().map(|p| p.file.as_path()).collect();
        assert_eq!(
            files,
            [day.join("a.parquet")],
            "t.parquet is being placed: not read"
        );
        let shown: Vec<String> = damage.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                "events/../../etc/passwd: a part record outside events/date=YYYY-MM-DD/ (not read)",
                "events/date=2024-03-01 copy: a directory the manifest does not record (not read)",
                "events/date=2024-03-01/a.parquet: recorded twice in the manifest",
                "events/date=2024-03-01/b.parquet: 2 bytes, the manifest records 3 (altered or truncated)",
                "events/date=2024-03-01/extra.parquet: a file the manifest does not record (not read)",
                "events/date=2024-03-01/gone.parquet: missing (the manifest records 3 events in it)",
                "events/date=2024-03-02/u.parquet: in .tmp/ instead of its place, though its source \
                 files are recorded as ingested (not read; the next ingest or `verify --repair` \
                 moves it back)",
            ]
        );
    }

    #[test]
    fn part_paths_are_plain() {
        assert!(valid_part_path("events/date=2024-03-01/part-r-0.parquet"));
        for bad in [
            "events/date=2024-03-01/../x.parquet",
            "events/date=2024-13-01/p.parquet",
            "events/date=2024-03-01/sub/p.parquet",
            "/etc/p.parquet",
            "events/date=2024-03-01/p.txt",
        ] {
            assert!(!valid_part_path(bad), "{bad}");
        }
    }
}
