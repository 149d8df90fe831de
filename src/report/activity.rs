//! Section 2 (activity): reads, writes and errors over time through the histogram engine's
//! counters, and the "by X" tables (service, region, principal, source IP, AccessKey, error
//! code) as SLS statements through the query engine, both group by group of partitions, with
//! the compared period's counts when asked.

use polars::prelude::*;

use super::frames::{Merged, FAILED_SQL};
use super::model::{Activity, Count, Top};
use super::scope::{count_rows, grouping_merge, grouping_statement};
use super::{Methods, ReportOptions, TOP_ROWS};
use crate::error::Result;
use crate::event::schema::TIME;
use crate::histogram::{self, Counter, Histogram, Interval};
use crate::kms::USER_SQL;
use crate::query::{self, sql::SqlContext};

/// The searches of the three series: reads, writes, failed calls.
pub const SERIES: [(&str, &str); 3] = [
    ("reads", "event.eventRW:Read"),
    ("writes", "event.eventRW:Write"),
    ("errors", "event.errorCode:* NOT event.errorCode:\"\""),
];

/// Bucket widths the activity series chooses from (the smallest giving at most
/// [`MAX_BUCKETS`] buckets).
const WIDTHS: &[i64] = &[
    60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 604_800,
];

/// The most buckets of the activity series (enough to zoom into, bounded in size).
pub const MAX_BUCKETS: i64 = 1_000;

/// The bucket width for a span of `seconds`.
pub fn width_for(seconds: i64) -> i64 {
    WIDTHS
        .iter()
        .copied()
        .find(|w| seconds / w < MAX_BUCKETS)
        .unwrap_or(30 * 86_400)
}

/// The groupings of the "by X" tables: (name, SQL of the value, WHERE filter).
fn groupings() -> [(&'static str, &'static str, Option<&'static str>); 6] {
    [
        ("services", "\"event.serviceName\"", None),
        ("regions", "\"event.acsRegion\"", None),
        ("principals", USER_SQL, None),
        ("source IPs", "\"event.sourceIpAddress\"", None),
        ("AccessKeys", "\"event.userIdentity.accessKeyId\"", None),
        ("error codes", "\"event.errorCode\"", Some(FAILED_SQL)),
    ]
}

/// The three series, counted group by group of partitions into [`Counter`]s over the
/// section's range (none when no event gives it an end).
#[derive(Debug, Default)]
pub struct SeriesCounts {
    /// The bucket width.
    pub width: i64,
    counters: Option<Vec<Counter>>,
}

impl SeriesCounts {
    /// Empty series over the range (`opts.range`, its open ends those of `span`).
    pub fn new(
        span: (Option<i64>, Option<i64>),
        opts: &ReportOptions,
        methods: &mut Methods,
    ) -> Result<SeriesCounts> {
        let (from, to) = (
            opts.range.from.or(span.0),
            opts.range.to.or(span.1.map(|t| t + 1)),
        );
        let width = width_for(to.unwrap_or(0) - from.unwrap_or(0));
        for (name, search) in SERIES {
            methods.add(
                &format!("Activity series: {name}"),
                &format!("histogram engine, search `{search}`, bucket width {width} s"),
            );
        }
        // With both ends known the buckets do not depend on the events; without one there are
        // no events, and each series is the histogram of nothing.
        let counters = match histogram::bounds(from, to, None, None) {
            Some((lo, hi)) => Some(
                SERIES
                    .iter()
                    .map(|_| Counter::new(lo, hi, Interval::Seconds(width), &opts.zone))
                    .collect::<Result<Vec<_>>>()?,
            ),
            _ => None,
        };
        Ok(SeriesCounts { width, counters })
    }

    /// The times of the events each series counts among `events` (one group), to collect.
    pub fn frames(&self, events: &LazyFrame, ctx: &SqlContext) -> Result<Vec<LazyFrame>> {
        if self.counters.is_none() {
            return Ok(Vec::new());
        }
        SERIES
            .iter()
            .map(|(_, search)| {
                let matched = query::compile(search, events.clone(), ctx)?.matched;
                Ok(matched.select([col(TIME)]))
            })
            .collect()
    }

    /// Counts the collected [`SeriesCounts::frames`] of one group.
    pub fn add(&mut self, times: &[DataFrame]) -> Result<()> {
        for (counter, df) in self.counters.iter_mut().flatten().zip(times) {
            counter.add(df.column(TIME)?.i64()?);
        }
        Ok(())
    }

    fn finish(self) -> Vec<Histogram> {
        match self.counters {
            Some(counters) => counters.into_iter().map(Counter::finish).collect(),
            None => SERIES.iter().map(|_| Histogram::empty()).collect(),
        }
    }
}

/// The statements of the "by X" tables, in the order of [`activity`]'s tops.
pub fn statements(methods: &mut Methods) -> Vec<Merged> {
    groupings()
        .iter()
        .map(|(name, expr, filter)| {
            let s = grouping_statement("*", expr, *filter);
            methods.add(&format!("Activity by {name}"), &s);
            Merged::new(s, grouping_merge())
        })
        .collect()
}

/// The activity section from its series and the results of [`statements`].
pub fn activity(series: SeriesCounts, tops: &[DataFrame]) -> Result<Activity> {
    let width = series.width;
    let series = series.finish();
    let mut tops = tops
        .iter()
        .map(|df| {
            let rows = count_rows(df)?;
            Ok(Top {
                of: rows.len() as u64,
                rows: rows.into_iter().take(TOP_ROWS).collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter();
    let mut next = || {
        tops.next().unwrap_or(Top {
            rows: Vec::new(),
            of: 0,
        })
    };
    let (reads, writes, errors) = (&series[0], &series[1], &series[2]);
    Ok(Activity {
        interval_seconds: width,
        times: reads.buckets.iter().map(|b| b.start).collect(),
        reads: bucket_counts(reads),
        writes: bucket_counts(writes),
        errors: bucket_counts(errors),
        services: next(),
        regions: next(),
        principals: next(),
        source_ips: next(),
        access_keys: next(),
        error_codes: next(),
    })
}

fn bucket_counts(h: &Histogram) -> Vec<u64> {
    h.buckets.iter().map(|b| b.count).collect()
}

/// Puts the compared period's counts (the results of [`statements`] over it) beside each top.
pub fn fill_previous_tops(activity: &mut Activity, before: &[DataFrame]) -> Result<()> {
    let tops = [
        &mut activity.services,
        &mut activity.regions,
        &mut activity.principals,
        &mut activity.source_ips,
        &mut activity.access_keys,
        &mut activity.error_codes,
    ];
    for (top, old) in tops.into_iter().zip(before) {
        fill_previous(&mut top.rows, &count_rows(old)?);
    }
    Ok(())
}

/// Sets each row's `previous` to the compared period's events of the same value (0 when absent).
pub fn fill_previous(rows: &mut [Count], before: &[Count]) {
    let old: std::collections::HashMap<&str, u64> = before
        .iter()
        .map(|c| (c.value.as_str(), c.events))
        .collect();
    for row in rows {
        row.previous = Some(old.get(row.value.as_str()).copied().unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_bound_the_buckets() {
        assert_eq!(width_for(3600), 60);
        assert_eq!(width_for(30 * 86_400), 3600);
        assert_eq!(width_for(365 * 86_400), 43_200);
    }

    #[test]
    fn previous_counts_are_matched_by_value() {
        let count = |v: &str, n| Count {
            value: v.into(),
            events: n,
            errors: 0,
            previous: None,
        };
        let mut rows = vec![count("a", 3), count("b", 1)];
        fill_previous(&mut rows, &[count("b", 7)]);
        assert_eq!((rows[0].previous, rows[1].previous), (Some(0), Some(7)));
    }
}
