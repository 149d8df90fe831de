//! Framing: the state machine that cuts a decoded stream into records. An array is cut into
//! elements one at a time, NDJSON line by line, concatenated or pretty-printed objects value by
//! value; each value is classified ([`super::item`]) and emitted, or rejected with its position
//! and reading resumed at the next element boundary ([`super::recover`]). A UTF-8 byte-order
//! mark is skipped; UTF-16 text is refused with a problem.

use std::borrow::Cow;
use std::io::{BufRead, Cursor, Read};
use std::mem::take;

use serde_json::Value;

use super::decode::stop_reason;
use super::format::Container;
use super::item::{self, ItemKind};
use super::scanner::{Scanner, ValueEnd};
use super::{truncate_raw, EventBody, FileRead, RawEvent, RawReject, Record, MAX_RAW_BYTES};
use crate::event::rawjson::{self, FieldSpan};

/// Why a record is not valid JSON, with the error's byte offset inside the record.
pub(super) fn invalid_json(e: &serde_json::Error, bytes: &[u8]) -> String {
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

/// The state of reading one file.
pub(super) struct FileReader<'a> {
    pub(super) sink: &'a mut dyn FnMut(Record<'_>),
    /// Working space of [`rawjson::minify_object`], reused from record to record.
    pub(super) compact: Vec<u8>,
    pub(super) fields: Vec<FieldSpan>,
    pub(super) read: FileRead,
    pub(super) container: Option<Container>,
    pub(super) kind: Option<ItemKind>,
    /// Non-empty lines read in NDJSON mode.
    pub(super) lines: u64,
    /// The file is UTF-16 text (refused).
    pub(super) utf16: bool,
    /// Bytes scanned so far while looking for the next element after damage ([`super::recover`]).
    pub(super) resync_work: u64,
    /// That work went over its budget (said once, as a problem).
    pub(super) resync_gave_up: bool,
    /// The events of a damaged LookupEvents page are being read (pages inside are not looked
    /// into again).
    pub(super) in_page: bool,
}

/// The reason of a record the input ends inside.
const ENDS_INSIDE: &str = "input ends inside this record";

/// How reading one element or top-level value ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Taken {
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

impl<'a> FileReader<'a> {
    /// A reader that has read nothing yet, emitting its records to `sink`.
    pub(super) fn new(sink: &'a mut dyn FnMut(Record<'_>)) -> FileReader<'a> {
        FileReader {
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
        }
    }
}

impl FileReader<'_> {
    fn emit(&mut self, record: Record<'_>) {
        self.read.records += 1;
        (self.sink)(record);
    }

    pub(super) fn reject(&mut self, position: String, reason: String, raw: &[u8]) {
        self.emit(Record::Reject(RawReject {
            position,
            reason,
            raw: truncate_raw(raw),
        }));
    }

    pub(super) fn problem(&mut self, text: String) {
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

    /// Reads the decoded `stream` of a file (`gzip`: it was gunzipped) to its end.
    pub(super) fn read_stream<'s>(&mut self, mut stream: Box<dyn BufRead + 's>, gzip: bool) {
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
    /// recovered from at the next element boundary ([`super::recover`]); a damaged LookupEvents page
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
    pub(super) fn read_array_elements<R: BufRead>(
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
