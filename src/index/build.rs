//! Builds a part's token index: from the rows ingest is writing, or from a Parquet part already
//! in the store (`keytrail index`), one row group at a time; writes it durably.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use arrow::array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use super::file::{group_of, hash_bytes, salt_of, TokenIndex};
use crate::event::schema::{EVENT, TOPIC};
use crate::store::manifest::{IndexRecord, PartRecord};
use crate::{Error, Result};

/// The index of a part whose row groups hold `groups` rows of (event text, topic).
pub fn from_groups(part: &PartRecord, groups: &[Vec<(Option<&str>, Option<&str>)>]) -> TokenIndex {
    TokenIndex {
        part_bytes: part.bytes,
        part_blake3: part.blake3.clone(),
        groups: groups
            .iter()
            .enumerate()
            .map(|(ordinal, rows)| group_of(rows, salt_of(&hash_bytes(&part.blake3), ordinal)))
            .collect(),
    }
}

/// The index of the Parquet part `file` recorded as `part`, reading its `event` and
/// `__topic__` columns one row group at a time.
pub fn from_parquet(file: &Path, part: &PartRecord) -> Result<TokenIndex> {
    let fail = |e: &dyn std::fmt::Display| Error::Store {
        path: file.to_path_buf(),
        message: format!("reading the part to index it: {e}"),
    };
    let open = || -> Result<ParquetRecordBatchReaderBuilder<File>> {
        let f = File::open(file).map_err(|e| Error::io(file, e))?;
        ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| fail(&e))
    };
    let row_groups = open()?.metadata().num_row_groups();
    let mut groups = Vec::with_capacity(row_groups);
    for group in 0..row_groups {
        let builder = open()?;
        let index_of = |name: &str| builder.schema().index_of(name).map_err(|e| fail(&e));
        let indices = [index_of(EVENT)?, index_of(TOPIC)?];
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
        let reader = builder
            .with_projection(mask)
            .with_row_groups(vec![group])
            .with_batch_size(16 * 1024)
            .build()
            .map_err(|e| fail(&e))?;
        let mut columns: Vec<(StringArray, StringArray)> = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| fail(&e))?;
            let text = |name: &str| {
                batch
                    .column_by_name(name)
                    .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                    .cloned()
                    .ok_or_else(|| fail(&format!("{name} is not a string column")))
            };
            columns.push((text(EVENT)?, text(TOPIC)?));
        }
        let rows: Vec<(Option<&str>, Option<&str>)> = columns
            .iter()
            .flat_map(|(events, topics)| {
                (0..events.len()).map(move |i| {
                    let event = events.is_valid(i).then(|| events.value(i));
                    let topic = topics.is_valid(i).then(|| topics.value(i));
                    (event, topic)
                })
            })
            .collect();
        groups.push(group_of(&rows, salt_of(&hash_bytes(&part.blake3), group)));
    }
    Ok(TokenIndex {
        part_bytes: part.bytes,
        part_blake3: part.blake3.clone(),
        groups,
    })
}

/// Writes `index` of `part` to the new file `path`; returns its manifest record. Not synced:
/// a reader believes an index only when its size and blake3 match this record, so one that a
/// crash left torn or zeroed is scanned past and named, never believed (the fsync cost ingest
/// of the 1M archive about 9 ms per part, a quarter of its wall time on this machine).
pub fn write(path: &Path, part: &PartRecord, index: &TokenIndex) -> Result<IndexRecord> {
    let bytes = index.to_bytes();
    let mut file = File::create(path).map_err(|e| Error::io(path, e))?;
    file.write_all(&bytes).map_err(|e| Error::io(path, e))?;
    Ok(IndexRecord {
        part: part.path.clone(),
        bytes: bytes.len() as u64,
        blake3: blake3::hash(&bytes).to_hex().to_string(),
    })
}
