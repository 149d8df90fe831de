//! `keytrail index`: builds the token index of every part of a store that has none, or whose
//! index is not believed (see `keytrail::index`), with progress on stderr. Idempotent.

use std::collections::HashMap;
use std::io::{self, Write};
use std::time::Instant;

use rayon::prelude::*;

use keytrail::index::{build, file};
use keytrail::render::escape::{visible, visible_path};
use keytrail::render::stderr;
use keytrail::store::manifest::IndexRecord;
use keytrail::store::{PartFile, Store};
use keytrail::{Error, Result};

use super::io_err;
use crate::cli::IndexArgs;

/// Parts indexed in parallel before their records are appended.
const PARTS_PER_BATCH: usize = 64;

/// Runs `keytrail index`.
pub fn run(args: IndexArgs) -> Result<i32> {
    let root = args.store.as_path();
    if !Store::looks_like_store(root) {
        return Err(Error::Usage(format!(
            "{}: not a keytrail store (make one with `keytrail ingest`)",
            root.display()
        )));
    }
    let started = Instant::now();
    let mut store = Store::create_or_open(root)?;
    let todo = parts_to_index(&store);
    let total = store.parts().len();
    let mut done = 0;
    for batch in todo.chunks(PARTS_PER_BATCH) {
        let built = batch
            .par_iter()
            .map(|part| {
                let tmp = store.index_tmp_path(part.record.name())?;
                let index = build::from_parquet(&part.file, &part.record)?;
                let record = build::write(&tmp, &part.record, &index)?;
                Ok((part.record.clone(), record))
            })
            .collect::<Result<Vec<_>>>()?;
        store.place_indexes(built)?;
        // Said here, after the batch, so the counts only ever go up.
        done += batch.len();
        stderr::shown(&format!("indexing: {done} of {} part files", todo.len()));
    }
    let bytes: u64 = latest_records(&store).values().map(|r| r.bytes).sum();
    let part_bytes: u64 = store.parts().iter().map(|p| p.record.bytes).sum();
    writeln!(
        io::stdout().lock(),
        "store {}: indexed {} part files in {:.1} s, {} were indexed already; the indexes take \
         {} bytes ({:.1}% of the parts' {} bytes)",
        visible_path(root),
        todo.len(),
        started.elapsed().as_secs_f64(),
        total - todo.len(),
        bytes,
        100.0 * bytes as f64 / part_bytes.max(1) as f64,
        part_bytes
    )
    .map_err(io_err)?;
    Ok(0)
}

/// The manifest's last index record per part.
fn latest_records(store: &Store) -> HashMap<&str, &IndexRecord> {
    store
        .index_records()
        .iter()
        .map(|r| (r.part.as_str(), r))
        .collect()
}

/// The parts without an index that is believed; says why for each one not believed.
fn parts_to_index(store: &Store) -> Vec<PartFile> {
    let latest = latest_records(store);
    store
        .parts()
        .iter()
        .filter(|part| match latest.get(part.record.path.as_str()) {
            None => true,
            Some(record) => match file::load(store.root(), &part.record, record) {
                Ok(_) => false,
                Err(reason) => {
                    stderr::shown(&format!(
                        "rebuilding the index of {}: {}",
                        visible(&part.record.path),
                        visible(&reason)
                    ));
                    true
                }
            },
        })
        .cloned()
        .collect()
}
