//! The key inventory: every key seen, with its aliases, region, creation, current state as the
//! events show it, first and last use, calls by operation, callers, source IPs and errors.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::aliases::AliasHistory;
use super::{kms_events_search, ALL_ROWS, USER_SQL};
use crate::event::schema;

/// The columns the alias and state statements read (search and SQL parts), besides
/// `event.requestParameterJson`.
pub const CHANGE_COLUMNS: &[&str] = &[
    schema::TIME,
    schema::EVENT_ID,
    schema::EVENT_NAME,
    schema::SERVICE_NAME,
    schema::ERROR_CODE,
    schema::USER_NAME,
    schema::PRINCIPAL_ID,
    schema::KMS_KEY_ID,
];

/// Events that change a key's state.
pub const STATE_EVENTS: &[&str] = &[
    "CreateKey",
    "EnableKey",
    "DisableKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
];

/// Per-key aggregates of every KMS call that names a key (aliases mapped to their key).
pub fn usage_totals_statement(aliases: &AliasHistory, geoip: bool) -> String {
    let countries = if geoip {
        format!(", histogram({}) as countries", super::COUNTRY_SQL)
    } else {
        String::new()
    };
    format!(
        "event.serviceName:Kms AND keytrail.kmsKeyId:* | SELECT {key} as keyId, \
         arbitrary(\"event.acsRegion\") as region, min(__time__) as firstSeen, max(__time__) as lastSeen, \
         count(*) as calls, count(DISTINCT {USER_SQL}) as callers, \
         count(DISTINCT \"event.sourceIpAddress\") as ips, \
         count_if(\"event.errorCode\" IS NOT NULL AND \"event.errorCode\" <> '') as errors, \
         histogram(\"event.eventName\") as operations{countries} \
         GROUP BY keyId ORDER BY keyId LIMIT {ALL_ROWS}",
        key = aliases.key_sql()
    )
}

/// The successful state-changing events, oldest first.
pub fn state_statement(aliases: &AliasHistory) -> String {
    format!(
        "{} | SELECT {key} as keyId, __time__ as t, \"event.eventName\" as op, {USER_SQL} as user, \
         json_extract_scalar(\"event.requestParameterJson\", '$.PendingWindowInDays') as days \
         WHERE \"event.errorCode\" IS NULL OR \"event.errorCode\" = '' \
         ORDER BY t, \"event.eventId\" LIMIT {ALL_ROWS}",
        kms_events_search(STATE_EVENTS),
        key = aliases.key_sql()
    )
}

/// A key's state as its events show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "PascalCase")]
pub enum KeyState {
    /// No state-changing event in the range.
    Unknown,
    /// Created, enabled, or re-enabled.
    Enabled,
    /// Disabled.
    Disabled,
    /// Scheduled for deletion.
    PendingDeletion {
        /// Unix seconds when the deletion was scheduled to happen (schedule time + window).
        deletion_at: Option<i64>,
    },
    /// A scheduled deletion was cancelled (the key is back to its state before, usually Enabled).
    DeletionCancelled,
    /// Not a key: calls named an alias (in `aliases`) that the archive's alias events do not
    /// map to a key at the time of the call, so which key they used is unknown. Its `key_id`
    /// is empty.
    UnresolvedAlias,
}

/// One key of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRecord {
    /// The key id.
    pub key_id: String,
    /// Aliases that point to it at the end of the range.
    pub aliases: Vec<String>,
    /// A region the key was used in.
    pub region: Option<String>,
    /// Unix seconds of its CreateKey, when in range.
    pub created_at: Option<i64>,
    /// Who created it, when in range.
    pub created_by: Option<String>,
    /// Its state as the events show it.
    pub state: KeyState,
    /// Unix seconds of the first event naming it.
    pub first_seen: i64,
    /// Unix seconds of the last event naming it.
    pub last_seen: i64,
    /// Calls naming it.
    pub calls: u64,
    /// Calls by operation, most frequent first.
    pub operations: Vec<(String, u64)>,
    /// Distinct callers.
    pub callers: u64,
    /// Distinct source IPs.
    pub ips: u64,
    /// Calls that returned an error code.
    pub errors: u64,
    /// Calls by the source IP's country, most frequent first (only with `--geoip`).
    pub countries: Vec<(String, u64)>,
}

/// Folds the results of [`usage_totals_statement`] and [`state_statement`] into the inventory.
pub fn build(
    totals: &DataFrame,
    states: &DataFrame,
    aliases: &AliasHistory,
) -> PolarsResult<Vec<KeyRecord>> {
    let mut records: BTreeMap<String, KeyRecord> = BTreeMap::new();
    let key = totals.column("keyId")?.str()?;
    let region = totals.column("region")?.str()?;
    let int = |name: &str| -> PolarsResult<Int64Chunked> {
        Ok(totals.column(name)?.cast(&DataType::Int64)?.i64()?.clone())
    };
    let (first, last, calls, callers, ips, errors) = (
        int("firstSeen")?,
        int("lastSeen")?,
        int("calls")?,
        int("callers")?,
        int("ips")?,
        int("errors")?,
    );
    let operations = totals.column("operations")?.str()?;
    let countries = match totals.column("countries") {
        Ok(c) => Some(c.str()?),
        Err(_) => None,
    };
    for i in 0..totals.height() {
        let Some(id) = key.get(i) else { continue };
        records.insert(
            id.to_string(),
            KeyRecord {
                key_id: id.to_string(),
                aliases: aliases.current_aliases_of(id),
                region: region.get(i).map(str::to_string),
                created_at: None,
                created_by: None,
                state: KeyState::Unknown,
                first_seen: first.get(i).unwrap_or(0),
                last_seen: last.get(i).unwrap_or(0),
                calls: calls.get(i).unwrap_or(0) as u64,
                operations: parse_histogram(operations.get(i).unwrap_or("{}")),
                callers: callers.get(i).unwrap_or(0) as u64,
                ips: ips.get(i).unwrap_or(0) as u64,
                errors: errors.get(i).unwrap_or(0) as u64,
                countries: countries
                    .and_then(|c| c.get(i))
                    .map(parse_histogram)
                    .unwrap_or_default(),
            },
        );
    }
    apply_states(&mut records, states)?;
    Ok(records.into_values().map(mark_unresolved_alias).collect())
}

/// A record whose "key" is an alias the history did not resolve becomes an unresolved alias:
/// no key id, the alias in `aliases`, state [`KeyState::UnresolvedAlias`].
fn mark_unresolved_alias(mut record: KeyRecord) -> KeyRecord {
    if record.key_id.to_ascii_lowercase().starts_with("alias/") {
        record.aliases = vec![std::mem::take(&mut record.key_id)];
        record.state = KeyState::UnresolvedAlias;
        record.created_at = None;
        record.created_by = None;
    }
    record
}

fn apply_states(records: &mut BTreeMap<String, KeyRecord>, states: &DataFrame) -> PolarsResult<()> {
    let key = states.column("keyId")?.str()?;
    let time = states.column("t")?.i64()?;
    let op = states.column("op")?.str()?;
    let user = states.column("user")?.str()?;
    let days = states.column("days")?.str()?;
    for i in 0..states.height() {
        let (Some(k), Some(t), Some(o)) = (key.get(i), time.get(i), op.get(i)) else {
            continue;
        };
        let Some(record) = records.get_mut(k) else {
            continue;
        };
        record.state = match o {
            "CreateKey" => {
                record.created_at = Some(t);
                record.created_by = user.get(i).map(str::to_string);
                KeyState::Enabled
            }
            "EnableKey" => KeyState::Enabled,
            "DisableKey" => KeyState::Disabled,
            "ScheduleKeyDeletion" => KeyState::PendingDeletion {
                deletion_at: days
                    .get(i)
                    .and_then(|d| d.trim().parse::<i64>().ok())
                    .map(|d| t + d * 86_400),
            },
            "CancelKeyDeletion" => KeyState::DeletionCancelled,
            _ => continue,
        };
    }
    Ok(())
}

/// Reads a `histogram()` result (`{"Decrypt":10,"Encrypt":3}`) as pairs, most frequent first.
fn parse_histogram(text: &str) -> Vec<(String, u64)> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).unwrap_or_default();
    let mut pairs: Vec<(String, u64)> = map
        .into_iter()
        .map(|(k, v)| (k, v.as_u64().unwrap_or(0)))
        .collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_text_is_sorted_by_count() {
        assert_eq!(
            parse_histogram(r#"{"Encrypt":3,"Decrypt":10,"DescribeKey":3}"#),
            vec![
                ("Decrypt".into(), 10),
                ("DescribeKey".into(), 3),
                ("Encrypt".into(), 3)
            ]
        );
    }

    #[test]
    fn states_follow_the_last_event() {
        let totals = df!(
            "keyId" => ["key-a"], "region" => ["cn-hangzhou"], "firstSeen" => [100i64], "lastSeen" => [900i64],
            "calls" => [5i64], "callers" => [2i64], "ips" => [1i64], "errors" => [1i64],
            "operations" => [r#"{"CreateKey":1}"#]
        )
        .unwrap();
        let states = df!(
            "keyId" => ["key-a", "key-a", "key-a"], "t" => [100i64, 200, 300],
            "op" => ["CreateKey", "ScheduleKeyDeletion", "DisableKey"],
            "user" => ["alice", "bob", "bob"], "days" => [None, Some("7"), None]
        )
        .unwrap();
        let mut records = build(&totals, &states.head(Some(2)), &AliasHistory::default()).unwrap();
        assert_eq!(records[0].created_by.as_deref(), Some("alice"));
        assert_eq!(
            records[0].state,
            KeyState::PendingDeletion {
                deletion_at: Some(200 + 7 * 86_400)
            }
        );
        records = build(&totals, &states, &AliasHistory::default()).unwrap();
        assert_eq!(records[0].state, KeyState::Disabled);
    }

    #[test]
    fn an_alias_left_unmapped_is_not_a_key() {
        let totals = df!(
            "keyId" => ["alias/ghost", "key-a"], "region" => ["cn-hangzhou", "cn-hangzhou"],
            "firstSeen" => [100i64, 100], "lastSeen" => [900i64, 900], "calls" => [2i64, 1],
            "callers" => [1i64, 1], "ips" => [1i64, 1], "errors" => [0i64, 0],
            "operations" => [r#"{"Encrypt":2}"#, r#"{"Encrypt":1}"#]
        )
        .unwrap();
        let states = df!(
            "keyId" => ["alias/ghost"], "t" => [100i64], "op" => ["DisableKey"],
            "user" => ["bob"], "days" => [None::<&str>]
        )
        .unwrap();
        let records = build(&totals, &states, &AliasHistory::default()).unwrap();
        assert_eq!(records[0].key_id, "");
        assert_eq!(records[0].aliases, vec!["alias/ghost"]);
        assert_eq!(records[0].state, KeyState::UnresolvedAlias);
        assert_eq!(records[0].calls, 2);
        assert_eq!(records[1].key_id, "key-a");
        assert_eq!(records[1].state, KeyState::Unknown);
    }
}
