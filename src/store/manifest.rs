//! The store manifest `manifest.jsonl`: one JSON line per ingested source file. Lines are
//! appended whole; a torn last line (a crash mid-append) is ignored on read and cut on open.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What one ingest run did with one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRecord {
    /// Absolute path of the source file.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// blake3 hash of its bytes, hex.
    pub blake3: String,
    /// The format detected.
    pub format: String,
    /// Events read.
    pub events_read: u64,
    /// Events stored (new).
    pub stored: u64,
    /// Events already in the store.
    pub duplicates: u64,
    /// Records rejected.
    pub rejects: u64,
    /// File-level problems.
    pub problems: Vec<String>,
    /// The ingest run id.
    pub run: String,
    /// When the file was committed (RFC 3339, UTC).
    pub time: String,
}

/// Reads every whole line of the manifest at `path`, cutting a torn last line off the file.
pub fn load(path: &Path) -> Result<Vec<ManifestRecord>> {
    repair_torn_tail(path)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line).map_err(|e| Error::Store {
            path: path.to_path_buf(),
            message: format!("manifest.jsonl line {}: {e}", i + 1),
        })?;
        out.push(record);
    }
    Ok(out)
}

/// Cuts everything after the last newline: the remains of an append a crash interrupted.
fn repair_torn_tail(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(());
    }
    let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.set_len(keep as u64).map_err(|e| Error::io(path, e))?;
    Ok(())
}

/// Appends `records` as whole lines in one write, then syncs.
pub fn append(path: &Path, records: &[ManifestRecord]) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for r in records {
        text.push_str(&serde_json::to_string(r).expect("a manifest record serializes"));
        text.push('\n');
    }
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str) -> ManifestRecord {
        ManifestRecord {
            path: path.into(),
            size: 10,
            blake3: "ab".into(),
            format: "oss".into(),
            events_read: 3,
            stored: 2,
            duplicates: 1,
            rejects: 0,
            problems: vec![],
            run: "r1".into(),
            time: "2024-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn torn_tail_is_cut_and_appends_stay_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        std::fs::write(&path, b"").unwrap();
        append(&path, &[record("/a")]).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"path\":\"/b\",\"si");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(load(&path).unwrap(), vec![record("/a")]);
        append(&path, &[record("/c")]).unwrap();
        assert_eq!(load(&path).unwrap(), vec![record("/a"), record("/c")]);
    }
}
