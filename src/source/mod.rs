//! Archive readers: detect each file's format from its bytes and yield raw JSON events.
//!
//! [`read_file`] opens one file read-only, gunzips it when it starts with the gzip magic (never
//! trusting the extension), and streams its JSON: an array is cut into elements one at a time,
//! NDJSON line by line, concatenated or pretty-printed objects value by value. Each value is
//! then classified ([`item`]): an SLS record (`__topic__`, `__time__`, `event` as a JSON string),
//! a LookupEvents page (`Events` array or string), or a plain event. Damage never stops the
//! read early without saying so: bad records become [`RawReject`]s with their position, reading
//! resumes at the next element boundary after a broken one ([`recover`]), and what ends the read
//! (truncation, the cap on bytes read, a read error) becomes a problem. A UTF-8 byte-order mark
//! is skipped; UTF-16 text is refused with a problem. Only regular files are opened ([`open`]).

pub mod discover;
pub mod item;
pub mod open;
pub mod oss;
mod recover;
pub mod scanner;

use std::borrow::Cow;
use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::mem::take;
use std::path::Path;
use std::rc::Rc;

use flate2::bufread::MultiGzDecoder;
use serde_json::Value;

use crate::rawjson::{self, FieldSpan};

pub use item::ItemKind;
pub use oss::{parse_oss_name, OssName};
use scanner::{Scanner, ValueEnd};

/// At most this many bytes of a rejected record are kept in the rejects file.
pub const MAX_RAW_BYTES: usize = 64 * 1024;

/// The event of a record: its JSON text as read from the file (a plain event), or the value
/// taken out of an envelope (an SLS record, a LookupEvents page).
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody<'a> {
    /// The event's JSON text, syntax already checked.
    Json(Cow<'a, [u8]>),
    /// The event checked and minified in one pass ([`rawjson::minify_object`]).
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

/// How the JSON of a file is laid out at the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Array,
    Ndjson,
    Values,
}

impl Container {
    fn name(self) -> &'static str {
        match self {
            Container::Array => "json-array",
            Container::Ndjson => "ndjson",
            Container::Values => "json",
        }
    }
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

fn read_source<'s>(
    path: &Path,
    source: impl Read + 's,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Record<'_>),
) -> FileRead {
    let mut reader = FileReader {
        sink,
        compact: Vec::new(),
        fields: Vec::new(),
        read: FileRead::default(),
        container: None,
        kind: None,
        lines: 0,
        utf16: false,
        resync_work: 0,
        resync_gave_up: false,
        in_page: false,
    };
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

fn format_name(
    container: Option<Container>,
    kind: Option<ItemKind>,
    gzip: bool,
    oss: bool,
) -> String {
    let base = match (kind, container) {
        (_, None) => "empty",
        (Some(ItemKind::Lookup), _) => "lookup-events",
        (Some(ItemKind::Sls), Some(Container::Ndjson)) => "sls-ndjson",
        (Some(ItemKind::Sls), Some(Container::Array)) => "sls-getlogs",
        (Some(ItemKind::Sls), Some(Container::Values)) => "sls-json",
        (_, Some(c)) => c.name(),
    };
    match gzip && oss && base == "json-array" {
        true => "oss".to_string(),
        false => format_name_gzip(base, gzip),
    }
}

fn format_name_gzip(base: &str, gzip: bool) -> String {
    match gzip {
        true => format!("{base}+gzip"),
        false => base.to_string(),
    }
}

/// The decoded byte stream of `source`, and whether it was gzip.
fn open_decoded<'s>(
    source: impl Read + 's,
    opts: &ReadOptions,
    counter: Rc<Cell<u64>>,
) -> io::Result<(Box<dyn BufRead + 's>, bool)> {
    let mut raw = BufReader::with_capacity(64 * 1024, source);
    let gzip = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let stream: Box<dyn BufRead + 's> = if gzip {
        let capped = Capped {
            inner: MultiGzDecoder::new(raw),
            cap: opts.max_decompressed_bytes,
            count: counter,
            gzip: true,
        };
        Box::new(BufReader::with_capacity(256 * 1024, capped))
    } else {
        Box::new(BufReader::new(Capped {
            inner: raw,
            cap: opts.max_decompressed_bytes,
            count: counter,
            gzip: false,
        }))
    };
    Ok((stream, gzip))
}

/// The error a [`Capped`] reader returns once its cap is passed: the cap, and whether the
/// bytes were decompressed.
#[derive(Debug)]
struct CapExceeded(u64, bool);

impl std::fmt::Display for CapExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            true => write!(f, "decompressed size exceeds cap of {} bytes", self.0),
            false => write!(
                f,
                "file size exceeds cap of {} bytes (--max-decompressed-bytes)",
                self.0
            ),
        }
    }
}

impl std::error::Error for CapExceeded {}

/// Counts the bytes read through it and fails once more than `cap` would be read.
struct Capped<R> {
    inner: R,
    cap: u64,
    count: Rc<Cell<u64>>,
    /// Whether `inner` decompresses (names the cap in its error).
    gzip: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.cap - self.count.get();
        if room == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(CapExceeded(self.cap, self.gzip))),
            };
        }
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Describes an error that ended a read.
fn stop_reason(e: &io::Error, gzip: bool, offset: u64) -> String {
    if let Some(cap) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<CapExceeded>())
    {
        return cap.to_string();
    }
    if gzip {
        format!("truncated or corrupt gzip after {offset} decompressed bytes: {e}")
    } else {
        format!("read error at byte {offset}: {e}")
    }
}

/// Why a record is not valid JSON, with the error's byte offset inside the record.
fn invalid_json(e: &serde_json::Error, bytes: &[u8]) -> String {
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let offset: usize = bytes
        .split(|b| *b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    format!("invalid JSON at byte {offset} of the record: {message}")
}

/// Cuts `raw` to [`MAX_RAW_BYTES`] on a character boundary.
pub fn truncate_raw(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(MAX_RAW_BYTES)]);
    text.into_owned()
}

/// The state of reading one file.
struct FileReader<'a> {
    sink: &'a mut dyn FnMut(Record<'_>),
    /// Working space of [`rawjson::minify_object`], reused from record to record.
    compact: Vec<u8>,
    fields: Vec<FieldSpan>,
    read: FileRead,
    container: Option<Container>,
    kind: Option<ItemKind>,
    /// Non-empty lines read in NDJSON mode.
    lines: u64,
    /// The file is UTF-16 text (refused).
    utf16: bool,
    /// Bytes scanned so far while looking for the next element after damage ([`recover`]).
    resync_work: u64,
    /// That work went over its budget (said once, as a problem).
    resync_gave_up: bool,
    /// The events of a damaged LookupEvents page are being read (pages inside are not looked
    /// into again).
    in_page: bool,
}

/// The reason of a record the input ends inside.
const ENDS_INSIDE: &str = "input ends inside this record";

/// How reading one element or top-level value ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    /// Read, or rejected alone: a separator or the next value comes next.
    Done,
    /// Damaged: rejected up to the next element boundary, where an element starts next.
    Resumed,
    /// Reading must stop.
    Stop,
}

/// What follows an array element.
enum Separator {
    Element,
    End,
    Stop,
}

/// Names an array element from its index and byte offset.
type Label<'l> = &'l dyn Fn(u64, u64) -> String;

impl FileReader<'_> {
    fn emit(&mut self, record: Record<'_>) {
        self.read.records += 1;
        (self.sink)(record);
    }

    fn reject(&mut self, position: String, reason: String, raw: &[u8]) {
        self.emit(Record::Reject(RawReject {
            position,
            reason,
            raw: truncate_raw(raw),
        }));
    }

    fn problem(&mut self, text: String) {
        self.read.problems.push(text);
    }

    /// The next non-whitespace byte; a read error becomes a problem (`Err`).
    fn peek<R: BufRead>(&mut self, sc: &mut Scanner<R>, gzip: bool) -> Result<Option<u8>, ()> {
        match sc.peek_non_ws() {
            Ok(next) => Ok(next),
            Err(e) => {
                self.problem(stop_reason(&e, gzip, sc.offset()));
                Err(())
            }
        }
    }

    /// Classifies one parsed value and emits its records.
    fn item(&mut self, value: Value, position: String) {
        let mut out = Vec::new();
        let kind = item::expand(value, position, &mut out);
        if self.kind.is_none() {
            self.kind = kind;
        }
        for record in out {
            self.emit(record);
        }
    }

    /// Parses the bytes of one value and emits its records; when they are not valid JSON,
    /// emits nothing and gives back the position and the reason. A plain event object is passed
    /// on as its text, unparsed beyond a syntax check.
    fn try_parse_item(&mut self, bytes: &[u8], position: String) -> Option<(String, String)> {
        let position = self.emit_compact_event(bytes, position)?;
        if item::is_plain_event_object(bytes) {
            self.kind.get_or_insert(ItemKind::Event);
            self.emit(Record::Event(RawEvent {
                body: EventBody::Json(Cow::Borrowed(bytes)),
                topic: None,
                time: None,
                position,
            }));
            return None;
        }
        let mut out = Vec::new();
        if let Some(kind) = item::expand_exact(bytes, &position, &mut out) {
            self.kind.get_or_insert(kind);
            for record in out {
                self.emit(record);
            }
            return None;
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => {
                self.item(value, position);
                None
            }
            Err(e) => Some((position, invalid_json(&e, bytes))),
        }
    }

    /// Emits `bytes` as a [`EventBody::Compact`] event when they are a plain event that checks
    /// and minifies in one pass; otherwise gives the position back.
    fn emit_compact_event(&mut self, bytes: &[u8], position: String) -> Option<String> {
        let (mut compact, mut fields) = (take(&mut self.compact), take(&mut self.fields));
        let text = match rawjson::minify_object(bytes, &mut compact, &mut fields) {
            true => std::str::from_utf8(&compact).ok(),
            false => None,
        };
        let plain = text.filter(|text| item::is_plain_event_fields(text, &fields));
        let rest = match plain {
            Some(text) => {
                self.kind.get_or_insert(ItemKind::Event);
                self.emit(Record::Event(RawEvent {
                    body: EventBody::Compact {
                        raw: bytes,
                        text,
                        fields: &fields,
                    },
                    topic: None,
                    time: None,
                    position,
                }));
                None
            }
            None => Some(position),
        };
        (self.compact, self.fields) = (compact, fields);
        rest
    }

    fn read_stream<'s>(&mut self, mut stream: Box<dyn BufRead + 's>, gzip: bool) {
        let start = match self.check_encoding(&mut stream, gzip) {
            Some(start) => start,
            None => return,
        };
        let mut sc = Scanner::with_position(stream, start, 1);
        match sc.peek_non_ws() {
            Err(e) => self.problem(stop_reason(&e, gzip, sc.offset())),
            Ok(None) if sc.offset() == 0 => self.problem("empty file".to_string()),
            Ok(None) if start > 0 => {
                self.problem("no JSON content: only a byte-order mark and whitespace".to_string())
            }
            Ok(None) => self.problem("no JSON content: only whitespace".to_string()),
            Ok(Some(b'{')) => self.read_objects(sc, gzip),
            Ok(Some(b'[')) => self.read_values(sc, gzip),
            Ok(Some(b)) => {
                let why = format!(
                    "not JSON: starts with byte 0x{b:02x} at byte {}",
                    sc.offset()
                );
                match self.skip_damaged_first_line(sc, &why) {
                    Some(sc) => self.read_objects(sc, gzip),
                    None => self.problem(why),
                }
            }
        }
    }

    /// A text file whose first line is damaged (it starts with neither `{` nor `[`) but that
    /// goes on with a line starting with `{` within its first buffer and has no NUL byte before
    /// it (damaged NDJSON, not a binary file): the bytes before that line are rejected, and the
    /// scanner at that line is given back.
    fn skip_damaged_first_line<'s>(
        &mut self,
        mut sc: Scanner<Box<dyn BufRead + 's>>,
        why: &str,
    ) -> Option<Scanner<Box<dyn BufRead + 's>>> {
        let (offset, line) = (sc.offset(), sc.line());
        let head = sc.inner_mut().fill_buf().ok()?;
        let cut = memchr::memmem::find(head, b"\n{")? + 1;
        if head[..cut].contains(&0) {
            return None;
        }
        let raw = head[..cut].trim_ascii().to_vec();
        let newlines = memchr::memchr_iter(b'\n', &head[..cut]).count() as u64;
        sc.inner_mut().consume(cut);
        let reason = format!("{why}; reading resumed at the next line that starts with '{{'");
        self.reject(format!("line {line}"), reason, &raw);
        Some(Scanner::with_position(
            sc.into_inner(),
            offset + cut as u64,
            line + newlines,
        ))
    }

    /// Looks at the first bytes: skips a UTF-8 byte-order mark (returns where the JSON starts)
    /// and refuses UTF-16 text with a problem (`None`).
    fn check_encoding<'s>(
        &mut self,
        stream: &mut Box<dyn BufRead + 's>,
        gzip: bool,
    ) -> Option<u64> {
        let head = match stream.fill_buf() {
            Ok(head) => head,
            Err(e) => {
                self.problem(stop_reason(&e, gzip, 0));
                return None;
            }
        };
        if head.starts_with(UTF8_BOM) {
            stream.consume(UTF8_BOM.len());
            return Some(UTF8_BOM.len() as u64);
        }
        match utf16_reason(head) {
            None => Some(0),
            Some(reason) => {
                self.utf16 = true;
                self.problem(reason);
                None
            }
        }
    }

    /// The file starts with `{`: NDJSON if the first line is a whole value, else a sequence of
    /// (possibly pretty-printed) values.
    fn read_objects<'s>(&mut self, mut sc: Scanner<Box<dyn BufRead + 's>>, gzip: bool) {
        let (offset, line) = (sc.offset(), sc.line());
        let mut first = Vec::new();
        let read = sc.inner_mut().read_until(b'\n', &mut first);
        let trimmed = first.trim_ascii();
        let is_ndjson = trimmed.ends_with(b"}")
            || serde_json::from_slice::<serde::de::IgnoredAny>(trimmed).is_ok();
        if let Err(e) = read {
            self.container = Some(Container::Ndjson);
            self.reject(format!("line {line}"), ENDS_INSIDE.into(), trimmed);
            return self.problem(stop_reason(&e, gzip, offset + first.len() as u64));
        }
        if is_ndjson {
            self.container = Some(Container::Ndjson);
            self.ndjson_line(&first, line, offset);
            self.read_ndjson(sc, line + 1, offset + first.len() as u64, gzip);
            if self.lines == 1 {
                self.container = Some(Container::Values);
            }
            return;
        }
        let rest = Cursor::new(first).chain(sc.into_inner());
        self.read_values(Scanner::with_position(rest, offset, line), gzip);
    }

    /// One NDJSON line, from byte `offset` (a UTF-8 byte-order mark at its start, as `cat` of
    /// such files leaves, is skipped; a damaged LookupEvents page on it has its events read one
    /// by one).
    fn ndjson_line(&mut self, bytes: &[u8], line: u64, offset: u64) {
        let text = bytes.trim_ascii_start();
        let text = text.strip_prefix(UTF8_BOM).unwrap_or(text).trim_ascii();
        if text.is_empty() {
            return;
        }
        self.lines += 1;
        let Some((position, why)) = self.try_parse_item(text, format!("line {line}")) else {
            return;
        };
        let start = offset + (bytes.len() - bytes.trim_ascii_start().len()) as u64;
        if self
            .read_damaged_page(text, start, &position, &why)
            .is_none()
        {
            self.reject(position, why, text);
        }
    }

    fn read_ndjson<'s>(
        &mut self,
        mut sc: Scanner<Box<dyn BufRead + 's>>,
        mut line: u64,
        mut offset: u64,
        gzip: bool,
    ) {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match sc.inner_mut().read_until(b'\n', &mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    self.ndjson_line(&buf, line, offset);
                    offset += n as u64;
                    line += 1;
                }
                Err(e) => {
                    if !buf.trim_ascii().is_empty() {
                        self.lines += 1;
                        self.reject(format!("line {line}"), ENDS_INSIDE.into(), buf.trim_ascii());
                    }
                    return self.problem(stop_reason(&e, gzip, offset + buf.len() as u64));
                }
            }
        }
    }

    /// Reads top-level values one after another; arrays are cut into their elements. Bytes that
    /// start no value are rejected up to the next `{` or `[`; a `,` after an array's end (a
    /// stray `]`) goes on with that array.
    fn read_values<R: BufRead>(&mut self, mut sc: Scanner<R>, gzip: bool) {
        let mut buf = Vec::new();
        let mut index = 0u64;
        let label = |i: u64, b: u64| format!("index {i} (byte {b})");
        loop {
            let Ok(next) = self.peek(&mut sc, gzip) else {
                return;
            };
            let at = sc.offset();
            match next {
                None => return,
                Some(b'[') => {
                    self.container.get_or_insert(Container::Array);
                    sc.bump();
                    let (ended, next) =
                        self.read_array_elements(&mut sc, &mut buf, gzip, &label, 0);
                    index = next;
                    if !ended {
                        return;
                    }
                }
                Some(b',') if self.container == Some(Container::Array) => {
                    self.problem(format!(
                        "a stray ']' ends the JSON array early, before byte {at}: the elements after it were read too"
                    ));
                    sc.bump();
                    let (ended, next) =
                        self.read_array_elements(&mut sc, &mut buf, gzip, &label, index);
                    index = next;
                    if !ended {
                        return;
                    }
                }
                Some(b'{') => {
                    self.container.get_or_insert(Container::Values);
                    let position = format!("byte {at}");
                    if self.take_element(&mut sc, &mut buf, position, gzip, true) == Taken::Stop {
                        return;
                    }
                }
                Some(_) => {
                    let why = "unexpected bytes between JSON values";
                    if !self.stray(&mut sc, b"{[", format!("byte {at}"), why, gzip) {
                        return;
                    }
                }
            }
        }
    }

    /// Rejects the bytes from the read position up to the next of `stops` (not JSON, no record
    /// boundary in them); false when reading must stop.
    fn stray<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        stops: &[u8],
        position: String,
        why: &str,
        gzip: bool,
    ) -> bool {
        let mut kept = Vec::new();
        match sc.skip_until(stops, &mut kept, MAX_RAW_BYTES) {
            Ok(n) => {
                self.reject(
                    position,
                    format!("{why}: {n} bytes that are not JSON"),
                    &kept,
                );
                true
            }
            Err(e) => {
                self.problem(stop_reason(&e, gzip, sc.offset()));
                false
            }
        }
    }

    /// Reads one element or top-level value at the scanner position and parses it. Damage is
    /// recovered from at the next element boundary ([`recover`]); a damaged LookupEvents page
    /// (when `pages`) has its events read one by one.
    fn take_element<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        buf: &mut Vec<u8>,
        position: String,
        gzip: bool,
        pages: bool,
    ) -> Taken {
        let start = sc.offset();
        let (position, why, complete) = match sc.take_value(buf) {
            Ok(ValueEnd::Complete) => match self.try_parse_item(buf, position) {
                None => return Taken::Done,
                Some((position, why)) => (position, why, true),
            },
            Ok(ValueEnd::Eof) => (position, ENDS_INSIDE.to_string(), false),
            Err(e) => {
                if !buf.trim_ascii().is_empty() {
                    self.reject(position, ENDS_INSIDE.into(), buf);
                }
                self.problem(stop_reason(&e, gzip, sc.offset()));
                return Taken::Stop;
            }
        };
        if pages && !self.in_page {
            if let Some(end) = self.read_damaged_page(buf, start, &position, &why) {
                if let Some(end) = end {
                    sc.push_back(&buf[end..]);
                }
                return Taken::Done;
            }
        }
        self.recover(sc, buf, start, position, why, complete, gzip)
    }

    /// After `[`: reads elements up to the matching `]`, naming them with `label` and numbering
    /// them from `first`. Returns whether the array ended, and the next element number.
    fn read_array_elements<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        buf: &mut Vec<u8>,
        gzip: bool,
        label: Label<'_>,
        first: u64,
    ) -> (bool, u64) {
        let mut index = first;
        match self.peek(sc, gzip) {
            Err(()) => return (false, index),
            Ok(None) => {
                self.problem(format!(
                    "input ends inside the JSON array after {index} elements"
                ));
                return (false, index);
            }
            Ok(Some(b']')) => {
                sc.bump();
                return (true, index);
            }
            Ok(Some(_)) => {}
        }
        loop {
            let position = label(index, sc.offset());
            index += 1;
            match self.take_element(sc, buf, position, gzip, true) {
                Taken::Stop => return (false, index),
                Taken::Resumed => continue,
                Taken::Done => {}
            }
            match self.array_separator(sc, index, gzip) {
                Separator::Element => {}
                Separator::End => return (true, index),
                Separator::Stop => return (false, index),
            }
        }
    }

    /// Reads what follows array element `index - 1`: a `,` (then the next element), the `]`, or
    /// damage (a missing `,` is a problem; other bytes are rejected up to the next boundary).
    fn array_separator<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        index: u64,
        gzip: bool,
    ) -> Separator {
        loop {
            let Ok(next) = self.peek(sc, gzip) else {
                return Separator::Stop;
            };
            let at = sc.offset();
            match next {
                None => {
                    self.problem(format!(
                        "input ends inside the JSON array after {index} elements"
                    ));
                    return Separator::Stop;
                }
                Some(b']') => {
                    sc.bump();
                    return Separator::End;
                }
                Some(b',') => {
                    sc.bump();
                    return self.after_comma(sc, index, gzip);
                }
                Some(b'{' | b'[') => {
                    self.problem(format!(
                        "missing ',' before array element {index} at byte {at}"
                    ));
                    return Separator::Element;
                }
                Some(_) => {
                    let why = format!("unexpected bytes after array element {}", index - 1);
                    if !self.stray(sc, b",]{[", format!("byte {at}"), &why, gzip) {
                        return Separator::Stop;
                    }
                }
            }
        }
    }

    /// After a `,` between elements: the next element, or a trailing `,` before `]`.
    fn after_comma<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        index: u64,
        gzip: bool,
    ) -> Separator {
        match self.peek(sc, gzip) {
            Err(()) => Separator::Stop,
            Ok(None) => {
                self.problem(format!(
                    "input ends inside the JSON array after {index} elements"
                ));
                Separator::Stop
            }
            Ok(Some(b']')) => {
                self.problem(format!(
                    "a ',' before the end of the JSON array at byte {}",
                    sc.offset()
                ));
                sc.bump();
                Separator::End
            }
            Ok(Some(_)) => Separator::Element,
        }
    }
}

/// The UTF-8 byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why text starting with `head` cannot be read, if it is UTF-16 (a byte-order mark, or ASCII
/// JSON with every other byte NUL).
fn utf16_reason(head: &[u8]) -> Option<String> {
    const ADVICE: &str = "convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)";
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Some(format!("UTF-16 text: {ADVICE}"));
    }
    let pairs: Vec<&[u8]> = head.chunks_exact(2).take(32).collect();
    let json_byte = |b: u8| b"{[ \t\r\n\"".contains(&b) || b.is_ascii_graphic();
    let ascii_at = |i: usize| {
        !pairs.is_empty()
            && json_byte(pairs[0][i])
            && pairs
                .iter()
                .all(|p| p[1 - i] == 0 && (p[i] == 0 || p[i].is_ascii()))
    };
    let order = match (ascii_at(0), ascii_at(1)) {
        (true, _) => "LE",
        (_, true) => "BE",
        _ => return None,
    };
    Some(format!(
        "UTF-16{order} text without a byte-order mark: convert to UTF-8 (e.g. iconv -f UTF-16{order} -t UTF-8)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn read_bytes(name: &str, bytes: &[u8], cap: u64) -> (FileRead, Vec<Record<'static>>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut records = Vec::new();
        let read = read_file(
            &path,
            &ReadOptions {
                max_decompressed_bytes: cap,
            },
            &mut |r| records.push(r.into_owned_record()),
        );
        (read, records)
    }

    fn positions(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| match r {
                Record::Event(e) => format!("ok {}", e.position),
                Record::Reject(r) => format!("reject {}: {}", r.position, r.reason),
            })
            .collect()
    }

    const EV: &str = r#"{"eventId":"A","eventName":"Decrypt","eventTime":"2024-03-01T10:00:00Z"}"#;

    #[test]
    fn sniffs_gzip_by_magic_not_extension() {
        let body = format!("[{EV},{EV}]");
        let (read, recs) = read_bytes("plain.txt", &gz(body.as_bytes()), u64::MAX);
        assert_eq!((read.format.as_str(), recs.len()), ("json-array+gzip", 2));
        let (read, recs) = read_bytes("fake.gz", body.as_bytes(), u64::MAX);
        assert_eq!((read.format.as_str(), recs.len()), ("json-array", 2));
        assert_eq!(
            positions(&recs),
            vec!["ok index 0 (byte 1)", "ok index 1 (byte 74)"]
        );
    }

    #[test]
    fn oss_name_count_is_checked() {
        let body = gz(format!("[{EV},{EV}]").as_bytes());
        let name =
            "Actiontrail_cn-hangzhou_20240301100000_1002_3_512_0123456789abcdef0123456789abcdef.gz";
        let (read, _) = read_bytes(name, &body, u64::MAX);
        assert_eq!(read.format, "oss");
        assert_eq!(read.problems, vec!["file name says 3 events, file holds 2"]);
    }

    #[test]
    fn truncated_gzip_keeps_complete_elements() {
        let elems: Vec<String> = (0..200)
            .map(|i| EV.replace("\"A\"", &format!("\"E{i}\"")))
            .collect();
        let whole = gz(format!("[{}]", elems.join(",")).as_bytes());
        let cut = &whole[..whole.len() / 2];
        let (read, recs) = read_bytes("t.gz", cut, u64::MAX);
        let ok = recs
            .iter()
            .filter(|r| matches!(r, Record::Event(_)))
            .count();
        assert!(ok > 0 && ok < 200, "recovered {ok}");
        assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
        assert!(
            read.problems[0].starts_with("truncated or corrupt gzip after"),
            "{:?}",
            read.problems
        );
        for (i, r) in recs.iter().take(ok).enumerate() {
            let Record::Event(e) = r else { panic!() };
            assert_eq!(e.value()["eventId"], format!("E{i}"));
        }
    }

    #[test]
    fn ndjson_broken_line_is_rejected_and_rest_kept() {
        let body = format!("{EV}\n{{\"eventId\":\"B\",broken\n\n{EV}\n");
        let (read, recs) = read_bytes("x.log", body.as_bytes(), u64::MAX);
        assert_eq!(read.format, "ndjson");
        assert!(read.problems.is_empty());
        let pos = positions(&recs);
        assert_eq!(pos[0], "ok line 1");
        assert_eq!(
            pos[1],
            "reject line 2: invalid JSON at byte 15 of the record: key must be a string"
        );
        assert_eq!(pos[2], "ok line 4");
    }

    #[test]
    fn pretty_printed_pages_and_single_objects() {
        let body = format!(
            "{{\n  \"Events\": [{EV}, {EV}]\n}}\n{{\"Events\": {:?}}}",
            format!("[{EV}]")
        );
        let (read, recs) = read_bytes("pages.json", body.as_bytes(), u64::MAX);
        assert_eq!(read.format, "lookup-events");
        assert_eq!(
            positions(&recs),
            vec![
                "ok byte 0 Events[0]",
                "ok byte 0 Events[1]",
                &format!("ok byte {} Events[0]", 165)
            ]
        );
    }

    #[test]
    fn cap_stops_reading_and_keeps_earlier_records() {
        let body = format!("{EV}\n{EV}\n{EV}\n");
        let (read, recs) = read_bytes("c.gz", &gz(body.as_bytes()), 100);
        assert_eq!(read.format, "ndjson+gzip");
        assert_eq!(
            read.problems,
            vec!["decompressed size exceeds cap of 100 bytes"]
        );
        assert_eq!(positions(&recs)[0], "ok line 1");
        assert_eq!(recs.len(), 2, "one event and the cut record");
    }

    #[test]
    fn empty_and_non_json_files() {
        let (read, recs) = read_bytes("e.json", b"", u64::MAX);
        assert_eq!(
            (read.format.as_str(), read.problems.clone(), recs.len()),
            ("empty", vec!["empty file".to_string()], 0)
        );
        let (read, _) = read_bytes("w.json", b"  \n", u64::MAX);
        assert_eq!(read.problems, vec!["no JSON content: only whitespace"]);
        let (read, _) = read_bytes("b.bin", b"PK\x03\x04", u64::MAX);
        assert_eq!(
            read.problems,
            vec!["not JSON: starts with byte 0x50 at byte 0"]
        );
    }

    #[test]
    fn array_without_end_is_a_problem() {
        let body = format!("[{EV},{EV}");
        let (read, recs) = read_bytes("a.json", body.as_bytes(), u64::MAX);
        assert_eq!(recs.len(), 2);
        assert_eq!(
            read.problems,
            vec!["input ends inside the JSON array after 2 elements"]
        );
        let body = format!("[{EV},{{\"eventId\":\"X\"");
        let (read, recs) = read_bytes("b.json", body.as_bytes(), u64::MAX);
        assert_eq!(
            positions(&recs)[1],
            "reject index 1 (byte 74): input ends inside this record"
        );
        assert_eq!(
            read.problems,
            vec!["input ends inside a record that starts at byte 74"]
        );
    }

    fn ev(id: &str) -> String {
        EV.replace("\"A\"", &format!("\"{id}\""))
    }

    fn outline(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| match r {
                Record::Event(e) => format!("ok {}", e.value()["eventId"].as_str().unwrap_or("?")),
                Record::Reject(r) => format!("reject {}", r.position),
            })
            .collect()
    }

    #[test]
    fn a_cut_off_string_loses_only_its_element() {
        let broken = ev("C").replace("\"Decrypt\"", "\"Decrypt");
        let body = format!("[{},{},{broken},{},{}]", ev("A"), ev("B"), ev("D"), ev("E"));
        let (read, recs) = read_bytes("a.json", body.as_bytes(), u64::MAX);
        assert_eq!(
            outline(&recs),
            ["ok A", "ok B", "reject index 2 (byte 147)", "ok D", "ok E"]
        );
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let Record::Reject(r) = &recs[2] else {
            panic!()
        };
        assert_eq!(r.raw, broken);
        assert_eq!(
            r.reason,
            "invalid JSON at byte 37 of the record: expected `,` or `}`; bytes 147..218 \
             rejected, reading resumed at the next element (byte 219)"
        );
    }

    #[test]
    fn a_lost_closing_brace_or_stray_brackets_lose_nothing_else() {
        let last = ev("C");
        let body = format!("[{},{},{}]", ev("A"), ev("B"), &last[..last.len() - 1]);
        let (read, recs) = read_bytes("a.json", body.as_bytes(), u64::MAX);
        assert_eq!(
            outline(&recs),
            ["ok A", "ok B", "reject index 2 (byte 147)"]
        );
        assert!(read.problems.is_empty(), "{:?}", read.problems);

        let body = format!("[{}}},{},{}],{}]", ev("A"), ev("B"), ev("C"), ev("D"));
        let (read, recs) = read_bytes("b.json", body.as_bytes(), u64::MAX);
        assert_eq!(
            outline(&recs),
            ["ok A", "reject byte 73", "ok B", "ok C", "ok D"]
        );
        assert_eq!(
            read.problems,
            ["a stray ']' ends the JSON array early, before byte 221: the elements after it were read too"]
        );
        let body = format!("[{} {}]", ev("A"), ev("B"));
        let (read, recs) = read_bytes("c.json", body.as_bytes(), u64::MAX);
        assert_eq!(outline(&recs), ["ok A", "ok B"]);
        assert_eq!(
            read.problems,
            ["missing ',' before array element 1 at byte 74"]
        );
    }

    #[test]
    fn a_damaged_lookup_page_has_its_events_read_one_by_one() {
        let broken = ev("B").replace("\"B\"", "\"B");
        let page = format!(
            "{{\"RequestId\": \"r\", \"Events\": [{}, {broken}, {}], \"NextToken\": \"n\"}}",
            ev("A"),
            ev("C")
        );
        let next = format!("{{\"Events\": [{}]}}", ev("D"));
        let short = |recs: &[Record]| {
            positions(recs)
                .iter()
                .map(|p| p.split(':').next().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        // One page per line, and pretty-printed pages.
        let (read, recs) = read_bytes("p.json", format!("{page}\n{next}\n").as_bytes(), u64::MAX);
        assert_eq!(read.format, "lookup-events");
        assert_eq!(
            short(&recs),
            [
                "ok line 1 Events[0]",
                "reject line 1 Events[1]",
                "ok line 1 Events[2]",
                "ok line 2 Events[0]"
            ]
        );
        assert_eq!(outline(&recs)[2..], ["ok C", "ok D"]);
        assert_eq!(read.problems.len(), 1);
        assert!(
            read.problems[0]
                .starts_with("LookupEvents page at line 1 is damaged (invalid JSON at byte"),
            "{:?}",
            read.problems
        );
        let pretty = format!("{}\n{next}", page.replacen('{', "{\n", 1));
        let (read, recs) = read_bytes("p.json", pretty.as_bytes(), u64::MAX);
        assert_eq!(
            short(&recs),
            [
                "ok byte 0 Events[0]",
                "reject byte 0 Events[1]",
                "ok byte 0 Events[2]",
                "ok byte 271 Events[0]"
            ]
        );
        assert_eq!(outline(&recs)[2..], ["ok C", "ok D"]);
        assert_eq!(read.problems.len(), 1);
    }

    #[test]
    fn byte_order_marks_are_skipped_and_utf16_is_named() {
        let bom = "\u{feff}";
        let cases = [
            (format!("{bom}{EV}\n{EV}\n"), "ndjson", "ok line 1"),
            (format!("{bom}[{EV}]"), "json-array", "ok index 0 (byte 4)"),
            (format!("{bom}{EV}"), "json", "ok line 1"),
        ];
        for (body, format, first) in cases {
            let (read, recs) = read_bytes("b.json", body.as_bytes(), u64::MAX);
            assert_eq!(
                (read.format.as_str(), read.problems.len()),
                (format, 0),
                "{body}"
            );
            assert_eq!(positions(&recs)[0], first);
            let (read, recs) = read_bytes("b.gz", &gz(body.as_bytes()), u64::MAX);
            assert_eq!(read.format, format!("{format}+gzip"));
            assert_eq!(positions(&recs)[0], first);
        }
        let utf16: Vec<u8> = format!("[{EV}]")
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (read, recs) = read_bytes("u.json", &utf16, u64::MAX);
        assert_eq!((read.format.as_str(), recs.len()), ("utf-16", 0));
        assert_eq!(
            read.problems,
            ["UTF-16LE text without a byte-order mark: convert to UTF-8 (e.g. iconv -f UTF-16LE -t UTF-8)"]
        );
        let with_bom = [&[0xFF, 0xFE][..], &utf16[..]].concat();
        let (read, _) = read_bytes("u.json", &with_bom, u64::MAX);
        assert_eq!(
            read.problems,
            ["UTF-16 text: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"]
        );
    }

    #[test]
    fn plain_reads_are_capped_too() {
        let body = format!("{EV}\n{EV}\n{EV}\n");
        let (read, recs) = read_bytes("c.json", body.as_bytes(), 100);
        assert_eq!(
            read.problems,
            ["file size exceeds cap of 100 bytes (--max-decompressed-bytes)"]
        );
        assert_eq!(positions(&recs)[0], "ok line 1");
    }

    #[test]
    fn damage_in_every_element_costs_bounded_work() {
        // Each element opens one `{` too many, so the splitter reads the whole rest of the
        // file as that element every time: recovery must give up in bounded work.
        let broken = ev("X").replace("\"eventName\"", "{\"eventName\"");
        let body = format!("[{},{}]", ev("A"), vec![broken; 200_000].join(","));
        let started = std::time::Instant::now();
        let (read, recs) = read_bytes("d.json", body.as_bytes(), u64::MAX);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert_eq!(outline(&recs)[0], "ok A");
        assert!(recs.len() < 200_000, "gave up: {}", recs.len());
        assert!(
            read.problems
                .iter()
                .any(|p| p.starts_with("too much damage")),
            "{:?}",
            read.problems
        );
    }

    #[test]
    fn a_fake_end_of_a_page_array_does_not_end_the_page() {
        // Damage inside B leaves `}]` that look like the end of B and of the Events array.
        let broken = r#"{"eventId":"B","x":"req"}]","userIdentity":{"type":"ram-user"}}"#;
        let body = format!(
            "{{\n\"Events\": [{}, {broken}, {}], \"NextToken\": \"\"}}\n",
            ev("A"),
            ev("C")
        );
        let (read, recs) = read_bytes("p.json", body.as_bytes(), u64::MAX);
        let ok: Vec<String> = outline(&recs)
            .into_iter()
            .filter(|r| r.starts_with("ok") && r != "ok ?")
            .collect();
        // B's valid prefix is an event; the pieces after the fake end are not events (the
        // normalizer rejects them); C is read.
        assert_eq!(ok, ["ok A", "ok B", "ok C"], "{:?}", positions(&recs));
        assert!(
            read.problems
                .iter()
                .any(|p| p.starts_with("a stray ']' ends the Events array")),
            "{:?}",
            read.problems
        );
    }

    #[test]
    fn ndjson_whose_first_line_lost_its_brace_keeps_the_other_lines() {
        let body = format!("{}\n{}\n{}\n", &ev("A")[1..], ev("B"), ev("C"));
        let (read, recs) = read_bytes("n.ndjson", body.as_bytes(), u64::MAX);
        assert_eq!(outline(&recs), ["reject line 1", "ok B", "ok C"]);
        assert_eq!(positions(&recs)[1], "ok line 2");
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let (read, recs) = read_bytes("b.bin", b"PK\x03\x04\0\n{\"eventId\":\"x\"}", u64::MAX);
        assert_eq!(
            (read.problems, recs.len()),
            (
                vec!["not JSON: starts with byte 0x50 at byte 0".to_string()],
                0
            )
        );
    }
}
