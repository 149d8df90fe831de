//! Columnar rows: normalized events appended straight into per-column Arrow buffers (no
//! allocation per event), then gathered from several batches into the rows of a Parquet file.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray, StringBuilder};
use arrow::compute::interleave;

use crate::event::normalize::EventRow;
use crate::event::schema::{TOP_LEVEL_SCALARS, USER_IDENTITY_LEAVES};
use crate::{Error, Result};

/// Text columns of the store, in order after `__time__`: topic, event, the scalars, the
/// identity leaves, then the derived kms key id, dedup key, insight flag and origin.
pub const TEXT_COLUMNS: usize = 2 + TOP_LEVEL_SCALARS.len() + USER_IDENTITY_LEAVES.len() + 4;
/// Text bytes one batch holds at most: Arrow string offsets are 32-bit.
const MAX_BATCH_TEXT: usize = 1 << 30;
/// Event bytes a builder sizes its buffers for up front, at most (beyond that they grow).
const MAX_PRESIZE: usize = 64 << 20;

/// One normalized event with its texts borrowed (from its compact JSON, where they can be).
#[derive(Debug, Clone, PartialEq)]
pub struct RowRef<'a> {
    /// `__time__`.
    pub time: i64,
    /// `__topic__`.
    pub topic: &'a str,
    /// `event`: the compact JSON.
    pub event_json: &'a str,
    /// `event.<name>` for each of [`TOP_LEVEL_SCALARS`].
    pub scalars: [Option<Cow<'a, str>>; TOP_LEVEL_SCALARS.len()],
    /// `event.userIdentity.<name>` for each of [`USER_IDENTITY_LEAVES`].
    pub identity: [Option<Cow<'a, str>>; USER_IDENTITY_LEAVES.len()],
    /// `keytrail.kmsKeyId`.
    pub kms_key_id: Option<Cow<'a, str>>,
    /// `keytrail.key`.
    pub dedup_key: Cow<'a, str>,
    /// `keytrail.insight`.
    pub insight: bool,
    /// `keytrail.origin`.
    pub origin: &'a str,
}

impl RowRef<'_> {
    /// The same row owning its texts.
    pub fn to_event_row(&self) -> EventRow {
        let owned = |v: &Option<Cow<str>>| v.as_deref().map(str::to_string);
        EventRow {
            time: self.time,
            topic: self.topic.to_string(),
            event_json: self.event_json.to_string(),
            scalars: self.scalars.iter().map(owned).collect(),
            identity: self.identity.iter().map(owned).collect(),
            kms_key_id: owned(&self.kms_key_id),
            dedup_key: self.dedup_key.to_string(),
            insight: self.insight,
            origin: self.origin.to_string(),
        }
    }

    /// Calls `each` with the row's text columns in store order.
    fn for_each_text(&self, mut each: impl FnMut(usize, Option<&str>)) {
        each(0, Some(self.topic));
        each(1, Some(self.event_json));
        let mut column = 2;
        for value in self.scalars.iter().chain(&self.identity) {
            each(column, value.as_deref());
            column += 1;
        }
        each(column, self.kms_key_id.as_deref());
        each(column + 1, Some(&self.dedup_key));
        each(
            column + 2,
            Some(if self.insight { "true" } else { "false" }),
        );
        each(column + 3, Some(self.origin));
    }
}

impl EventRow {
    /// The row with borrowed texts.
    pub fn as_row_ref(&self) -> RowRef<'_> {
        fn borrowed(v: &Option<String>) -> Option<Cow<'_, str>> {
            v.as_deref().map(Cow::Borrowed)
        }
        RowRef {
            time: self.time,
            topic: &self.topic,
            event_json: &self.event_json,
            scalars: std::array::from_fn(|i| borrowed(&self.scalars[i])),
            identity: std::array::from_fn(|i| borrowed(&self.identity[i])),
            kms_key_id: borrowed(&self.kms_key_id),
            dedup_key: Cow::Borrowed(&self.dedup_key),
            insight: self.insight,
            origin: &self.origin,
        }
    }
}

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
pub const EVENT_COLUMN: usize = 1;
/// The text column of [`RowBatch::text`] holding `event.eventId`.
pub const EVENT_ID_COLUMN: usize = 2;
/// The text column of [`RowBatch::text`] holding `event.eventTime`.
pub const EVENT_TIME_COLUMN: usize = 4;
/// The text column of [`RowBatch::text`] holding `keytrail.origin`.
pub const ORIGIN_COLUMN: usize = TEXT_COLUMNS - 1;

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
        let names = crate::event::schema::columns();
        let texts = names[1..]
            .iter()
            .map(|name| {
                let width = match name.as_str() {
                    crate::event::schema::EVENT => {
                        return StringBuilder::with_capacity(rows, event_bytes)
                    }
                    crate::event::schema::ORIGIN => origin_width,
                    other => typical_width(other),
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
    pub fn push(&mut self, row: &RowRef) {
        let mut bytes = 0;
        row.for_each_text(|_, v| bytes += v.map_or(0, str::len));
        if self.text_bytes + bytes > MAX_BATCH_TEXT && !self.time.is_empty() {
            let batch = self.take_batch();
            self.done.push(batch);
        }
        self.text_bytes += bytes;
        self.time.push(row.time);
        self.keys.push(key_hash(&row.dedup_key));
        self.contents.push(content_hash(row.event_json));
        row.for_each_text(|c, v| self.texts[c].append_option(v));
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

/// Bytes of a typical value of a stored column, for sizing buffers (ids, times, user agents
/// and request parameters as ActionTrail writes them; short names otherwise).
fn typical_width(column: &str) -> usize {
    match column.strip_prefix("event.").unwrap_or(column) {
        "requestParameterJson" => 256,
        "userAgent" => 64,
        "eventId" | "requestId" | "keytrail.key" | "eventSource" => 40,
        "userIdentity.userName" | "userIdentity.principalId" => 40,
        "userIdentity.accessKeyId" | "keytrail.kmsKeyId" | "vpcId" | "__topic__" => 28,
        "eventTime" | "recipientAccountId" | "userIdentity.accountId" | "acsRegion" => 20,
        _ => 12,
    }
}

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
    pub fn of_rows<'a>(rows: impl IntoIterator<Item = &'a EventRow>) -> Vec<RowBatch> {
        let mut builder = RowBuilder::default();
        for row in rows {
            builder.push(&row.as_row_ref());
        }
        builder.finish()
    }

    /// The text of column `column` (in [`TEXT_COLUMNS`] order) at row `row`.
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
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(TEXT_COLUMNS + 1);
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
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(TEXT_COLUMNS + 1);
    columns.push(Arc::new(time));
    for column in 0..TEXT_COLUMNS {
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

    fn row(id: &str, time: &str) -> EventRow {
        let ev = json!({"eventId": id, "eventName": "Decrypt", "eventTime": time,
            "userIdentity": {"userName": "alice"}});
        let envelope = Envelope {
            origin: format!("f#{id}"),
            ..Default::default()
        };
        normalize(ev, &envelope).unwrap()
    }

    #[test]
    fn a_row_survives_the_round_trip_through_a_batch() {
        let a = row("E1", "2024-03-01T10:00:00Z");
        let batches = RowBatch::of_rows([&a]);
        assert_eq!(batches.len(), 1);
        let batch = &batches[0];
        assert_eq!((batch.len(), batch.time(0)), (1, a.time));
        assert_eq!(batch.key(0), key_hash("E1"));
        assert_eq!(batch.content(0), content_hash(&a.event_json));
        assert_eq!(batch.text(EVENT_COLUMN, 0), Some(a.event_json.as_str()));
        assert_eq!(batch.text(EVENT_ID_COLUMN, 0), Some("E1"));
        assert_eq!(
            batch.text(EVENT_TIME_COLUMN, 0),
            Some("2024-03-01T10:00:00Z")
        );
        assert_eq!(batch.text(ORIGIN_COLUMN, 0), Some("f#E1"));
        let mut texts = Vec::new();
        a.as_row_ref()
            .for_each_text(|c, v| texts.push((c, v.map(str::to_string))));
        assert_eq!(texts.len(), TEXT_COLUMNS);
        for (c, v) in texts {
            assert_eq!(batch.text(c, 0), v.as_deref(), "column {c}");
        }
        assert_eq!(a.as_row_ref().to_event_row(), a);
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
        let make = |prefix: &str| -> Vec<EventRow> {
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
