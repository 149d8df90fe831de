//! Detection in bounded memory: the range is cut into consecutive chunks of whole days (of
//! hours, for a day too busy alone; of seconds, for an hour too busy alone) holding a bounded
//! number of events, and the chunks are fed to a [`Detector`] in time order. Rule windows are time-local: the windows that end within a
//! chunk are evaluated as soon as it is read, and only a window that straddles the chunk's end
//! carries its matched events into the next one. The baselines keep their per-hour counts
//! (the groups of an hour a chunk ends within wait for the rest of that hour) and judge them
//! once every chunk is read. What a chunk holds is then bounded by the chunk size plus, per
//! rule, its matched events of one open window: only a single second holding more events than
//! the chunk size, or a rule matching more events in one window than memory holds, can outgrow
//! it, and then the memory guard stops the run (exit 3) before the machine runs out.

use polars::prelude::*;

use super::baseline::{self, Group};
use super::baseline_state::BaselineState;
use super::engine::{self, CompiledRule};
use super::load::{self, Bounds};
use super::{DetectOptions, Finding, Rule, Severity};
use crate::error::Result;
use crate::event::schema::TIME;
use crate::time::TimeRange;

/// Scans the events of a time range (a store's, through the command's source).
pub type Scan<'a> = &'a (dyn Fn(&TimeRange) -> Result<LazyFrame> + Sync);

/// Events a chunk holds at most, unless one hour alone holds more (the default of
/// [`DetectOptions::chunk_events`]).
pub const CHUNK_EVENTS: u64 = 400_000;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Runs `rules` (and the baselines) over the events `scan` gives for `range`, chunk by chunk:
/// the same findings as [`super::detect`] over the whole range, in memory bounded by a chunk.
/// The baselines also read the `history_days` before `range.from`. `days` (the events of each
/// UTC day, [`rows_per_day`]) plans the chunks without reading the events; without it, a pass
/// over `__time__` counts them.
pub fn detect_in(
    scan: Scan,
    days: Option<&[(i64, u64)]>,
    range: &TimeRange,
    rules: &[Rule],
    opts: &DetectOptions,
) -> Result<Vec<Finding>> {
    let mut detector = Detector::new(rules, opts)?;
    let history = match (&opts.baselines, range.from) {
        (Some(b), Some(from)) if detector.run_baselines => Some(TimeRange {
            from: Some(from - b.history_days * DAY),
            to: range.to,
        }),
        _ => None,
    };
    let outer = history.unwrap_or(*range);
    for chunk in chunks(scan, days, &outer, opts.chunk_events)? {
        let events = match intersect(&chunk, range) {
            Some(r) => scan(&r)?,
            None => crate::store::frame::rows_to_dataframe(&[])?.lazy(),
        };
        let history = history.map(|_| scan(&chunk)).transpose()?;
        detector.feed(events, history, chunk.to)?;
    }
    detector.finish()
}

/// The part of `chunk` within `range`, if any.
fn intersect(chunk: &TimeRange, range: &TimeRange) -> Option<TimeRange> {
    let max = |a: Option<i64>, b: Option<i64>| a.max(b).or(a).or(b);
    let min = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    };
    let r = TimeRange {
        from: max(chunk.from, range.from),
        to: min(chunk.to, range.to),
    };
    match (r.from, r.to) {
        (Some(f), Some(t)) if f >= t => None,
        _ => Some(r),
    }
}

/// The events of each UTC day of `store`, from the rows its manifest records for the parts a
/// scan reads: ascending `(day index, events)`. None for a legacy store, whose manifest records
/// no parts.
pub fn rows_per_day(store: &crate::store::Store) -> Option<Vec<(i64, u64)>> {
    if store.is_legacy() {
        return None;
    }
    let mut days = std::collections::BTreeMap::<i64, u64>::new();
    for part in store.parts() {
        let day = part
            .record
            .date()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|start| start.and_utc().timestamp().div_euclid(DAY));
        match day {
            Some(day) => *days.entry(day).or_default() += part.record.rows,
            None => return None,
        }
    }
    Some(days.into_iter().collect())
}

/// Consecutive ranges covering `range` whose events [`cut`] bounds to `max_events`, from the
/// number of events per hour ([`hours_of`]). An hour alone holding more is cut again at
/// seconds ([`cut_seconds`], from a pass over that hour's `__time__`), so only a single second
/// holding more than `max_events` makes a larger chunk.
pub fn chunks(
    scan: Scan,
    days: Option<&[(i64, u64)]>,
    range: &TimeRange,
    max_events: u64,
) -> Result<Vec<TimeRange>> {
    let max = max_events.max(1);
    let hours = hours_of(scan, days, range, max)?;
    let mut cuts = cut(&hours, max);
    for &(hour, _) in hours.iter().filter(|&&(_, n)| n > max) {
        let within = clip(range, hour * HOUR, (hour + 1) * HOUR);
        cuts.extend(cut_seconds(&counts_per(scan, &within, 1)?, max));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut bounds = vec![range.from];
    bounds.extend(cuts.into_iter().map(Some));
    bounds.push(range.to);
    Ok(bounds
        .windows(2)
        .map(|b| TimeRange {
            from: b[0],
            to: b[1],
        })
        .collect())
}

/// Ascending `(hour, events)` as [`cut`] reads them for `range`: without `days`, counted in one
/// streaming pass over `__time__`. With `days` (events per UTC day), a day of at most `max`
/// events (all of them, also outside `range`: at least those within) stands as its first
/// hour, since [`cut`] does not look into such a day, and only the hours of a busier day are
/// counted, from its own events.
fn hours_of(
    scan: Scan,
    days: Option<&[(i64, u64)]>,
    range: &TimeRange,
    max: u64,
) -> Result<Vec<(i64, u64)>> {
    let Some(days) = days else {
        return counts_per(scan, range, HOUR);
    };
    let mut hours = Vec::new();
    for &(day, n) in days
        .iter()
        .filter(|d| d.1 > 0 && range.overlaps_day(d.0 * DAY))
    {
        if n <= max {
            hours.push((day * 24, n));
        } else {
            hours.extend(counts_per(
                scan,
                &clip(range, day * DAY, (day + 1) * DAY),
                HOUR,
            )?);
        }
    }
    Ok(hours)
}

/// `[from, to)` within `range`.
fn clip(range: &TimeRange, from: i64, to: i64) -> TimeRange {
    TimeRange {
        from: Some(range.from.map_or(from, |f| f.max(from))),
        to: Some(range.to.map_or(to, |t| t.min(to))),
    }
}

/// The events of `range` per `unit` seconds: ascending `(time / unit, events)`.
fn counts_per(scan: Scan, range: &TimeRange, unit: i64) -> Result<Vec<(i64, u64)>> {
    let slot = col(TIME)
        .cast(DataType::Int64)
        .floor_div(lit(unit))
        .alias("slot");
    let counts = scan(range)?
        .select([slot])
        .group_by([col("slot")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort(["slot"], SortMultipleOptions::default())
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    Ok(counts
        .column("slot")?
        .i64()?
        .iter()
        .zip(counts.column("n")?.u64()?.iter())
        .filter_map(|(h, n)| Some((h?, n?)))
        .collect())
}

/// Where to cut ascending `(second, events)` counts of one hour so that each piece holds at
/// most `max` events (a second holding more is a piece of its own): at the start of the second
/// that would overflow the piece before it. Events of one second are never cut apart.
pub fn cut_seconds(seconds: &[(i64, u64)], max: u64) -> Vec<i64> {
    let mut cuts = Vec::new();
    let mut held = 0u64;
    for &(second, n) in seconds {
        if held > 0 && held + n > max {
            cuts.push(second);
            held = 0;
        }
        held += n;
    }
    cuts
}

/// Where to cut ascending `(hour, events)` counts so that each chunk holds at most `max`
/// events: at day starts, and at hour starts within a day that holds more than `max` alone.
/// Each cut lies after an event and at or before a later one.
pub fn cut(hours: &[(i64, u64)], max: u64) -> Vec<i64> {
    let mut cuts = Vec::new();
    let mut held = 0u64;
    let mut at = 0;
    while at < hours.len() {
        let day = hours[at].0.div_euclid(24);
        let end = at + hours[at..].partition_point(|h| h.0.div_euclid(24) == day);
        let total: u64 = hours[at..end].iter().map(|h| h.1).sum();
        if held > 0 && held + total > max {
            cuts.push(day * DAY);
            held = 0;
        }
        if total > max {
            for &(hour, n) in &hours[at..end] {
                if held > 0 && held + n > max {
                    cuts.push(hour * HOUR);
                    held = 0;
                }
                held += n;
            }
        } else {
            held += total;
        }
        at = end;
    }
    cuts
}

/// Runs rules and baselines over events fed chunk by chunk in time order.
pub struct Detector<'a> {
    prepared: Vec<CompiledRule>,
    opts: &'a DetectOptions,
    run_baselines: bool,
    /// Per rule: the matched events of windows that may go on in the next chunk.
    carry: Vec<DataFrame>,
    /// The baselines' counts so far.
    baselines: BaselineState,
    /// The baselines' groups of the hour the last chunk ended within (a chunk cut inside an
    /// hour too busy alone): folded with the next chunk's, so that every hour is scored once,
    /// whole.
    open_hour: Vec<Group>,
    /// The first and last time of the events (not the history) so far.
    bounds: Bounds,
    /// The rules' findings so far.
    findings: Vec<Finding>,
}

impl<'a> Detector<'a> {
    /// Compiles the rules `opts` runs.
    pub fn new(rules: &[Rule], opts: &'a DetectOptions) -> Result<Detector<'a>> {
        let prepared: Vec<CompiledRule> = rules
            .iter()
            .filter(|r| r.severity >= opts.min_severity)
            .map(engine::prepare)
            .collect::<Result<_>>()?;
        Ok(Detector {
            carry: vec![DataFrame::default(); prepared.len()],
            prepared,
            opts,
            run_baselines: opts.baselines.is_some() && Severity::Medium >= opts.min_severity,
            baselines: BaselineState::default(),
            open_hour: Vec::new(),
            bounds: (None, None),
            findings: Vec::new(),
        })
    }

    /// Reads one chunk: `events` (and `history`, what the baselines read, when it is not
    /// `events`), all before `end` and after every event fed before. Evaluates the windows
    /// that end by `end` (all, when None).
    pub fn feed(
        &mut self,
        events: LazyFrame,
        history: Option<LazyFrame>,
        end: Option<i64>,
    ) -> Result<()> {
        let opts = self.opts;
        let (state, open_hour, bounds) =
            (&mut self.baselines, &mut self.open_hour, &mut self.bounds);
        // The baselines count and score the chunk on the loader's thread of their own, while
        // the rules' events are read.
        let counting =
            self.run_baselines
                .then_some(move |df: &DataFrame, (lo, hi): Bounds| -> Result<()> {
                    let groups = baseline::groups(df)?;
                    *bounds = (
                        lo.into_iter().chain(bounds.0).min(),
                        hi.into_iter().chain(bounds.1).max(),
                    );
                    let judged = opts.from.or(bounds.0);
                    add_groups(state, open_hour, groups, end, judged, opts);
                    Ok(())
                });
        let (matched, counted) = load::load(events, history, &self.prepared, counting)?;
        counted.transpose()?;
        let mut complete = Vec::with_capacity(matched.len());
        for (i, m) in matched.into_iter().enumerate() {
            let all = joined(std::mem::take(&mut self.carry[i]), m)?;
            let cutoff = end
                .map(|e| e.div_euclid(self.prepared[i].rule.window) * self.prepared[i].rule.window);
            let (done, rest) = split_before(all, cutoff)?;
            self.carry[i] = rest;
            complete.push(done);
        }
        let found = engine::run_all(&self.prepared, &complete, &self.opts.ctx)?;
        self.findings.extend(found);
        Ok(())
    }

    /// Evaluates the windows still open and the baselines. Findings come sorted by start
    /// time, then severity (highest first), then rule id.
    pub fn finish(mut self) -> Result<Vec<Finding>> {
        if !self.open_hour.is_empty() {
            let judged = self.opts.from.or(self.bounds.0);
            let open_hour = &mut self.open_hour;
            add_groups(
                &mut self.baselines,
                open_hour,
                Vec::new(),
                None,
                judged,
                self.opts,
            );
        }
        if self.carry.iter().any(|c| c.height() > 0) {
            let carry = std::mem::take(&mut self.carry);
            let found = engine::run_all(&self.prepared, &carry, &self.opts.ctx)?;
            self.findings.extend(found);
        }
        let mut findings = self.baseline_findings()?;
        findings.append(&mut self.findings);
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

    fn baseline_findings(&self) -> Result<Vec<Finding>> {
        let Some(b) = self.opts.baselines.as_ref().filter(|_| self.run_baselines) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = self.bounds;
        let from = self.opts.from.or(lo);
        let to = self.opts.to.or(hi.map(|h| h + 1));
        let (Some(from), Some(to)) = (from, to) else {
            return Ok(Vec::new());
        };
        self.baselines.findings(from, to, b, self.opts.ctx.geoip)
    }
}

/// Folds `groups` (a chunk's, ending at `end`) into the baselines' `state`, holding back in
/// `open_hour` those of the hour `end` falls within (all of them are folded when `end` is None
/// or an hour's start) and folding those held back before; `judged`: from when hours are
/// judged.
fn add_groups(
    state: &mut BaselineState,
    open_hour: &mut Vec<Group>,
    groups: Vec<Group>,
    end: Option<i64>,
    judged: Option<i64>,
    opts: &DetectOptions,
) {
    let mut groups = groups;
    if !open_hour.is_empty() {
        let mut all = std::mem::take(open_hour);
        all.append(&mut groups);
        groups = all;
    }
    if let Some(open) = end
        .filter(|e| e.rem_euclid(HOUR) != 0)
        .map(|e| e.div_euclid(HOUR))
    {
        let (held, whole): (Vec<Group>, Vec<Group>) =
            groups.into_iter().partition(|g| g.hour == open);
        *open_hour = held;
        groups = whole;
    }
    if let (Some(b), Some(judged)) = (&opts.baselines, judged) {
        state.add(&groups, judged, b);
    }
}

/// `earlier` then `later` (both sorted by time, `earlier` before `later`).
fn joined(earlier: DataFrame, later: DataFrame) -> Result<DataFrame> {
    if earlier.height() == 0 {
        return Ok(later);
    }
    if later.height() == 0 {
        return Ok(earlier);
    }
    let mut all = earlier;
    all.vstack_mut(&later)?;
    Ok(all)
}

/// The rows of time-sorted `df` before `cutoff`, and the rest (copied into buffers of their
/// own, so that what is carried does not hold the whole chunk's text). No cutoff: all rows.
/// An empty rest keeps `df`'s columns: [`Detector::finish`] may run its rule on it while
/// another rule's carry has rows.
fn split_before(df: DataFrame, cutoff: Option<i64>) -> Result<(DataFrame, DataFrame)> {
    let Some(cutoff) = cutoff.filter(|_| df.height() > 0) else {
        let rest = df.clear();
        return Ok((df, rest));
    };
    let times = engine::time_values(&df)?;
    let at = times.partition_point(|&t| t < cutoff);
    if at == df.height() {
        let rest = df.clear();
        return Ok((df, rest));
    }
    let rest = compact(&df.slice(at as i64, df.height() - at))?;
    Ok((df.slice(0, at), rest))
}

/// `df` with its text columns copied into buffers of their own.
fn compact(df: &DataFrame) -> Result<DataFrame> {
    let mut df = df.clone();
    df.rechunk_mut();
    let columns = df
        .columns()
        .iter()
        .map(|c| match c.dtype() {
            DataType::String => {
                let ca = c.as_materialized_series().str()?.clone();
                let arrays = ca.downcast_into_iter().map(|a| a.gc());
                Ok(StringChunked::from_chunk_iter(c.name().clone(), arrays).into_column())
            }
            _ => Ok(c.clone()),
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_day_starts_and_on_hours_of_a_day_too_busy_alone() {
        // Day 0: 3 + 2 events; day 1: 4; day 2: 9 over three hours; day 5: 1.
        let hours = [(1, 3), (5, 2), (30, 4), (50, 3), (51, 3), (52, 3), (120, 1)];
        assert_eq!(cut(&hours, 100), Vec::<i64>::new());
        assert_eq!(cut(&hours, 9), vec![2 * DAY, 5 * DAY]);
        assert_eq!(cut(&hours, 6), vec![DAY, 2 * DAY, 52 * HOUR]);
        assert_eq!(cut(&[(-30, 5), (-2, 5)], 6), vec![-DAY]);
        assert!(cut(&[], 6).is_empty());
    }

    #[test]
    fn a_busy_hour_is_cut_at_seconds_never_inside_one() {
        let seconds = [(10, 3), (11, 1), (12, 5), (40, 2), (41, 2)];
        assert_eq!(cut_seconds(&seconds, 4), vec![12, 40]);
        assert_eq!(cut_seconds(&seconds, 100), Vec::<i64>::new());
        assert_eq!(cut_seconds(&seconds, 1), vec![11, 12, 40, 41]);
        assert!(cut_seconds(&[], 1).is_empty());
    }

    /// The one hour of the test events (nine, all within hour 0) is cut into chunks of at
    /// most `max` events, each second's events kept together; every event is in one chunk.
    #[test]
    fn chunks_of_one_busy_hour_hold_at_most_max_events() {
        use crate::detect::engine::tests::events;
        let scan = |r: &TimeRange| -> Result<LazyFrame> {
            let t = col(TIME);
            let after = r.from.map_or(lit(true), |f| t.clone().gt_eq(lit(f)));
            let before = r.to.map_or(lit(true), |e| t.lt(lit(e)));
            Ok(events().lazy().filter(after.and(before)))
        };
        let count = |r: &TimeRange| crate::query::exec::count(scan(r).unwrap()).unwrap();
        let whole = TimeRange {
            from: None,
            to: None,
        };
        for max in [1, 2, 4, 100] {
            let parts = chunks(&scan, None, &whole, max).unwrap();
            let sizes: Vec<usize> = parts.iter().map(count).collect();
            assert_eq!(sizes.iter().sum::<usize>(), 9, "max {max}");
            assert!(
                sizes.iter().all(|&n| n as u64 <= max),
                "max {max}: {sizes:?}"
            );
        }
        assert_eq!(chunks(&scan, None, &whole, 4).unwrap().len(), 3);
        let from_61 = TimeRange {
            from: Some(61),
            to: Some(302),
        };
        let parts = chunks(&scan, None, &from_61, 2).unwrap();
        assert_eq!(parts.first().unwrap().from, Some(61));
        assert_eq!(parts.last().unwrap().to, Some(302));
        assert_eq!(parts.iter().map(count).sum::<usize>(), 6);
    }

    /// With the events per day known, a day of at most a chunk is planned without reading it,
    /// and a busier day is cut where counting its events would cut it.
    #[test]
    fn known_days_are_read_only_when_busier_than_a_chunk() {
        use crate::detect::engine::tests::events;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let scans = AtomicUsize::new(0);
        let scan = |r: &TimeRange| -> Result<LazyFrame> {
            scans.fetch_add(1, Ordering::Relaxed);
            let t = col(TIME);
            let after = r.from.map_or(lit(true), |f| t.clone().gt_eq(lit(f)));
            let before = r.to.map_or(lit(true), |e| t.lt(lit(e)));
            Ok(events().lazy().filter(after.and(before)))
        };
        let r = |from, to| TimeRange { from, to };
        let whole = r(None, None);
        let quiet = [(0, 3), (1, 3), (5, 2), (6, 0)];
        let planned = chunks(&scan, Some(&quiet), &whole, 4).unwrap();
        let expected = vec![
            r(None, Some(DAY)),
            r(Some(DAY), Some(5 * DAY)),
            r(Some(5 * DAY), None),
        ];
        assert_eq!(planned, expected);
        let within = r(Some(DAY + 5), Some(5 * DAY + 7));
        let planned = chunks(&scan, Some(&quiet), &within, 4).unwrap();
        assert_eq!(
            planned,
            vec![
                r(Some(DAY + 5), Some(5 * DAY)),
                r(Some(5 * DAY), Some(5 * DAY + 7))
            ]
        );
        assert_eq!(scans.load(Ordering::Relaxed), 0);
        // Day 0 holds the nine test events: more than 4, so its hours and seconds are read.
        for max in [1, 2, 4, 100] {
            let known = chunks(&scan, Some(&[(0, 9)]), &whole, max).unwrap();
            assert_eq!(
                known,
                chunks(&scan, None, &whole, max).unwrap(),
                "max {max}"
            );
        }
    }

    /// Feeding the events in chunks whose ends cut windows gives the findings of one feed.
    #[test]
    fn chunks_give_the_findings_of_one_pass() {
        use crate::detect::engine::tests::{events, rule};
        let rules = vec![
            rule(
                r#"event.eventName: Decrypt | select "event.sourceIpAddress" as ip, count(1) as cnt group by ip"#,
                None,
                &["ip"],
            ),
            rule(
                r#"* | select "event.eventId" as id, "event.sourceIpAddress" as ip limit 1, 2"#,
                None,
                &["ip"],
            ),
            rule(r#"e7 or e3 | select "event.eventId" as id"#, None, &["id"]),
            rule(
                r#"event.errorCode: Forbidden | select count(1) as cnt from log where "event" like '%"mfa":"true"%'"#,
                None,
                &[],
            ),
            rule("event.eventName: Encrypt", None, &[]),
        ];
        let opts = DetectOptions {
            ctx: crate::query::sql::SqlContext {
                zone: crate::time::Zone::default(),
                now: 0,
                geoip: None,
            },
            min_severity: Severity::Info,
            baselines: Some(Default::default()),
            from: None,
            to: None,
            chunk_events: CHUNK_EVENTS,
        };
        let whole = super::super::detect(events().lazy(), None, &rules, &opts).unwrap();
        assert!(whole.len() > 10);
        for cuts in [vec![100, 200], vec![60, 120, 301], vec![61], vec![1000]] {
            let mut detector = Detector::new(&rules, &opts).unwrap();
            let mut from = None;
            for end in cuts.iter().map(|&c| Some(c)).chain([None]) {
                let range = TimeRange { from, to: end };
                let t = col(TIME);
                let after = range.from.map_or(lit(true), |f| t.clone().gt_eq(lit(f)));
                let before = range.to.map_or(lit(true), |e| t.lt(lit(e)));
                let part = events().lazy().filter(after.and(before));
                detector.feed(part, None, end).unwrap();
                from = end;
            }
            assert_eq!(detector.finish().unwrap(), whole, "cuts {cuts:?}");
        }
    }

    #[test]
    fn intersections_of_open_and_closed_ranges() {
        let r = |from, to| TimeRange { from, to };
        assert_eq!(
            intersect(&r(None, Some(10)), &r(Some(5), None)),
            Some(r(Some(5), Some(10)))
        );
        assert_eq!(
            intersect(&r(Some(10), Some(20)), &r(Some(0), Some(10))),
            None
        );
        assert_eq!(
            intersect(&r(None, None), &r(None, None)),
            Some(r(None, None))
        );
    }
}
