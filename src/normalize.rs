//! Turns one raw ActionTrail event (a JSON object, parsed leniently) into an [`EventRow`]: the
//! values of every stored column. Top-level keys are matched case-insensitively and written back
//! in their canonical spelling; every other key and value is kept as it came.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime};
use serde_json::{Map, Value};

use crate::kms_key::{derive_key_id, KMS_KEY_RESOURCE_TYPE};
use crate::rawjson::{self, minify_exact, FieldSpan, RawObject};
use crate::rows::{RowBuilder, RowRef};
use crate::schema::{
    self, canonical_top_level, is_miscased_top_level, TOP_LEVEL_SCALARS, USER_IDENTITY_LEAVES,
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

/// One event, ready to store: the value of every column of [`crate::schema::columns`].
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// `__time__`: unix seconds of `eventTime`.
    pub time: i64,
    /// `__topic__`.
    pub topic: String,
    /// `event`: the event as compact JSON.
    pub event_json: String,
    /// `event.<name>` for each of [`TOP_LEVEL_SCALARS`], in that order.
    pub scalars: Vec<Option<String>>,
    /// `event.userIdentity.<name>` for each of [`USER_IDENTITY_LEAVES`], in that order.
    pub identity: Vec<Option<String>>,
    /// `keytrail.kmsKeyId`.
    pub kms_key_id: Option<String>,
    /// `keytrail.key`: `eventId`, or `sha:<blake3 of the compact JSON>` without one.
    pub dedup_key: String,
    /// `keytrail.insight`: true for ActionTrail Insight events.
    pub insight: bool,
    /// `keytrail.origin`: `<file>#<position>`.
    pub origin: String,
}

impl EventRow {
    /// The UTC date (`YYYY-MM-DD`) of the event: its store partition.
    pub fn date(&self) -> String {
        date_of(self.time)
    }
}

/// The UTC date (`YYYY-MM-DD`) of unix time `time`: the store partition of an event at that
/// time (`1970-01-01` when out of chrono's range).
pub fn date_of(time: i64) -> String {
    DateTime::from_timestamp(time, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "1970-01-01".to_string())
}

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
    /// The object carries none of the fields that make an ActionTrail event.
    #[error("not an ActionTrail event: no eventName, eventId or eventType")]
    NotAnEvent,
    /// The text is not valid JSON.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
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

/// Normalizes one event value.
pub fn normalize(value: Value, envelope: &Envelope) -> Result<EventRow, NormalizeError> {
    let Value::Object(raw) = value else {
        return Err(NormalizeError::NotAnObject(json_kind(&value)));
    };
    let mut event = canonicalize_keys(raw);
    decode_stringified_identity(&mut event);
    if !["eventName", "eventId", "eventType"]
        .iter()
        .any(|k| event.contains_key(*k))
    {
        return Err(NormalizeError::NotAnEvent);
    }
    let time = event_time(&event, envelope.time)?;
    let event_json = serde_json::to_string(&event).expect("a JSON map always serializes");
    let mut scalars: Vec<Option<String>> = TOP_LEVEL_SCALARS
        .iter()
        .map(|k| event.get(*k).and_then(scalar_text))
        .collect();
    fill_request_parameter_json(&event, &mut scalars);
    Ok(assemble(
        envelope,
        Fields {
            time,
            scalars,
            identity: identity_leaves(&event),
            kms_key_id: derive_key_id(&event),
            insight: is_insight(&event),
        },
        event_json,
    ))
}

/// Normalizes one event given as JSON text, giving the same row as parsing it and calling
/// [`normalize`]. When the minified text is exactly what [`normalize`] would store (top-level
/// keys canonical and distinct, `userIdentity` an object, integer numbers, the escapes
/// `serde_json` writes), the fields are read from it without building a tree.
pub fn normalize_json(bytes: &[u8], envelope: &Envelope) -> Result<EventRow, NormalizeError> {
    let valid = std::str::from_utf8(bytes).is_ok()
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok();
    if valid {
        normalize_valid_json(bytes, envelope)
    } else {
        normalize_tree(bytes, envelope)
    }
}

/// [`normalize_json`] for text already known to be valid JSON in UTF-8 (a reader checked it).
pub fn normalize_valid_json(bytes: &[u8], envelope: &Envelope) -> Result<EventRow, NormalizeError> {
    let mut scratch = Vec::new();
    if let Some(row) =
        minified(bytes, &mut scratch).and_then(|text| compact_row(text, None, envelope))
    {
        return row.map(|row| row.to_event_row());
    }
    normalize_tree(bytes, envelope)
}

/// Normalizes one event given as valid JSON text (as [`normalize_valid_json`]) and appends its
/// row to `rows`; `scratch` is working space, reused from event to event so that a plain event
/// costs no allocation.
pub fn normalize_into(
    bytes: &[u8],
    envelope: &Envelope,
    scratch: &mut Vec<u8>,
    rows: &mut RowBuilder,
) -> Result<(), NormalizeError> {
    if let Some(row) = minified(bytes, scratch).and_then(|text| compact_row(text, None, envelope)) {
        return row.map(|row| rows.push(&row));
    }
    let row = normalize_tree(bytes, envelope)?;
    rows.push(&row.as_row_ref());
    Ok(())
}

/// [`normalize_into`] for an event a reader already checked and minified
/// ([`rawjson::minify_object`]): `text` is its compact JSON, `fields` where its top-level
/// fields sit, `raw` its text as read (for the tree when the text way cannot say).
pub fn normalize_compact_into(
    raw: &[u8],
    text: &str,
    fields: &[FieldSpan],
    envelope: &Envelope,
    scratch: &mut Vec<u8>,
    rows: &mut RowBuilder,
) -> Result<(), NormalizeError> {
    match compact_row(text, Some(fields), envelope) {
        Some(row) => row.map(|row| rows.push(&row)),
        None => normalize_into(raw, envelope, scratch, rows),
    }
}

/// Parses the text to a tree and normalizes that.
fn normalize_tree(bytes: &[u8], envelope: &Envelope) -> Result<EventRow, NormalizeError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => normalize(value, envelope),
        Err(e) => Err(NormalizeError::InvalidJson(e.to_string())),
    }
}

/// The minified text of a JSON object, written to `out`, when it is exactly what parsing and
/// re-serializing would give.
fn minified<'a>(bytes: &[u8], out: &'a mut Vec<u8>) -> Option<&'a str> {
    if bytes.first() != Some(&b'{') {
        return None;
    }
    out.clear();
    if !minify_exact(bytes, out) {
        return None;
    }
    std::str::from_utf8(out).ok()
}

/// The row of a compact event, its texts borrowed from `event_json` where they can be; `None`
/// when the event needs the tree. Its top-level fields are found from `spans` when given.
fn compact_row<'a>(
    event_json: &'a str,
    spans: Option<&[FieldSpan]>,
    envelope: &'a Envelope,
) -> Option<Result<RowRef<'a>, NormalizeError>> {
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
        Some(raw) if raw.starts_with('"') => return None,
        Some(raw) => RawObject::parse(raw),
        None => None,
    };
    if [slot!("eventName"), slot!("eventId"), slot!("eventType")]
        .iter()
        .all(|&slot| event.get(slot).is_none())
    {
        return Some(Err(NormalizeError::NotAnEvent));
    }
    let time = match compact_event_time(&event, envelope.time)? {
        Ok(time) => time,
        Err(e) => return Some(Err(e)),
    };
    let mut scalars: [Option<Cow<str>>; TOP_LEVEL_SCALARS.len()] =
        std::array::from_fn(|i| event.slots[i].and_then(rawjson::scalar_text));
    let params_index = slot!("requestParameterJson");
    if scalars[params_index].is_none() {
        scalars[params_index] = event
            .get(slot!("requestParameters"))
            .filter(|raw| raw.starts_with('{'))
            .map(Cow::Borrowed);
    }
    let text_is = |slot: usize, want: &str| {
        event
            .get(slot)
            .and_then(rawjson::string_value)
            .is_some_and(|s| s.eq_ignore_ascii_case(want))
    };
    let kms_key_id = match may_name_a_key(&event) {
        true => derive_key_id(&key_fields(&event)?).map(Cow::Owned),
        false => None,
    };
    let dedup_key = dedup_key(scalars[slot!("eventId")].clone(), event_json);
    Some(Ok(RowRef {
        time,
        topic: envelope.topic.as_deref().unwrap_or(DEFAULT_TOPIC),
        event_json,
        identity: std::array::from_fn(|i| {
            identity
                .as_ref()?
                .get(USER_IDENTITY_LEAVES[i])
                .and_then(rawjson::scalar_text)
        }),
        kms_key_id,
        dedup_key,
        insight: text_is(slot!("eventType"), "ActionTrailInsight")
            || text_is(slot!("eventCategory"), "Insight"),
        origin: &envelope.origin,
        scalars,
    }))
}

/// The top-level fields of a compact event, each in its slot of [`schema::top_level_slot`]:
/// one lookup per field instead of a scan of the fields per column.
struct TopLevel<'a> {
    slots: [Option<&'a str>; schema::TOP_LEVEL_KEYS],
}

impl<'a> TopLevel<'a> {
    /// Slots the fields of `event`; `None` when a key is repeated or a known key is spelled in
    /// another letter case (the tree path handles both).
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

/// `eventTime` of a compact event as [`event_time`] reads it; `None` when only the tree can
/// say what is wrong with it.
fn compact_event_time(
    event: &TopLevel,
    envelope_time: Option<i64>,
) -> Option<Result<i64, NormalizeError>> {
    match event.get(slot!("eventTime")) {
        None | Some("null") => Some(envelope_time.ok_or(NormalizeError::MissingTime)),
        Some(raw) if raw.starts_with('"') => {
            let text = rawjson::string_value(raw)?;
            Some(parse_event_time(&text).ok_or_else(|| NormalizeError::BadTime(text.into_owned())))
        }
        Some(raw) => raw.parse::<i64>().ok().map(Ok),
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
/// `responseElements` only `KeyId` and `KeyMetadata.KeyId` (they can be large).
fn key_fields(event: &TopLevel) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    let whole = [
        ("resourceType", slot!("resourceType")),
        ("resourceName", slot!("resourceName")),
        ("referencedResources", slot!("referencedResources")),
    ];
    for (key, slot) in whole {
        if let Some(raw) = event.get(slot) {
            map.insert(key.to_string(), serde_json::from_str(raw).ok()?);
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
            map.insert(key.to_string(), shallow_object(raw, paths)?);
        }
    }
    Some(map)
}

/// `raw` as a value keeping only the members named in `keep` (whole), when it is an object;
/// anything else parsed whole.
fn shallow_object(raw: &str, keep: &[&str]) -> Option<Value> {
    let Some(object) = RawObject::parse(raw) else {
        return serde_json::from_str(raw).ok();
    };
    let mut kept = Map::new();
    for key in keep {
        if let Some(member) = object.get(key) {
            kept.insert(key.to_string(), serde_json::from_str(member).ok()?);
        }
    }
    Some(Value::Object(kept))
}

/// The column values of an event besides its JSON and envelope.
struct Fields {
    time: i64,
    scalars: Vec<Option<String>>,
    identity: Vec<Option<String>>,
    kms_key_id: Option<String>,
    insight: bool,
}

/// The row of an event: its fields, its JSON, its dedup key and its envelope.
fn assemble(envelope: &Envelope, fields: Fields, event_json: String) -> EventRow {
    let event_id = fields.scalars[scalar_index("eventId")].as_deref();
    let dedup_key = dedup_key(event_id.map(Cow::Borrowed), &event_json).into_owned();
    EventRow {
        time: fields.time,
        topic: envelope
            .topic
            .clone()
            .unwrap_or_else(|| DEFAULT_TOPIC.to_string()),
        event_json,
        scalars: fields.scalars,
        identity: fields.identity,
        kms_key_id: fields.kms_key_id,
        dedup_key,
        insight: fields.insight,
        origin: envelope.origin.clone(),
    }
}

/// The dedup key of an event: its `eventId`, or `sha:<blake3 of its compact JSON>` when it has
/// none (or an empty one).
fn dedup_key<'a>(event_id: Option<Cow<'a, str>>, event_json: &str) -> Cow<'a, str> {
    match event_id {
        Some(id) if !id.is_empty() => id,
        _ => Cow::Owned(format!(
            "sha:{}",
            blake3::hash(event_json.as_bytes()).to_hex()
        )),
    }
}

/// The position of a top-level field among [`TOP_LEVEL_SCALARS`].
fn scalar_index(name: &str) -> usize {
    TOP_LEVEL_SCALARS
        .iter()
        .position(|k| *k == name)
        .expect("a stored top-level field")
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

fn event_time(
    event: &Map<String, Value>,
    envelope_time: Option<i64>,
) -> Result<i64, NormalizeError> {
    match event.get("eventTime") {
        Some(Value::String(s)) => {
            parse_event_time(s).ok_or_else(|| NormalizeError::BadTime(s.clone()))
        }
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64().unwrap()),
        Some(other) if !other.is_null() => Err(NormalizeError::BadTime(other.to_string())),
        _ => envelope_time.ok_or(NormalizeError::MissingTime),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Renames known top-level keys to their canonical spelling (`EventName` → `eventName`).
fn canonicalize_keys(raw: Map<String, Value>) -> Map<String, Value> {
    if raw
        .keys()
        .all(|k| canonical_top_level(k).is_none_or(|c| c == k))
    {
        return raw;
    }
    raw.into_iter()
        .map(|(k, v)| match canonical_top_level(&k) {
            Some(c) => (c.to_string(), v),
            None => (k, v),
        })
        .collect()
}

/// Some LookupEvents outputs carry `userIdentity` as a JSON string: decode it in place.
fn decode_stringified_identity(event: &mut Map<String, Value>) {
    if let Some(Value::String(s)) = event.get("userIdentity") {
        if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(s) {
            event.insert("userIdentity".to_string(), v);
        }
    }
}

/// The text of a scalar JSON value as SLS indexes it: strings as-is, numbers and booleans as
/// their JSON text. Objects, arrays and null give `None`.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn fill_request_parameter_json(event: &Map<String, Value>, scalars: &mut [Option<String>]) {
    let index = scalar_index("requestParameterJson");
    if scalars[index].is_none() {
        if let Some(params @ Value::Object(_)) = event.get("requestParameters") {
            scalars[index] = Some(params.to_string());
        }
    }
}

fn identity_leaves(event: &Map<String, Value>) -> Vec<Option<String>> {
    let identity = event.get("userIdentity").and_then(Value::as_object);
    USER_IDENTITY_LEAVES
        .iter()
        .map(|leaf| identity.and_then(|m| m.get(*leaf)).and_then(scalar_text))
        .collect()
}

fn is_insight(event: &Map<String, Value>) -> bool {
    let field_is = |key: &str, want: &str| {
        event
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(want))
    };
    field_is("eventType", "ActionTrailInsight") || field_is("eventCategory", "Insight")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env() -> Envelope {
        Envelope {
            origin: "f#0".into(),
            ..Default::default()
        }
    }

    fn scalar<'a>(row: &'a EventRow, name: &str) -> Option<&'a str> {
        let i = TOP_LEVEL_SCALARS.iter().position(|k| *k == name).unwrap();
        row.scalars[i].as_deref()
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
        assert_eq!(row.identity[0].as_deref(), Some("ram-user"));
        assert_eq!(row.identity[1].as_deref(), Some("alice"));
        assert_eq!(row.kms_key_id.as_deref(), Some("key-1"));
        assert_eq!(row.dedup_key, "E1");
        assert_eq!(row.topic, DEFAULT_TOPIC);
        assert!(row.event_json.contains("\"eventName\":\"DescribeKey\""));
        assert!(row.event_json.contains("\"extend\":\"2\""));
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
        assert!(row.dedup_key.starts_with("sha:"));
        assert!(row.insight);
        assert_eq!(row.dedup_key, normalize(ev, &env()).unwrap().dedup_key);
    }

    #[test]
    fn envelope_time_is_a_fallback_only() {
        let e = Envelope {
            time: Some(100),
            topic: Some("actiontrail_event".into()),
            origin: String::new(),
        };
        let row = normalize(json!({"eventName": "X"}), &e).unwrap();
        assert_eq!((row.time, row.topic.as_str()), (100, "actiontrail_event"));
        assert_eq!(parse_event_time("2024-03-01 10:00:00"), Some(1709287200));
        assert_eq!(
            parse_event_time("2024-03-01T18:00:00+08:00"),
            Some(1709287200)
        );
    }

    /// Both ways of normalizing agree, whichever way `normalize_json` takes.
    /// Whichever way it goes, the text path gives the tree's row, and so does the row pushed
    /// to a batch.
    fn assert_same_row(text: &str) {
        let value: Value = serde_json::from_str(text).unwrap();
        let tree = normalize(value, &env());
        assert_eq!(normalize_json(text.as_bytes(), &env()), tree, "{text}");
        let mut rows = RowBuilder::default();
        let pushed = normalize_into(text.as_bytes(), &env(), &mut Vec::new(), &mut rows);
        assert_eq!(pushed.is_ok(), tree.is_ok(), "{text}");
        if let Ok(tree) = tree {
            let batches = rows.finish();
            let expected = crate::rows::RowBatch::of_rows([&tree]);
            for column in 0..crate::rows::TEXT_COLUMNS {
                assert_eq!(
                    batches[0].text(column, 0),
                    expected[0].text(column, 0),
                    "{text}: column {column}"
                );
            }
            assert_eq!(batches[0].time(0), tree.time);
        }
    }

    /// Whether `text` takes the way without a tree.
    fn takes_text_path(text: &str) -> bool {
        let (envelope, mut scratch) = (env(), Vec::new());
        minified(text.as_bytes(), &mut scratch)
            .and_then(|compact| compact_row(compact, None, &envelope))
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
        assert!(!takes_text_path(float));
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
