//! Detections: rules written as SLS queries, a built-in KMS rule pack, and offline baselines.
//!
//! # Rule files
//! A rule file is TOML holding one or many `[[rule]]` tables:
//!
//! ```toml
//! [[rule]]
//! id = "unauthorized-api-calls"          # unique word
//! title = "Burst of denied API calls"
//! severity = "medium"                    # info, low, medium, high or critical
//! description = "More than 5 denied calls from one source IP in 30 minutes."
//! mitre = "T1078"                        # optional ATT&CK technique
//! query = '''event.eventType: ApiCall and event.errorCode: Forbidden* | select
//!   "event.userIdentity.accountId" as account_id, "event.sourceIpAddress" as source_ip,
//!   count(1) as cnt group by account_id, source_ip'''
//! window = "30m"                         # s, m, h or d
//! condition = "cnt > 5"                  # optional; SQL over the result columns
//! entity = ["account_id", "source_ip"]   # result columns naming who/what a finding is about
//! ```
//!
//! `query` is an SLS `search | SQL` statement (an Alibaba SLS alert query can be pasted
//! unchanged; without SQL, each window with matches is one result row with a `cnt` column).
//! The range is cut into consecutive windows of `window`, aligned to the Unix epoch (a `30m`
//! rule sees 14:00–14:30, 14:30–15:00, ... UTC), and the query runs once per window that holds
//! matching events, like an SLS alert scheduled every `window` over the last `window`. Every
//! result row that passes `condition` (a SQL boolean expression: column names, numbers,
//! 'strings', comparisons, `+ - * /`, `and or not`, `is [not] null`) is a finding. A finding
//! shows the rule, severity, window, the `entity` columns' values, the count of matched events
//! of that entity in the window, the other result columns, and the ids of the first five of
//! those events. When an entity column copies a stored field (`"event.sourceIpAddress" as
//! source_ip`), the count and sample ids are of the events with that value; otherwise of the
//! whole window. They are events the search part matched: a WHERE clause in the SQL part is not
//! applied to them.
//!
//! How it runs (the results are those of running each window alone):
//! - [`detect_in`] reads the range in chunks of whole days (hours, for a day too busy alone)
//!   of a bounded number of events ([`chunked`]); the windows ending within a chunk are
//!   evaluated when it is read, and only a window straddling its end carries its matched
//!   events into the next chunk. The baselines keep per-entity hourly counts
//!   ([`baseline_state`]). Within a chunk:
//! - One scan reads the small columns of every event (what the search parts test, what the
//!   rules' SQL reads, what the baselines group by). Each search part is evaluated once per
//!   distinct combination of the values it tests, not once per event (a search part that reads
//!   the `event` JSON text runs in the same pass as a filter of its own scan).
//! - The large `event` column is read by a second scan, only for the events of rules whose SQL
//!   reads it (and only in row groups whose time statistics can hold them).
//! - Each rule's SQL runs once over all its matched events: the window start
//!   `__time__ - __time__ % window` is added to its select list and GROUP BY, the LIMIT is
//!   applied to each window's rows, and a global aggregate (no GROUP BY) gets its empty-input
//!   row for windows whose WHERE kept nothing. A statement with a subquery, a CTE, a window
//!   function (OVER), `time_series` or grouping sets runs window by window instead (as does
//!   one that fails to plan after the rewrite, which then reports its error as written).
//! - The baselines count on their own thread while the `event` column is read.
//!
//! # Baselines (`--baselines`)
//! Offline equivalents of ActionTrail Insights, computed from one pass over the events:
//! counts per (hour, KMS key, principal, AccessKey, source IP, failed or not), each with its
//! first five events by (time, event id).
//!
//! *Call and error rates.* For each KMS key and each principal (user name, else principal
//! id), the hourly number of calls and of failed calls (non-empty `errorCode`) is compared
//! with the same entity's previous `history_days` (default 14, `--baseline-days`) hours,
//! counting hours without calls as 0 and starting at the entity's first hour. An hour is judged
//! only once the entity has at least 7 days of history. Its robust score is
//! `(observed - median) / max(1.4826 × MAD, sqrt(max(median, 1)))` (MAD: median absolute
//! deviation; the square-root floor is Poisson noise, so a nearly constant series does not turn
//! every small change into an alarm). An hour is anomalous when the score is at least 6, the
//! observed count exceeds the median by at least 10 calls (5 errors), and it is at least twice
//! the busiest hour of the history window (batch traffic has a median near 0, so the score
//! alone would flag every ordinary burst). Consecutive anomalous
//! hours merge into one episode, reported with its start and end, the baseline median at its
//! start, the mean observed rate and the peak score.
//!
//! *First-seen pairs.* (key, source IP), (key, principal) and (AccessKey, source IP) pairs
//! whose first event falls after a learning period (the first 7 days of the range) are
//! reported, with the first event's time.
//!
//! All baseline findings have severity `medium` and rule ids `baseline.<entity>-<metric>-rate`
//! or `baseline.first-seen-<a>-<b>`.

pub mod baseline;
pub mod baseline_state;
pub mod chunked;
pub mod codes;
pub mod condition;
pub mod engine;
pub mod load;
pub mod rule;
pub mod window;

use polars::prelude::*;

pub use baseline::BaselineOptions;
pub use chunked::{detect_in, Scan};
pub use rule::{builtin_rules, parse_rules, Rule, RuleError, Severity};

use crate::error::Result;
use crate::query::{self, sql::SqlContext};

/// One finding of a rule or of the baselines.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// The rule id (`baseline.*` for baselines).
    pub rule_id: String,
    /// The rule title.
    pub title: String,
    /// Window start (unix seconds, inclusive).
    pub start: i64,
    /// Window end (exclusive).
    pub end: i64,
    /// The entity: (column, value) pairs.
    pub entity: Vec<(String, String)>,
    /// Matched events of the entity in the window.
    pub count: u64,
    /// Ids of up to five of those events, earliest first.
    pub sample_ids: Vec<String>,
    /// The result's other values by column name, or the baseline's statistics, as values.
    pub detail: Vec<(String, serde_json::Value)>,
    /// What the detail means in words, when its pairs alone do not say it (baselines).
    pub summary: Option<String>,
}

impl Finding {
    /// The detail as one text: the summary when there is one, else `name=value, ...` (each
    /// value as a cell shows it).
    pub fn detail_text(&self) -> String {
        if let Some(summary) = &self.summary {
            return summary.clone();
        }
        let pairs: Vec<String> = self
            .detail
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::query::value::json_text(v)))
            .collect();
        pairs.join(", ")
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// Session settings for the rules' SQL.
    pub ctx: SqlContext,
    /// Findings below this severity are dropped (their rules are not run).
    pub min_severity: Severity,
    /// Baselines to run, if any.
    pub baselines: Option<BaselineOptions>,
    /// The judged range `[from, to)`; open ends default to the events' first and last hour.
    pub from: Option<i64>,
    /// See `from`.
    pub to: Option<i64>,
    /// Events a chunk of [`detect_in`] holds at most (default [`chunked::CHUNK_EVENTS`];
    /// small values let the tests cut small stores into many chunks).
    pub chunk_events: u64,
}

/// Runs `rules` (and the baselines) over `events`. `history` is the frame the baselines
/// read (the events plus the look-back before the range); when None, `events` is used.
/// Findings come sorted by start time, then severity (highest first), then rule id.
pub fn detect(
    events: LazyFrame,
    history: Option<LazyFrame>,
    rules: &[Rule],
    opts: &DetectOptions,
) -> Result<Vec<Finding>> {
    let mut detector = chunked::Detector::new(rules, opts)?;
    detector.feed(events, history, None)?;
    detector.finish()
}

/// The SQL planner's notes on the rules `opts` runs (`rule <id>: approx_distinct computed
/// exactly`, GeoIP provenance), each once, in rule order: planned over an empty store frame,
/// as [`validate`] does.
pub fn planner_notes(rules: &[Rule], opts: &DetectOptions) -> Result<Vec<String>> {
    let empty = crate::store::frame::rows_to_dataframe(&[])?.lazy();
    let mut notes: Vec<String> = Vec::new();
    for rule in rules.iter().filter(|r| r.severity >= opts.min_severity) {
        let matched = engine::prepare(rule)?.matched(empty.clone());
        let Some(plan) = query::plan_sql_part(&rule.query, matched, &opts.ctx)? else {
            continue;
        };
        for note in plan.notes {
            let text = format!("rule {}: {note}", rule.id);
            if !notes.contains(&text) {
                notes.push(text);
            }
        }
    }
    Ok(notes)
}

/// Checks that a rule's query parses and plans over an empty store frame, and that its
/// condition and entity columns exist in the result. Errors say what is wrong.
pub fn validate(rule: &Rule, ctx: &SqlContext) -> Result<()> {
    let prepared = engine::prepare(rule)?;
    let empty = crate::store::frame::rows_to_dataframe(&[])?.lazy();
    let matched = prepared.matched(empty);
    let Some(plan) = query::plan_sql_part(&rule.query, matched, ctx)? else {
        return Ok(());
    };
    let mut frame = plan.frame;
    let schema = frame.collect_schema()?;
    for e in &rule.entity {
        if schema.get(e.as_str()).is_none() {
            return Err(crate::Error::Usage(format!(
                "entity column {e:?} is not a result column (columns: {})",
                schema
                    .iter_names()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    if let Some(c) = &rule.condition {
        let expr = condition::parse(c).map_err(crate::Error::Usage)?;
        frame
            .filter(expr)
            .collect_schema()
            .map_err(|e| crate::Error::Usage(format!("condition {c:?}: {e}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::engine::tests::{events, rule};
    use super::*;

    /// The whole pipeline (one scan of the small columns, search parts per value combination,
    /// the `event` scan, own scans of full-text searches, rewritten SQL, baselines on their
    /// thread) against running each rule on its own scan, window by window.
    #[test]
    fn detect_equals_running_each_rule_alone_window_by_window() {
        let rules = vec![
            rule(
                r#"event.eventName: Decrypt | select "event.sourceIpAddress" as ip, count(1) as cnt group by ip"#,
                Some("cnt >= 1"),
                &["ip"],
            ),
            rule(
                r#"event.errorCode: Forbidden | select count(1) as cnt from log where "event" like '%"mfa":"true"%'"#,
                None,
                &[],
            ),
            rule(r#"e7 or e3 | select "event.eventId" as id"#, None, &["id"]),
            rule("event.eventName: Encrypt", None, &[]),
        ];
        let opts = DetectOptions {
            ctx: SqlContext {
                zone: crate::time::Zone::default(),
                now: 0,
                geoip: None,
            },
            min_severity: Severity::Info,
            baselines: Some(BaselineOptions::default()),
            from: None,
            to: None,
            chunk_events: chunked::CHUNK_EVENTS,
        };
        let found = detect(events().lazy(), None, &rules, &opts).unwrap();
        let mut expected = Vec::new();
        for r in &rules {
            let p = engine::prepare(r).unwrap();
            let matched = p.matched(events().lazy()).collect().unwrap();
            expected.extend(p.findings_per_window(&matched, &opts.ctx).unwrap());
        }
        let key = |f: &Finding| {
            (
                f.start,
                f.rule_id.clone(),
                format!("{:?} {}", f.entity, f.detail_text()),
            )
        };
        let mut found_sorted = found.clone();
        found_sorted.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(found_sorted, expected);
        // Decrypt per IP in windows 0, 60 (2 IPs), 120 (2 IPs) and 300 (2 events); one
        // Forbidden event with "mfa":"true" in windows 60, 120 and 300; the full-text hits e3
        // and e7 (no detail: `id` is the entity); Encrypt in windows 60 and 300.
        assert_eq!(found.len(), 6 + 3 + 2 + 2);
        let ids: Vec<String> = found
            .iter()
            .filter(|f| f.detail.is_empty())
            .map(|f| f.entity[0].1.clone())
            .collect();
        assert_eq!(ids, vec!["e3", "e7"]);
        let last = found.last().unwrap();
        assert_eq!(
            (last.start, last.count, last.detail_text().as_str()),
            (300, 2, "cnt=2")
        );
    }
}
