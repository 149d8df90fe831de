//! Lays a [`Histogram`] out as a terminal bar chart, as CSV or as a JSON value (the writers'
//! pieces for histogram blocks).

use std::io::{self, Write};

use serde_json::json;

use crate::histogram::Histogram;
use crate::time::Zone;

/// The widest a bar gets, in characters.
const BAR_WIDTH: usize = 50;

/// Writes `h` as CSV: `start,end,count`, times in `zone`.
pub fn csv(h: &Histogram, zone: &Zone, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "start,end,count")?;
    for b in &h.buckets {
        writeln!(
            out,
            "{},{},{}",
            label(b.start, zone),
            label(b.start + h.width, zone),
            b.count
        )?;
    }
    Ok(())
}

/// The histogram as one JSON document: interval, total and every bucket.
pub fn json_value(h: &Histogram, zone: &Zone) -> serde_json::Value {
    let buckets: Vec<_> = h
        .buckets
        .iter()
        .map(|b| json!({"start": label(b.start, zone), "start_unix": b.start, "count": b.count}))
        .collect();
    json!({"interval_seconds": h.width, "total": h.total, "buckets": buckets})
}

/// RFC 3339 label of a bucket start in `zone`.
fn label(t: i64, zone: &Zone) -> String {
    zone.format(t, "%Y-%m-%dT%H:%M:%S%:z")
}

/// Draws `h` as bars, one line per bucket, times in `zone`.
pub fn bars(h: &Histogram, zone: &Zone, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", summary(h))?;
    if h.total == 0 {
        return Ok(());
    }
    let max = largest(h);
    let count_width = max.to_string().len();
    for b in &h.buckets {
        writeln!(
            out,
            "{}  {:>count_width$}  {}",
            start_label(h, b.start, zone),
            b.count,
            "█".repeat(bar_length(b.count, max, BAR_WIDTH))
        )?;
    }
    Ok(())
}

/// The line above the bars: `6 events, 3 buckets of 1h`, or that the range holds none.
pub fn summary(h: &Histogram) -> String {
    if h.total == 0 {
        return "no events in the range".to_string();
    }
    format!(
        "{} events, {} buckets of {}",
        h.total,
        h.buckets.len(),
        human_width(h.width)
    )
}

/// The largest bucket's count (at least 1).
pub fn largest(h: &Histogram) -> u64 {
    h.buckets.iter().map(|b| b.count).max().unwrap_or(1).max(1)
}

/// The length of a bar of `count` when `max` fills `width` (any count above 0 shows).
pub fn bar_length(count: u64, max: u64, width: usize) -> usize {
    (count as usize * width).div_ceil(max.max(1) as usize)
}

/// A bucket's start as the bars show it: a date for whole-day buckets, else date and time.
pub fn start_label(h: &Histogram, start: i64, zone: &Zone) -> String {
    let fmt = if h.width % 86_400 == 0 {
        "%Y-%m-%d"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    zone.format(start, fmt)
}

/// A width such as `30m` or `1d`.
pub fn human_width(seconds: i64) -> String {
    for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Bucket;

    #[test]
    fn bars_scale_to_the_largest_bucket() {
        let h = Histogram {
            width: 3600,
            buckets: vec![
                Bucket { start: 0, count: 4 },
                Bucket {
                    start: 3600,
                    count: 0,
                },
                Bucket {
                    start: 7200,
                    count: 2,
                },
            ],
            total: 6,
        };
        let mut out = Vec::new();
        bars(&h, &Zone::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "6 events, 3 buckets of 1h");
        assert_eq!(
            lines[1],
            format!("1970-01-01 00:00:00  4  {}", "█".repeat(50))
        );
        assert_eq!(lines[2], "1970-01-01 01:00:00  0  ");
        assert_eq!(
            lines[3],
            format!("1970-01-01 02:00:00  2  {}", "█".repeat(25))
        );
        let mut out = Vec::new();
        csv(&h, &Zone::default(), &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with(
            "start,end,count\n1970-01-01T00:00:00+00:00,1970-01-01T01:00:00+00:00,4\n"
        ));
    }
}
