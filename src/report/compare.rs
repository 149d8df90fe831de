//! `--compare-to`: the previous period's numbers beside this period's in the summary (events,
//! findings by severity, lifecycle alarms per rule), the activity tops, the key inventory and
//! usage per key (calls per key), each computed by the same engines (detect, `kms keys`, the
//! activity statements) over the previous range.

use std::collections::HashMap;

use polars::prelude::DataFrame;

use super::model::{AlarmCount, KeyRow, KeyUsage, Summary};
use super::{activity, pass, scope, Methods, Read, ReportOptions};
use crate::detect::Finding;
use crate::error::Result;
use crate::kms::run::{self as kms_run, RunOptions};
use crate::time::TimeRange;

/// The previous period's figures.
pub struct Previous {
    /// Its findings.
    pub findings: Vec<Finding>,
    /// Its calls per key, as `kms keys` counts them.
    pub key_calls: HashMap<String, u64>,
    /// Its events.
    pub events: u64,
    /// The results of the activity statements over it.
    pub tops: Vec<DataFrame>,
}

/// The previous period's figures over `range`: the activity statements and the inventory's
/// totals share one read of its groups of partitions.
pub fn previous(
    read: Read,
    range: &TimeRange,
    opts: &ReportOptions,
    methods: &mut Methods,
) -> Result<Previous> {
    let findings = super::run_detect(read, range, opts, &mut Methods::default())?;
    let run_opts = RunOptions {
        ctx: opts.ctx,
        range: *range,
        interval: crate::histogram::Interval::Auto,
    };
    let events = (read.scan)(range)?;
    let span = scope::span(&events, opts, &mut Methods::default())?;
    let statements = activity::statements(&mut Methods::default());
    let mut pass = pass::Pass::new(&opts.ctx, statements, None, None);
    let groups = (read.groups)(range)?.into_iter().map(|g| pass.add(g));
    let keys = kms_run::keys_in(events, groups, &run_opts)?;
    let (tops, _, _) = pass.finish()?;
    methods.add(
        "Previous period (--compare-to)",
        "the detect engine (as `keytrail detect --from FROM --to TO`, with the same rules and \
         baselines) and `kms keys --from FROM --to TO` over the compared range; the summary's \
         severities and alarms, the inventory's and the usage's calls per key are theirs",
    );
    Ok(Previous {
        findings,
        key_calls: keys
            .keys
            .into_iter()
            .map(|k| (record_key(&k), k.calls))
            .collect(),
        events: span.events,
        tops,
    })
}

/// What identifies an inventory row across periods: its key id, or for an alias no key id was
/// found for, its aliases.
fn record_key(k: &crate::kms::inventory::KeyRecord) -> String {
    if k.key_id.is_empty() {
        format!("alias {}", k.aliases.join(","))
    } else {
        k.key_id.clone()
    }
}

/// Findings of each lifecycle alarm rule, this period and (with `previous`) the previous one.
pub fn alarm_counts(findings: &[Finding], previous: Option<&Previous>) -> Vec<AlarmCount> {
    let count = |list: &[Finding], rule: &str| list.iter().filter(|f| f.rule_id == rule).count();
    super::detections::ALARM_RULES
        .iter()
        .map(|rule| AlarmCount {
            rule_id: rule.to_string(),
            findings: count(findings, rule) as u64,
            previous: previous.map(|p| count(&p.findings, rule) as u64),
        })
        .collect()
}

/// Puts the previous period's figures beside the summary's, the inventory's and the usage's.
pub fn fill(summary: &mut Summary, keys: &mut [KeyRow], usage: &mut [KeyUsage], p: &Previous) {
    summary.previous_severities = Some(super::detections::severity_counts(&p.findings));
    let calls = |id: &str| Some(p.key_calls.get(id).copied().unwrap_or(0));
    for k in keys {
        k.previous_calls = calls(&record_key(&k.record));
    }
    for u in usage {
        u.previous_calls = calls(&u.key_id);
    }
}
