//! Durations as users type them (`30m`, `12h`, `2w`): the one parser behind relative ages in
//! `--from`/`--to`, `--interval`, rule windows and the window of SQL `time_series`.
//!
//! The grammar, everywhere: surrounding whitespace is ignored; then one or more ASCII digits
//! and one unit, nothing else. Units are `s` (seconds), `m` (minutes), `h` (hours), `d` (days)
//! and `w` (weeks of 7 days), lower case only. The number is at least 1; a bare number is not
//! a duration (the unit is required: write `60s`); there is no sign, fraction, inner space or
//! combination (`1h30m` is refused: write `90m`); a duration past `i64::MAX` seconds is an
//! error, never a wrapped value.
//!
//! The unit set is the one parameter: [`UNITS`] for every option and rule file, and
//! [`SLS_TIME_SERIES_UNITS`] for SLS's own `time_series` window, which SLS documents as
//! `s`, `m`, `h`, `d` and keytrail has always read in either case.

/// The units a caller accepts: each suffix with its length in seconds, and the list shown in
/// error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationUnits {
    /// `(suffix, seconds)` pairs; a suffix matches exactly (case included).
    table: &'static [(&'static str, i64)],
    /// The units as an error message lists them.
    listed: &'static str,
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// keytrail's units: `s`, `m`, `h`, `d`, `w`, lower case.
pub const UNITS: DurationUnits = DurationUnits {
    table: &[
        ("s", 1),
        ("m", MINUTE),
        ("h", HOUR),
        ("d", DAY),
        ("w", WEEK),
    ],
    listed: "s, m, h, d, w",
};

/// The window units of SLS `time_series`: `s`, `m`, `h`, `d`, in either case (no weeks).
pub const SLS_TIME_SERIES_UNITS: DurationUnits = DurationUnits {
    table: &[
        ("s", 1),
        ("S", 1),
        ("m", MINUTE),
        ("M", MINUTE),
        ("h", HOUR),
        ("H", HOUR),
        ("d", DAY),
        ("D", DAY),
    ],
    listed: "s, m, h, d",
};

/// Parses a duration in the grammar of the module doc into seconds (at least 1). The error
/// says what is wrong without quoting `text`: the caller names the option and the text.
pub fn parse_duration(text: &str, units: &DurationUnits) -> Result<i64, String> {
    let (digits, unit) = split_number(text);
    let listed = units.listed;
    if digits.is_empty() {
        return Err(format!(
            "write a whole number and a unit, e.g. 30m (units: {listed})"
        ));
    }
    if unit.is_empty() {
        return Err(format!(
            "the unit is missing, e.g. {digits}s (units: {listed})"
        ));
    }
    let Some(&(_, scale)) = units.table.iter().find(|(suffix, _)| *suffix == unit) else {
        return Err(format!("unknown unit {unit:?} (units: {listed})"));
    };
    let too_long = || "it is too long (past 2^63 seconds)".to_string();
    // Only digits remain, so the parse fails on overflow alone.
    let n: i64 = digits.parse().map_err(|_| too_long())?;
    if n == 0 {
        return Err("it must be at least 1".to_string());
    }
    n.checked_mul(scale).ok_or_else(too_long)
}

/// Whether `text` has a duration's shape (digits, then letters only), so that a caller trying
/// several forms reports the duration's own error rather than a generic one.
pub fn looks_like_duration(text: &str) -> bool {
    let (digits, unit) = split_number(text);
    !digits.is_empty() && !unit.is_empty() && unit.chars().all(|c| c.is_ascii_alphabetic())
}

/// The leading ASCII digits of the trimmed text and the rest.
fn split_number(text: &str) -> (&str, &str) {
    let t = text.trim();
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    t.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keytrail(text: &str) -> Result<i64, String> {
        parse_duration(text, &UNITS)
    }

    #[test]
    fn every_unit_and_surrounding_space() {
        assert_eq!(keytrail("45s"), Ok(45));
        assert_eq!(keytrail("30m"), Ok(1800));
        assert_eq!(keytrail("12h"), Ok(43_200));
        assert_eq!(keytrail(" 1d "), Ok(86_400));
        assert_eq!(keytrail("2w"), Ok(14 * 86_400));
        assert_eq!(keytrail("007m"), Ok(420));
    }

    #[test]
    fn refusals_say_why() {
        let units = "(units: s, m, h, d, w)";
        assert_eq!(
            keytrail("60"),
            Err(format!("the unit is missing, e.g. 60s {units}"))
        );
        assert_eq!(keytrail("5x"), Err(format!("unknown unit \"x\" {units}")));
        assert_eq!(keytrail("5M"), Err(format!("unknown unit \"M\" {units}")));
        assert_eq!(keytrail("0m"), Err("it must be at least 1".to_string()));
        for malformed in ["", "m", "-5m", "+5m", "٣m"] {
            assert_eq!(
                keytrail(malformed),
                Err(format!("write a whole number and a unit, e.g. 30m {units}")),
                "{malformed:?}"
            );
        }
        for other_unit in ["1h30m", "1.5h", "5 m", "5mm", "5min"] {
            assert!(
                keytrail(other_unit)
                    .unwrap_err()
                    .starts_with("unknown unit"),
                "{other_unit:?}"
            );
        }
    }

    #[test]
    fn overflow_is_an_error() {
        let too_long = Err("it is too long (past 2^63 seconds)".to_string());
        assert_eq!(keytrail("9223372036854775807s"), Ok(i64::MAX));
        assert_eq!(keytrail("9223372036854775808s"), too_long);
        assert_eq!(keytrail("15250284452471w"), Ok(9_223_372_036_854_460_800));
        assert_eq!(keytrail("15250284452472w"), too_long);
        assert_eq!(keytrail("99999999999999999999999999d"), too_long);
    }

    #[test]
    fn sls_time_series_takes_either_case_and_no_weeks() {
        let sls = |t: &str| parse_duration(t, &SLS_TIME_SERIES_UNITS);
        assert_eq!(sls("5m"), Ok(300));
        assert_eq!(sls("5M"), Ok(300));
        assert_eq!(sls("2H"), Ok(7200));
        assert_eq!(sls("1D"), Ok(86_400));
        assert_eq!(sls("30S"), Ok(30));
        assert_eq!(
            sls("1w"),
            Err("unknown unit \"w\" (units: s, m, h, d)".to_string())
        );
        assert!(sls("0m").is_err() && sls("5").is_err());
    }

    #[test]
    fn duration_shapes() {
        assert!(looks_like_duration("90d") && looks_like_duration(" 5x "));
        assert!(!looks_like_duration("2024-03-01"));
        assert!(!looks_like_duration("1700000000"));
        assert!(!looks_like_duration("last tuesday"));
        assert!(!looks_like_duration("1h30"));
    }
}
