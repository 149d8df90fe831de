//! Archive readers: detect each file's format from its bytes and yield raw JSON events.
//!
//! [`read_file`] opens one file read-only ([`open`]: regular files only), gunzips it when it
//! starts with the gzip magic and caps what it reads (`decode.rs`), and cuts its JSON into
//! records (`framing.rs`): an array element by element, NDJSON line by line, concatenated or
//! pretty-printed objects value by value. Each value is then classified ([`item`]): an SLS
//! record (`__topic__`, `__time__`, `event` as a JSON string), a LookupEvents page (`Events`
//! array or string), or a plain event; the file's format is named from what was found
//! (`format.rs`). Damage never stops the read early without saying so: bad records become
//! [`RawReject`]s with their position, reading resumes at the next element boundary after a
//! broken one (`recover.rs`), and what ends the read (truncation, the cap on bytes read, a read
//! error) becomes a problem. A UTF-8 byte-order mark is skipped; UTF-16 text is refused with a
//! problem.
//!
//! The other files: [`discover`] lists the files under a run's inputs, [`scanner`] splits JSON
//! values without parsing them, [`oss`] parses OSS delivery names.

mod decode;
pub mod discover;
mod format;
mod framing;
pub mod item;
pub mod open;
pub mod oss;
mod recover;
pub mod scanner;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::Cell;
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

use serde_json::Value;

use crate::event::rawjson::FieldSpan;

use decode::open_decoded;
use format::{format_name, format_name_gzip};
use framing::FileReader;
pub use item::ItemKind;
pub use oss::{parse_oss_name, OssName};

/// At most this many bytes of a rejected record are kept in the rejects file.
pub const MAX_RAW_BYTES: usize = 64 * 1024;

/// The event of a record: its JSON text as read from the file (a plain event), or the value
/// taken out of an envelope (an SLS record, a LookupEvents page).
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody<'a> {
    /// The event's JSON text, syntax already checked.
    Json(Cow<'a, [u8]>),
    /// The event checked and minified in one pass ([`crate::event::rawjson::minify_object`]).
    Compact {
        /// The text as read.
        raw: &'a [u8],
        /// Its compact form, exactly as `serde_json` would write the parsed value.
        text: &'a str,
        /// Where its top-level fields sit in `text`.
        fields: &'a [FieldSpan],
    },
    /// The event value (possibly not an object at all; normalization decides).
    Value(Value),
}

/// One event read from a file, with what its envelope said.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent<'a> {
    /// The event.
    pub body: EventBody<'a>,
    /// `__topic__` of an SLS record.
    pub topic: Option<String>,
    /// `__time__` of an SLS record.
    pub time: Option<i64>,
    /// Where it was read: `line 3`, `index 7 (byte 5120)`, `line 2 Events[1]`.
    pub position: String,
}

impl RawEvent<'_> {
    /// The event as a JSON value (parsed from its text if need be; `Null` if that fails).
    pub fn value(&self) -> Value {
        match &self.body {
            EventBody::Json(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
            EventBody::Compact { text, .. } => serde_json::from_str(text).unwrap_or(Value::Null),
            EventBody::Value(value) => value.clone(),
        }
    }

    /// The same event, owning its text.
    pub fn into_owned(self) -> RawEvent<'static> {
        RawEvent {
            body: match self.body {
                EventBody::Json(bytes) => EventBody::Json(Cow::Owned(bytes.into_owned())),
                EventBody::Compact { raw, .. } => EventBody::Json(Cow::Owned(raw.to_vec())),
                EventBody::Value(value) => EventBody::Value(value),
            },
            topic: self.topic,
            time: self.time,
            position: self.position,
        }
    }
}

impl Record<'_> {
    /// The same record, owning its text.
    pub fn into_owned_record(self) -> Record<'static> {
        match self {
            Record::Event(e) => Record::Event(e.into_owned()),
            Record::Reject(r) => Record::Reject(r),
        }
    }
}

/// A record that could not be read as an event value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReject {
    /// Where it was read.
    pub position: String,
    /// Why it was rejected.
    pub reason: String,
    /// Its raw text, cut to [`MAX_RAW_BYTES`].
    pub raw: String,
}

/// What a reader yields, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Record<'a> {
    /// An event.
    Event(RawEvent<'a>),
    /// A damaged or non-event record.
    Reject(RawReject),
}

/// Reader settings.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Decompressed bytes allowed per gzip file before reading stops.
    pub max_decompressed_bytes: u64,
}

/// What reading one file found, besides its records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRead {
    /// The detected format, e.g. `oss`, `sls-ndjson`, `lookup-events`, `ndjson+gzip`.
    pub format: String,
    /// File-level problems: what stopped the read early, or what does not add up.
    pub problems: Vec<String>,
    /// Records yielded (events and rejects).
    pub records: u64,
    /// Bytes of (decompressed) JSON read.
    pub decompressed_bytes: u64,
}

/// Reads one file, calling `sink` for each record in file order. Never fails: whatever goes
/// wrong is a problem in the returned [`FileRead`]. Only a regular file is read
/// ([`open::open_regular`]).
pub fn read_file(path: &Path, opts: &ReadOptions, sink: &mut dyn FnMut(Record<'_>)) -> FileRead {
    match open::open_regular(path) {
        Ok(file) => read_source(path, file, opts, sink),
        Err(e) => read_source(path, FailedOpen(Some(e)), opts, sink),
    }
}

/// [`read_file`] for a file already opened as `source` (`path` names it in reports).
pub fn read_reader(
    path: &Path,
    source: impl Read,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Record<'_>),
) -> FileRead {
    read_source(path, source, opts, sink)
}

/// [`read_file`] for a file whose bytes are already in memory (`path` names it in reports).
pub fn read_file_bytes(
    path: &Path,
    bytes: &[u8],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Record<'_>),
) -> FileRead {
    read_source(path, bytes, opts, sink)
}

/// A source whose opening failed: its first read returns that error.
struct FailedOpen(Option<io::Error>);

impl Read for FailedOpen {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self
            .0
            .take()
            .unwrap_or_else(|| io::Error::other("unreadable")))
    }
}

/// Reads the bytes of `source` (the file at `path`) into records: decoded, framed, and the
/// format named.
fn read_source<'s>(
    path: &Path,
    source: impl Read + 's,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Record<'_>),
) -> FileRead {
    let mut reader = FileReader::new(sink);
    let counter = Rc::new(Cell::new(0u64));
    let gzip = match open_decoded(source, opts, counter.clone()) {
        Ok((stream, gzip)) => {
            reader.read_stream(stream, gzip);
            gzip
        }
        Err(e) => {
            reader.read.problems.push(format!("cannot read: {e}"));
            false
        }
    };
    reader.read.decompressed_bytes = counter.get();
    let oss = parse_oss_name(path);
    if let (true, Some(name)) = (gzip, &oss) {
        if name.count != reader.read.records
            && reader
                .read
                .problems
                .iter()
                .all(|p| !p.starts_with("cannot read"))
        {
            reader.read.problems.push(format!(
                "file name says {} events, file holds {}",
                name.count, reader.read.records
            ));
        }
    }
    reader.read.format = match reader.utf16 {
        true => format_name_gzip("utf-16", gzip),
        false => format_name(reader.container, reader.kind, gzip, oss.is_some()),
    };
    reader.read
}

/// Cuts `raw` to [`MAX_RAW_BYTES`] on a character boundary.
pub fn truncate_raw(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(MAX_RAW_BYTES)]);
    text.into_owned()
}
