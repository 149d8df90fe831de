//! Planning a run: the input files in stable order, those answered before reading (unreadable,
//! already ingested under the same path and size), and the cut of the rest into chunks of
//! about a byte budget of estimated JSON.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::FileReport;
use crate::source::discover::{expand_inputs, regular_file_stamp};
use crate::source::open::{open_regular, FileStamp};
use crate::store::Store;
use crate::Result;

/// How much larger than its file a gzip file is assumed to decompress when its trailer does not
/// say, for chunking.
const GZIP_RATIO_ESTIMATE: u64 = 10;

/// A file to read.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    /// Position among all input files, for the report order.
    pub(super) order: usize,
    /// The path as found.
    pub(super) path: PathBuf,
    /// The absolute path, as the manifest records it.
    pub(super) absolute: String,
    pub(super) size: u64,
    /// Its size and modification time when it was listed.
    pub(super) listed: FileStamp,
    /// Estimated bytes of JSON it holds.
    pub(super) estimate: u64,
}

/// Reports paired with the input position of their file.
pub(super) type OrderedReports = Vec<(usize, FileReport)>;

/// Expands the inputs to files in stable order. Files that cannot be looked at, or that the
/// manifest already holds under the same path and size, get their report right away.
pub(super) fn plan_inputs(
    inputs: &[PathBuf],
    store: &Store,
) -> Result<(Vec<Planned>, OrderedReports)> {
    let by_path: IngestedPaths = store
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
                early.push((order, problem_report(path, problem)));
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
        match plan_file(order, path, &by_path) {
            Plan::Read(file) => planned.push(file),
            Plan::Answered(report) => early.push((order, report)),
        }
    }
    Ok((planned, early))
}

/// (absolute path, size) → run, for every file in the manifest.
type IngestedPaths<'m> = HashMap<(&'m str, u64), &'m str>;

/// What is done with one input file.
enum Plan {
    /// It is read.
    Read(Planned),
    /// It is not read, and this is its report: it cannot be looked at, or the manifest holds
    /// it under the same path and size.
    Answered(FileReport),
}

/// The plan of the file at `path`, input position `order`.
fn plan_file(order: usize, path: PathBuf, by_path: &IngestedPaths) -> Plan {
    let absolute = std::path::absolute(&path)
        .unwrap_or_else(|_| path.clone())
        .to_string_lossy()
        .into_owned();
    let listed = match regular_file_stamp(&path) {
        Ok(listed) => listed,
        Err(problem) => return Plan::Answered(problem_report(path, problem)),
    };
    let size = listed.size;
    if let Some(run) = by_path.get(&(absolute.as_str(), size)) {
        return Plan::Answered(FileReport {
            path,
            skipped: Some(format!("already ingested (run {run})")),
            ..Default::default()
        });
    }
    let estimate = json_bytes_estimate(&path, size);
    Plan::Read(Planned {
        order,
        path,
        absolute,
        size,
        listed,
        estimate,
    })
}

/// The report of a file that cannot be looked at.
fn problem_report(path: PathBuf, problem: String) -> FileReport {
    FileReport {
        path,
        problems: vec![problem],
        ..Default::default()
    }
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
pub(super) fn chunks(planned: &[Planned], budget: u64) -> Vec<&[Planned]> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::CHUNK_BYTES;

    /// A planned file of `estimate` bytes at input position `order`.
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
}
