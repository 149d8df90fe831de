//! Time options shared by every query command: the `[from, to)` range on `__time__` and the
//! display time zone, parsed from what a user types (`2024-03-01`, RFC 3339, `90d`, `12h`,
//! `Asia/Shanghai`, `+08:00`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};

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

/// A display/session time zone: an IANA zone or a fixed offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// An IANA zone such as `Asia/Shanghai`.
    Named(chrono_tz::Tz),
    /// A fixed offset such as `+08:00`.
    Fixed(FixedOffset),
}

impl Default for Zone {
    fn default() -> Self {
        Zone::Fixed(FixedOffset::east_opt(0).unwrap())
    }
}

impl Zone {
    /// Parses `UTC`, an IANA name, or an offset (`+08:00`, `+0800`, `-5`, `UTC+8`).
    pub fn parse(text: &str) -> Result<Zone, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") {
            return Ok(Zone::default());
        }
        if let Ok(tz) = t.parse::<chrono_tz::Tz>() {
            return Ok(Zone::Named(tz));
        }
        let offset = t.trim_start_matches("UTC").trim_start_matches("utc");
        parse_offset(offset).map(Zone::Fixed).ok_or_else(|| {
            format!("unknown time zone {text:?}: use an IANA name (Asia/Shanghai) or an offset (+08:00)")
        })
    }

    /// The UTC offset in seconds at the instant `t` (unix seconds).
    pub fn offset_seconds(&self, t: i64) -> i32 {
        match self {
            Zone::Fixed(o) => o.local_minus_utc(),
            Zone::Named(tz) => {
                let utc = DateTime::from_timestamp(t, 0)
                    .unwrap_or_default()
                    .naive_utc();
                tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
            }
        }
    }

    /// Formats unix seconds in this zone with a chrono format string.
    pub fn format(&self, t: i64, fmt: &str) -> String {
        let utc = DateTime::from_timestamp(t, 0).unwrap_or_default();
        match self {
            Zone::Fixed(o) => utc.with_timezone(o).format(fmt).to_string(),
            Zone::Named(tz) => utc.with_timezone(tz).format(fmt).to_string(),
        }
    }

    /// Interprets a wall-clock time in this zone as unix seconds (earliest on ambiguity).
    pub fn local_to_unix(&self, local: NaiveDateTime) -> Option<i64> {
        match self {
            Zone::Fixed(o) => o
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.timestamp()),
            Zone::Named(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.timestamp()),
        }
    }
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Parses a time bound: RFC 3339, `YYYY-MM-DD[ HH:MM[:SS]]` (wall clock in `zone`), unix
/// seconds (`@1700000000`), or a relative age (`90d`, `12h`, `30m`, `45s`, `2w`) before `now`.
pub fn parse_time_bound(text: &str, zone: &Zone, now: i64) -> Result<i64, String> {
    let t = text.trim();
    if let Some(secs) = t.strip_prefix('@') {
        return secs.parse().map_err(|_| format!("bad unix time {text:?}"));
    }
    if let Some(age) = parse_age(t) {
        return Ok(now - age);
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

/// A relative age such as `90d` in seconds.
fn parse_age(t: &str) -> Option<i64> {
    let unit = t.chars().last()?;
    let n: i64 = t[..t.len() - unit.len_utf8()].parse().ok()?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    (n >= 0).then_some(n * scale)
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

    #[test]
    fn zones() {
        assert_eq!(Zone::parse("+08:00").unwrap().offset_seconds(0), 28800);
        assert_eq!(Zone::parse("UTC-5").unwrap().offset_seconds(0), -18000);
        assert_eq!(
            Zone::parse("Asia/Shanghai").unwrap().offset_seconds(0),
            28800
        );
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert_eq!(
            Zone::parse("+08:00").unwrap().format(0, "%Y-%m-%d %H:%M"),
            "1970-01-01 08:00"
        );
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
