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
    if h.total == 0 {
        return writeln!(out, "no events in the range");
    }
    writeln!(
        out,
        "{} events, {} buckets of {}",
        h.total,
        h.buckets.len(),
        human_width(h.width)
    )?;
    let max = h.buckets.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let count_width = max.to_string().len();
    let fmt = if h.width % 86_400 == 0 {
        "%Y-%m-%d"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    for b in &h.buckets {
        let len = (b.count as usize * BAR_WIDTH).div_ceil(max as usize);
        writeln!(
            out,
            "{}  {:>count_width$}  {}",
            zone.format(b.start, fmt),
            b.count,
            "█".repeat(len)
        )?;
    }
    Ok(())
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
