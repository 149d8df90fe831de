//! Parquet files of the store: writes normalized rows as one file (ZSTD, statistics, bloom
//! filters on the id columns), hashing it on the way out, and reads back what dedup, counting
//! and checking need.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::schema::types::ColumnPath;

use super::batch::{self, Picks, RowBatch};
use crate::event::schema::{self, COLUMNS, DEDUP_KEY, ORIGIN};
use crate::{Error, Result};

/// Rows per row group. Readers decode a whole row group at a time, so the memory a read holds
/// grows with it, not with the range. With 65,536 a dense trail (82k events a day, parts of up
/// to 30k rows, one group each) took `kms keys` 1.30x and the report 1.21x the memory on 30M
/// events as on 3M; with 8,192, 1.17x and 1.12x, for 2-9% more CPU on the 30M store (README
/// "Performance", "Row groups of 8,192 rows").
pub const ROW_GROUP_ROWS: usize = 8 * 1024;
/// Rows per Arrow batch handed to the writer (bounds the unencoded copy held at once).
const BATCH_ROWS: usize = 8 * 1024;

/// The Arrow schema of every store file, walking [`COLUMNS`]: `__time__` Int64, every other
/// column nullable Utf8.
pub fn arrow_schema() -> SchemaRef {
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|column| match column.is_text() {
            false => Field::new(column.name, DataType::Int64, false),
            true => Field::new(column.name, DataType::Utf8, true),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// The zstd level of most columns: on 1M events 1.5 s less ingest than level 3, and a store no
/// larger (226 MB vs 230 MB).
const ZSTD_LEVEL: i32 = 1;
/// The zstd level of the `event` column, most of the bytes: zstd's fast mode. On 1M events,
/// against level 1: ingest 9% faster, full-text queries 10% faster (it decompresses faster too),
/// a store 16% larger (263 MB vs 226 MB).
const EVENT_ZSTD_LEVEL: i32 = -3;

/// Writer settings: zstd ([`ZSTD_LEVEL`], [`EVENT_ZSTD_LEVEL`] for `event`), page
/// statistics, dictionaries, and bloom filters sized for one row group, per column as
/// [`COLUMNS`] says.
pub fn writer_properties() -> WriterProperties {
    let zstd = |level| Compression::ZSTD(ZstdLevel::try_new(level).expect("a valid zstd level"));
    let mut props = WriterProperties::builder()
        .set_compression(zstd(ZSTD_LEVEL))
        .set_column_compression(ColumnPath::from(schema::EVENT), zstd(EVENT_ZSTD_LEVEL))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS));
    // Each column's dictionary, statistics and bloom filter as the column table says.
    for column in COLUMNS {
        let path = || ColumnPath::from(column.name);
        if !column.dictionary {
            props = props.set_column_dictionary_enabled(path(), false);
        }
        if !column.statistics {
            props = props.set_column_statistics_enabled(path(), EnabledStatistics::None);
        }
        if column.bloom {
            props = props
                .set_column_bloom_filter_enabled(path(), true)
                .set_column_bloom_filter_max_ndv(path(), ROW_GROUP_ROWS as u64);
        }
    }
    props.build()
}

/// What a written file is: its size and content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Size in bytes.
    pub bytes: u64,
    /// blake3 of the bytes, hex.
    pub blake3: String,
}

/// A writer that hashes and counts the bytes it passes on (the Parquet writer writes
/// sequentially, so the hash is that of the file).
struct HashingWriter<W> {
    inner: W,
    hasher: blake3::Hasher,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the rows `picks` of `batches` (already in the order they should be stored) to a new
/// Parquet file at `path`, syncs it to disk, and returns its size and hash (computed on the way
/// out, without reading the file back).
pub fn write_file(path: &Path, batches: &[RowBatch], picks: &Picks) -> Result<Written> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let fail = |e: parquet::errors::ParquetError| {
        Error::Other(format!("{}: writing Parquet: {e}", path.display()))
    };
    let schema = arrow_schema();
    let out = HashingWriter {
        inner: file,
        hasher: blake3::Hasher::new(),
        bytes: 0,
    };
    let mut writer =
        ArrowWriter::try_new(out, schema.clone(), Some(writer_properties())).map_err(fail)?;
    batch::for_each_record_batch(batches, picks, &schema, BATCH_ROWS, &mut |batch| {
        writer.write(&batch).map_err(fail)
    })?;
    let mut out = writer.into_inner().map_err(fail)?;
    out.flush().map_err(|e| Error::io(path, e))?;
    out.inner.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(Written {
        bytes: out.bytes,
        blake3: out.hasher.finalize().to_hex().to_string(),
    })
}

/// The size and blake3 hash of the file at `path`, read in full.
pub fn hash_file(path: &Path) -> Result<Written> {
    let mut hasher = blake3::Hasher::new();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    hasher.update_reader(file).map_err(|e| Error::io(path, e))?;
    Ok(Written {
        bytes: hasher.count(),
        blake3: hasher.finalize().to_hex().to_string(),
    })
}

/// Decodes every column of every row of the Parquet file at `path`; the first error met, as
/// text (a damaged footer, page header or compressed page).
pub fn decode_error(path: &Path) -> Option<String> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => return Some(e.to_string()),
    };
    let reader = match ParquetRecordBatchReaderBuilder::try_new(file).and_then(|b| b.build()) {
        Ok(reader) => reader,
        Err(e) => return Some(e.to_string()),
    };
    for batch in reader {
        if let Err(e) = batch {
            return Some(e.to_string());
        }
    }
    None
}

/// The distinct source files (the part of `keytrail.origin` before its last `#`) of the
/// events in the Parquet file at `path`, sorted.
pub fn sources(path: &Path) -> Result<Vec<String>> {
    let mut out = std::collections::BTreeSet::new();
    for_each_text(path, ORIGIN, &mut |origin| {
        let file = origin.rsplit_once('#').map_or(origin, |(file, _)| file);
        if !out.contains(file) {
            out.insert(file.to_string());
        }
    })?;
    Ok(out.into_iter().collect())
}

/// Calls `each` with every dedup key (`keytrail.key`) stored in the file at `path`.
pub fn for_each_key(path: &Path, each: &mut dyn FnMut(&str)) -> Result<()> {
    for_each_text(path, DEDUP_KEY, each)
}

/// Calls `each` with every non-null value of the text column `column` of the file at `path`.
fn for_each_text(path: &Path, column: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::Store {
        path: path.to_path_buf(),
        message: format!("reading {column}: {e}"),
    };
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(&e))?;
    let index = builder.schema().index_of(column).map_err(|e| fail(&e))?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), [index]);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(16 * 1024)
        .build()
        .map_err(|e| fail(&e))?;
    for batch in reader {
        let batch = batch.map_err(|e| fail(&e))?;
        let column = batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| fail(&"not a string column"))?;
        column.iter().flatten().for_each(&mut *each);
    }
    Ok(())
}

/// Calls `each` with the dedup key, the event JSON and the origin of every event stored in the
/// file at `path` (to compare a new copy of an event with the stored one).
pub fn for_each_stored_event(path: &Path, each: &mut dyn FnMut(&str, &str, &str)) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::Store {
        path: path.to_path_buf(),
        message: format!("reading stored events: {e}"),
    };
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(&e))?;
    let names = [DEDUP_KEY, schema::EVENT, schema::ORIGIN];
    let mut indices = Vec::with_capacity(names.len());
    for name in names {
        indices.push(builder.schema().index_of(name).map_err(|e| fail(&e))?);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(4 * 1024)
        .build()
        .map_err(|e| fail(&e))?;
    for batch in reader {
        let batch = batch.map_err(|e| fail(&e))?;
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                .ok_or_else(|| fail(&format!("{name} is not a string column")))
        };
        let (keys, events, origins) = (
            column(DEDUP_KEY)?,
            column(schema::EVENT)?,
            column(schema::ORIGIN)?,
        );
        for row in 0..batch.num_rows() {
            if keys.is_valid(row) && events.is_valid(row) {
                let origin = if origins.is_valid(row) {
                    origins.value(row)
                } else {
                    ""
                };
                each(keys.value(row), events.value(row), origin);
            }
        }
    }
    Ok(())
}

/// The number of rows in the Parquet file at `path`, from its footer.
pub fn row_count(path: &Path) -> Result<u64> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| Error::Store {
        path: path.to_path_buf(),
        message: format!("reading Parquet footer: {e}"),
    })?;
    Ok(reader.metadata().file_metadata().num_rows().max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::normalize::{normalize, Envelope};

    #[test]
    fn the_hash_taken_while_writing_is_the_files_and_damage_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.parquet");
        let ev = serde_json::json!({"eventId": "A", "eventTime": "2024-03-01T00:00:00Z"});
        let envelope = Envelope {
            origin: "/in/a#b.json#line 1".into(),
            ..Default::default()
        };
        let mut scratch = Vec::new();
        let row = normalize(ev.to_string().as_bytes(), &envelope, &mut scratch).unwrap();
        let written = write_file(&path, &RowBatch::of_rows([&row]), &[(0, 0)]).unwrap();
        assert_eq!(hash_file(&path).unwrap(), written);
        assert_eq!(written.bytes, std::fs::metadata(&path).unwrap().len());
        assert_eq!(decode_error(&path), None);
        assert_eq!(sources(&path).unwrap(), ["/in/a#b.json"]);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 6;
        bytes[at] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        assert!(decode_error(&path).is_some());
        assert!(row_count(&path)
            .unwrap_err()
            .to_string()
            .contains("p.parquet"));
    }
}
