//! Hand-written JSON output for generated events: escaping, and UTC timestamps in
//! ActionTrail's `YYYY-MM-DDTHH:MM:SSZ` form, without going through a `Value` tree.

use std::fmt::Write;

/// Appends `s` as a JSON string literal (quotes included).
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[plain_from..i]);
        if escaped.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escaped);
        }
        plain_from = i + c.len_utf8();
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
}

/// Appends `"key":` (after a comma unless `out` just opened an object or array).
pub(crate) fn push_key(out: &mut String, key: &str) {
    if !matches!(out.as_bytes().last(), Some(b'{') | Some(b'[') | None) {
        out.push(',');
    }
    push_str(out, key);
    out.push(':');
}

/// Appends `"key":"value"`.
pub(crate) fn field_str(out: &mut String, key: &str, value: &str) {
    push_key(out, key);
    push_str(out, value);
}

/// Appends `"key":<raw>` where `raw` is already valid JSON.
pub(crate) fn field_raw(out: &mut String, key: &str, raw: &str) {
    push_key(out, key);
    out.push_str(raw);
}

/// Civil date `(year, month, day)` of a count of days since 1970-01-01 (Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The UTC parts `(year, month, day, hour, minute, second)` of unix seconds `t`.
pub(crate) fn utc_parts(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400) as u32;
    (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
}

/// `2024-03-01T08:15:00Z`.
pub(crate) fn iso_utc(t: i64) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `20240301081500`, as in archive file names.
pub(crate) fn compact_utc(t: i64) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(t);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        let mut out = String::new();
        push_str(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
    }

    #[test]
    fn fields_get_commas_between_them_only() {
        let mut out = String::from("{");
        field_str(&mut out, "a", "x");
        field_raw(&mut out, "b", "1");
        out.push('}');
        assert_eq!(out, r#"{"a":"x","b":1}"#);
    }

    #[test]
    fn timestamps_match_known_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_709_251_200), "2024-03-01T00:00:00Z");
        assert_eq!(iso_utc(1_709_164_800 + 3_723), "2024-02-29T01:02:03Z");
        assert_eq!(compact_utc(1_735_689_599), "20241231235959");
    }
}
