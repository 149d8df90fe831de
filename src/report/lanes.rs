//! Section 4 (lifecycle timeline): one lane per key, built from the lifecycle events the kms
//! engine finds (`kms lifecycle --raw`): successful CreateKey / EnableKey / CancelKeyDeletion
//! start an Enabled segment, DisableKey a Disabled one, ScheduleKeyDeletion a PendingDeletion
//! one that ends at the end of its waiting window (then Deleted); every other lifecycle event,
//! every failed one and every cancelled deletion (it also starts Enabled) is a marker.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::frames::{ints, optional_strings, strings};
use super::model::{Lane, Marker, Segment};
use crate::error::Result;
use crate::event::schema;

/// One lifecycle event.
#[derive(Debug, Clone)]
pub struct Change {
    /// When.
    pub time: i64,
    /// Event name.
    pub event: String,
    /// Event id.
    pub event_id: String,
    /// `success` or the error code.
    pub result: String,
    /// PendingWindowInDays of a ScheduleKeyDeletion.
    pub days: Option<i64>,
}

/// The lifecycle events of the raw frame, per key (`keytrail.kmsKeyId`), oldest first.
pub fn changes_by_key(raw: &DataFrame) -> Result<BTreeMap<String, Vec<Change>>> {
    let times = ints(raw, schema::TIME)?;
    let names = strings(raw, schema::EVENT_NAME)?;
    let ids = strings(raw, schema::EVENT_ID)?;
    let keys = strings(raw, schema::KMS_KEY_ID)?;
    let errors = optional_strings(raw, schema::ERROR_CODE)?;
    let params = optional_strings(raw, schema::REQUEST_PARAMETER_JSON)?;
    let mut by_key: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for i in 0..raw.height() {
        let result = match errors[i].as_deref() {
            None | Some("") => "success".to_string(),
            Some(code) => code.to_string(),
        };
        by_key.entry(keys[i].clone()).or_default().push(Change {
            time: times[i],
            event: names[i].clone(),
            event_id: ids[i].clone(),
            result,
            days: params[i].as_deref().and_then(pending_days),
        });
    }
    for changes in by_key.values_mut() {
        changes.sort_by(|a, b| (a.time, &a.event_id).cmp(&(b.time, &b.event_id)));
    }
    Ok(by_key)
}

/// `PendingWindowInDays` of a request (a number or a numeric string).
fn pending_days(params: &str) -> Option<i64> {
    let value: serde_json::Value = serde_json::from_str(params).ok()?;
    let days = value.get("PendingWindowInDays")?;
    days.as_i64()
        .or_else(|| days.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|d| (0..=3650).contains(d))
}

/// The state a successful event starts, if it is a state change.
fn state_of(event: &str) -> Option<&'static str> {
    match event {
        "CreateKey" | "EnableKey" | "CancelKeyDeletion" => Some("Enabled"),
        "DisableKey" => Some("Disabled"),
        "ScheduleKeyDeletion" => Some("PendingDeletion"),
        _ => None,
    }
}

/// The lane of one key over `[start, end)`.
pub fn lane(key_id: &str, changes: &[Change], start: i64, end: i64) -> Lane {
    let mut segments: Vec<Segment> = Vec::new();
    let mut markers = Vec::new();
    let open = |segments: &mut Vec<Segment>, state: &str, at: i64, deletion_at: Option<i64>| {
        if let Some(last) = segments.last_mut() {
            last.end = at;
        }
        segments.push(Segment {
            state: state.to_string(),
            start: at,
            end,
            deletion_at,
        });
    };
    open(
        &mut segments,
        "Unknown",
        start.min(changes.first().map_or(start, |c| c.time)),
        None,
    );
    for c in changes {
        // A waiting window that ended before this event: the key was deleted then.
        if let Some(deleted) = pending_end(&segments).filter(|&d| d <= c.time) {
            open(&mut segments, "Deleted", deleted, None);
        }
        if let Some(state) = state_of(&c.event).filter(|_| c.result == "success") {
            let deletion_at = c
                .days
                .map(|d| c.time + d * 86_400)
                .filter(|_| state == "PendingDeletion");
            open(&mut segments, state, c.time, deletion_at);
            if c.event == "CancelKeyDeletion" {
                markers.push(marker(c));
            }
        } else {
            markers.push(marker(c));
        }
    }
    if let Some(deleted) = pending_end(&segments).filter(|&d| d < end) {
        open(&mut segments, "Deleted", deleted, None);
    }
    segments.retain(|s| s.end > s.start || s.state != "Unknown");
    Lane {
        key_id: key_id.to_string(),
        segments,
        markers,
    }
}

fn marker(c: &Change) -> Marker {
    Marker {
        time: c.time,
        event: c.event.clone(),
        event_id: c.event_id.clone(),
        result: c.result.clone(),
    }
}

/// The end of the waiting window of the last segment, when it is PendingDeletion.
fn pending_end(segments: &[Segment]) -> Option<i64> {
    segments
        .last()
        .filter(|s| s.state == "PendingDeletion")
        .and_then(|s| s.deletion_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(time: i64, event: &str, result: &str, days: Option<i64>) -> Change {
        Change {
            time,
            event: event.into(),
            event_id: format!("e{time}"),
            result: result.into(),
            days,
        }
    }

    #[test]
    fn states_follow_events_and_the_waiting_window_ends_in_deletion() {
        let changes = vec![
            change(10, "CreateKey", "success", None),
            change(20, "DisableKey", "success", None),
            change(25, "UpdateAlias", "success", None),
            change(30, "EnableKey", "Forbidden", None),
            change(40, "ScheduleKeyDeletion", "success", Some(0)),
        ];
        let lane = lane("k", &changes, 0, 100);
        let states: Vec<(&str, i64, i64)> = lane
            .segments
            .iter()
            .map(|s| (s.state.as_str(), s.start, s.end))
            .collect();
        assert_eq!(
            states,
            vec![
                ("Unknown", 0, 10),
                ("Enabled", 10, 20),
                ("Disabled", 20, 40),
                ("PendingDeletion", 40, 40),
                ("Deleted", 40, 100)
            ]
        );
        let markers: Vec<&str> = lane.markers.iter().map(|m| m.event.as_str()).collect();
        assert_eq!(markers, vec!["UpdateAlias", "EnableKey"]);
    }

    #[test]
    fn a_cancelled_deletion_is_enabled_again_and_marked() {
        let changes = vec![
            change(10, "ScheduleKeyDeletion", "success", Some(7)),
            change(20, "CancelKeyDeletion", "success", None),
        ];
        let lane = lane("k", &changes, 0, 100);
        let states: Vec<&str> = lane.segments.iter().map(|s| s.state.as_str()).collect();
        assert_eq!(states, vec!["Unknown", "PendingDeletion", "Enabled"]);
        assert_eq!(lane.markers.len(), 1);
        assert_eq!(lane.markers[0].event, "CancelKeyDeletion");
    }

    #[test]
    fn pending_days_reads_numbers_and_strings() {
        assert_eq!(pending_days(r#"{"PendingWindowInDays":"30"}"#), Some(30));
        assert_eq!(pending_days(r#"{"PendingWindowInDays":7}"#), Some(7));
        assert_eq!(pending_days(r#"{"PendingWindowInDays":"x"}"#), None);
    }
}
