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
//! The store is scanned once: every rule's search part becomes a filter over the same scan
//! (polars shares the scan between them), the matched events are collected sorted by time, and
//! windows are slices of them.
//!
//! # Baselines (`--baselines`)
//! Offline equivalents of ActionTrail Insights, computed from one group_by over the events:
//! counts per (hour, KMS key, principal, AccessKey, source IP, failed or not).
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
pub mod condition;
pub mod engine;
pub mod rule;
pub mod window;

use polars::prelude::*;

pub use baseline::BaselineOptions;
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
    /// Other result values (`name=value, ...`), or the baseline statistics.
    pub detail: String,
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
    let prepared: Vec<engine::Prepared> = rules
        .iter()
        .filter(|r| r.severity >= opts.min_severity)
        .map(engine::prepare)
        .collect::<Result<_>>()?;
    let mut frames: Vec<LazyFrame> = prepared.iter().map(|p| p.matched(events.clone())).collect();
    let run_baselines = opts.baselines.is_some() && Severity::Medium >= opts.min_severity;
    if run_baselines {
        frames.push(baseline::counts_frame(
            history.unwrap_or_else(|| events.clone()),
        ));
        frames.push(events.select([
            col(crate::schema::TIME).min().alias("lo"),
            col(crate::schema::TIME).max().alias("hi"),
        ]));
    }
    let mut collected = query::collect_together(frames)?;
    let mut findings = Vec::new();
    if run_baselines {
        let bounds = collected.pop().unwrap_or_default();
        let counts = collected.pop().unwrap_or_default();
        let (lo, hi) = data_bounds(&bounds)?;
        let from = opts.from.or(lo);
        let to = opts.to.or(hi.map(|h| h + 1));
        if let (Some(from), Some(to), Some(b)) = (from, to, &opts.baselines) {
            findings.extend(baseline::findings(&baseline::groups(&counts)?, from, to, b));
        }
    }
    for (p, matched) in prepared.iter().zip(&collected) {
        findings.extend(p.findings(matched, &opts.ctx)?);
    }
    findings.sort_by(|a, b| {
        (
            a.start,
            std::cmp::Reverse(a.severity),
            &a.rule_id,
            &a.entity,
        )
            .cmp(&(
                b.start,
                std::cmp::Reverse(b.severity),
                &b.rule_id,
                &b.entity,
            ))
    });
    Ok(findings)
}

fn data_bounds(df: &DataFrame) -> Result<(Option<i64>, Option<i64>)> {
    if df.height() == 0 {
        return Ok((None, None));
    }
    let get = |name: &str| -> Result<Option<i64>> {
        Ok(df.column(name)?.cast(&DataType::Int64)?.i64()?.get(0))
    };
    Ok((get("lo")?, get("hi")?))
}

/// Checks that a rule's query parses and plans over an empty store frame, and that its
/// condition and entity columns exist in the result. Errors say what is wrong.
pub fn validate(rule: &Rule, ctx: &SqlContext) -> Result<()> {
    let prepared = engine::prepare(rule)?;
    let empty = crate::frame::rows_to_dataframe(&[])?.lazy();
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
