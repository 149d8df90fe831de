//! Sections 1, 6, 7 and the evidence of 8: the findings of the detect engine grouped by rule,
//! each with its evidence events (the finding's sample ids, "top N of M"), the summary's
//! severity counts, lifecycle alarms and top findings, and the baseline episodes.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::frames::{ints, optional_strings, strings};
use super::model::{
    BaselineRow, Evidence, EvidenceEvent, FindingRef, FindingView, RuleGroup, RuleInfo,
};
use super::{FINDINGS_PER_RULE, TOP_FINDINGS};
use crate::detect::{Finding, Rule, Severity};
use crate::error::Result;
use crate::event::schema;
use crate::query;
use crate::time::TimeRange;

/// The rules whose findings are the summary's key lifecycle alarms.
pub const ALARM_RULES: &[&str] = &[
    "kms-key-disabled",
    "kms-key-deletion-scheduled",
    "kms-key-material-deleted",
    "kms-deletion-protection-off",
    "kms-rotation-off",
    "kms-alias-moved",
];

/// The anchor of an evidence event: `ev-<eventId>` when the id is made of letters, digits,
/// `-`, `_`, `.` and `:` only (at most 128), else `ev-h<first 16 hex digits of its sha256>`.
pub fn evidence_anchor(event_id: &str) -> String {
    let plain = !event_id.is_empty()
        && event_id.len() <= 128
        && event_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    if plain {
        return format!("ev-{event_id}");
    }
    let digest = Sha256::digest(event_id.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("ev-h{hex}")
}

/// The rule's version: 12 hex digits of sha256 over what decides its findings.
pub fn rule_version(rule: &Rule) -> String {
    let text = format!(
        "{}\n{}\n{}\n{}\n{:?}",
        rule.query,
        rule.window,
        rule.condition.as_deref().unwrap_or(""),
        rule.severity,
        rule.entity
    );
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The rules as the appendix lists them.
pub fn rule_infos(rules: &[Rule]) -> Vec<RuleInfo> {
    rules
        .iter()
        .map(|r| RuleInfo {
            id: r.id.clone(),
            severity: r.severity.to_string(),
            origin: r.origin.clone(),
            version: rule_version(r),
        })
        .collect()
}

fn entity_text(f: &Finding) -> String {
    f.entity
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Findings grouped by rule (highest severity first, then rule id), each group capped at
/// [`FINDINGS_PER_RULE`], with anchors `f-<n>`; baseline findings are left out.
pub fn groups(findings: &[Finding], rules: &[Rule]) -> Vec<RuleGroup> {
    let mut by_rule: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in findings
        .iter()
        .filter(|f| !f.rule_id.starts_with("baseline."))
    {
        match by_rule.iter_mut().find(|(id, _)| *id == f.rule_id) {
            Some((_, list)) => list.push(f),
            None => by_rule.push((&f.rule_id, vec![f])),
        }
    }
    by_rule.sort_by(|a, b| {
        (std::cmp::Reverse(a.1[0].severity), a.0).cmp(&(std::cmp::Reverse(b.1[0].severity), b.0))
    });
    let mut n = 0;
    by_rule
        .into_iter()
        .map(|(id, list)| {
            let rule = rules.iter().find(|r| r.id == id);
            let views = list
                .iter()
                .take(FINDINGS_PER_RULE)
                .map(|f| {
                    n += 1;
                    view(f, n)
                })
                .collect();
            RuleGroup {
                rule_id: id.to_string(),
                title: list[0].title.clone(),
                severity: list[0].severity.to_string(),
                description: rule.map(|r| r.description.clone()).unwrap_or_default(),
                query: rule.map(|r| r.query.clone()).unwrap_or_default(),
                window: rule.map(|r| r.window_text.clone()).unwrap_or_default(),
                findings: views,
                of: list.len() as u64,
            }
        })
        .collect()
}

fn view(f: &Finding, n: usize) -> FindingView {
    FindingView {
        anchor: format!("f-{n}"),
        start: f.start,
        end: f.end,
        entity: f.entity.clone(),
        count: f.count,
        detail: f.detail_text(),
        detail_values: f.detail.clone(),
        evidence: f
            .sample_ids
            .iter()
            .map(|id| Evidence {
                event_id: id.clone(),
                anchor: evidence_anchor(id),
                time: None,
                event: String::new(),
                user: String::new(),
                ip: String::new(),
                result: String::new(),
            })
            .collect(),
    }
}

/// Findings per severity, highest first.
pub fn severity_counts(findings: &[Finding]) -> Vec<(String, u64)> {
    [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .iter()
    .map(|s| {
        (
            s.to_string(),
            findings.iter().filter(|f| f.severity == *s).count() as u64,
        )
    })
    .collect()
}

fn finding_ref(group: &RuleGroup, f: &FindingView) -> FindingRef {
    FindingRef {
        rule_id: group.rule_id.clone(),
        severity: group.severity.clone(),
        title: group.title.clone(),
        start: f.start,
        entity: f
            .entity
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
        anchor: f.anchor.clone(),
    }
}

/// The summary's lifecycle alarms (findings of [`ALARM_RULES`], oldest first) and top
/// findings (groups are highest severity first; earliest findings of each first).
pub fn alarms_and_top(groups: &[RuleGroup]) -> (Vec<FindingRef>, Vec<FindingRef>) {
    let mut alarms: Vec<FindingRef> = groups
        .iter()
        .filter(|g| ALARM_RULES.contains(&g.rule_id.as_str()))
        .flat_map(|g| g.findings.iter().map(move |f| finding_ref(g, f)))
        .collect();
    alarms.sort_by(|a, b| (a.start, &a.anchor).cmp(&(b.start, &b.anchor)));
    let top = groups
        .iter()
        .flat_map(|g| g.findings.iter().map(move |f| finding_ref(g, f)))
        .take(TOP_FINDINGS)
        .collect();
    (alarms, top)
}

/// The baseline findings, as section 7's rows (hourly series filled in later).
pub fn baseline_rows(findings: &[Finding]) -> Vec<BaselineRow> {
    findings
        .iter()
        .filter(|f| f.rule_id.starts_with("baseline."))
        .map(|f| BaselineRow {
            rule_id: f.rule_id.clone(),
            title: f.title.clone(),
            entity: entity_text(f),
            start: f.start,
            end: f.end,
            count: f.count,
            detail: f.detail_text(),
            series: None,
        })
        .collect()
}

/// Every event id the groups cite as evidence.
pub fn evidence_ids(groups: &[RuleGroup]) -> BTreeSet<String> {
    groups
        .iter()
        .flat_map(|g| &g.findings)
        .flat_map(|f| &f.evidence)
        .map(|e| e.event_id.clone())
        .collect()
}

/// Which events are evidence: `eventId` or the dedup key among `ids` (as `keytrail event`).
pub fn evidence_filter(ids: &BTreeSet<String>) -> Expr {
    let list: Vec<&str> = ids.iter().map(String::as_str).collect();
    let set = lit(Series::new("ids".into(), list)).implode(false);
    col(schema::EVENT_ID)
        .is_in(set.clone(), false)
        .or(col(schema::DEDUP_KEY).is_in(set, false))
}

/// The evidence events (those of [`evidence_filter`]) in scan order, given the UTC days
/// (`days`, unix seconds / 86400) that hold them: only those days are read, one at a time (a
/// partition each, in scan order, within `range`), so memory holds one day's columns.
pub fn evidence_frame(
    days: &BTreeSet<i64>,
    scan: super::Scan,
    range: &TimeRange,
    ids: &BTreeSet<String>,
) -> Result<DataFrame> {
    let columns: Vec<Expr> = EVIDENCE_COLUMNS
        .iter()
        .map(|c| match *c {
            schema::EVENT => query::compacted(col(*c)),
            _ => col(*c),
        })
        .collect();
    let mut all = scan(range)?.select(columns.clone()).limit(0).collect()?;
    for &day in days {
        let within = TimeRange {
            from: Some(day * DAY).max(range.from),
            to: Some((day + 1) * DAY).min(range.to.or(Some(i64::MAX))),
        };
        let found = scan(&within)?
            .filter(evidence_filter(ids))
            .select(columns.clone())
            .collect()?;
        all.vstack_mut(&found)?;
    }
    Ok(all)
}

/// Seconds of a day.
pub const DAY: i64 = 86_400;

/// The columns of the evidence events.
const EVIDENCE_COLUMNS: [&str; 9] = [
    schema::TIME,
    schema::EVENT_ID,
    schema::DEDUP_KEY,
    schema::EVENT_NAME,
    schema::USER_NAME,
    schema::PRINCIPAL_ID,
    schema::SOURCE_IP,
    schema::ERROR_CODE,
    schema::EVENT,
];

/// Fills the evidence rows from the evidence events, and returns the appendix's events
/// (pretty-printed as stored), in event-id order.
pub fn attach_evidence(groups: &mut [RuleGroup], df: &DataFrame) -> Result<Vec<EvidenceEvent>> {
    let ids = strings(df, schema::EVENT_ID)?;
    let keys = strings(df, schema::DEDUP_KEY)?;
    let times = ints(df, schema::TIME)?;
    let (names, users, principals) = (
        strings(df, schema::EVENT_NAME)?,
        optional_strings(df, schema::USER_NAME)?,
        strings(df, schema::PRINCIPAL_ID)?,
    );
    let (ips, errors, texts) = (
        strings(df, schema::SOURCE_IP)?,
        optional_strings(df, schema::ERROR_CODE)?,
        strings(df, schema::EVENT)?,
    );
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    for i in 0..df.height() {
        row_of.entry(keys[i].as_str()).or_insert(i);
        row_of.entry(ids[i].as_str()).or_insert(i);
    }
    for e in groups
        .iter_mut()
        .flat_map(|g| &mut g.findings)
        .flat_map(|f| &mut f.evidence)
    {
        if let Some(&i) = row_of.get(e.event_id.as_str()) {
            e.time = Some(times[i]);
            e.event = names[i].clone();
            e.user = users[i]
                .clone()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| principals[i].clone());
            e.ip = ips[i].clone();
            e.result = match errors[i].as_deref() {
                None | Some("") => "success".into(),
                Some(code) => code.into(),
            };
        }
    }
    let mut events: Vec<EvidenceEvent> = (0..df.height())
        .map(|i| {
            let id = if ids[i].is_empty() {
                keys[i].clone()
            } else {
                ids[i].clone()
            };
            EvidenceEvent {
                anchor: evidence_anchor(&id),
                event_id: id,
                json: crate::event::rawjson::pretty(&texts[i]),
            }
        })
        .collect();
    events.sort_by(|a, b| a.event_id.cmp(&b.event_id));
    events.dedup_by(|a, b| a.event_id == b.event_id);
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_stable_and_safe() {
        assert_eq!(evidence_anchor("k-01"), "ev-k-01");
        let hostile = evidence_anchor("\"><script>");
        assert!(
            hostile.starts_with("ev-h") && hostile.len() == 20,
            "{hostile}"
        );
        assert_eq!(hostile, evidence_anchor("\"><script>"));
    }
}
