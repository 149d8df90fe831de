//! Offline Insights: per-entity hourly call and error rates scored against the entity's own
//! history (median/MAD), merged into episodes; and first-seen pairs after a learning period.
//! One pass over the events' columns, grouped over dictionary codes, makes per-(hour, key,
//! principal, access key, IP, error) counts; the statistics run on those few groups.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;
use rayon::prelude::*;

use super::codes::{encode, encode_values};
use super::rule::Severity;
use super::Finding;
use crate::error::Result;
use crate::event::schema::{
    ACCESS_KEY_ID, ERROR_CODE, EVENT_ID, KMS_KEY_ID, PRINCIPAL_ID, SOURCE_IP, TIME, USER_NAME,
};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// MAD to standard deviation of a normal distribution.
const MAD_SCALE: f64 = 1.4826;

/// Parameters of the baselines (defaults in [`BaselineOptions::default`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineOptions {
    /// Days of an entity's history its hourly rates are compared with (14).
    pub history_days: i64,
    /// Days of history an entity needs before its rates are judged (7).
    pub min_history_days: i64,
    /// Days at the start of the range that only learn first-seen pairs (7).
    pub learning_days: i64,
    /// Robust score at or above which an hour is anomalous (6).
    pub threshold: f64,
    /// Calls above the baseline median an anomalous hour needs at least (10).
    pub min_excess_calls: f64,
    /// Errors above the baseline median an anomalous hour needs at least (5).
    pub min_excess_errors: f64,
    /// How many times the history window's busiest hour an anomalous hour must reach (2):
    /// bursty traffic (batch jobs) has a median near 0, so the score alone would flag every
    /// ordinary burst.
    pub max_ratio: f64,
}

impl Default for BaselineOptions {
    fn default() -> Self {
        BaselineOptions {
            history_days: 14,
            min_history_days: 7,
            learning_days: 7,
            threshold: 6.0,
            min_excess_calls: 10.0,
            min_excess_errors: 5.0,
            max_ratio: 2.0,
        }
    }
}

/// The stored columns the baselines read.
pub const COLUMNS: [&str; 8] = [
    TIME,
    KMS_KEY_ID,
    USER_NAME,
    PRINCIPAL_ID,
    ACCESS_KEY_ID,
    SOURCE_IP,
    ERROR_CODE,
    EVENT_ID,
];

/// One row of the counts: the events of one (hour, key, principal, access key, IP, error).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Hour index (unix seconds / 3600).
    pub hour: i64,
    /// KMS key id, principal, access key id, source IP (None when absent or empty).
    pub key: Option<String>,
    /// The caller: user name, else principal id.
    pub principal: Option<String>,
    /// AccessKey id.
    pub ak: Option<String>,
    /// Source IP.
    pub ip: Option<String>,
    /// Whether these calls failed.
    pub error: bool,
    /// Number of events.
    pub n: i64,
    /// The first five events: (time, eventId), ascending.
    pub first: Vec<(i64, String)>,
}

/// Counts the events of `df` (a frame with [`COLUMNS`]) per (hour, key, principal, access key,
/// IP, failed or not), keeping each group's first five events by (time, eventId). The text
/// columns are turned into dictionary codes first, so the grouping hashes small integers.
pub fn groups(df: &DataFrame) -> Result<Vec<Group>> {
    let times = super::engine::time_values(df)?;
    let text = |name: &str| -> Result<&StringChunked> { Ok(df.column(name)?.str()?) };
    let (user, principal_id) = (text(USER_NAME)?, text(PRINCIPAL_ID)?);
    let plain: Vec<&StringChunked> =
        vec![text(KMS_KEY_ID)?, text(ACCESS_KEY_ID)?, text(SOURCE_IP)?];
    let mut coded: Vec<_> = plain.par_iter().map(|ca| encode(ca)).collect();
    let principal = encode_values(
        user.iter().zip(principal_id.iter()).map(|(u, p)| u.or(p)),
        df.height(),
    );
    let ip = coded.pop().unwrap_or_default();
    let ak = coded.pop().unwrap_or_default();
    let key = coded.pop().unwrap_or_default();
    let errors: Vec<bool> = text(ERROR_CODE)?
        .iter()
        .map(|e| e.is_some_and(|s| !s.is_empty()))
        .collect();
    let ids = text(EVENT_ID)?;

    /// (hour, key, principal, access key, IP codes, failed).
    type GroupKey = (i64, u32, u32, u32, u32, bool);
    /// A group's key, count and first events.
    type Counted<'a> = (GroupKey, i64, Vec<(i64, &'a str)>);
    let mut index: PlHashMap<GroupKey, usize> = PlHashMap::default();
    let mut counts: Vec<Counted<'_>> = Vec::new();
    for (row, id) in ids.iter().enumerate() {
        let t = times[row];
        let k = (
            t.div_euclid(HOUR),
            key.codes[row],
            principal.codes[row],
            ak.codes[row],
            ip.codes[row],
            errors[row],
        );
        let slot = *index.entry(k).or_insert_with(|| {
            counts.push((k, 0, Vec::new()));
            counts.len() - 1
        });
        let (_, n, first) = &mut counts[slot];
        *n += 1;
        keep_first(first, (t, id.unwrap_or("")));
    }
    let value = |values: &[Option<&str>], code: u32| -> Option<String> {
        values[code as usize]
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(counts
        .into_iter()
        .map(|((hour, k, p, a, i, error), n, first)| Group {
            hour,
            key: value(&key.values, k),
            principal: value(&principal.values, p),
            ak: value(&ak.values, a),
            ip: value(&ip.values, i),
            error,
            n,
            first: first
                .into_iter()
                .map(|(t, id)| (t, id.to_string()))
                .collect(),
        })
        .collect())
}

/// Inserts `event` into the ascending `first` if it is among the five smallest.
fn keep_first<'a>(first: &mut Vec<(i64, &'a str)>, event: (i64, &'a str)) {
    let limit = super::engine::SAMPLE_IDS;
    if first.len() == limit && first.last().is_some_and(|last| event >= *last) {
        return;
    }
    let at = first.partition_point(|e| *e <= event);
    first.insert(at, event);
    first.truncate(limit);
}

/// All baseline findings for `groups` over the judged range `[from, to)`.
pub fn findings(groups: &[Group], from: i64, to: i64, opts: &BaselineOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for kind in [EntityKind::Key, EntityKind::Principal] {
        out.extend(rate_findings(groups, kind, from, to, opts));
    }
    out.extend(first_seen_findings(
        groups,
        from + opts.learning_days * DAY,
        to,
    ));
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntityKind {
    Key,
    Principal,
}

impl EntityKind {
    fn of(self, g: &Group) -> Option<&str> {
        match self {
            EntityKind::Key => g.key.as_deref(),
            EntityKind::Principal => g.principal.as_deref(),
        }
    }
    fn name(self) -> &'static str {
        match self {
            EntityKind::Key => "key",
            EntityKind::Principal => "principal",
        }
    }
}

/// Hourly (calls, errors) of one entity.
type Series = BTreeMap<i64, (f64, f64)>;

fn rate_findings(
    groups: &[Group],
    kind: EntityKind,
    from: i64,
    to: i64,
    opts: &BaselineOptions,
) -> Vec<Finding> {
    let mut series: HashMap<&str, Series> = HashMap::new();
    for g in groups {
        if let Some(e) = kind.of(g) {
            let slot = series.entry(e).or_default().entry(g.hour).or_default();
            slot.0 += g.n as f64;
            if g.error {
                slot.1 += g.n as f64;
            }
        }
    }
    let mut out = Vec::new();
    let (first_hour, end_hour) = (from.div_euclid(HOUR), (to + HOUR - 1).div_euclid(HOUR));
    let mut entities: Vec<&&str> = series.keys().collect();
    entities.sort();
    for entity in entities {
        let s = &series[*entity];
        for errors in [false, true] {
            let min_excess = if errors {
                opts.min_excess_errors
            } else {
                opts.min_excess_calls
            };
            let hours = Hours {
                series: s,
                errors,
                end_hour,
            };
            let scored = score_hours(&hours, first_hour, opts, min_excess);
            for ep in merge_episodes(&scored) {
                out.push(rate_finding(groups, kind, entity, errors, &ep));
            }
        }
    }
    out
}

/// One entity's hourly counts (calls or errors) before `end_hour`, read sparsely: only hours
/// with activity are stored, a missing hour counts 0. Nothing is laid out densely from the
/// first to the last hour, so one event in 1970 or 9999 costs one entry, not millions.
struct Hours<'a> {
    series: &'a Series,
    errors: bool,
    end_hour: i64,
}

impl Hours<'_> {
    /// The entity's first hour.
    fn start(&self) -> Option<i64> {
        self.series.keys().next().copied()
    }

    /// The hours in `[from, to)` (clipped to before `end_hour`) that have activity, with their
    /// count.
    fn active(&self, from: i64, to: i64) -> impl Iterator<Item = (i64, f64)> + '_ {
        let to = to.min(self.end_hour);
        let errors = self.errors;
        (from < to)
            .then(|| self.series.range(from..to))
            .into_iter()
            .flatten()
            .map(move |(h, (n, e))| (*h, if errors { *e } else { *n }))
    }
}

/// One anomalous hour.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Hour index.
    pub hour: i64,
    /// Observed count.
    pub observed: f64,
    /// Baseline median.
    pub median: f64,
    /// Robust score.
    pub score: f64,
}

/// Median and MAD of `values` (which it reorders).
pub fn median_mad(values: &mut [f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let median = median(values);
    let mut dev: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
    (median, self::median(&mut dev))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Robust score of `observed` against a median and MAD: the excess over the median in units of
/// 1.4826·MAD, where the unit is at least sqrt(max(median, 1)) (Poisson noise floor, so a
/// series that is nearly always the same does not make every small change infinite).
pub fn robust_score(observed: f64, median: f64, mad: f64) -> f64 {
    let unit = (MAD_SCALE * mad).max(median.max(1.0).sqrt());
    (observed - median) / unit
}

/// Scores each active hour of `hours` that has at least the minimum history (counted from the
/// entity's first hour) and lies at or after `judge_from` against the window of up to
/// `history_days` hours before it (missing hours count 0); returns the anomalous ones. An hour
/// without activity is never anomalous (it is below `min_excess`, which is positive), so only
/// active hours are visited.
fn score_hours(
    hours: &Hours<'_>,
    judge_from: i64,
    opts: &BaselineOptions,
    min_excess: f64,
) -> Vec<Scored> {
    let Some(start) = hours.start() else {
        return Vec::new();
    };
    let min_history = opts.min_history_days * 24;
    let history = opts.history_days * 24;
    let first_judged = judge_from.max(start.saturating_add(min_history));
    let mut out = Vec::new();
    for (hour, observed) in hours.active(first_judged, i64::MAX) {
        let window_start = hour.saturating_sub(history).max(start);
        let busiest = hours
            .active(window_start, hour)
            .map(|c| c.1)
            .fold(0.0, f64::max);
        // Cheap necessary conditions first (the median is between 0 and the busiest hour):
        // most hours fail them, and then the window need not be laid out and sorted.
        if observed < opts.max_ratio * busiest || observed < min_excess {
            continue;
        }
        let mut window = vec![0.0; (hour - window_start) as usize];
        for (h, count) in hours.active(window_start, hour) {
            window[(h - window_start) as usize] = count;
        }
        let (median, mad) = median_mad(&mut window);
        let score = robust_score(observed, median, mad);
        if score >= opts.threshold
            && observed - median >= min_excess
            && observed >= opts.max_ratio * busiest
        {
            out.push(Scored {
                hour,
                observed,
                median,
                score,
            });
        }
    }
    out
}

/// A run of consecutive anomalous hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// First hour index.
    pub first: i64,
    /// Last hour index (inclusive).
    pub last: i64,
    /// Baseline median at the first hour.
    pub baseline: f64,
    /// Mean observed count per hour over the episode's anomalous hours.
    pub observed: f64,
    /// Total observed count.
    pub total: f64,
    /// Highest score.
    pub peak_score: f64,
}

/// Merges anomalous hours that follow each other (no gap) into episodes.
pub fn merge_episodes(hours: &[Scored]) -> Vec<Episode> {
    let mut out: Vec<(Episode, usize)> = Vec::new();
    for h in hours {
        match out.last_mut() {
            Some((ep, n)) if h.hour == ep.last + 1 => {
                ep.last = h.hour;
                ep.total += h.observed;
                ep.peak_score = ep.peak_score.max(h.score);
                *n += 1;
            }
            _ => out.push((
                Episode {
                    first: h.hour,
                    last: h.hour,
                    baseline: h.median,
                    observed: 0.0,
                    total: h.observed,
                    peak_score: h.score,
                },
                1,
            )),
        }
    }
    out.into_iter()
        .map(|(mut ep, n)| {
            ep.observed = ep.total / n as f64;
            ep
        })
        .collect()
}

fn rate_finding(
    groups: &[Group],
    kind: EntityKind,
    entity: &str,
    errors: bool,
    ep: &Episode,
) -> Finding {
    let metric = if errors { "error" } else { "call" };
    let events = first_events(groups.iter().filter(|g| {
        kind.of(g) == Some(entity)
            && g.hour >= ep.first
            && g.hour <= ep.last
            && (!errors || g.error)
    }));
    Finding {
        severity: Severity::Medium,
        rule_id: format!("baseline.{}-{metric}-rate", kind.name()),
        title: format!(
            "{} {metric} rate far above its baseline",
            capitalize(kind.name())
        ),
        start: ep.first * HOUR,
        end: (ep.last + 1) * HOUR,
        entity: vec![(kind.name().to_string(), entity.to_string())],
        count: ep.total as u64,
        sample_ids: events,
        detail: vec![
            ("baseline_per_hour".into(), ep.baseline.into()),
            ("observed_per_hour".into(), ep.observed.into()),
            ("score".into(), ep.peak_score.into()),
        ],
        summary: Some(format!(
            "baseline {:.1}/h, observed {:.1}/h, score {:.1}",
            ep.baseline, ep.observed, ep.peak_score
        )),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// The first five event ids (by time) of the groups.
fn first_events<'a>(groups: impl Iterator<Item = &'a Group>) -> Vec<String> {
    let mut all: Vec<&(i64, String)> = groups.flat_map(|g| g.first.iter()).collect();
    all.sort();
    all.into_iter()
        .take(super::engine::SAMPLE_IDS)
        .map(|(_, id)| id.clone())
        .collect()
}

/// The pairs whose first sighting is judged.
const PAIRS: &[(&str, &str, &str)] = &[
    ("baseline.first-seen-key-ip", "key", "ip"),
    ("baseline.first-seen-key-principal", "key", "principal"),
    ("baseline.first-seen-ak-ip", "ak", "ip"),
];

fn field<'a>(g: &'a Group, name: &str) -> Option<&'a str> {
    match name {
        "key" => g.key.as_deref(),
        "principal" => g.principal.as_deref(),
        "ak" => g.ak.as_deref(),
        _ => g.ip.as_deref(),
    }
}

/// Pairs first seen at or after `learned` (and before `to`).
fn first_seen_findings(groups: &[Group], learned: i64, to: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    for &(rule, a, b) in PAIRS {
        let mut pairs: BTreeMap<(&str, &str), Vec<&Group>> = BTreeMap::new();
        for g in groups {
            if let (Some(x), Some(y)) = (field(g, a), field(g, b)) {
                pairs.entry((x, y)).or_default().push(g);
            }
        }
        out.extend(first_sightings(rule, (a, b), pairs, learned, to));
    }
    out
}

/// (key, country) pairs first seen at or after `learned` (and before `to`): a key called from
/// a country it was not called from before, the country of the source IP from the `--geoip`
/// databases (each distinct IP looked up once; IPs without a country are left out).
pub fn first_seen_countries(
    groups: &[Group],
    learned: i64,
    to: i64,
    geo: &crate::geoip::GeoIp,
) -> Result<Vec<Finding>> {
    let field = crate::geoip::Field::CountryCode;
    if geo.answering(field).is_empty() {
        return Ok(Vec::new());
    }
    let mut countries: HashMap<&str, Option<String>> = HashMap::new();
    for ip in groups.iter().filter_map(|g| g.ip.as_deref()) {
        if !countries.contains_key(ip) {
            let country = geo.lookup(ip, field).map_err(crate::error::Error::Other)?;
            countries.insert(ip, country);
        }
    }
    let mut pairs: BTreeMap<(&str, &str), Vec<&Group>> = BTreeMap::new();
    for g in groups {
        let country = g.ip.as_deref().and_then(|ip| countries[ip].as_deref());
        if let (Some(key), Some(country)) = (g.key.as_deref(), country) {
            pairs.entry((key, country)).or_default().push(g);
        }
    }
    Ok(first_sightings(
        "baseline.first-seen-key-country",
        ("key", "country"),
        pairs,
        learned,
        to,
    ))
}

/// A finding for each pair whose first event is in `[learned, to)`.
fn first_sightings(
    rule: &str,
    (a, b): (&str, &str),
    pairs: BTreeMap<(&str, &str), Vec<&Group>>,
    learned: i64,
    to: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for ((x, y), gs) in pairs {
        let first = gs.iter().filter_map(|g| g.first.first().map(|f| f.0)).min();
        let Some(first) = first.filter(|&t| t >= learned && t < to) else {
            continue;
        };
        out.push(Finding {
            severity: Severity::Medium,
            rule_id: rule.to_string(),
            title: format!("{a} used with a never-seen {b}"),
            start: first,
            end: first + 1,
            entity: vec![
                (a.to_string(), x.to_string()),
                (b.to_string(), y.to_string()),
            ],
            count: gs.iter().map(|g| g.n as u64).sum(),
            sample_ids: first_events(gs.into_iter()),
            detail: Vec::new(),
            summary: Some("first seen after the learning period".to_string()),
        });
    }
    out
}

/// The band the rate baselines judge one hour against: the history window's median, the
/// score threshold on either side (`median ± threshold · max(1.4826·MAD, sqrt(max(median, 1)))`,
/// the lower edge at least 0), and the count an hour must reach to be flagged (at or above the
/// upper edge, `min_excess` above the median and `max_ratio` times the window's busiest hour).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Median of the window.
    pub median: f64,
    /// `median - threshold · unit`, at least 0.
    pub lower: f64,
    /// `median + threshold · unit`.
    pub upper: f64,
    /// The smallest count the hour is flagged at.
    pub flag_at: f64,
}

/// One entity's hourly series with the band of each hour, as [`findings`] scores it.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSeries {
    /// Hour index of `observed[0]`.
    pub first_hour: i64,
    /// Calls (or errors) per hour.
    pub observed: Vec<f64>,
    /// The band of each hour; None while the entity has less than `min_history_days`.
    pub band: Vec<Option<Band>>,
}

/// The hourly calls (`errors`: failed calls) of the key or principal `entity` (`kind` is
/// `"key"` or `"principal"`, as the findings' entity column) over the hour indexes `hours`,
/// with the band each hour is judged against: the numbers behind a `baseline.*-rate` finding.
pub fn rate_series(
    groups: &[Group],
    (kind, entity): (&str, &str),
    errors: bool,
    hours: std::ops::Range<i64>,
    opts: &BaselineOptions,
) -> RateSeries {
    let kind = if kind == "key" {
        EntityKind::Key
    } else {
        EntityKind::Principal
    };
    let mut series = Series::new();
    for g in groups.iter().filter(|g| kind.of(g) == Some(entity)) {
        let slot = series.entry(g.hour).or_default();
        slot.0 += g.n as f64;
        if g.error {
            slot.1 += g.n as f64;
        }
    }
    let h = Hours {
        series: &series,
        errors,
        end_hour: i64::MAX,
    };
    let min_excess = if errors {
        opts.min_excess_errors
    } else {
        opts.min_excess_calls
    };
    let start = h.start().unwrap_or(hours.start);
    let (history, min_history) = (opts.history_days * 24, opts.min_history_days * 24);
    let mut out = RateSeries {
        first_hour: hours.start,
        observed: Vec::new(),
        band: Vec::new(),
    };
    for hour in hours {
        out.observed
            .push(h.active(hour, hour + 1).map(|c| c.1).sum());
        if hour < start.saturating_add(min_history) {
            out.band.push(None);
            continue;
        }
        let window_start = hour.saturating_sub(history).max(start);
        let mut window = vec![0.0; (hour - window_start) as usize];
        let mut busiest: f64 = 0.0;
        for (at, count) in h.active(window_start, hour) {
            window[(at - window_start) as usize] = count;
            busiest = busiest.max(count);
        }
        let (median, mad) = median_mad(&mut window);
        let unit = (MAD_SCALE * mad).max(median.max(1.0).sqrt());
        let upper = median + opts.threshold * unit;
        out.band.push(Some(Band {
            median,
            lower: (median - opts.threshold * unit).max(0.0),
            upper,
            flag_at: upper.max(median + min_excess).max(opts.max_ratio * busiest),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_count_per_hour_entity_and_failure_keeping_the_first_five() {
        let n = 8;
        let df = df!(
            TIME => [7200i64, 3600, 3601, 3602, 3603, 3604, 3605, 3599],
            KMS_KEY_ID => [Some("k1"), Some("k1"), Some("k1"), Some("k1"), Some("k1"), Some("k1"), Some("k1"), None],
            USER_NAME => [Some("alice"), None, None, None, None, None, None, Some("")],
            PRINCIPAL_ID => ["p1", "p2", "p2", "p2", "p2", "p2", "p2", "p3"],
            ACCESS_KEY_ID => [None::<&str>; 8],
            SOURCE_IP => ["1.1.1.1"; 8],
            ERROR_CODE => [None, Some(""), None, None, None, None, None, Some("Forbidden")],
            EVENT_ID => ["a", "f", "e", "d", "c", "b", "g", "h"]
        )
        .unwrap();
        assert_eq!(df.height(), n);
        let mut gs = groups(&df).unwrap();
        gs.sort_by_key(|g| (g.hour, g.n));
        assert_eq!(gs.len(), 3);
        assert_eq!(
            (
                gs[0].hour,
                gs[0].key.clone(),
                gs[0].principal.clone(),
                gs[0].error
            ),
            (0, None, None, true)
        );
        assert_eq!(
            (gs[1].hour, gs[1].n, gs[1].principal.as_deref()),
            (1, 6, Some("p2"))
        );
        assert_eq!(
            gs[1].first,
            vec![
                (3600, "f".to_string()),
                (3601, "e".to_string()),
                (3602, "d".to_string()),
                (3603, "c".to_string()),
                (3604, "b".to_string())
            ]
        );
        assert_eq!((gs[2].hour, gs[2].principal.as_deref()), (2, Some("alice")));
    }

    #[test]
    fn the_first_five_break_ties_by_event_id() {
        let mut first = Vec::new();
        for e in [
            (5, "e"),
            (1, "z"),
            (1, "a"),
            (3, "c"),
            (9, "x"),
            (2, "b"),
            (1, "m"),
        ] {
            keep_first(&mut first, e);
        }
        assert_eq!(
            first,
            vec![(1, "a"), (1, "m"), (1, "z"), (2, "b"), (3, "c")]
        );
    }

    #[test]
    fn median_and_mad() {
        assert_eq!(median_mad(&mut [1.0, 2.0, 3.0, 4.0, 100.0]), (3.0, 1.0));
        assert_eq!(median_mad(&mut [2.0, 4.0]), (3.0, 1.0));
        assert_eq!(median_mad(&mut []), (0.0, 0.0));
    }

    #[test]
    fn robust_score_uses_mad_with_a_noise_floor() {
        // MAD 10 -> unit 14.826.
        assert!((robust_score(148.26 + 50.0, 50.0, 10.0) - 10.0).abs() < 1e-9);
        // MAD 0, median 0 -> unit 1.
        assert_eq!(robust_score(8.0, 0.0, 0.0), 8.0);
        // MAD 0, median 16 -> unit 4.
        assert_eq!(robust_score(40.0, 16.0, 0.0), 6.0);
    }

    fn scored(hour: i64, observed: f64) -> Scored {
        Scored {
            hour,
            observed,
            median: 2.0,
            score: observed,
        }
    }

    #[test]
    fn consecutive_hours_merge_into_episodes() {
        let eps = merge_episodes(&[scored(10, 20.0), scored(11, 40.0), scored(13, 30.0)]);
        assert_eq!(eps.len(), 2);
        assert_eq!(
            (
                eps[0].first,
                eps[0].last,
                eps[0].total,
                eps[0].observed,
                eps[0].peak_score
            ),
            (10, 11, 60.0, 30.0, 40.0)
        );
        assert_eq!((eps[1].first, eps[1].last, eps[1].baseline), (13, 13, 2.0));
        assert!(merge_episodes(&[]).is_empty());
    }

    /// Scores calls given as (hour, count) pairs (hours without a pair count 0).
    fn score_calls(counts: &[(i64, f64)], judge_from: i64, opts: &BaselineOptions) -> Vec<Scored> {
        let series: Series = counts
            .iter()
            .filter(|c| c.1 > 0.0)
            .map(|&(h, n)| (h, (n, 0.0)))
            .collect();
        let hours = Hours {
            series: &series,
            errors: false,
            end_hour: i64::MAX,
        };
        score_hours(&hours, judge_from, opts, opts.min_excess_calls)
    }

    #[test]
    fn hours_need_history_and_a_real_excess() {
        let opts = BaselineOptions::default();
        // 8 days of 2 calls an hour (one burst of 30), then one hour of 60 and one of 9.
        let mut counts: Vec<(i64, f64)> = (0..192)
            .map(|h| (h, if h == 50 { 30.0 } else { 2.0 }))
            .collect();
        counts.push((192, 60.0));
        counts.push((193, 9.0));
        let hits = score_calls(&counts, 0, &opts);
        assert_eq!(hits.len(), 1);
        // 55 is not twice the earlier burst of 30.
        counts[192].1 = 55.0;
        assert!(score_calls(&counts, 0, &opts).is_empty());
        counts[192].1 = 60.0;
        assert_eq!(
            (hits[0].hour, hits[0].median, hits[0].observed),
            (192, 2.0, 60.0)
        );
        // Too little history: nothing is judged.
        let short: Vec<(i64, f64)> = (0..100)
            .map(|h| (h, if h == 99 { 60.0 } else { 2.0 }))
            .collect();
        assert!(score_calls(&short, 0, &opts).is_empty());
    }

    /// The dense scoring the sparse one replaced: every hour from the first on, gaps as 0.
    fn dense_reference(
        counts: &[(i64, f64)],
        judge_from: i64,
        opts: &BaselineOptions,
    ) -> Vec<Scored> {
        let start = counts.iter().map(|c| c.0).min().unwrap();
        let end = counts.iter().map(|c| c.0).max().unwrap() + 1;
        let dense: Vec<(i64, f64)> = (start..end)
            .map(|h| (h, counts.iter().filter(|c| c.0 == h).map(|c| c.1).sum()))
            .collect();
        let (min_history, history) = (
            (opts.min_history_days * 24) as usize,
            (opts.history_days * 24) as usize,
        );
        let mut out = Vec::new();
        for (i, &(hour, observed)) in dense.iter().enumerate() {
            if i < min_history || hour < judge_from {
                continue;
            }
            let mut window: Vec<f64> = dense[i.saturating_sub(history)..i]
                .iter()
                .map(|c| c.1)
                .collect();
            let busiest = window.iter().copied().fold(0.0, f64::max);
            let (median, mad) = median_mad(&mut window);
            let score = robust_score(observed, median, mad);
            if score >= opts.threshold
                && observed - median >= opts.min_excess_calls
                && observed >= opts.max_ratio * busiest
            {
                out.push(Scored {
                    hour,
                    observed,
                    median,
                    score,
                });
            }
        }
        out
    }

    #[test]
    fn sparse_scoring_equals_the_dense_scoring() {
        let opts = BaselineOptions::default();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20 {
            let mut counts = Vec::new();
            for h in 0..600 {
                let r = next() % 100;
                let n = match r {
                    0..=39 => 0.0,
                    40..=97 => (next() % 4) as f64,
                    _ => (20 + next() % 80) as f64,
                };
                if n > 0.0 {
                    counts.push((1000 + h, n));
                }
            }
            let judge_from = 1000 + (round * 20) as i64;
            assert_eq!(
                score_calls(&counts, judge_from, &opts),
                dense_reference(&counts, judge_from, &opts),
                "round {round}"
            );
        }
    }

    #[test]
    fn far_apart_hours_cost_only_their_entries() {
        let opts = BaselineOptions::default();
        // 1970, a normal week with a burst, and a 9999-12-31 sentinel: 2.2 billion hours apart.
        let mut counts: Vec<(i64, f64)> = vec![(0, 1.0)];
        counts.extend((474_000..474_200).map(|h| (h, if h == 474_199 { 90.0 } else { 2.0 })));
        counts.push((70_389_527, 1.0));
        let hits = score_calls(&counts, 0, &opts);
        assert_eq!(
            hits.iter().map(|h| h.hour).collect::<Vec<_>>(),
            vec![474_199]
        );
    }

    fn group(hour: i64, key: &str, ip: &str, t: i64) -> Group {
        Group {
            hour,
            key: Some(key.into()),
            principal: Some("alice".into()),
            ak: None,
            ip: Some(ip.into()),
            error: false,
            n: 1,
            first: vec![(t, format!("id{t}"))],
        }
    }

    #[test]
    fn first_seen_pairs_after_learning() {
        let groups = vec![
            group(0, "k1", "1.1.1.1", 10),
            group(200, "k1", "1.1.1.1", 720_000),
            group(201, "k1", "2.2.2.2", 723_600),
        ];
        let found = first_seen_findings(&groups, 7 * DAY, 30 * DAY);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule_id, "baseline.first-seen-key-ip");
        assert_eq!(
            found[0].entity,
            vec![
                ("key".to_string(), "k1".to_string()),
                ("ip".to_string(), "2.2.2.2".to_string())
            ]
        );
        assert_eq!((found[0].start, found[0].count), (723_600, 1));
        assert_eq!(found[0].sample_ids, vec!["id723600".to_string()]);
    }

    #[test]
    fn rate_series_flags_exactly_the_scored_hours() {
        let opts = BaselineOptions::default();
        let mut groups = Vec::new();
        for hour in 0..24 * 10 {
            let n = if hour == 24 * 9 { 40 } else { 1 + hour % 3 };
            if n > 0 {
                let mut g = group(hour, "k", "10.0.0.1", hour * HOUR);
                g.n = n;
                groups.push(g);
            }
        }
        let s = rate_series(&groups, ("key", "k"), false, 0..24 * 10, &opts);
        assert_eq!(s.observed[24 * 9], 40.0);
        assert!(s.band[24 * 7 - 1].is_none() && s.band[24 * 7].is_some());
        let flagged: Vec<i64> = (0..s.observed.len())
            .filter(|&i| s.band[i].is_some_and(|b| s.observed[i] >= b.flag_at))
            .map(|i| s.first_hour + i as i64)
            .collect();
        let found = findings(&groups, 0, 24 * 10 * HOUR, &opts);
        let scored: Vec<i64> = found
            .iter()
            .filter(|f| f.rule_id == "baseline.key-call-rate")
            .map(|f| f.start / HOUR)
            .collect();
        assert_eq!(flagged, scored);
        assert_eq!(flagged, vec![24 * 9]);
    }
}
