//! Reads JSON without building a tree: minified copies that are byte-identical to what
//! `serde_json` writes back after parsing (or a refusal when they would not be), and the fields
//! of one compact object as borrowed slices with their scalar text.

use std::borrow::Cow;

/// The fields of one compact JSON object, in document order, values left unparsed.
#[derive(Debug)]
pub struct RawObject<'a> {
    /// `(key, raw value)` pairs; keys are unescaped, values are compact JSON text.
    pub fields: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> RawObject<'a> {
    /// Splits `compact` into its fields. `compact` must be valid JSON without insignificant
    /// whitespace (as [`minify_exact`] writes it); `None` when it is not an object.
    pub fn parse(compact: &'a str) -> Option<RawObject<'a>> {
        let bytes = compact.as_bytes();
        if bytes.first() != Some(&b'{') {
            return None;
        }
        let mut fields = Vec::with_capacity(32);
        let mut i = 1;
        while bytes.get(i) == Some(&b'"') {
            let key_end = string_end(bytes, i)?;
            let key = string_text(&compact[i..key_end])?;
            let value_start = key_end + 1;
            let value_end = value_end(bytes, value_start)?;
            fields.push((key, &compact[value_start..value_end]));
            i = value_end + 1;
        }
        Some(RawObject { fields })
    }

    /// The raw value of `key` (exact spelling); the last one wins, as when parsing to a map.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
    }
}

/// The index just past the compact value starting at `bytes[start]`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => Some(
            start
                + bytes[start..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))?,
        ),
    }
}

/// The index just past the string starting at `bytes[start] == '"'` (escapes skipped).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', &bytes[i..])?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// The decoded text of a JSON string literal (quotes included in `literal`).
fn string_text(literal: &str) -> Option<Cow<'_, str>> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(literal).ok().map(Cow::Owned)
}

/// The text of a raw scalar as SLS indexes it: a string unescaped, a number or boolean as
/// written. `None` for null, objects and arrays.
pub fn scalar_text(raw: &str) -> Option<Cow<'_, str>> {
    match raw.as_bytes().first()? {
        b'"' => string_value(raw),
        b'{' | b'[' | b'n' => None,
        _ => Some(Cow::Borrowed(raw)),
    }
}

/// The decoded string of a raw JSON value (`None` if it is not a string).
pub fn string_value(raw: &str) -> Option<Cow<'_, str>> {
    if raw.starts_with('"') {
        string_text(raw)
    } else {
        None
    }
}

/// Appends `json` (one valid JSON text) to `out` without insignificant whitespace. Returns
/// false, leaving `out` partly written, when the copy would differ from `serde_json`'s output
/// for the parsed value: a fraction or exponent, an integer beyond 18 digits or `-0`, or a
/// string escape that `serde_json` writes another way (`\/`, `\u00e9`, upper-case hex).
pub fn minify_exact(json: &[u8], out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            b'"' => match canonical_string_end(json, i) {
                Some(end) => {
                    out.extend_from_slice(&json[i..end]);
                    i = end;
                }
                None => return false,
            },
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < json.len() && is_number_byte(json[i]) {
                    i += 1;
                }
                if !is_exact_integer(&json[start..i]) {
                    return false;
                }
                out.extend_from_slice(&json[start..i]);
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    true
}

/// The index just past the string starting at `json[start] == '"'`, if every escape in it is
/// one `serde_json` writes the same way.
fn canonical_string_end(json: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', &json[i..])?;
        if json[i] == b'"' {
            return Some(i + 1);
        }
        i += escape_len_if_canonical(&json[i..])?;
    }
}

/// The length of the escape at the start of `s` (`\x` or `\uXXXX`) when `serde_json` writes that
/// character with the same escape.
fn escape_len_if_canonical(s: &[u8]) -> Option<usize> {
    match s.get(1)? {
        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
        b'u' => {
            let hex = s.get(2..6)?;
            let lower_hex = hex
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
            let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            let short_form = matches!(code, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
            (lower_hex && code < 0x20 && !short_form).then_some(6)
        }
        _ => None,
    }
}

fn is_number_byte(b: u8) -> bool {
    matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
}

/// Whether `n` is an integer that `serde_json` parses to an i64/u64 and writes back unchanged.
fn is_exact_integer(n: &[u8]) -> bool {
    let digits = n.strip_prefix(b"-").unwrap_or(n);
    !digits.is_empty()
        && digits.len() <= 18
        && digits.iter().all(u8::is_ascii_digit)
        && (digits == b"0" || digits[0] != b'0')
        && n != b"-0"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn minify(text: &str) -> Option<String> {
        let mut out = Vec::new();
        minify_exact(text.as_bytes(), &mut out).then(|| String::from_utf8(out).unwrap())
    }

    fn serde_round_trip(text: &str) -> String {
        serde_json::from_str::<Value>(text).unwrap().to_string()
    }

    #[test]
    fn minified_copy_equals_serde_output_when_accepted() {
        for text in [
            r#"{ "a" : [1, -2, 0, true, null],
                 "b" : "x \" \\ \n \t \u001f é 中", "c": {"d": {}} }"#,
            r#"{"n": 123456789012345678, "s": "key-abc123"}"#,
            "[]",
        ] {
            assert_eq!(minify(text), Some(serde_round_trip(text)), "{text}");
        }
    }

    #[test]
    fn refuses_what_serde_would_rewrite() {
        for text in [
            r#"{"f": 1.5}"#,
            r#"{"f": 1e3}"#,
            r#"{"f": -0}"#,
            r#"{"big": 1234567890123456789}"#,
            r#"{"s": "a\/b"}"#,
            r#"{"s": "\u00e9"}"#,
            r#"{"s": "\u001F"}"#,
            r#"{"s": "\u000a"}"#,
        ] {
            assert_eq!(minify(text), None, "{text}");
        }
    }

    #[test]
    fn fields_are_borrowed_and_last_duplicate_wins() {
        let obj = RawObject::parse(r#"{"a":"x,}","b\u0041":{"c":[1,{"d":"]"}]},"a":2,"e":null}"#)
            .unwrap();
        assert!(matches!(obj.fields[0].0, Cow::Borrowed("a")));
        assert_eq!(obj.fields[0].1, r#""x,}""#);
        assert_eq!(obj.fields[1].0, "bA");
        assert_eq!(obj.get("a"), Some("2"));
        assert_eq!(obj.get("bA"), Some(r#"{"c":[1,{"d":"]"}]}"#));
        assert_eq!(obj.get("e"), Some("null"));
        assert!(RawObject::parse("[1]").is_none());
        assert_eq!(RawObject::parse("{}").unwrap().fields.len(), 0);
    }

    #[test]
    fn scalar_text_like_sls() {
        let obj =
            RawObject::parse(r#"{"s":"a\"b","n":3,"t":true,"z":null,"o":{},"l":[]}"#).unwrap();
        let text = |k| obj.get(k).and_then(scalar_text);
        assert_eq!(text("s").as_deref(), Some("a\"b"));
        assert_eq!(text("n").as_deref(), Some("3"));
        assert_eq!(text("t").as_deref(), Some("true"));
        assert_eq!((text("z"), text("o"), text("l")), (None, None, None));
    }
}
