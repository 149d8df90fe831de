//! The calendar of the SQL time functions: MySQL-style `%` codes for `date_format`/`date_parse`,
//! Presto's timestamp text, `date_trunc`/`date_add`/`date_diff` units and the buckets of
//! `time_series` windows (whose durations [`super::duration`] parses). Instants are unix
//! milliseconds (UTC); wall-clock work happens in the session [`Zone`].

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Timelike};

use super::zone::Zone;

/// A calendar unit of `date_trunc`, `date_add` and `date_diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 1 ms.
    Millisecond,
    /// 1 s.
    Second,
    /// 60 s.
    Minute,
    /// 3600 s.
    Hour,
    /// A local calendar day.
    Day,
    /// A local week starting on Monday.
    Week,
    /// A local calendar month.
    Month,
    /// Three months starting January, April, July, October.
    Quarter,
    /// A local calendar year.
    Year,
}

impl Unit {
    /// Parses a unit name (`'hour'`, `'HOURS'`), case-insensitively.
    pub fn parse(text: &str) -> Option<Unit> {
        let lower = text.trim().to_ascii_lowercase();
        let name = lower.strip_suffix('s').unwrap_or(&lower);
        Some(match name {
            "millisecond" => Unit::Millisecond,
            "second" => Unit::Second,
            "minute" => Unit::Minute,
            "hour" => Unit::Hour,
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "quarter" => Unit::Quarter,
            "year" => Unit::Year,
            _ => return None,
        })
    }

    /// The fixed length in ms of units that have one (up to a week).
    fn fixed_ms(self) -> Option<i64> {
        match self {
            Unit::Millisecond => Some(1),
            Unit::Second => Some(1_000),
            Unit::Minute => Some(60_000),
            Unit::Hour => Some(3_600_000),
            Unit::Day => Some(86_400_000),
            Unit::Week => Some(7 * 86_400_000),
            _ => None,
        }
    }

    /// Months per unit for calendar units.
    fn months(self) -> u32 {
        match self {
            Unit::Quarter => 3,
            Unit::Year => 12,
            _ => 1,
        }
    }
}

/// The wall clock in `zone` at unix milliseconds `ms`.
pub fn local(ms: i64, zone: &Zone) -> NaiveDateTime {
    let offset = zone.offset_seconds(ms.div_euclid(1000)) as i64;
    DateTime::from_timestamp_millis(ms + offset * 1000)
        .unwrap_or_default()
        .naive_utc()
}

/// Unix milliseconds of a wall-clock time in `zone` (earliest on ambiguity).
pub fn from_local(wall: NaiveDateTime, zone: &Zone) -> Option<i64> {
    let millis = wall.and_utc().timestamp_subsec_millis() as i64;
    let wall_seconds = wall.with_nanosecond(0).unwrap_or(wall);
    zone.local_to_unix(wall_seconds).map(|s| s * 1000 + millis)
}

/// Presto's text for a timestamp: `YYYY-MM-DD HH:MM:SS.mmm` in `zone`.
pub fn format_timestamp(ms: i64, zone: &Zone) -> String {
    local(ms, zone).format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

/// A date as `YYYY-MM-DD` in `zone`.
pub fn format_date(ms: i64, zone: &Zone) -> String {
    local(ms, zone).format("%Y-%m-%d").to_string()
}

/// Codes `date_format` knows; anything else after `%` is rejected at plan time.
const FORMAT_CODES: &str = "aAbcDdefHhIijklMmprSsTvVWwYy%";

/// Checks a `date_format`/`date_parse` pattern; the error names the unsupported code.
pub fn check_format(fmt: &str) -> Result<(), String> {
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        match chars.next() {
            Some(code) if FORMAT_CODES.contains(code) && code != 'A' => {}
            Some(code) => {
                return Err(format!(
                    "unsupported date format code %{code}: use %Y %m %d %H %i %s and the \
                     other MySQL codes SLS documents"
                ))
            }
            None => return Err("date format ends with a lone %".to_string()),
        }
    }
    Ok(())
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Formats unix milliseconds in `zone` with MySQL `%` codes (SLS `date_format`).
pub fn format_mysql(ms: i64, fmt: &str, zone: &Zone) -> String {
    let t = local(ms, zone);
    let mut out = String::with_capacity(fmt.len() + 8);
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(code) = chars.next() else { break };
        push_code(&mut out, code, &t);
    }
    out
}

fn hour12(t: &NaiveDateTime) -> u32 {
    match t.hour() % 12 {
        0 => 12,
        h => h,
    }
}

fn push_code(out: &mut String, code: char, t: &NaiveDateTime) {
    use std::fmt::Write;
    let weekday = t.weekday().num_days_from_sunday() as usize;
    let month = t.month0() as usize;
    let ampm = if t.hour() < 12 { "AM" } else { "PM" };
    let _ = match code {
        'a' => write!(out, "{}", &WEEKDAYS[weekday][..3]),
        'b' => write!(out, "{}", &MONTHS[month][..3]),
        'c' => write!(out, "{}", t.month()),
        'D' => write!(out, "{}{}", t.day(), day_suffix(t.day())),
        'd' => write!(out, "{:02}", t.day()),
        'e' => write!(out, "{}", t.day()),
        'f' => write!(out, "{:06}", t.nanosecond() / 1000),
        'H' => write!(out, "{:02}", t.hour()),
        'h' | 'I' => write!(out, "{:02}", hour12(t)),
        'i' => write!(out, "{:02}", t.minute()),
        'j' => write!(out, "{:03}", t.ordinal()),
        'k' => write!(out, "{}", t.hour()),
        'l' => write!(out, "{}", hour12(t)),
        'M' => write!(out, "{}", MONTHS[month]),
        'm' => write!(out, "{:02}", t.month()),
        'p' => write!(out, "{ampm}"),
        'r' => write!(
            out,
            "{:02}:{:02}:{:02} {ampm}",
            hour12(t),
            t.minute(),
            t.second()
        ),
        'S' | 's' => write!(out, "{:02}", t.second()),
        'T' => write!(out, "{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()),
        'V' => write!(out, "{:02}", sunday_week(t.date())),
        'v' => write!(out, "{:02}", t.iso_week().week()),
        'W' => write!(out, "{}", WEEKDAYS[weekday]),
        'w' => write!(out, "{weekday}"),
        'Y' => write!(out, "{:04}", t.year()),
        'y' => write!(out, "{:02}", t.year().rem_euclid(100)),
        other => write!(out, "{other}"),
    };
}

fn day_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// MySQL week mode 2 (`%V`): weeks start on Sunday; week 1 holds the year's first Sunday;
/// earlier days belong to the last week of the previous year.
fn sunday_week(date: NaiveDate) -> u32 {
    let first_sunday = |year: i32| {
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let skip = (7 - jan1.weekday().num_days_from_sunday()) % 7;
        jan1 + Duration::days(skip as i64)
    };
    let start = first_sunday(date.year());
    let start = if date >= start {
        start
    } else {
        first_sunday(date.year() - 1)
    };
    ((date - start).num_days() / 7 + 1) as u32
}

/// Translates MySQL codes to chrono's for parsing; `None` for codes that cannot be parsed.
fn chrono_pattern(fmt: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let code = chars.next()?;
        out.push_str(match code {
            'Y' => "%Y",
            'y' => "%y",
            'm' | 'c' => "%m",
            'd' | 'e' => "%d",
            'H' | 'k' => "%H",
            'h' | 'I' | 'l' => "%I",
            'i' => "%M",
            'S' | 's' => "%S",
            'p' => "%p",
            'T' => "%H:%M:%S",
            'r' => "%I:%M:%S %p",
            'M' => "%B",
            'b' => "%b",
            'a' => "%a",
            'W' => "%A",
            'j' => "%j",
            '%' => "%%",
            _ => return None,
        });
    }
    Some(out)
}

/// Parses `text` with MySQL codes as a wall-clock time in `zone` (SLS `date_parse`); a
/// pattern without time fields gives midnight. `None` when the text does not match.
pub fn parse_mysql(text: &str, fmt: &str, zone: &Zone) -> Option<i64> {
    let pattern = chrono_pattern(fmt)?;
    let wall = NaiveDateTime::parse_from_str(text, &pattern)
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, &pattern)
                .ok()?
                .and_hms_opt(0, 0, 0)
        })?;
    from_local(wall, zone)
}

/// Parses a timestamp text (`YYYY-MM-DD[ HH:MM:SS[.fff]]`, `T` allowed) in `zone`.
pub fn parse_timestamp_text(text: &str, zone: &Zone) -> Option<i64> {
    let t = text.trim();
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(wall) = NaiveDateTime::parse_from_str(t, fmt) {
            return from_local(wall, zone);
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    from_local(date.and_hms_opt(0, 0, 0)?, zone)
}

/// Truncates unix milliseconds to the start of its `unit` in `zone` (`date_trunc`).
pub fn trunc(unit: Unit, ms: i64, zone: &Zone) -> i64 {
    let wall = local(ms, zone);
    let date = wall.date();
    let start = match unit {
        Unit::Millisecond => return ms,
        Unit::Second => return ms.div_euclid(1000) * 1000,
        Unit::Minute | Unit::Hour => {
            let step = unit.fixed_ms().unwrap_or(60_000);
            let wall_ms = wall.and_utc().timestamp_millis();
            return ms - (wall_ms - wall_ms.div_euclid(step) * step);
        }
        Unit::Day => date,
        Unit::Week => date - Duration::days(date.weekday().num_days_from_monday() as i64),
        Unit::Month => date.with_day(1).unwrap_or(date),
        Unit::Quarter => {
            NaiveDate::from_ymd_opt(date.year(), date.month0() / 3 * 3 + 1, 1).unwrap_or(date)
        }
        Unit::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date),
    };
    start
        .and_hms_opt(0, 0, 0)
        .and_then(|w| from_local(w, zone))
        .unwrap_or(ms)
}

/// Adds `n` units to unix milliseconds (`date_add`); calendar units work on the wall clock.
pub fn add(unit: Unit, n: i64, ms: i64, zone: &Zone) -> Option<i64> {
    if let Some(step) = unit.fixed_ms().filter(|_| {
        matches!(
            unit,
            Unit::Millisecond | Unit::Second | Unit::Minute | Unit::Hour
        )
    }) {
        return ms.checked_add(n.checked_mul(step)?);
    }
    let wall = local(ms, zone);
    let moved = match unit {
        Unit::Day | Unit::Week => {
            wall.checked_add_signed(Duration::days(n * if unit == Unit::Week { 7 } else { 1 }))?
        }
        _ => {
            let months = n.checked_mul(unit.months() as i64)?;
            if months >= 0 {
                wall.checked_add_months(Months::new(months as u32))?
            } else {
                wall.checked_sub_months(Months::new((-months) as u32))?
            }
        }
    };
    from_local(moved, zone)
}

/// Whole units from `a` to `b` (`date_diff(unit, a, b)`), truncated toward zero.
pub fn diff(unit: Unit, a: i64, b: i64, zone: &Zone) -> i64 {
    if let Some(step) = unit
        .fixed_ms()
        .filter(|_| unit != Unit::Day && unit != Unit::Week)
    {
        return (b - a) / step;
    }
    let (wa, wb) = (local(a, zone), local(b, zone));
    if let Some(step) = unit.fixed_ms() {
        let span = wb.and_utc().timestamp_millis() - wa.and_utc().timestamp_millis();
        return span / step;
    }
    let months = |w: &NaiveDateTime| w.year() as i64 * 12 + w.month0() as i64;
    let mut whole = months(&wb) - months(&wa);
    let rest = |w: &NaiveDateTime| (w.day(), w.time());
    if whole > 0 && rest(&wb) < rest(&wa) {
        whole -= 1;
    } else if whole < 0 && rest(&wb) > rest(&wa) {
        whole += 1;
    }
    whole / unit.months() as i64
}

/// The start (unix seconds) of the `window`-second bucket holding `t`: epoch-aligned, except
/// that day-sized windows align to local midnight in `zone`.
pub fn bucket_start(t: i64, window: i64, zone: &Zone) -> i64 {
    if window % 86_400 == 0 {
        let offset = zone.offset_seconds(t) as i64;
        (t + offset).div_euclid(window) * window - offset
    } else {
        t.div_euclid(window) * window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> Zone {
        Zone::parse("+08:00").unwrap()
    }

    /// 2020-06-17 06:07:47 UTC, the SLS docs' example (14:07:47 at UTC+8).
    const DOC_TIME: i64 = 1_592_374_067_000;

    #[test]
    fn format_codes_follow_mysql() {
        let z = shanghai();
        assert_eq!(
            format_mysql(DOC_TIME, "%Y-%m-%d %H:%i:%s", &z),
            "2020-06-17 14:07:47"
        );
        assert_eq!(
            format_mysql(DOC_TIME, "%Y-%m-%d %H:%i:%S", &z),
            "2020-06-17 14:07:47"
        );
        assert_eq!(
            format_mysql(DOC_TIME, "%M %b %c %e %D %j", &z),
            "June Jun 6 17 17th 169"
        );
        assert_eq!(
            format_mysql(DOC_TIME, "%h %I %l %k %p %r %T", &z),
            "02 02 2 14 PM 02:07:47 PM 14:07:47"
        );
        assert_eq!(
            format_mysql(DOC_TIME, "%a %W %w %y %% %v %V", &z),
            "Wed Wednesday 3 20 % 25 24"
        );
        assert_eq!(format_mysql(DOC_TIME, "%H:%i", &Zone::default()), "06:07");
    }

    #[test]
    fn day_suffixes() {
        let days: Vec<&str> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
            .iter()
            .map(|d| day_suffix(*d))
            .collect();
        assert_eq!(
            days,
            ["st", "nd", "rd", "th", "th", "th", "th", "st", "nd", "rd", "st"]
        );
    }

    #[test]
    fn unsupported_codes_are_named() {
        assert!(check_format("%Y-%m-%d %H:%i:%s").is_ok());
        assert!(check_format("%x").unwrap_err().contains("%x"));
        assert!(check_format("%U").unwrap_err().contains("%U"));
        assert!(check_format("abc%").is_err());
    }

    #[test]
    fn parse_round_trips_in_zone() {
        let z = shanghai();
        assert_eq!(
            parse_mysql("2020-06-17 14:07:47", "%Y-%m-%d %H:%i:%s", &z),
            Some(DOC_TIME)
        );
        assert_eq!(
            parse_mysql("2020-06-17", "%Y-%m-%d", &z),
            Some(1_592_323_200_000)
        );
        assert_eq!(parse_mysql("17/06/2020", "%Y-%m-%d", &z), None);
        assert_eq!(
            parse_timestamp_text("2020-06-17 14:07:47", &z),
            Some(DOC_TIME)
        );
    }

    #[test]
    fn trunc_works_on_the_local_wall_clock() {
        let z = shanghai();
        let hour = trunc(Unit::Hour, DOC_TIME, &z);
        assert_eq!(format_timestamp(hour, &z), "2020-06-17 14:00:00.000");
        assert_eq!(
            format_timestamp(trunc(Unit::Day, DOC_TIME, &z), &z),
            "2020-06-17 00:00:00.000"
        );
        assert_eq!(
            format_timestamp(trunc(Unit::Week, DOC_TIME, &z), &z),
            "2020-06-15 00:00:00.000"
        );
        assert_eq!(
            format_timestamp(trunc(Unit::Month, DOC_TIME, &z), &z),
            "2020-06-01 00:00:00.000"
        );
        assert_eq!(
            format_timestamp(trunc(Unit::Quarter, DOC_TIME, &z), &z),
            "2020-04-01 00:00:00.000"
        );
        assert_eq!(
            format_timestamp(trunc(Unit::Year, DOC_TIME, &z), &z),
            "2020-01-01 00:00:00.000"
        );
        let india = Zone::parse("+05:30").unwrap();
        assert_eq!(
            format_timestamp(trunc(Unit::Hour, DOC_TIME, &india), &india),
            "2020-06-17 11:00:00.000"
        );
    }

    #[test]
    fn add_and_diff_units() {
        let z = shanghai();
        let jan31 = parse_timestamp_text("2024-01-31 10:00:00", &z).unwrap();
        let feb = add(Unit::Month, 1, jan31, &z).unwrap();
        assert_eq!(format_timestamp(feb, &z), "2024-02-29 10:00:00.000");
        assert_eq!(add(Unit::Hour, -2, jan31, &z), Some(jan31 - 7_200_000));
        assert_eq!(diff(Unit::Day, jan31, feb, &z), 29);
        assert_eq!(diff(Unit::Month, jan31, feb, &z), 0);
        assert_eq!(diff(Unit::Minute, feb, jan31, &z), -29 * 24 * 60);
        assert_eq!(Unit::parse("HOURS"), Some(Unit::Hour));
    }

    #[test]
    fn window_buckets() {
        assert_eq!(bucket_start(1_592_374_067, 300, &shanghai()), 1_592_373_900);
        assert_eq!(
            bucket_start(1_592_374_067, 86_400, &shanghai()),
            1_592_323_200
        );
    }
}
