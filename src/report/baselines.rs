//! Section 7 (baselines): the baseline findings as rows, and for each key or principal with a
//! rate episode its hourly series with the band the detector judged every hour against
//! ([`crate::detect::baseline::rate_series`] over the detector's own per-hour counts,
//! [`crate::detect::baseline::groups`]), the flagged episodes marked.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::model::{BaselineSeries, BaselineSeriesSet};
use super::{Groups, Methods, ReportOptions};
use crate::detect::baseline::{self, BaselineOptions};
use crate::detect::Finding;
use crate::error::Result;
use crate::event::schema::{KMS_KEY_ID, PRINCIPAL_ID, USER_NAME};
use crate::time::TimeRange;

/// Series shown at most (the entities with the most flagged events first; "N of M").
pub const MAX_SERIES: usize = 12;
/// Hours shown before the first episode of an entity.
pub const LEAD_HOURS: i64 = 72;
/// Hours shown after its last episode.
pub const TAIL_HOURS: i64 = 24;
/// Hours of one series at most (two weeks).
pub const MAX_HOURS: i64 = 14 * 24;

const HOUR: i64 = 3600;

/// (rule id, entity column, entity value).
type EntityOf<'a> = (&'a str, &'a str, &'a str);
/// An episode: (start, end, count).
type Span = (i64, i64, u64);
/// Each entity's rate episodes.
type Episodes<'a> = BTreeMap<EntityOf<'a>, Vec<Span>>;

fn rate_episodes(findings: &[Finding]) -> Episodes<'_> {
    let mut out: Episodes = BTreeMap::new();
    for f in findings.iter().filter(|f| f.rule_id.ends_with("-rate")) {
        let Some((kind, value)) = f.entity.first() else {
            continue;
        };
        if f.rule_id.starts_with("baseline.") && matches!(kind.as_str(), "key" | "principal") {
            out.entry((f.rule_id.as_str(), kind.as_str(), value.as_str()))
                .or_default()
                .push((f.start, f.end, f.count));
        }
    }
    out
}

/// The series of section 7, over the judged range `[from, to)` (the one detect judged).
pub fn series(
    groups: Groups,
    findings: &[Finding],
    (from, to): (i64, i64),
    opts: &ReportOptions,
    methods: &mut Methods,
) -> Result<BaselineSeriesSet> {
    let Some(b) = &opts.baselines else {
        return Ok(BaselineSeriesSet::default());
    };
    let mut entities: Vec<_> = rate_episodes(findings).into_iter().collect();
    let of = entities.len() as u64;
    entities.sort_by_key(|(k, eps)| (std::cmp::Reverse(eps.iter().map(|e| e.2).sum::<u64>()), *k));
    entities.truncate(MAX_SERIES);
    if entities.is_empty() {
        return Ok(BaselineSeriesSet {
            series: Vec::new(),
            of,
        });
    }
    methods.add(
        "Baseline series and bands",
        &format!(
            "the detector's per-hour counts (detect::baseline::groups) of each flagged key or \
             principal over the baselines' history (from {} days before the range), and per hour \
             the band it is judged against (detect::baseline::rate_series): median of the \
             previous {} days, median ± {} × max(1.4826·MAD, √max(median, 1)); flagged at or \
             above max(upper edge, median + {} calls or {} errors, {} × the window's busiest hour)",
            b.history_days,
            b.history_days,
            b.threshold,
            b.min_excess_calls,
            b.min_excess_errors,
            b.max_ratio
        ),
    );
    let groups = entity_groups(groups, &entities, from, opts, b)?;
    let first_hour = (from - b.history_days * 86_400).div_euclid(HOUR);
    let end_hour = (to + HOUR - 1).div_euclid(HOUR);
    let series = entities
        .iter()
        .enumerate()
        .map(|(i, ((rule, kind, value), eps))| {
            let lo = (eps[0].0.div_euclid(HOUR) - LEAD_HOURS).max(first_hour);
            let last = eps.iter().map(|e| e.1).max().unwrap_or(eps[0].1);
            let hi = ((last + HOUR - 1).div_euclid(HOUR) + TAIL_HOURS)
                .min(end_hour)
                .min(lo + MAX_HOURS)
                .max(lo + 1);
            let errors = rule.ends_with("-error-rate");
            let s = baseline::rate_series(&groups, (kind, value), errors, lo..hi, b);
            to_model(i, (rule, kind, value), errors, &s, eps)
        })
        .collect();
    Ok(BaselineSeriesSet { series, of })
}

/// The detector's per-hour groups of just these entities' events, over the history range,
/// read group by group of partitions (an hour never spans two: they are whole UTC days).
fn entity_groups(
    groups: Groups,
    entities: &[(EntityOf<'_>, Vec<Span>)],
    from: i64,
    opts: &ReportOptions,
    b: &BaselineOptions,
) -> Result<Vec<baseline::Group>> {
    let range = TimeRange {
        from: opts.range.from.map(|_| from - b.history_days * 86_400),
        to: opts.range.to,
    };
    let names = |kind: &str| -> Vec<&str> {
        entities
            .iter()
            .filter(|((_, k, _), _)| *k == kind)
            .map(|((_, _, v), _)| *v)
            .collect()
    };
    let list = |values: Vec<&str>| lit(Series::new("v".into(), values)).implode(false);
    let wanted = col(KMS_KEY_ID)
        .is_in(list(names("key")), false)
        .or(coalesce(&[col(USER_NAME), col(PRINCIPAL_ID)]).is_in(list(names("principal")), false));
    let columns: Vec<Expr> = baseline::COLUMNS.iter().map(|c| col(*c)).collect();
    let mut counted = Vec::new();
    for events in groups(&range)? {
        let df = events
            .select(columns.clone())
            .filter(wanted.clone())
            .collect()?;
        counted.extend(baseline::groups(&df)?);
    }
    Ok(counted)
}

fn to_model(
    i: usize,
    (rule, kind, value): (&str, &str, &str),
    errors: bool,
    s: &baseline::RateSeries,
    eps: &[Span],
) -> BaselineSeries {
    let band = |f: fn(&baseline::Band) -> f64| -> Vec<Option<f64>> {
        s.band
            .iter()
            .map(|b| b.as_ref().map(|b| round(f(b))))
            .collect()
    };
    BaselineSeries {
        anchor: format!("bl-{}", i + 1),
        rule_id: rule.to_string(),
        entity_kind: kind.to_string(),
        entity: value.to_string(),
        metric: if errors { "errors" } else { "calls" }.to_string(),
        start: s.first_hour * HOUR,
        observed: s.observed.iter().map(|v| *v as u64).collect(),
        median: band(|b| b.median),
        lower: band(|b| b.lower),
        upper: band(|b| b.upper),
        flag_at: band(|b| b.flag_at),
        episodes: eps.iter().map(|e| (e.0, e.1)).collect(),
    }
}

/// Three decimals: enough to draw and to compare, and stable bytes.
fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Points each rate row of section 7 at its entity's series.
pub fn link_rows(rows: &mut [super::model::BaselineRow], set: &BaselineSeriesSet) {
    for row in rows {
        row.series = set
            .series
            .iter()
            .find(|s| {
                s.rule_id == row.rule_id && row.entity == format!("{}={}", s.entity_kind, s.entity)
            })
            .map(|s| s.anchor.clone());
    }
}
