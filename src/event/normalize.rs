//! Turns one raw ActionTrail event (JSON text) into a [`Row`]: the values of every stored
//! column, read from the event's canonical compact text without building a tree. Top-level
//! keys are matched case-insensitively and written back in their canonical spelling; every other
//! key and value is kept as it came, every number byte for byte. Two doors: [`normalize`] for
//! any JSON text, [`normalize_compact`] for an event a reader already checked and minified.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime};
use serde_json::{Map, Value};

use crate::event::kms_key::{derive_key_id, KMS_KEY_RESOURCE_TYPE};
use crate::event::rawjson::{self, minify_canonical, FieldSpan, MinifyError, RawObject, MAX_DEPTH};
use crate::event::row::Row;
use crate::event::schema::{
    self, canonical_top_level, is_miscased_top_level, text_index, Kind, REQUEST_PARAMETER_JSON,
    TEXT_COLUMNS, TEXT_COLUMN_COUNT,
};

/// The slot of a known top-level key, found at compile time.
macro_rules! slot {
    ($key:literal) => {{
        const SLOT: usize = schema::top_level_index($key);
        SLOT
    }};
}

/// The topic given to events whose source carries none (OSS, LookupEvents, plain JSON).
pub const DEFAULT_TOPIC: &str = "actiontrail_audit_event";

/// The earliest event time stored: 0000-01-01T00:00:00Z (unix seconds).
pub const EARLIEST_TIME: i64 = -62_167_219_200;
/// The latest event time stored: 9999-12-31T23:59:59Z (unix seconds).
pub const LATEST_TIME: i64 = 253_402_300_799;

/// Why a JSON value could not become an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    /// The value is not a JSON object.
    #[error("not an event: expected a JSON object, found {0}")]
    NotAnObject(&'static str),
    /// The object has neither `eventTime` nor a usable `__time__`.
    #[error("event has no eventTime")]
    MissingTime,
    /// `eventTime` is present but not a timestamp.
    #[error("eventTime {0:?} is not an RFC 3339 time")]
    BadTime(String),
    /// The event time (unix seconds) is outside what a store partition can name.
    #[error("eventTime is outside the years 0000 to 9999 (unix time {0})")]
    TimeOutOfRange(i64),
    /// The object carries none of the fields that make an ActionTrail event.
    #[error("not an ActionTrail event: no eventName, eventId or eventType")]
    NotAnEvent,
    /// The text is not valid JSON.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// Containers nest deeper than [`MAX_DEPTH`]: no JSON reader of keytrail could read the
    /// stored event back.
    #[error("event nests containers deeper than {MAX_DEPTH} levels, more than keytrail's JSON readers read back")]
    TooDeep,
}

/// Where an event came from, and what its envelope said about it.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    /// `__topic__` from an SLS export, if any.
    pub topic: Option<String>,
    /// `__time__` from an SLS export, if any (used only when the event has no eventTime).
    pub time: Option<i64>,
    /// `<file>#<position>`.
    pub origin: String,
}

/// Normalizes one event given as valid JSON text in UTF-8 (a reader checked it, or
/// `serde_json` wrote it): the slow door, for text in any layout. The stored `event` is its
/// canonical compact text ([`minify_canonical`]: numbers exactly as written, written into
/// `scratch`, which is reused from event to event so that a plain event costs no allocation),
/// with known top-level keys in their canonical spelling, a repeated top-level key kept once
/// (its last value, at its first place, as parsing to a map does) and a `userIdentity` given
/// as a JSON string decoded.
pub fn normalize<'a>(
    json: &[u8],
    envelope: &'a Envelope,
    scratch: &'a mut Vec<u8>,
) -> Result<Row<'a>, NormalizeError> {
    let first = json.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(NormalizeError::NotAnObject(kind_of_first_byte(first)));
    }
    scratch.clear();
    minify_canonical(json, 0, scratch).map_err(minify_error)?;
    let scratch: &'a Vec<u8> = scratch;
    let text = std::str::from_utf8(scratch)
        .map_err(|e| NormalizeError::InvalidJson(format!("not UTF-8: {e}")))?;
    compact_or_fixed_row(text, None, envelope)
}

/// Normalizes one event a reader already checked and minified
/// ([`rawjson::minify_object`]): the fast door. `text` is its canonical compact JSON, `fields`
/// where its top-level fields sit; the row borrows its texts from `text` and `envelope`.
pub fn normalize_compact<'a>(
    text: &'a str,
    fields: &[FieldSpan],
    envelope: &'a Envelope,
) -> Result<Row<'a>, NormalizeError> {
    compact_or_fixed_row(text, Some(fields), envelope)
}

fn minify_error(e: MinifyError) -> NormalizeError {
    match e {
        MinifyError::TooDeep => NormalizeError::TooDeep,
        MinifyError::BadString(reason) => NormalizeError::InvalidJson(reason),
    }
}

/// What a JSON text starting with `first` is, for [`NormalizeError::NotAnObject`].
fn kind_of_first_byte(first: Option<&u8>) -> &'static str {
    match first {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') | None => "null",
        Some(_) => "a number",
    }
}

/// The row of the compact event `text` (its top-level fields at `spans` when given), its top
/// level rewritten first (and the row then owning its texts) when a key is miscased or
/// repeated or `userIdentity` is a JSON string.
fn compact_or_fixed_row<'a>(
    text: &'a str,
    spans: Option<&[FieldSpan]>,
    envelope: &'a Envelope,
) -> Result<Row<'a>, NormalizeError> {
    if let Some(row) = compact_row(text, spans, envelope, false) {
        return row;
    }
    let fixed = canonical_top_level_text(text)?;
    match compact_row(&fixed, None, envelope, true) {
        Some(row) => row.map(Row::into_owned),
        None => Err(NormalizeError::InvalidJson(
            "the event's top-level fields cannot be read".into(),
        )),
    }
}

/// The compact event `text` with its top level made canonical: known keys in their canonical
/// spelling, each key once (its last value at its first place), a `userIdentity` JSON string
/// that holds an object decoded into that object.
fn canonical_top_level_text(text: &str) -> Result<String, NormalizeError> {
    let object = RawObject::parse(text)
        .ok_or_else(|| NormalizeError::InvalidJson("not a JSON object".into()))?;
    let mut fields: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(object.fields.len());
    let mut places: HashMap<Cow<str>, usize> = HashMap::new();
    for (key, raw) in object.fields {
        let key = match canonical_top_level(&key) {
            Some(canonical) => Cow::Borrowed(canonical),
            None => key,
        };
        match places.get(&key) {
            Some(&place) => fields[place].1 = Cow::Borrowed(raw),
            None => {
                places.insert(key.clone(), fields.len());
                fields.push((key, Cow::Borrowed(raw)));
            }
        }
    }
    for (key, raw) in &mut fields {
        if key == "userIdentity" {
            if let Some(decoded) = decoded_object(raw)? {
                *raw = Cow::Owned(decoded);
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    out.push('{');
    for (i, (key, raw)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key.as_ref()).expect("a string serializes"));
        out.push(':');
        out.push_str(raw);
    }
    out.push('}');
    Ok(out)
}

/// The canonical compact text of the JSON object held in the JSON string `raw` (a
/// stringified `userIdentity`), if it holds one.
fn decoded_object(raw: &str) -> Result<Option<String>, NormalizeError> {
    let Some(inner) = rawjson::string_value(raw) else {
        return Ok(None);
    };
    let valid = inner.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(&inner).is_ok();
    if !valid {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(inner.len());
    minify_canonical(inner.as_bytes(), 1, &mut out).map_err(minify_error)?;
    Ok(Some(String::from_utf8(out).expect("minified from a str")))
}

/// The row of a compact event, its texts borrowed from `event_json` where they can be; `None`
/// when its top level must be rewritten first (see [`canonical_top_level_text`]; `fixed` says
/// it was: a `userIdentity` string is then kept as a string). Its top-level fields are found
/// from `spans` when given.
fn compact_row<'a>(
    event_json: &'a str,
    spans: Option<&[FieldSpan]>,
    envelope: &'a Envelope,
    fixed: bool,
) -> Option<Result<Row<'a>, NormalizeError>> {
    let event = match spans {
        Some(spans) => {
            let mut read = 0;
            let top = TopLevel::of(spans.iter().map_while(|span| {
                let field = span.get(event_json);
                read += usize::from(field.is_some());
                field
            }));
            if read != spans.len() {
                return None;
            }
            top?
        }
        None => TopLevel::of(RawObject::parse(event_json)?.fields)?,
    };
    let identity = match event.get(slot!("userIdentity")) {
        Some(raw) if raw.starts_with('"') && !fixed => return None,
        Some(raw) => RawObject::parse(raw),
        None => None,
    };
    if [slot!("eventName"), slot!("eventId"), slot!("eventType")]
        .iter()
        .all(|&slot| event.get(slot).is_none())
    {
        return Some(Err(NormalizeError::NotAnEvent));
    }
    let time = match compact_event_time(&event, envelope.time) {
        Ok(time) => time,
        Err(e) => return Some(Err(e)),
    };
    let texts = texts(&event, identity.as_ref(), event_json, envelope);
    Some(Ok(Row { time, texts }))
}

/// The text columns of a compact event, walking [`TEXT_COLUMNS`]: the event's top-level
/// scalars from their slots (which follow that table), its identity leaves from `identity`,
/// the derived columns computed.
fn texts<'a>(
    event: &TopLevel<'a>,
    identity: Option<&RawObject<'a>>,
    event_json: &'a str,
    envelope: &'a Envelope,
) -> [Option<Cow<'a, str>>; TEXT_COLUMN_COUNT] {
    let text_is = |slot: usize, want: &str| {
        event
            .get(slot)
            .and_then(rawjson::string_value)
            .is_some_and(|s| s.eq_ignore_ascii_case(want))
    };
    let mut scalar_slots = event.slots.iter();
    let mut texts = [const { None }; TEXT_COLUMN_COUNT];
    for (text, column) in texts.iter_mut().zip(TEXT_COLUMNS) {
        *text = match column.kind {
            Kind::Time => None,
            Kind::Topic => Some(Cow::Borrowed(
                envelope.topic.as_deref().unwrap_or(DEFAULT_TOPIC),
            )),
            Kind::Event => Some(Cow::Borrowed(event_json)),
            Kind::TopLevel(_) => scalar_slots
                .next()
                .copied()
                .flatten()
                .and_then(rawjson::indexed_scalar_text),
            Kind::Identity(leaf) => identity
                .and_then(|identity| identity.get(leaf))
                .and_then(rawjson::indexed_scalar_text),
            Kind::KmsKeyId => match may_name_a_key(event) {
                true => derive_key_id(&key_fields(event)).map(Cow::Owned),
                false => None,
            },
            Kind::DedupKey => Some(dedup_key(event.get(slot!("eventId")), event_json)),
            Kind::Insight => {
                let insight = text_is(slot!("eventType"), "ActionTrailInsight")
                    || text_is(slot!("eventCategory"), "Insight");
                Some(Cow::Borrowed(if insight { "true" } else { "false" }))
            }
            Kind::Origin => Some(Cow::Borrowed(envelope.origin.as_str())),
        };
    }
    const PARAMS: usize = text_index(REQUEST_PARAMETER_JSON);
    let params = &mut texts[PARAMS];
    if params.is_none() {
        *params = event
            .get(slot!("requestParameters"))
            .filter(|raw| raw.starts_with('{'))
            .map(Cow::Borrowed);
    }
    texts
}

/// The top-level fields of a compact event, each in its slot of [`schema::top_level_slot`]:
/// one lookup per field instead of a scan of the fields per column.
struct TopLevel<'a> {
    slots: [Option<&'a str>; schema::TOP_LEVEL_KEYS],
}

impl<'a> TopLevel<'a> {
    /// Slots the fields of `event`; `None` when a key is repeated or a known key is spelled in
    /// another letter case (the top level is rewritten first then).
    fn of(fields: impl IntoIterator<Item = (Cow<'a, str>, &'a str)>) -> Option<TopLevel<'a>> {
        let mut slots = [None; schema::TOP_LEVEL_KEYS];
        let mut others: Vec<Cow<str>> = Vec::new();
        for (key, raw) in fields {
            match schema::top_level_slot(&key) {
                Some(slot) if slots[slot].is_some() => return None,
                Some(slot) => slots[slot] = Some(raw),
                None if is_miscased_top_level(&key) => return None,
                None => others.push(key),
            }
        }
        others.sort_unstable();
        if others.windows(2).any(|w| w[0] == w[1]) {
            return None;
        }
        Some(TopLevel { slots })
    }

    /// The raw value of the known top-level key at `slot` (see [`slot!`]).
    fn get(&self, slot: usize) -> Option<&'a str> {
        self.slots[slot]
    }
}

/// The event time of a compact event (unix seconds): its `eventTime` (an RFC 3339 text or an
/// integer of unix seconds), else the envelope's `__time__`; within
/// [`EARLIEST_TIME`]..=[`LATEST_TIME`].
fn compact_event_time(event: &TopLevel, envelope_time: Option<i64>) -> Result<i64, NormalizeError> {
    let time = match event.get(slot!("eventTime")) {
        None | Some("null") => envelope_time.ok_or(NormalizeError::MissingTime)?,
        Some(raw) if raw.starts_with('"') => {
            let text = rawjson::string_value(raw).unwrap_or_default();
            parse_event_time(&text).ok_or_else(|| NormalizeError::BadTime(text.into_owned()))?
        }
        Some(raw) => raw
            .parse::<i64>()
            .map_err(|_| NormalizeError::BadTime(raw.to_string()))?,
    };
    match (EARLIEST_TIME..=LATEST_TIME).contains(&time) {
        true => Ok(time),
        false => Err(NormalizeError::TimeOutOfRange(time)),
    }
}

/// Whether [`derive_key_id`] could find a key in the event: a `KeyId` member in the request
/// parameters or the response, or the `ACS::KMS::Key` type among the resources (checked on the
/// compact text, where neither can be spelled with escapes). Most events name no key: they are
/// not parsed for one.
fn may_name_a_key(event: &TopLevel) -> bool {
    let names_key_id = |slot: usize| {
        event
            .get(slot)
            .is_some_and(|raw| memchr::memmem::find(raw.as_bytes(), b"\"KeyId\"").is_some())
    };
    let names_key_type = |slot: usize| {
        event.get(slot).is_some_and(|raw| {
            raw.as_bytes()
                .windows(KMS_KEY_RESOURCE_TYPE.len())
                .any(|w| w.eq_ignore_ascii_case(KMS_KEY_RESOURCE_TYPE.as_bytes()))
        })
    };
    names_key_id(slot!("requestParameters"))
        || names_key_id(slot!("responseElements"))
        || names_key_type(slot!("resourceType"))
        || names_key_type(slot!("referencedResources"))
}

/// The parts of the event that [`derive_key_id`] reads, parsed: `resourceType`,
/// `resourceName` and `referencedResources` whole; of `requestParameters` and
/// `responseElements` only `KeyId` and `KeyMetadata.KeyId` (they can be large). A part that
/// does not parse (a number beyond f64) reads as null: key ids are strings.
fn key_fields(event: &TopLevel) -> Map<String, Value> {
    let parse = |raw: &str| serde_json::from_str(raw).unwrap_or(Value::Null);
    let mut map = Map::new();
    let whole = [
        ("resourceType", slot!("resourceType")),
        ("resourceName", slot!("resourceName")),
        ("referencedResources", slot!("referencedResources")),
    ];
    for (key, slot) in whole {
        if let Some(raw) = event.get(slot) {
            map.insert(key.to_string(), parse(raw));
        }
    }
    for (key, slot, paths) in [
        (
            "requestParameters",
            slot!("requestParameters"),
            &["KeyId"][..],
        ),
        (
            "responseElements",
            slot!("responseElements"),
            &["KeyId", "KeyMetadata"][..],
        ),
    ] {
        if let Some(raw) = event.get(slot) {
            map.insert(key.to_string(), shallow_object(raw, paths));
        }
    }
    map
}

/// `raw` as a value keeping only the members named in `keep` (whole), when it is an object;
/// anything else parsed whole (null when it does not parse).
fn shallow_object(raw: &str, keep: &[&str]) -> Value {
    let parse = |raw: &str| serde_json::from_str(raw).unwrap_or(Value::Null);
    let Some(object) = RawObject::parse(raw) else {
        return parse(raw);
    };
    let mut kept = Map::new();
    for key in keep {
        if let Some(member) = object.get(key) {
            kept.insert(key.to_string(), parse(member));
        }
    }
    Value::Object(kept)
}

/// Key prefixes that other kinds of id are given (`num:`, `bool:`, `sha:`) and the escape
/// itself (`str:`): a string id that starts with one of them is keyed `str:<id>`, so that no
/// string an attacker writes as an `eventId` can take the key of a number id or of an event
/// without an id. Real ActionTrail ids (UUIDs) never start with them, so stores written before
/// dedup the same.
const RESERVED_KEY_PREFIXES: [&str; 4] = ["num:", "bool:", "sha:", "str:"];

/// The dedup key of an event from the raw JSON of its `eventId`: a string id as it is (so
/// stores written before keep deduplicating the same), a number or boolean id as `num:<text>`
/// or `bool:<text>` (so `1` and `"1"` stay apart), and `sha:<blake3 of the compact JSON>` for
/// an event without a usable id (absent, null, an object or array, or a string that is empty or
/// only whitespace). A string id that starts with one of [`RESERVED_KEY_PREFIXES`] is keyed
/// `str:<id>`.
pub fn dedup_key<'a>(event_id: Option<&'a str>, event_json: &str) -> Cow<'a, str> {
    match event_id.map(|raw| (raw, raw.as_bytes()[0])) {
        Some((raw, b'"')) => match rawjson::string_value(raw) {
            Some(id) if RESERVED_KEY_PREFIXES.iter().any(|p| id.starts_with(p)) => {
                Cow::Owned(format!("str:{id}"))
            }
            Some(id) if !id.trim().is_empty() => id,
            _ => content_key(event_json),
        },
        Some((raw, b't' | b'f')) => Cow::Owned(format!("bool:{raw}")),
        Some((raw, b'-' | b'0'..=b'9')) => Cow::Owned(format!("num:{raw}")),
        _ => content_key(event_json),
    }
}

/// `sha:<blake3 of the compact JSON>`: the dedup key of an event without an id.
fn content_key<'a>(event_json: &str) -> Cow<'a, str> {
    Cow::Owned(format!(
        "sha:{}",
        blake3::hash(event_json.as_bytes()).to_hex()
    ))
}

/// Parses an ActionTrail `eventTime` leniently: RFC 3339 (`Z` or an offset, fractions allowed),
/// or a naive `YYYY-MM-DD[T ]HH:MM:SS` taken as UTC. Returns unix seconds.
pub fn parse_event_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%MZ",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text.trim_end_matches('Z'), fmt) {
            return Some(t.and_utc().timestamp());
        }
    }
    None
}

/// Whether two stored events (compact JSON texts) hold the same content, as
/// [`rawjson::same_content`] compares them: copies of one event from two exports (members in
/// another order, `1` for `"1"`) are the same; any other difference is a conflict.
pub fn same_event_content(a: &str, b: &str) -> bool {
    rawjson::same_content(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::row::date_of;
    use crate::event::schema::{
        ACCOUNT_ID, INSIGHT, KMS_KEY_ID, TOPIC, TOP_LEVEL_SCALARS, USER_NAME, USER_TYPE,
    };
    use serde_json::json;

    /// The row of a JSON value, through its text.
    fn normalize(value: Value, envelope: &Envelope) -> Result<Row<'static>, NormalizeError> {
        super::normalize(value.to_string().as_bytes(), envelope, &mut Vec::new())
            .map(Row::into_owned)
    }

    /// The row of JSON text that may not be valid: checked first.
    fn normalize_json(bytes: &[u8], envelope: &Envelope) -> Result<Row<'static>, NormalizeError> {
        check_syntax(bytes)?;
        super::normalize(bytes, envelope, &mut Vec::new()).map(Row::into_owned)
    }

    /// Checks that `bytes` are one JSON text in UTF-8 (numbers of any size are valid JSON).
    fn check_syntax(bytes: &[u8]) -> Result<(), NormalizeError> {
        let syntax = serde_json::from_slice::<serde::de::IgnoredAny>(bytes);
        if std::str::from_utf8(bytes).is_ok() && syntax.is_ok() {
            return Ok(());
        }
        let reason = match serde_json::from_slice::<Value>(bytes) {
            Err(e) => e.to_string(),
            Ok(_) => "not UTF-8".to_string(),
        };
        Err(NormalizeError::InvalidJson(reason))
    }

    fn env() -> Envelope {
        Envelope {
            origin: "f#0".into(),
            ..Default::default()
        }
    }

    fn scalar<'a>(row: &'a Row, name: &str) -> Option<&'a str> {
        assert!(TOP_LEVEL_SCALARS.contains(&name), "{name}");
        row.text(&format!("event.{name}"))
    }

    #[test]
    fn lenient_fields_and_canonical_keys() {
        let ev = json!({"EventName": "DescribeKey", "eventId": "E1", "eventVersion": 1,
            "eventTime": "2024-03-01T10:00:00Z", "isGlobal": false,
            "requestParameters": {"KeyId": "key-1", "DurationSeconds": 3600},
            "userIdentity": "{\"type\":\"ram-user\",\"userName\":\"alice\"}", "extend": "2"});
        let row = normalize(ev, &env()).unwrap();
        assert_eq!(row.time, 1709287200);
        assert_eq!(row.date(), "2024-03-01");
        assert_eq!(scalar(&row, "eventName"), Some("DescribeKey"));
        assert_eq!(scalar(&row, "eventVersion"), Some("1"));
        assert_eq!(scalar(&row, "isGlobal"), Some("false"));
        assert_eq!(
            scalar(&row, "requestParameterJson"),
            Some(r#"{"KeyId":"key-1","DurationSeconds":3600}"#)
        );
        assert_eq!(row.text(USER_TYPE), Some("ram-user"));
        assert_eq!(row.text(USER_NAME), Some("alice"));
        assert_eq!(row.text(KMS_KEY_ID), Some("key-1"));
        assert_eq!(row.dedup_key(), "E1");
        assert_eq!(row.text(TOPIC), Some(DEFAULT_TOPIC));
        assert!(row.event_json().contains("\"eventName\":\"DescribeKey\""));
        assert!(row.event_json().contains("\"extend\":\"2\""));
    }

    #[test]
    fn rejects_say_why() {
        assert_eq!(
            normalize(json!([1]), &env()),
            Err(NormalizeError::NotAnObject("an array"))
        );
        assert_eq!(
            normalize(json!({"foo": 1}), &env()),
            Err(NormalizeError::NotAnEvent)
        );
        assert_eq!(
            normalize(json!({"eventName": "X"}), &env()),
            Err(NormalizeError::MissingTime)
        );
        assert!(matches!(
            normalize(json!({"eventName": "X", "eventTime": "yesterday"}), &env()),
            Err(NormalizeError::BadTime(_))
        ));
    }

    #[test]
    fn event_without_id_gets_content_key_and_insight_is_marked() {
        let ev = json!({"eventType": "ActionTrailInsight", "eventTime": "2024-03-01T10:00:00Z"});
        let row = normalize(ev.clone(), &env()).unwrap();
        assert!(row.dedup_key().starts_with("sha:"));
        assert_eq!(row.text(INSIGHT), Some("true"));
        assert_eq!(row.dedup_key(), normalize(ev, &env()).unwrap().dedup_key());
    }

    #[test]
    fn envelope_time_is_a_fallback_only() {
        let e = Envelope {
            time: Some(100),
            topic: Some("actiontrail_event".into()),
            origin: String::new(),
        };
        let row = normalize(json!({"eventName": "X"}), &e).unwrap();
        assert_eq!(
            (row.time, row.text(TOPIC)),
            (100, Some("actiontrail_event"))
        );
        assert_eq!(parse_event_time("2024-03-01 10:00:00"), Some(1709287200));
        assert_eq!(
            parse_event_time("2024-03-01T18:00:00+08:00"),
            Some(1709287200)
        );
    }

    /// Both ways of normalizing agree, whichever way the text path goes: the text as read gives
    /// the row of its value as `serde_json` writes it out.
    fn assert_same_row(text: &str) {
        let value: Value = serde_json::from_str(text).unwrap();
        let tree = normalize(value, &env());
        assert_eq!(normalize_json(text.as_bytes(), &env()), tree, "{text}");
        let as_read =
            super::normalize(text.as_bytes(), &env(), &mut Vec::new()).map(Row::into_owned);
        assert_eq!(as_read, tree, "{text}");
    }

    /// Whether `text` is read without rewriting its top level.
    fn takes_text_path(text: &str) -> bool {
        let (envelope, mut scratch) = (env(), Vec::new());
        minify_canonical(text.as_bytes(), 0, &mut scratch).unwrap();
        compact_row(
            std::str::from_utf8(&scratch).unwrap(),
            None,
            &envelope,
            false,
        )
        .is_some()
    }

    #[test]
    fn text_and_tree_give_the_same_row() {
        for text in [
            r#"{"eventId":"E1","eventName":"Decrypt","eventTime":"2024-03-01T10:00:00Z",
                "userIdentity":{"type":"ram-user","userName":"al\"ice","accountId":123},
                "requestParameters":{ "KeyId" : "acs:kms:cn-hangzhou:1:key/key-1" },
                "responseElements":{"KeyId":"key-2"},"isGlobal":false,"x":[1,{"y":null}]}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","f":1.5}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","s":"a\/b\u00e9"}"#,
            r#"{"EventName":"X","eventTime":"2024-03-01T10:00:00Z"}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","eventName":"Y"}"#,
            r#"{"eventName":"X","eventTime":1709287200,"userIdentity":"{\"type\":\"root-account\"}"}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","requestParameterJson":"{}"}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","eventId":""}"#,
            r#"{"eventType":"ActionTrailInsight","eventTime":"2024-03-01T10:00:00Z"}"#,
            r#"{"eventName":"X","eventTime":"yesterday"}"#,
            r#"{"eventName":"X","eventTime":true}"#,
            r#"{"eventName":"X","eventTime":null}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","resourceType":"ACS::KMS::Key","resourceName":"key-9"}"#,
            r#"{"foo":1}"#,
            "[1]",
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","resourceType":"acs::kms::key","resourceName":"key-8"}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","referencedResources":{"ACS::KMS::KEY":["key-7"]}}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","referencedResources":[{"resourceType":"ACS::KMS::Key","resourceName":"key-6"}]}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","responseElements":{"KeyMetadata":{"KeyId":"key-5"}}}"#,
            r#"{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","requestParameters":{"keyid":"key-4"}}"#,
        ] {
            assert_same_row(text);
        }
        let typical = r#"{"eventId":"E1","eventName":"X","eventTime":"2024-03-01T10:00:00Z"}"#;
        assert!(takes_text_path(typical));
        let float =
            r#"{"eventId":"E1","eventName":"X","eventTime":"2024-03-01T10:00:00Z","f":0.5}"#;
        assert!(takes_text_path(float));
        let miscased = r#"{"EventId":"E1","eventName":"X","eventTime":"2024-03-01T10:00:00Z"}"#;
        assert!(!takes_text_path(miscased));
    }

    /// The row of `text` read as a reader hands it over: checked and minified in one pass when
    /// it can be, else as text.
    fn row_of(text: &str) -> Result<Row<'static>, NormalizeError> {
        let (mut compact, mut fields) = (Vec::new(), Vec::new());
        if rawjson::minify_object(text.as_bytes(), &mut compact, &mut fields) {
            let compact = std::str::from_utf8(&compact).unwrap();
            let envelope = env();
            let fast = normalize_compact(compact, &fields, &envelope);
            let by_text = normalize_json(text.as_bytes(), &env());
            assert_eq!(fast.is_ok(), by_text.is_ok(), "{text}");
            if let (Ok(fast), Ok(row)) = (&fast, &by_text) {
                assert_eq!(fast.event_json(), row.event_json(), "{text}");
            }
            return by_text;
        }
        normalize_json(text.as_bytes(), &env())
    }

    #[test]
    fn numbers_are_stored_exactly_on_every_path() {
        let numbers = "[123456789012345678901234567890,0.1000000000000000055511151231257827,1e-400,1e400,-0,1E5]";
        for text in [
            format!(
                r#"{{"eventId":"N1","eventName":"X","eventTime":"2024-03-01T10:00:00Z","n":{numbers}}}"#
            ),
            // Spaces, an escape serde_json writes another way, a miscased key, a repeated key.
            format!(
                r#"{{ "EventId" : "N1", "eventName":"X", "eventTime": "2024-03-01T10:00:00Z", "s": "a\/b", "n" : {numbers} }}"#
            ),
            format!(
                r#"{{"eventId":"N1","eventName":"X","eventTime":"2024-03-01T10:00:00Z","n":0,"n":{numbers}}}"#
            ),
        ] {
            let row = row_of(&text).unwrap();
            assert!(
                row.event_json().ends_with(&format!(r#""n":{numbers}}}"#)),
                "{}",
                row.event_json()
            );
            assert_eq!(row.dedup_key(), "N1");
        }
        let scalars = r#"{"eventId":"N2","eventName":"X","eventTime":"2024-03-01T10:00:00Z","eventVersion":1E5,"isGlobal":-0,"userIdentity":{"accountId":123456789012345678901234567890}}"#;
        let row = row_of(scalars).unwrap();
        assert_eq!(scalar(&row, "eventVersion"), Some("1E5"));
        assert_eq!(scalar(&row, "isGlobal"), Some("-0"));
        assert_eq!(row.text(ACCOUNT_ID), Some("123456789012345678901234567890"));
        let stringified = r#"{"eventId":"N3","eventName":"X","eventTime":"2024-03-01T10:00:00Z","userIdentity":"{\"accountId\": 1e400}"}"#;
        let row = row_of(stringified).unwrap();
        assert!(
            row.event_json()
                .contains(r#""userIdentity":{"accountId":1e400}"#),
            "{}",
            row.event_json()
        );
        assert_eq!(row.text(ACCOUNT_ID), Some("1e400"));
    }

    #[test]
    fn too_deep_and_out_of_range_events_are_refused_with_a_reason() {
        let nested = |n: usize| {
            format!(
                r#"{{"eventName":"X","eventTime":"2024-03-01T10:00:00Z","a":{}1{}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        assert!(row_of(&nested(MAX_DEPTH - 1)).is_ok());
        assert_eq!(row_of(&nested(MAX_DEPTH)), Err(NormalizeError::TooDeep));
        assert_eq!(row_of(&nested(10_000)), Err(NormalizeError::TooDeep));
        for (time, expected) in [
            ("\"0000-01-01T00:00:00Z\"", Ok(EARLIEST_TIME)),
            ("\"9999-12-31T23:59:59Z\"", Ok(LATEST_TIME)),
            (
                "\"0000-01-01T00:00:00+01:00\"",
                Err(NormalizeError::TimeOutOfRange(EARLIEST_TIME - 3600)),
            ),
            (
                "253402300800",
                Err(NormalizeError::TimeOutOfRange(LATEST_TIME + 1)),
            ),
            (
                "-9223372036854775808",
                Err(NormalizeError::TimeOutOfRange(i64::MIN)),
            ),
            ("1e400", Err(NormalizeError::BadTime("1e400".into()))),
            ("0", Ok(0)),
        ] {
            let text = format!(r#"{{"eventName":"X","eventTime":{time}}}"#);
            assert_eq!(row_of(&text).map(|r| r.time), expected, "{text}");
        }
        assert_eq!(date_of(EARLIEST_TIME), "0000-01-01");
        assert_eq!(date_of(LATEST_TIME), "9999-12-31");
    }

    #[test]
    fn dedup_keys_keep_types_apart_and_blank_ids_fall_back_to_content() {
        let key = |id: &str| {
            let text =
                format!(r#"{{"eventId":{id},"eventName":"X","eventTime":"2024-03-01T10:00:00Z"}}"#);
            row_of(&text).unwrap().dedup_key().to_string()
        };
        assert_eq!(key(r#""1""#), "1");
        assert_eq!(key("1"), "num:1");
        assert_eq!(key("1.0"), "num:1.0");
        assert_eq!(key("true"), "bool:true");
        assert_eq!(key(r#""E\u0031""#), "E1");
        assert_eq!(key(r#""num:1""#), "str:num:1");
        assert_eq!(key(r#""sha:00""#), "str:sha:00");
        assert_eq!(key(r#""str:x""#), "str:str:x");
        for blank in [r#""""#, r#"" ""#, r#""\t\n""#, "null", "{}", "[1]"] {
            assert!(key(blank).starts_with("sha:"), "{blank}");
        }
        assert_ne!(key(r#"" ""#), key(r#""  ""#));
    }

    #[test]
    fn text_and_tree_agree_on_every_bundled_event() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let mut seen = 0;
        for file in [
            "query/events.ndjson",
            "sql/events.ndjson",
            "kms/events.ndjson",
        ] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            for line in text.lines().filter(|l| l.starts_with('{')) {
                assert_same_row(line);
                seen += 1;
            }
        }
        assert_eq!(seen, 97);
    }
}
