//! `keytrail verify`'s check of the token indexes: each recorded index must match its record,
//! have been made for its part, and equal the index built again from the part. Indexes are a
//! cache: a part without one is fine, and a file under `index/` no record names (left by a
//! repair that forgot its part, or a killed run) is never read, so it is no difference.

use std::collections::HashMap;

use super::build;
use super::file;
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
    found.problems.sort();
    Ok(found)
}
