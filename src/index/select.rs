//! Chooses the part files a search reads: every part in range whose index is missing or not
//! believed, and the indexed ones where some row group may hold the statement's terms.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::file;
use super::prune::Need;
use crate::store::manifest::IndexRecord;
use crate::store::PartFile;

/// What the index did for one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruning {
    /// Whether the statement has a term the index can test.
    pub tested: bool,
    /// Part files in range.
    pub files: usize,
    /// Of them, skipped: no row group may match.
    pub skipped_files: usize,
    /// Row groups of the indexed files in range.
    pub groups: usize,
    /// Row groups of the skipped files.
    pub skipped_groups: usize,
    /// Row groups ruled out inside files that are read anyway.
    pub ruled_out_groups: usize,
    /// Files in range without an index (scanned).
    pub unindexed: usize,
    /// Indexes not believed, as (index path under the store, reason): their parts are scanned.
    pub ignored: Vec<(String, String)>,
}

impl fmt::Display for Pruning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.tested {
            return write!(
                f,
                "the search has no term the token index can test: all {} part files in range \
                 are scanned",
                self.files
            );
        }
        write!(
            f,
            "the token index skipped {} of {} part files in range ({} of {} row groups), which \
             cannot hold the search's terms",
            self.skipped_files, self.files, self.skipped_groups, self.groups
        )?;
        if self.ruled_out_groups > 0 {
            write!(
                f,
                "; {} more row groups are ruled out but read with their file",
                self.ruled_out_groups
            )?;
        }
        if self.unindexed > 0 {
            write!(
                f,
                "; {} files have no index and are scanned (`keytrail index` builds them)",
                self.unindexed
            )?;
        }
        if !self.ignored.is_empty() {
            write!(
                f,
                "; {} indexes not believed, their files scanned",
                self.ignored.len()
            )?;
        }
        Ok(())
    }
}

/// What became of one part.
enum Verdict {
    Read { ruled_out: usize, groups: usize },
    Skipped { groups: usize },
    Unindexed,
    Ignored(String, String),
}

/// The files of `parts` that `need` may match, and what the index did. `records` are the
/// manifest's index lines (the last one per part counts).
pub fn select(
    root: &Path,
    parts: &[&PartFile],
    records: &[IndexRecord],
    need: &Need,
) -> (Vec<PathBuf>, Pruning) {
    let mut pruning = Pruning {
        tested: need.tests_tokens(),
        files: parts.len(),
        ..Default::default()
    };
    if !pruning.tested {
        pruning.unindexed = 0;
        return (parts.iter().map(|p| p.file.clone()).collect(), pruning);
    }
    let latest: HashMap<&str, &IndexRecord> =
        records.iter().map(|r| (r.part.as_str(), r)).collect();
    let verdicts: Vec<Verdict> = parts
        .par_iter()
        .map(|part| {
            verdict(
                root,
                part,
                latest.get(part.record.path.as_str()).copied(),
                need,
            )
        })
        .collect();
    let mut kept = Vec::new();
    for (part, verdict) in parts.iter().zip(verdicts) {
        match verdict {
            Verdict::Skipped { groups } => {
                pruning.skipped_files += 1;
                pruning.groups += groups;
                pruning.skipped_groups += groups;
                continue;
            }
            Verdict::Read { ruled_out, groups } => {
                pruning.groups += groups;
                pruning.ruled_out_groups += ruled_out;
            }
            Verdict::Unindexed => pruning.unindexed += 1,
            Verdict::Ignored(path, reason) => pruning.ignored.push((path, reason)),
        }
        kept.push(part.file.clone());
    }
    (kept, pruning)
}

fn verdict(root: &Path, part: &PartFile, record: Option<&IndexRecord>, need: &Need) -> Verdict {
    let Some(record) = record else {
        return Verdict::Unindexed;
    };
    let shown = file::relative_path(&part.record.path).unwrap_or_else(|| part.record.path.clone());
    let index = match file::load(root, &part.record, record) {
        Ok(index) => index,
        Err(reason) => return Verdict::Ignored(shown, reason),
    };
    let groups = index.groups.len();
    let may = index.groups.iter().filter(|g| need.may_match(g)).count();
    match may {
        0 => Verdict::Skipped { groups },
        _ => Verdict::Read {
            ruled_out: groups - may,
            groups,
        },
    }
}
