//! The report's data: every number of every section, computed by [`super::build`] through the
//! query, kms, histogram and detect engines and laid out by the writers (HTML, Markdown, JSON).
//! Times are unix seconds; the writers format them in the report's zone. The JSON writer is
//! this model serialized as it is (its schema is documented in the README).

use serde::Serialize;

/// The version of the JSON schema, bumped on any incompatible change.
pub const SCHEMA: &str = "keytrail.report/1";

/// One whole report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Section 0: header and scope.
    pub header: Header,
    /// Section 1: summary.
    pub summary: Summary,
    /// Section 2: activity.
    pub activity: Activity,
    /// Section 3: the KMS key inventory.
    pub keys: Vec<KeyRow>,
    /// Section 4: one lifecycle lane per key.
    pub lifecycle: Vec<Lane>,
    /// Section 5: usage per key.
    pub usage: Vec<KeyUsage>,
    /// Section 6: detections, one group per rule with findings.
    pub detections: Vec<RuleGroup>,
    /// Section 7: baseline findings (with `--baselines`), else None.
    pub baselines: Option<Vec<BaselineRow>>,
    /// Section 7: the hourly series and bands of the flagged keys and principals (with
    /// `--baselines`), else None.
    pub baseline_series: Option<BaselineSeriesSet>,
    /// Section 8: appendix.
    pub appendix: Appendix,
}

/// Section 0.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    /// The report's title.
    pub title: String,
    /// The command line that made it.
    pub command_line: String,
    /// keytrail's version.
    pub version: String,
    /// When it was made (unix seconds; `--generated-at`).
    pub generated_at: i64,
    /// The zone times are shown in (`--tz`).
    pub zone: String,
    /// The source read (a store, or archives read directly).
    pub source: String,
    /// blake3 of the store's manifest (`manifest.jsonl`), hex; for archives read directly,
    /// blake3 of the sorted content hashes of the files read.
    pub store_fingerprint: String,
    /// What `store_fingerprint` hashes: `manifest.jsonl`, or the archive files' content hashes.
    pub fingerprint_of: String,
    /// The requested range `[from, to)`, unix seconds (None: open).
    pub from: Option<i64>,
    /// See `from`.
    pub to: Option<i64>,
    /// First and last event time in range.
    pub first_event: Option<i64>,
    /// See `first_event`.
    pub last_event: Option<i64>,
    /// Events in range.
    pub events: u64,
    /// Accounts seen, most events first.
    pub accounts: Vec<Count>,
    /// Regions seen, most events first.
    pub regions: Vec<Count>,
    /// Source files the store records (ingested).
    pub files_ingested: u64,
    /// Source files with rejected records or problems.
    pub files_with_rejects: u64,
    /// Records rejected in all.
    pub records_rejected: u64,
    /// One cell per day and region.
    pub coverage: Coverage,
    /// The KMS coverage caveat.
    pub caveat: String,
    /// The previous period compared with (`--compare-to`).
    pub compare_to: Option<(i64, i64)>,
    /// Keys the KMS sections are narrowed to (`--key`); empty: all.
    pub key_filter: Vec<String>,
}

/// A value and how many events have it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Count {
    /// The value (empty for none).
    pub value: String,
    /// Events with it.
    pub events: u64,
    /// Those that failed (non-empty errorCode).
    pub errors: u64,
    /// Events with it in the compared period (`--compare-to`).
    pub previous: Option<u64>,
}

/// The per-day delivery coverage.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Every day of the range (`YYYY-MM-DD` in the zone), first to last.
    pub days: Vec<String>,
    /// The regions (rows of the strip).
    pub regions: Vec<String>,
    /// `cells[r][d]`: events of region r on day d.
    pub cells: Vec<Vec<u64>>,
    /// Days on which no region delivered any event.
    pub empty_days: Vec<String>,
    /// (region, day) pairs with no event while other regions had some.
    pub gaps: u64,
}

/// Section 1.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Findings per severity, highest first (all five severities).
    pub severities: Vec<(String, u64)>,
    /// Findings of the lifecycle rules (disable, deletion, material, protection, rotation,
    /// alias), as indexes into the findings of [`ReportData::detections`]: (group, finding).
    pub alarms: Vec<FindingRef>,
    /// Keys called after their deletion was scheduled.
    pub used_after_deletion: Vec<UsedAfterDeletion>,
    /// The first findings by severity (highest first), at most [`super::TOP_FINDINGS`].
    pub top_findings: Vec<FindingRef>,
    /// Totals of the compared period, when asked.
    pub previous_events: Option<u64>,
    /// Findings per severity in the compared period (`--compare-to`), as `severities`.
    pub previous_severities: Option<Vec<(String, u64)>>,
    /// Findings of each lifecycle alarm rule, with the compared period's.
    pub alarm_counts: Vec<AlarmCount>,
}

/// The findings of one lifecycle alarm rule.
#[derive(Debug, Clone, Serialize)]
pub struct AlarmCount {
    /// The rule.
    pub rule_id: String,
    /// Its findings in range.
    pub findings: u64,
    /// Its findings in the compared period (`--compare-to`).
    pub previous: Option<u64>,
}

/// A pointer to one finding of the detections section, with what a summary line shows.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRef {
    /// The rule.
    pub rule_id: String,
    /// Its severity.
    pub severity: String,
    /// Its title.
    pub title: String,
    /// Window start.
    pub start: i64,
    /// Entity as text.
    pub entity: String,
    /// The anchor of the finding (`f-<n>`).
    pub anchor: String,
}

/// A key called after its deletion was scheduled (and not cancelled before the call).
#[derive(Debug, Clone, Serialize)]
pub struct UsedAfterDeletion {
    /// The key.
    pub key_id: String,
    /// When the deletion was scheduled.
    pub scheduled_at: i64,
    /// Calls after it.
    pub calls: u64,
    /// Those that failed.
    pub errors: u64,
    /// The last call.
    pub last_call: i64,
}

/// Section 2.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    /// Bucket width of the series, seconds.
    pub interval_seconds: i64,
    /// Bucket starts.
    pub times: Vec<i64>,
    /// Read events per bucket.
    pub reads: Vec<u64>,
    /// Write events per bucket.
    pub writes: Vec<u64>,
    /// Failed events per bucket.
    pub errors: Vec<u64>,
    /// Events per service.
    pub services: Top,
    /// Events per region.
    pub regions: Top,
    /// Events per principal.
    pub principals: Top,
    /// Events per source IP.
    pub source_ips: Top,
    /// Events per AccessKey id.
    pub access_keys: Top,
    /// Failed events per error code.
    pub error_codes: Top,
}

/// The first rows of a grouping, and how many groups there were.
#[derive(Debug, Clone, Serialize)]
pub struct Top {
    /// The rows shown, most events first.
    pub rows: Vec<Count>,
    /// Distinct values in all.
    pub of: u64,
}

/// One key of the inventory.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRow {
    /// The inventory record, as `kms keys --format json` has it.
    #[serde(flatten)]
    pub record: crate::kms::inventory::KeyRecord,
    /// Its last successful cryptographic use.
    pub last_crypto_use: LastUse,
    /// Calls per day of the coverage's days.
    pub daily: Vec<u64>,
    /// Calls in the compared period (`--compare-to`), as `kms keys` counts them.
    pub previous_calls: Option<u64>,
}

/// A key's last successful cryptographic call, against the coverage of the archive.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LastUse {
    /// Used: the last call.
    Used {
        /// When.
        time: i64,
        /// The operation.
        operation: String,
        /// Its event id.
        event_id: String,
    },
    /// Created in range and never used since.
    NotUsedSinceCreation,
    /// Not used in range and created before it: it may have been used before coverage starts.
    UnknownBeforeCoverage,
}

/// One key's lifecycle lane.
#[derive(Debug, Clone, Serialize)]
pub struct Lane {
    /// The key.
    pub key_id: String,
    /// Consecutive states.
    pub segments: Vec<Segment>,
    /// Other lifecycle events.
    pub markers: Vec<Marker>,
}

/// A state from `start` to `end`.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// Enabled, Disabled, PendingDeletion or Unknown (before the first state event).
    pub state: String,
    /// From.
    pub start: i64,
    /// To (the next state, or the end of the range).
    pub end: i64,
    /// For PendingDeletion: when the waiting window ends.
    pub deletion_at: Option<i64>,
}

/// A lifecycle event drawn as a marker.
#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    /// When.
    pub time: i64,
    /// The event name.
    pub event: String,
    /// Its event id.
    pub event_id: String,
    /// `success` or the error code.
    pub result: String,
}

/// Section 5 for one key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyUsage {
    /// The key.
    pub key_id: String,
    /// Calls naming it.
    pub calls: u64,
    /// Calls in the compared period (`--compare-to`).
    pub previous_calls: Option<u64>,
    /// Operations (columns of the matrix), most calls first.
    pub operations: Vec<String>,
    /// (principal, calls per operation), most calls first, at most [`super::TOP_ROWS`].
    pub principals: Vec<(String, Vec<u64>)>,
    /// Distinct principals in all.
    pub principals_of: u64,
    /// `heatmap[weekday][hour]` (weekday 0 = Sunday), in the zone.
    pub heatmap: Vec<Vec<u64>>,
    /// Who called it from where, most calls first, at most [`super::TOP_ROWS`].
    pub from_where: Vec<FromWhere>,
    /// Distinct (principal, IP) pairs in all.
    pub from_where_of: u64,
}

/// One (principal, source IP) pair of a key.
#[derive(Debug, Clone, Serialize)]
pub struct FromWhere {
    /// The caller.
    pub principal: String,
    /// The source IP.
    pub ip: String,
    /// Its country (with `--geoip`).
    pub country: Option<String>,
    /// Calls.
    pub calls: u64,
    /// First call.
    pub first: i64,
    /// Last call.
    pub last: i64,
}

/// The findings of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleGroup {
    /// Rule id.
    pub rule_id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: String,
    /// Description.
    pub description: String,
    /// The SLS statement (`search | SQL`), as the rule has it.
    pub query: String,
    /// Window as written.
    pub window: String,
    /// Findings shown, at most [`super::FINDINGS_PER_RULE`].
    pub findings: Vec<FindingView>,
    /// Findings of the rule in all.
    pub of: u64,
}

/// One finding, with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// `f-<n>`, unique in the report.
    pub anchor: String,
    /// Window start.
    pub start: i64,
    /// Window end.
    pub end: i64,
    /// (column, value) pairs.
    pub entity: Vec<(String, String)>,
    /// Matched events of the entity in the window (M of "top N of M").
    pub count: u64,
    /// Other result values, as one text (`name=value, ...`).
    pub detail: String,
    /// The same values, as (name, JSON value) pairs.
    pub detail_values: Vec<(String, serde_json::Value)>,
    /// The evidence events shown (N of "top N of M").
    pub evidence: Vec<Evidence>,
}

/// One evidence event, as a row.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Its event id.
    pub event_id: String,
    /// The appendix anchor (`ev-...`).
    pub anchor: String,
    /// When.
    pub time: Option<i64>,
    /// Event name.
    pub event: String,
    /// User.
    pub user: String,
    /// Source IP.
    pub ip: String,
    /// `success` or the error code.
    pub result: String,
}

/// One baseline finding (section 7).
#[derive(Debug, Clone, Serialize)]
pub struct BaselineRow {
    /// The baseline (`baseline.*`).
    pub rule_id: String,
    /// Title.
    pub title: String,
    /// Entity as text.
    pub entity: String,
    /// Episode start.
    pub start: i64,
    /// Episode end.
    pub end: i64,
    /// Events of the episode.
    pub count: u64,
    /// The statistics (median, observed mean, score).
    pub detail: String,
    /// The anchor of the entity's series in [`ReportData::baseline_series`] (rate episodes).
    pub series: Option<String>,
}

/// The series of section 7, at most [`super::baselines::MAX_SERIES`] of them ("N of M").
#[derive(Debug, Clone, Default, Serialize)]
pub struct BaselineSeriesSet {
    /// The series shown: the entities with the most flagged events first.
    pub series: Vec<BaselineSeries>,
    /// (rule, entity) pairs with rate episodes in all.
    pub of: u64,
}

/// One key's or principal's hourly calls (or errors) with the band the baselines judged each
/// hour against, as the detector computes it (`detect::baseline::rate_series`).
#[derive(Debug, Clone, Serialize)]
pub struct BaselineSeries {
    /// `bl-<n>`, unique in the report.
    pub anchor: String,
    /// `baseline.key-call-rate`, `baseline.principal-error-rate`, ...
    pub rule_id: String,
    /// `key` or `principal`.
    pub entity_kind: String,
    /// The key id or principal.
    pub entity: String,
    /// `calls` or `errors`.
    pub metric: String,
    /// Start of the first hour (unix seconds); one value per hour from there.
    pub start: i64,
    /// Calls (or failed calls) per hour.
    pub observed: Vec<u64>,
    /// Median of the hour's history window (null: too little history to judge).
    pub median: Vec<Option<f64>>,
    /// `median - threshold x unit`, at least 0.
    pub lower: Vec<Option<f64>>,
    /// `median + threshold x unit`.
    pub upper: Vec<Option<f64>>,
    /// The count at which the hour is flagged.
    pub flag_at: Vec<Option<f64>>,
    /// The entity's flagged episodes `[start, end)` of this rule (unix seconds).
    pub episodes: Vec<(i64, i64)>,
}

/// Section 8.
#[derive(Debug, Clone, Serialize)]
pub struct Appendix {
    /// Every evidence event referenced, in event-id order.
    pub events: Vec<EvidenceEvent>,
    /// The rules run.
    pub rules: Vec<RuleInfo>,
    /// How each figure was computed.
    pub method: Vec<Method>,
    /// GeoIP databases read (provenance and attribution), with `--geoip`.
    pub geoip: Vec<String>,
}

/// One evidence event, whole.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceEvent {
    /// Its event id.
    pub event_id: String,
    /// `ev-<eventId>` (or `ev-h<hash>` when the id holds characters an anchor cannot).
    pub anchor: String,
    /// The stored event, pretty-printed exactly (numbers as written).
    pub json: String,
}

/// A rule as run.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// Id.
    pub id: String,
    /// Severity.
    pub severity: String,
    /// Where it came from.
    pub origin: String,
    /// The rule's version: the first 12 hex digits of sha256 over its query, window,
    /// condition and entity (rules carry no version number of their own).
    pub version: String,
}

/// How one figure was computed.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    /// The figure.
    pub figure: String,
    /// The engine and statement that computed it.
    pub how: String,
}
