//! Display and session time zones: an IANA zone or a fixed offset, parsed from what a user
//! types (`Asia/Shanghai`, `+08:00`, `UTC-5`), with the conversions between instants and wall
//! clocks that every command and the SQL time functions use.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
