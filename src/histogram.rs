//! Time histograms: counts of events per time bucket over a range, as the SLS console's log
//! distribution chart. Buckets are aligned to multiples of their width in the display zone, so
//! hour and day buckets start on the local hour and local midnight; empty buckets count zero.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::event::schema::TIME;
use crate::time::{parse_duration, Zone, UNITS};

/// Round bucket widths `auto` chooses from, in seconds.
const NICE_WIDTHS: &[i64] = &[
    1,
    5,
    10,
    30,
    60,
    300,
    600,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    7 * 86_400,
    30 * 86_400,
];

/// The number of buckets `auto` aims for.
pub const AUTO_TARGET_BUCKETS: i64 = 60;

/// Requested bucket width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// A round width giving roughly [`AUTO_TARGET_BUCKETS`] buckets over the range.
    Auto,
    /// A fixed width in seconds.
    Seconds(i64),
}

impl Interval {
    /// Parses `auto`, or a width in the duration grammar of [`parse_duration`] (`30s`, `5m`,
    /// `1h`, `1d`, `1w`).
    pub fn parse(text: &str) -> std::result::Result<Interval, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("auto") {
            return Ok(Interval::Auto);
        }
        parse_duration(t, &UNITS)
            .map(Interval::Seconds)
            .map_err(|e| format!("bad interval {text:?}: {e}, or auto"))
    }
}

/// One bucket: `[start, start + width)` and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Unix seconds of the bucket start.
    pub start: i64,
    /// Events in the bucket.
    pub count: u64,
}

/// A finished histogram, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Bucket width in seconds.
    pub width: i64,
    /// Every bucket from the first to the last, empty ones included.
    pub buckets: Vec<Bucket>,
    /// Total events counted.
    pub total: u64,
}

/// The width `auto` picks for a span: the smallest round width giving at most about
/// [`AUTO_TARGET_BUCKETS`] buckets.
pub fn auto_width(span: i64) -> i64 {
    let ideal = (span.max(1) + AUTO_TARGET_BUCKETS - 1) / AUTO_TARGET_BUCKETS;
    NICE_WIDTHS
        .iter()
        .copied()
        .find(|w| *w >= ideal)
        .unwrap_or(*NICE_WIDTHS.last().unwrap())
}

/// Start of the bucket of `t`, aligned to multiples of `width` in `zone`'s wall clock.
pub fn bucket_start(t: i64, width: i64, zone: &Zone) -> i64 {
    let offset = i64::from(zone.offset_seconds(t));
    let local = t + offset;
    local - local.rem_euclid(width) - offset
}

/// Counts `events` (a frame with `__time__`) per bucket over `[from, to)`. When a bound is
/// `None` it is taken from the data.
pub fn compute(
    events: LazyFrame,
    from: Option<i64>,
    to: Option<i64>,
    interval: Interval,
    zone: &Zone,
) -> Result<Histogram> {
    let times = events.select([col(TIME)]).collect()?;
    let times = times.column(TIME)?.i64()?.clone();
    let Some((lo, hi)) = bounds(from, to, times.min(), times.max()) else {
        return Ok(Histogram::empty());
    };
    let mut counter = Counter::new(lo, hi, interval, zone)?;
    counter.add(&times);
    Ok(counter.finish())
}

/// The `[lo, hi)` a histogram covers: `from` and `to`, else the data's first second and the
/// one after its last (`min`, `max`); `None` when neither gives an end (no data, open range).
pub fn bounds(
    from: Option<i64>,
    to: Option<i64>,
    min: Option<i64>,
    max: Option<i64>,
) -> Option<(i64, i64)> {
    match (from.or(min), to.or(max.map(|m| m + 1))) {
        (Some(lo), Some(hi)) if hi > lo => Some((lo, hi)),
        (Some(lo), Some(_)) => Some((lo, lo + 1)),
        _ => None,
    }
}

impl Histogram {
    /// The histogram of nothing over no range.
    pub fn empty() -> Histogram {
        Histogram {
            width: 1,
            buckets: Vec::new(),
            total: 0,
        }
    }
}

/// Counts per bucket over a known `[lo, hi)`, filled chunk by chunk (a partition at a time),
/// so that times never need to be held all at once.
#[derive(Debug, Clone)]
pub struct Counter {
    lo: i64,
    hi: i64,
    first: i64,
    width: i64,
    counts: Vec<u64>,
    total: u64,
}

impl Counter {
    /// Empty buckets over `[lo, hi)` (`hi > lo`), `interval` wide (aligned in `zone`); an
    /// error past 1,000,000 buckets.
    pub fn new(lo: i64, hi: i64, interval: Interval, zone: &Zone) -> Result<Counter> {
        let width = match interval {
            Interval::Auto => auto_width(hi - lo),
            Interval::Seconds(w) => w,
        };
        let first = bucket_start(lo, width, zone);
        let n = ((hi - 1 - first) / width + 1) as usize;
        if n > 1_000_000 {
            return Err(Error::Usage(format!(
                "interval of {width}s gives {n} buckets over the range; choose a wider --interval"
            )));
        }
        Ok(Counter {
            lo,
            hi,
            first,
            width,
            counts: vec![0u64; n],
            total: 0,
        })
    }

    /// Counts `times` (those in `[lo, hi)`).
    pub fn add(&mut self, times: &Int64Chunked) {
        for t in times.iter().flatten() {
            if t < self.lo || t >= self.hi {
                continue;
            }
            let index = ((t - self.first).div_euclid(self.width)) as usize;
            if let Some(c) = self.counts.get_mut(index) {
                *c += 1;
                self.total += 1;
            }
        }
    }

    /// The finished histogram.
    pub fn finish(self) -> Histogram {
        let (first, width) = (self.first, self.width);
        let buckets = self
            .counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| Bucket {
                start: first + i as i64 * width,
                count,
            })
            .collect();
        Histogram {
            width,
            buckets,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(times: &[i64]) -> LazyFrame {
        DataFrame::new(times.len(), vec![Column::new(TIME.into(), times.to_vec())])
            .unwrap()
            .lazy()
    }

    #[test]
    fn auto_picks_round_widths() {
        assert_eq!(auto_width(3600), 60);
        assert_eq!(auto_width(86_400), 1800);
        assert_eq!(auto_width(30 * 86_400), 43_200);
        assert_eq!(auto_width(10), 1);
    }

    #[test]
    fn buckets_align_to_zone_and_include_empty_ones() {
        let utc = Zone::default();
        let h = compute(
            frame(&[0, 59, 60, 250]),
            Some(0),
            Some(300),
            Interval::Seconds(60),
            &utc,
        )
        .unwrap();
        let counts: Vec<u64> = h.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![2, 1, 0, 0, 1]);
        assert_eq!(h.total, 4);
        let sh = Zone::parse("+08:00").unwrap();
        assert_eq!(bucket_start(3600 * 17, 86_400, &sh), 16 * 3600);
    }

    #[test]
    fn range_bounds_are_half_open() {
        let h = compute(
            frame(&[100, 200]),
            Some(100),
            Some(200),
            Interval::Seconds(50),
            &Zone::default(),
        )
        .unwrap();
        assert_eq!(h.total, 1);
        assert_eq!(h.buckets.len(), 2);
    }

    /// `--interval` takes `auto` (any case) or a duration: weeks yes, a bare number no.
    #[test]
    fn intervals_are_auto_or_a_duration() {
        assert_eq!(Interval::parse("5m"), Ok(Interval::Seconds(300)));
        assert_eq!(Interval::parse(" AUTO "), Ok(Interval::Auto));
        assert_eq!(Interval::parse("2w"), Ok(Interval::Seconds(14 * 86_400)));
        assert_eq!(
            Interval::parse("60"),
            Err("bad interval \"60\": the unit is missing, e.g. 60s (units: s, m, h, d, w), or auto".into())
        );
        assert!(Interval::parse("5x").is_err());
        assert!(Interval::parse("0s").is_err());
        assert!(Interval::parse("1H").is_err());
        assert!(Interval::parse("99999999999999999w").is_err());
    }
}
