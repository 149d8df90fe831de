//! Classifies one top-level JSON value of an input file: an SLS log record wrapping an event as
//! a JSON string, a LookupEvents response page, or a plain event; and unwraps it into events.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::{truncate_raw, EventBody, RawEvent, RawReject, Record};
use crate::event::rawjson::{self, FieldSpan, RawObject};

/// What kind of value a file holds, as far as one value tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A plain event object (OSS delivery element, NDJSON line, single event).
    Event,
    /// An SLS record: `__topic__`/`__time__` plus the event as a JSON string in `event`.
    Sls,
    /// A LookupEvents response page: `{"Events": [...]}` or `{"Events": "<json>"}`.
    Lookup,
}

/// Unwraps `value` (read at `position`) into records pushed to `out`; returns its kind, or
/// `None` when the value could not be classified (it is then rejected).
pub fn expand(value: Value, position: String, out: &mut Vec<Record<'static>>) -> Option<ItemKind> {
    match value {
        Value::Object(map) if find_key(&map, "Events").is_some() => {
            expand_lookup_page(map, &position, out);
            Some(ItemKind::Lookup)
        }
        Value::Object(map) if is_sls_record(&map) => {
            out.push(expand_sls_record(map, position));
            Some(ItemKind::Sls)
        }
        Value::Array(items) => {
            let mut kind = None;
            for (i, item) in items.into_iter().enumerate() {
                let k = expand(item, format!("{position}[{i}]"), out);
                kind = kind.or(k);
            }
            kind
        }
        other => {
            out.push(Record::Event(RawEvent {
                body: EventBody::Value(other),
                topic: None,
                time: None,
                position,
            }));
            Some(ItemKind::Event)
        }
    }
}

/// Unwraps a LookupEvents page with an `Events` array (or string holding one), or an SLS record
/// whose `event` is an object or a string holding valid JSON, from its JSON text (read at `position`) without parsing it to a
/// value: each event is passed on as its text, so every number keeps its text (`1e400`, 30
/// digits). `None`, with nothing pushed, for anything else, and for what these rules leave to
/// [`expand`] (a repeated top-level key, invalid JSON or UTF-8, nesting past
/// [`rawjson::MAX_DEPTH`]): the caller then parses the value and calls [`expand`].
pub fn expand_exact(
    bytes: &[u8],
    position: &str,
    out: &mut Vec<Record<'static>>,
) -> Option<ItemKind> {
    let compact = checked_compact(bytes)?;
    let object = RawObject::parse(&compact)?;
    let mut keys: Vec<&str> = object.fields.iter().map(|(k, _)| k.as_ref()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let mut events_keys = object
        .fields
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Events"));
    if let Some((_, events)) = events_keys.next() {
        if events_keys.next().is_some() {
            return None;
        }
        let texts = page_event_texts(events)?;
        for (i, text) in texts.into_iter().enumerate() {
            out.push(Record::Event(RawEvent {
                body: EventBody::Json(Cow::Owned(text.into_bytes())),
                topic: None,
                time: None,
                position: format!("{position} Events[{i}]"),
            }));
        }
        return Some(ItemKind::Lookup);
    }
    let is_sls = object.get("__topic__").is_some()
        || (object.get("__time__").is_some() && object.get("event").is_some());
    let event = object.get("event").filter(|_| is_sls)?;
    let text = match rawjson::string_value(event) {
        Some(text) if serde_json::from_str::<IgnoredAny>(&text).is_ok() => text.into_owned(),
        None if event.starts_with('{') => event.to_string(),
        _ => return None,
    };
    out.push(Record::Event(RawEvent {
        body: EventBody::Json(Cow::Owned(text.into_bytes())),
        topic: object
            .get("__topic__")
            .and_then(rawjson::string_value)
            .map(Cow::into_owned),
        time: object.get("__time__").and_then(sls_time),
        position: position.to_string(),
    }));
    Some(ItemKind::Sls)
}

/// The canonical compact text of `bytes` when they are valid JSON in UTF-8 nested at most
/// [`rawjson::MAX_DEPTH`] deep (numbers as written).
fn checked_compact(bytes: &[u8]) -> Option<String> {
    std::str::from_utf8(bytes).ok()?;
    serde_json::from_slice::<IgnoredAny>(bytes).ok()?;
    let mut compact = Vec::with_capacity(bytes.len());
    rawjson::minify_canonical(bytes, 0, &mut compact).ok()?;
    String::from_utf8(compact).ok()
}

/// The compact texts of the events of a page's `Events` value (compact): an array, or a string
/// holding one. `None` for anything else (left to [`expand`], which rejects it).
fn page_event_texts(events: &str) -> Option<Vec<String>> {
    let inner;
    let array = match rawjson::string_value(events) {
        Some(text) => {
            inner = checked_compact(text.as_bytes())?;
            inner.as_str()
        }
        None => events,
    };
    let texts = rawjson::elements(array)?;
    Some(texts.into_iter().map(str::to_string).collect())
}

/// `__time__` of an SLS record from its raw value, read as [`expand`] reads it: an integer
/// number, or a string holding one.
fn sls_time(raw: &str) -> Option<i64> {
    match rawjson::string_value(raw) {
        Some(text) => text.trim().parse().ok(),
        None => serde_json::from_str::<Value>(raw).ok()?.as_i64(),
    }
}

/// Whether `bytes` are a syntactically valid JSON object in UTF-8 that is a plain event, not an
/// SLS record or a LookupEvents page (checked from its keys, without building the value).
pub fn is_plain_event_object(bytes: &[u8]) -> bool {
    if bytes.first() != Some(&b'{') || std::str::from_utf8(bytes).is_err() {
        return false;
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let keys = match de.deserialize_map(TopKeysVisitor) {
        Ok(keys) if de.end().is_ok() => keys,
        _ => return false,
    };
    keys.is_plain_event()
}

/// Whether `bytes` are a valid JSON object that can be an element of an archive's array: an
/// event (with an `eventId`, `eventName` or `eventType` key in any letter case), an SLS record or
/// a LookupEvents page. Used to tell the next element apart from a nested object when reading
/// resumes after damage.
pub fn is_element_like(bytes: &[u8]) -> bool {
    if bytes.first() != Some(&b'{') {
        return false;
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match de.deserialize_map(TopKeysVisitor) {
        Ok(keys) if de.end().is_ok() => keys.event_key || !keys.is_plain_event(),
        _ => false,
    }
}

/// Whether a compact object (checked by [`crate::event::rawjson::minify_object`], its top-level
/// fields at `fields`) is a plain event, not an SLS record or a LookupEvents page.
pub fn is_plain_event_fields(text: &str, fields: &[FieldSpan]) -> bool {
    let mut keys = TopKeys::default();
    for span in fields {
        match span.get(text) {
            Some((key, _)) => keys.see(&key),
            None => return false,
        }
    }
    keys.is_plain_event()
}

/// The top-level keys that make an object an envelope rather than an event.
#[derive(Default)]
struct TopKeys {
    /// An `eventId`, `eventName` or `eventType` key (any letter case).
    event_key: bool,
    events: bool,
    topic: bool,
    time: bool,
    event: bool,
}

struct TopKeysVisitor;

impl TopKeys {
    fn see(&mut self, key: &str) {
        match key {
            "__topic__" => self.topic = true,
            "__time__" => self.time = true,
            "event" => self.event = true,
            k if k.eq_ignore_ascii_case("Events") => self.events = true,
            k if ["eventId", "eventName", "eventType"]
                .iter()
                .any(|e| k.eq_ignore_ascii_case(e)) =>
            {
                self.event_key = true
            }
            _ => {}
        }
    }

    fn is_plain_event(&self) -> bool {
        !(self.events || self.topic || (self.time && self.event))
    }
}

impl<'de> Visitor<'de> for TopKeysVisitor {
    type Value = TopKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopKeys, A::Error> {
        let mut keys = TopKeys::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            keys.see(&key);
            map.next_value::<IgnoredAny>()?;
        }
        Ok(keys)
    }
}

fn find_key<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.keys()
        .find(|k| k.eq_ignore_ascii_case(key))
        .map(String::as_str)
}

fn is_sls_record(map: &Map<String, Value>) -> bool {
    map.contains_key("__topic__") || (map.contains_key("__time__") && map.contains_key("event"))
}

fn reject(position: String, reason: impl Into<String>, raw: &str) -> Record<'static> {
    Record::Reject(RawReject {
        position,
        reason: reason.into(),
        raw: truncate_raw(raw.as_bytes()),
    })
}

fn expand_lookup_page(mut map: Map<String, Value>, position: &str, out: &mut Vec<Record<'static>>) {
    let key = find_key(&map, "Events")
        .map(str::to_string)
        .unwrap_or_default();
    let events = map.remove(&key).unwrap_or(Value::Null);
    let events = match events {
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(parsed) => parsed,
            Err(e) => {
                let reason = format!("LookupEvents \"Events\" string is not valid JSON: {e}");
                return out.push(reject(position.to_string(), reason, &text));
            }
        },
        other => other,
    };
    match events {
        Value::Array(items) => {
            for (i, value) in items.into_iter().enumerate() {
                let position = format!("{position} Events[{i}]");
                out.push(Record::Event(RawEvent {
                    body: EventBody::Value(value),
                    topic: None,
                    time: None,
                    position,
                }));
            }
        }
        other => {
            let reason = "LookupEvents \"Events\" is not an array of events";
            out.push(reject(position.to_string(), reason, &other.to_string()));
        }
    }
}

fn expand_sls_record(mut map: Map<String, Value>, position: String) -> Record<'static> {
    let topic = map
        .get("__topic__")
        .and_then(Value::as_str)
        .map(str::to_string);
    let time = map.get("__time__").and_then(|t| match t {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let value = match map.remove("event") {
        // Passed on as its text, not parsed to a value: its numbers stay exactly as written.
        Some(Value::String(text)) => match serde_json::from_str::<IgnoredAny>(&text) {
            Ok(_) => {
                return Record::Event(RawEvent {
                    body: EventBody::Json(Cow::Owned(text.into_bytes())),
                    topic,
                    time,
                    position,
                })
            }
            Err(_) => {
                let e = serde_json::from_str::<Value>(&text).err();
                let reason = e.map_or_else(|| "invalid JSON".to_string(), |e| e.to_string());
                return reject(
                    position,
                    format!("SLS field \"event\" is not valid JSON: {reason}"),
                    &text,
                );
            }
        },
        Some(value @ Value::Object(_)) => value,
        Some(other) => {
            let reason = "SLS field \"event\" is neither a JSON string nor an object";
            return reject(position, reason, &other.to_string());
        }
        // An event written inline beside the SLS reserved fields: the event is the rest.
        None if ["eventName", "eventId", "eventType"]
            .iter()
            .any(|k| map.contains_key(*k)) =>
        {
            map.retain(|k, _| !(k.starts_with("__") || k.starts_with("__tag__:")));
            Value::Object(map)
        }
        None => {
            let raw = Value::Object(map).to_string();
            return reject(position, "SLS record has no \"event\" field", &raw);
        }
    };
    Record::Event(RawEvent {
        body: EventBody::Value(value),
        topic,
        time,
        position,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(value: Value) -> (Option<ItemKind>, Vec<Record<'static>>) {
        let mut out = Vec::new();
        let kind = expand(value, "line 1".into(), &mut out);
        (kind, out)
    }

    #[test]
    fn sls_record_unwraps_event_string_with_int_or_string_time() {
        for time in [json!(1709287200), json!("1709287200")] {
            let (kind, out) = run(json!({"__time__": time, "__topic__": "actiontrail_event",
                "__source__": "log_service", "event": "{\"eventName\":\"Decrypt\"}"}));
            assert_eq!(kind, Some(ItemKind::Sls));
            assert_eq!(
                out,
                vec![Record::Event(RawEvent {
                    body: EventBody::Json(Cow::Borrowed(b"{\"eventName\":\"Decrypt\"}")),
                    topic: Some("actiontrail_event".into()),
                    time: Some(1709287200),
                    position: "line 1".into()
                })]
            );
        }
    }

    #[test]
    fn sls_record_with_the_event_inline_keeps_its_topic() {
        let (_, out) = run(json!({"__topic__": "actiontrail_event", "__time__": 5,
            "eventId": "E", "eventName": "StopInstance"}));
        assert_eq!(
            out,
            vec![Record::Event(RawEvent {
                body: EventBody::Value(json!({"eventId": "E", "eventName": "StopInstance"})),
                topic: Some("actiontrail_event".into()),
                time: Some(5),
                position: "line 1".into()
            })]
        );
        let (_, out) = run(json!({"__topic__": "actiontrail_event", "other": 1}));
        assert!(
            matches!(&out[0], Record::Reject(r) if r.reason == "SLS record has no \"event\" field")
        );
    }

    #[test]
    fn sls_record_with_broken_event_is_rejected() {
        let (_, out) = run(json!({"__topic__": "actiontrail_audit_event", "event": "{oops"}));
        let Record::Reject(r) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(
            r.reason
                .starts_with("SLS field \"event\" is not valid JSON"),
            "{}",
            r.reason
        );
        assert_eq!(r.raw, "{oops");
    }

    #[test]
    fn lookup_pages_with_array_or_string() {
        let (kind, out) =
            run(json!({"RequestId": "r", "Events": [{"eventId": "a"}, {"eventId": "b"}]}));
        assert_eq!(kind, Some(ItemKind::Lookup));
        assert_eq!(out.len(), 2);
        let Record::Event(e) = &out[1] else { panic!() };
        assert_eq!(
            (e.position.as_str(), e.value()),
            ("line 1 Events[1]", json!({"eventId": "b"}))
        );
        let (_, out) = run(json!({"Events": "[{\"eventId\":\"c\"}]", "NextToken": ""}));
        let Record::Event(e) = &out[0] else { panic!() };
        assert_eq!(e.value(), json!({"eventId": "c"}));
        let (_, out) = run(json!({"Events": 3}));
        assert!(matches!(&out[0], Record::Reject(r) if r.reason.contains("not an array")));
    }

    fn exact(bytes: &[u8]) -> (Option<ItemKind>, Vec<Record<'static>>) {
        let mut out = Vec::new();
        let kind = expand_exact(bytes, "line 1", &mut out);
        (kind, out)
    }

    fn json_event(
        text: &str,
        topic: Option<&str>,
        time: Option<i64>,
        position: &str,
    ) -> Record<'static> {
        Record::Event(RawEvent {
            body: EventBody::Json(Cow::Owned(text.as_bytes().to_vec())),
            topic: topic.map(str::to_string),
            time,
            position: position.into(),
        })
    }

    #[test]
    fn pages_and_sls_object_events_keep_their_number_text() {
        let page = br#"{"RequestId": "r", "Events": [ {"eventId": "a", "n": 1e400},
            {"eventId": "b", "m": [123456789012345678901234567890, 1E5]} ]}"#;
        assert_eq!(
            exact(page),
            (
                Some(ItemKind::Lookup),
                vec![
                    json_event(
                        r#"{"eventId":"a","n":1e400}"#,
                        None,
                        None,
                        "line 1 Events[0]"
                    ),
                    json_event(
                        r#"{"eventId":"b","m":[123456789012345678901234567890,1E5]}"#,
                        None,
                        None,
                        "line 1 Events[1]"
                    ),
                ]
            )
        );
        let (kind, out) = exact(br#"{"Events": "[{\"n\": 1e400}]", "NextToken": ""}"#);
        assert_eq!(kind, Some(ItemKind::Lookup));
        assert_eq!(
            out,
            vec![json_event(r#"{"n":1e400}"#, None, None, "line 1 Events[0]")]
        );
        let sls = br#"{"__topic__": "t", "__time__": 1e400, "event": "{\"n\": 1E5}"}"#;
        assert_eq!(
            exact(sls),
            (
                Some(ItemKind::Sls),
                vec![json_event(r#"{"n": 1E5}"#, Some("t"), None, "line 1")]
            )
        );
        let sls = br#"{"__topic__": "actiontrail_event", "__time__": "7", "event": {"n": 1E5}}"#;
        assert_eq!(
            exact(sls),
            (
                Some(ItemKind::Sls),
                vec![json_event(
                    r#"{"n":1E5}"#,
                    Some("actiontrail_event"),
                    Some(7),
                    "line 1"
                )]
            )
        );
    }

    #[test]
    fn what_expand_exact_leaves_to_expand() {
        for bytes in [
            &br#"{"eventId": "a"}"#[..],
            br#"{"__topic__": "t", "event": "{oops"}"#,
            br#"{"__topic__": "t", "event": 3}"#,
            br#"{"__topic__": "t", "eventId": "E"}"#,
            br#"{"Events": 3}"#,
            br#"{"Events": [], "Events": []}"#,
            br#"{"Events": [], "events": []}"#,
            br#"{"Events": [{"a": "\ud800"}]}"#,
            br#"{"Events": [1,]}"#,
            b"{\"Events\": [\"\xff\"]}",
            b"[{\"Events\": []}]",
        ] {
            assert_eq!(
                exact(bytes),
                (None, Vec::new()),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
        let deep = format!("{{\"Events\":{}{}}}", "[".repeat(130), "]".repeat(130));
        assert_eq!(exact(deep.as_bytes()), (None, Vec::new()));
    }

    #[test]
    fn plain_values_pass_through_and_nested_arrays_flatten() {
        let (kind, out) = run(json!([{"eventId": "a"}, [{"eventId": "b"}]]));
        assert_eq!(kind, Some(ItemKind::Event));
        let pos: Vec<_> = out
            .iter()
            .map(|r| match r {
                Record::Event(e) => e.position.clone(),
                Record::Reject(r) => r.position.clone(),
            })
            .collect();
        assert_eq!(pos, vec!["line 1[0]", "line 1[1][0]"]);
    }
}
