//! The `[from, to)` range on `__time__` that every query command takes, and its bounds parsed
//! from what a user types (`2024-03-01`, RFC 3339, `@1700000000`, or an age such as `90d`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::duration::{looks_like_duration, parse_duration, UNITS};
use super::zone::Zone;

/// A half-open range `[from, to)` of unix seconds; `None` is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    /// Inclusive lower bound.
    pub from: Option<i64>,
    /// Exclusive upper bound.
    pub to: Option<i64>,
}

impl TimeRange {
    /// Whether `t` falls in the range.
    pub fn contains(&self, t: i64) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|e| t < e)
    }

    /// Whether the UTC day starting at `day_start` (unix seconds) overlaps the range.
    pub fn overlaps_day(&self, day_start: i64) -> bool {
        let day_end = day_start + 86_400;
        self.from.is_none_or(|f| f < day_end) && self.to.is_none_or(|e| e > day_start)
    }
}

/// Parses a time bound: RFC 3339, `YYYY-MM-DD[ HH:MM[:SS]]` (wall clock in `zone`), unix
/// seconds (`@1700000000`), or a relative age before `now` in the duration grammar of
/// [`parse_duration`] (`90d`, `12h`, `30m`, `45s`, `2w`).
pub fn parse_time_bound(text: &str, zone: &Zone, now: i64) -> Result<i64, String> {
    let t = text.trim();
    if let Some(secs) = t.strip_prefix('@') {
        return secs.parse().map_err(|_| format!("bad unix time {text:?}"));
    }
    if looks_like_duration(t) {
        let age =
            parse_duration(t, &UNITS).map_err(|e| format!("bad relative age {text:?}: {e}"))?;
        return now
            .checked_sub(age)
            .ok_or_else(|| format!("bad relative age {text:?}: it is too long"));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp());
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(t, fmt) {
            return zone
                .local_to_unix(local)
                .ok_or_else(|| format!("{text:?} does not exist in the time zone"));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let local = date.and_hms_opt(0, 0, 0).unwrap();
        return zone
            .local_to_unix(local)
            .ok_or_else(|| format!("{text:?} does not exist in the time zone"));
    }
    Err(format!(
        "cannot read time {text:?}: use RFC 3339 (2024-03-01T10:00:00Z), a date (2024-03-01), \
         a relative age (90d, 12h, 30m) or @unix-seconds"
    ))
}

/// The current time in unix seconds.
pub fn now() -> i64 {
    Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_in_every_form() {
        let utc = Zone::default();
        let sh = Zone::parse("Asia/Shanghai").unwrap();
        assert_eq!(parse_time_bound("2024-03-01", &utc, 0), Ok(1709251200));
        assert_eq!(
            parse_time_bound("2024-03-01", &sh, 0),
            Ok(1709251200 - 8 * 3600)
        );
        assert_eq!(
            parse_time_bound("2024-03-01T10:00:00Z", &sh, 0),
            Ok(1709287200)
        );
        assert_eq!(parse_time_bound("90d", &utc, 100 * 86400), Ok(10 * 86400));
        assert_eq!(parse_time_bound("12h", &utc, 86400), Ok(43200));
        assert_eq!(parse_time_bound("@5", &utc, 0), Ok(5));
        assert!(parse_time_bound("last tuesday", &utc, 0).is_err());
    }

    /// Ages follow the one duration grammar: weeks, no bare number (that reads as a time and
    /// fails as one), no zero, no upper case, no overflow.
    #[test]
    fn ages_use_the_duration_grammar() {
        let utc = Zone::default();
        assert_eq!(parse_time_bound(" 2w ", &utc, 14 * 86400), Ok(0));
        assert_eq!(
            parse_time_bound("5x", &utc, 0),
            Err("bad relative age \"5x\": unknown unit \"x\" (units: s, m, h, d, w)".into())
        );
        assert_eq!(
            parse_time_bound("0d", &utc, 0),
            Err("bad relative age \"0d\": it must be at least 1".into())
        );
        assert!(parse_time_bound("3D", &utc, 0).is_err());
        assert_eq!(
            parse_time_bound("99999999999999999999d", &utc, 0),
            Err(
                "bad relative age \"99999999999999999999d\": it is too long (past 2^63 seconds)"
                    .into()
            )
        );
        assert_eq!(
            parse_time_bound("9223372036854775807s", &utc, -2),
            Err("bad relative age \"9223372036854775807s\": it is too long".into())
        );
        assert!(parse_time_bound("1700000000", &utc, 0)
            .unwrap_err()
            .starts_with("cannot read time"));
    }

    #[test]
    fn range_is_half_open() {
        let r = TimeRange {
            from: Some(10),
            to: Some(20),
        };
        assert!(r.contains(10) && r.contains(19) && !r.contains(20) && !r.contains(9));
        assert!(r.overlaps_day(0) && !r.overlaps_day(86400));
    }
}
