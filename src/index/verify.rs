//! `keytrail verify`'s check of the token indexes: each recorded index must match its record,
//! have been made for its part, and equal the index built again from the part; a file under
//! `index/` that no record names is unknown. Indexes are a cache: a part without one is fine.

use std::collections::{HashMap, HashSet};

use super::build;
use super::file::{self, INDEX_DIR};
use crate::store::manifest::IndexRecord;
use crate::store::Store;
use crate::Result;

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexCheck {
    /// Parts read by the store.
    pub parts: usize,
    /// Of them, with an index that checks out.
    pub indexed: usize,
    /// One line per bad or unknown index file (path under the store, then what is wrong).
    pub problems: Vec<String>,
}

/// Checks the indexes of `store`'s parts (rebuilding each from its part to compare).
pub fn check(store: &Store) -> Result<IndexCheck> {
    let latest: HashMap<&str, &IndexRecord> = store
        .index_records()
        .iter()
        .map(|r| (r.part.as_str(), r))
        .collect();
    let mut found = IndexCheck {
        parts: store.parts().len(),
        ..Default::default()
    };
    // An index file is known when an index line names its part (even a part that is missing,
    // damaged or still in `.tmp/`: the parts' own check names those).
    let known: HashSet<String> = latest
        .keys()
        .filter_map(|part| file::relative_path(part))
        .collect();
    for part in store.parts() {
        let Some(path) = file::relative_path(&part.record.path) else {
            continue;
        };
        let Some(record) = latest.get(part.record.path.as_str()) else {
            continue;
        };
        let problem = match file::load(store.root(), &part.record, record) {
            Err(reason) => Some(reason),
            Ok(index) => match build::from_parquet(&part.file, &part.record) {
                Ok(rebuilt) if rebuilt == index => None,
                Ok(_) => Some("differs from the index of the part's events".into()),
                Err(_) => None,
            },
        };
        match problem {
            None => found.indexed += 1,
            Some(p) => found.problems.push(format!(
                "{path}: token index not believed ({p}); its part is scanned; `keytrail index` \
                 rebuilds it"
            )),
        }
    }
    for path in index_files(store)? {
        if !known.contains(&path) {
            found.problems.push(format!(
                "{path}: a file the manifest does not record as an index (not read)"
            ));
        }
    }
    found.problems.sort();
    Ok(found)
}

/// Every entry under `index/` (two levels), as paths under the store root.
fn index_files(store: &Store) -> Result<Vec<String>> {
    let dir = store.root().join(INDEX_DIR);
    let mut out = Vec::new();
    let Ok(dates) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    for date in dates.flatten() {
        let date_name = date.file_name().to_string_lossy().into_owned();
        let Ok(files) = std::fs::read_dir(date.path()) else {
            out.push(format!("{INDEX_DIR}/{date_name}"));
            continue;
        };
        for entry in files.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push(format!("{INDEX_DIR}/{date_name}/{name}"));
        }
    }
    out.sort();
    Ok(out)
}
