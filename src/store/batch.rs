//! Columnar rows on their way to a store file: normalized [`Row`]s appended straight into
//! per-column Arrow buffers (no allocation per event), then gathered from several batches into
//! the record batches of a Parquet file.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray, StringBuilder};
use arrow::compute::interleave;

use crate::event::row::Row;
use crate::event::schema::{self, text_index, Kind, TEXT_COLUMNS, TEXT_COLUMN_COUNT};
use crate::{Error, Result};

/// Text bytes one batch holds at most: Arrow string offsets are 32-bit.
const MAX_BATCH_TEXT: usize = 1 << 30;
/// Event bytes a builder sizes its buffers for up front, at most (beyond that they grow).
const MAX_PRESIZE: usize = 64 << 20;

/// A dedup key as 128 bits of its blake3 hash: a fixed 16 bytes per stored event in memory
/// instead of a heap string (a collision needs ~2^64 keys).
pub fn key_hash(key: &str) -> u128 {
    let hash = blake3::hash(key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_bytes()[..16]);
    u128::from_le_bytes(bytes)
}

/// The content hash of a stored event: the first 64 bits of the blake3 of its compact JSON,
/// never 0 (which stands for "not known" in the dedup key sets). Two copies of one event with
/// the same hash are duplicates; copies with different hashes are compared further.
pub fn content_hash(event_json: &str) -> u64 {
    let hash = blake3::hash(event_json.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(bytes).max(1)
}

/// The text column of [`RowBatch::text`] holding the event's compact JSON.
pub const EVENT_COLUMN: usize = text_index(schema::EVENT);
/// The text column of [`RowBatch::text`] holding `event.eventId`.
pub const EVENT_ID_COLUMN: usize = text_index(schema::EVENT_ID);
/// The text column of [`RowBatch::text`] holding `event.eventTime`.
pub const EVENT_TIME_COLUMN: usize = text_index(schema::EVENT_TIME);
/// The text column of [`RowBatch::text`] holding `keytrail.origin`.
pub const ORIGIN_COLUMN: usize = text_index(schema::ORIGIN);

/// Rows being appended: one growing Arrow buffer per column.
pub struct RowBuilder {
    time: Vec<i64>,
    keys: Vec<u128>,
    contents: Vec<u64>,
    texts: Vec<StringBuilder>,
    text_bytes: usize,
    done: Vec<RowBatch>,
}

impl Default for RowBuilder {
    fn default() -> Self {
        RowBuilder::with_capacity(0, 0)
    }
}

impl RowBuilder {
    /// An empty builder expecting about `event_bytes` of event JSON and origins of about
    /// `origin_width` bytes, its buffers sized so (up to [`MAX_PRESIZE`] of events): buffers
    /// that do not grow are neither copied nor left half used.
    pub fn with_capacity(event_bytes: usize, origin_width: usize) -> RowBuilder {
        let event_bytes = event_bytes.min(MAX_PRESIZE);
        let rows = event_bytes / TYPICAL_EVENT_BYTES;
        let texts = TEXT_COLUMNS
            .iter()
            .map(|column| {
                let width = match column.kind {
                    Kind::Event => return StringBuilder::with_capacity(rows, event_bytes),
                    Kind::Origin => origin_width,
                    _ => column.typical_width,
                };
                StringBuilder::with_capacity(rows, rows * width)
            })
            .collect();
        RowBuilder {
            time: Vec::with_capacity(rows),
            keys: Vec::with_capacity(rows),
            contents: Vec::with_capacity(rows),
            texts,
            text_bytes: 0,
            done: Vec::new(),
        }
    }

    /// Appends one row.
    pub fn push(&mut self, row: &Row) {
        let bytes: usize = row
            .texts
            .iter()
            .map(|v| v.as_deref().map_or(0, str::len))
            .sum();
        if self.text_bytes + bytes > MAX_BATCH_TEXT && !self.time.is_empty() {
            let batch = self.take_batch();
            self.done.push(batch);
        }
        self.text_bytes += bytes;
        self.time.push(row.time);
        self.keys.push(key_hash(row.dedup_key()));
        self.contents.push(content_hash(row.event_json()));
        for (builder, value) in self.texts.iter_mut().zip(&row.texts) {
            builder.append_option(value.as_deref());
        }
    }

    /// Rows appended so far.
    pub fn len(&self) -> usize {
        self.done.iter().map(RowBatch::len).sum::<usize>() + self.time.len()
    }

    /// Whether no row was appended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows as finished batches (more than one only past [`MAX_BATCH_TEXT`] bytes).
    pub fn finish(mut self) -> Vec<RowBatch> {
        if !self.time.is_empty() {
            let batch = self.take_batch();
            self.done.push(batch);
        }
        self.done
    }

    fn take_batch(&mut self) -> RowBatch {
        self.text_bytes = 0;
        RowBatch {
            time: Int64Array::from(std::mem::take(&mut self.time)),
            keys: std::mem::take(&mut self.keys),
            contents: std::mem::take(&mut self.contents),
            texts: self
                .texts
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef)
                .collect(),
        }
    }
}

/// Bytes of a typical ActionTrail event as compact JSON, for sizing buffers.
const TYPICAL_EVENT_BYTES: usize = 1200;

/// Finished rows: times, dedup key hashes, content hashes and one Arrow string array per text
/// column.
pub struct RowBatch {
    time: Int64Array,
    keys: Vec<u128>,
    contents: Vec<u64>,
    texts: Vec<ArrayRef>,
}

impl RowBatch {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// `__time__` of row `row`.
    pub fn time(&self, row: usize) -> i64 {
        self.time.value(row)
    }

    /// The [`key_hash`] of the dedup key of row `row`.
    pub fn key(&self, row: usize) -> u128 {
        self.keys[row]
    }

    /// The [`content_hash`] of the event of row `row`.
    pub fn content(&self, row: usize) -> u64 {
        self.contents[row]
    }

    /// The batch of `rows`, in order.
    pub fn of_rows<'a, 'r: 'a>(rows: impl IntoIterator<Item = &'a Row<'r>>) -> Vec<RowBatch> {
        let mut builder = RowBuilder::default();
        for row in rows {
            builder.push(row);
        }
        builder.finish()
    }

    /// The text of column `column` (its position in [`TEXT_COLUMNS`]) at row `row`.
    pub fn text(&self, column: usize, row: usize) -> Option<&str> {
        let array = self.texts[column].as_any().downcast_ref::<StringArray>()?;
        array.is_valid(row).then(|| array.value(row))
    }
}

/// Picks rows out of several batches: `(batch, row)` pairs.
pub type Picks = [(usize, usize)];

/// Rows in a run of consecutive rows of one batch worth handing over as a zero-copy slice
/// rather than copying.
const MIN_SLICE_RUN: usize = 64;

/// Calls `each` with the rows `picks` of `batches`, in that order, as Arrow record batches of
/// `schema` of at most `max_rows` rows: runs of consecutive rows of one batch as zero-copy
/// slices, scattered rows gathered into a copy.
pub fn for_each_record_batch(
    batches: &[RowBatch],
    picks: &Picks,
    schema: &arrow::datatypes::SchemaRef,
    max_rows: usize,
    each: &mut dyn FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    let mut scattered_from = 0;
    let mut start = 0;
    while start < picks.len() {
        let run = run_length(&picks[start..], max_rows);
        if run < MIN_SLICE_RUN.min(max_rows) {
            start += run;
            if start - scattered_from >= max_rows {
                each(gather(
                    batches,
                    &picks[scattered_from..start],
                    schema.clone(),
                )?)?;
                scattered_from = start;
            }
            continue;
        }
        if scattered_from < start {
            each(gather(
                batches,
                &picks[scattered_from..start],
                schema.clone(),
            )?)?;
        }
        let (batch, row) = picks[start];
        each(batches[batch].slice(row, run, schema)?)?;
        start += run;
        scattered_from = start;
    }
    if scattered_from < picks.len() {
        each(gather(batches, &picks[scattered_from..], schema.clone())?)?;
    }
    Ok(())
}

/// How many picks from the first are consecutive rows of one batch (at most `max`).
fn run_length(picks: &Picks, max: usize) -> usize {
    let (batch, row) = picks[0];
    picks
        .iter()
        .take(max)
        .enumerate()
        .take_while(|&(i, &(b, r))| b == batch && r == row + i)
        .count()
}

impl RowBatch {
    /// Rows `row..row + len` as a record batch of `schema`, sharing this batch's buffers.
    fn slice(
        &self,
        row: usize,
        len: usize,
        schema: &arrow::datatypes::SchemaRef,
    ) -> Result<RecordBatch> {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(TEXT_COLUMN_COUNT + 1);
        columns.push(Arc::new(self.time.slice(row, len)));
        columns.extend(self.texts.iter().map(|a| a.slice(row, len)));
        RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| Error::Other(format!("building a record batch: {e}")))
    }
}

/// The rows `picks` of `batches`, in that order, as one Arrow record batch of `schema`
/// (`__time__` then the text columns).
pub fn gather(
    batches: &[RowBatch],
    picks: &Picks,
    schema: arrow::datatypes::SchemaRef,
) -> Result<RecordBatch> {
    let time: Int64Array = picks.iter().map(|&(b, r)| batches[b].time(r)).collect();
    // Only the batches the picks name are handed to the kernel (it looks at each one), with
    // the picks renumbered to them: many one-event files make many batches.
    let mut used: Vec<usize> = picks.iter().map(|&(b, _)| b).collect();
    used.sort_unstable();
    used.dedup();
    let local: Vec<(usize, usize)> = picks
        .iter()
        .map(|&(b, r)| (used.binary_search(&b).expect("collected above"), r))
        .collect();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(TEXT_COLUMN_COUNT + 1);
    columns.push(Arc::new(time));
    for column in 0..TEXT_COLUMN_COUNT {
        let sources: Vec<&dyn Array> = used
            .iter()
            .map(|&b| batches[b].texts[column].as_ref())
            .collect();
        let gathered = interleave(&sources, &local)
            .map_err(|e| Error::Other(format!("gathering rows: {e}")))?;
        columns.push(gathered);
    }
    RecordBatch::try_new(schema, columns)
        .map_err(|e| Error::Other(format!("building a record batch: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::normalize::{normalize, Envelope};
    use serde_json::json;

    fn row(id: &str, time: &str) -> Row<'static> {
        let ev = json!({"eventId": id, "eventName": "Decrypt", "eventTime": time,
            "userIdentity": {"userName": "alice"}});
        let envelope = Envelope {
            origin: format!("f#{id}"),
            ..Default::default()
        };
        normalize(ev.to_string().as_bytes(), &envelope, &mut Vec::new())
            .unwrap()
            .into_owned()
    }

    #[test]
    fn a_row_survives_the_round_trip_through_a_batch() {
        let a = row("E1", "2024-03-01T10:00:00Z");
        let batches = RowBatch::of_rows([&a]);
        assert_eq!(batches.len(), 1);
        let batch = &batches[0];
        assert_eq!((batch.len(), batch.time(0)), (1, a.time));
        assert_eq!(batch.key(0), key_hash("E1"));
        assert_eq!(batch.content(0), content_hash(a.event_json()));
        assert_eq!(batch.text(EVENT_COLUMN, 0), Some(a.event_json()));
        assert_eq!(batch.text(EVENT_ID_COLUMN, 0), Some("E1"));
        assert_eq!(
            batch.text(EVENT_TIME_COLUMN, 0),
            Some("2024-03-01T10:00:00Z")
        );
        assert_eq!(batch.text(ORIGIN_COLUMN, 0), Some("f#E1"));
        assert_eq!(a.texts.len(), TEXT_COLUMNS.len());
        for (c, v) in a.texts.iter().enumerate() {
            assert_eq!(batch.text(c, 0), v.as_deref(), "column {c}");
        }
    }

    fn ids(batch: &RecordBatch) -> Vec<String> {
        batch
            .column_by_name("event.eventId")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect()
    }

    #[test]
    fn long_runs_go_as_slices_and_scattered_rows_are_gathered() {
        let make = |prefix: &str| -> Vec<Row> {
            (0..100)
                .map(|i| row(&format!("{prefix}{i}"), "2024-03-01T10:00:00Z"))
                .collect()
        };
        let (a, b) = (make("a"), make("b"));
        let mut batches = RowBatch::of_rows(&a);
        batches.extend(RowBatch::of_rows(&b));
        let mut picks: Vec<(usize, usize)> = (0..80).map(|r| (0, r)).collect();
        picks.extend([(1, 5), (0, 90), (1, 6)]);
        picks.extend((10..99).map(|r| (1, r)));
        let schema = crate::store::parquet::arrow_schema();
        let (mut sizes, mut seen) = (Vec::new(), Vec::new());
        for_each_record_batch(&batches, &picks, &schema, 1000, &mut |rb| {
            sizes.push(rb.num_rows());
            seen.extend(ids(&rb));
            Ok(())
        })
        .unwrap();
        assert_eq!(sizes, [80, 3, 89]);
        let expected: Vec<String> = picks
            .iter()
            .map(|&(batch, r)| format!("{}{r}", ["a", "b"][batch]))
            .collect();
        assert_eq!(seen, expected);
        let mut sizes = Vec::new();
        for_each_record_batch(&batches, &picks, &schema, 50, &mut |rb| {
            sizes.push(rb.num_rows());
            Ok(())
        })
        .unwrap();
        // The tail of a run cut at 50 rows is short: it goes with the scattered rows.
        assert_eq!(sizes, [50, 33, 50, 39]);
    }

    #[test]
    fn gather_takes_rows_across_batches_in_pick_order() {
        let (a, b, c) = (
            row("A", "2024-03-01T10:00:00Z"),
            row("B", "2024-03-01T09:00:00Z"),
            row("C", "2024-03-01T08:00:00Z"),
        );
        let mut batches = RowBatch::of_rows([&a, &b]);
        batches.extend(RowBatch::of_rows([&c]));
        let schema = crate::store::parquet::arrow_schema();
        let out = gather(&batches, &[(1, 0), (0, 1), (0, 0)], schema).unwrap();
        assert_eq!(ids(&out), ["C", "B", "A"]);
        let times = out.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(times.values().to_vec(), vec![c.time, b.time, a.time]);
        let users = out.column_by_name("event.userIdentity.userName").unwrap();
        assert_eq!(users.null_count(), 0);
    }
}
