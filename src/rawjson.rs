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

/// Where one top-level field of an object minified by [`minify_object`] sits in its text:
/// byte ranges of the key (quotes included) and of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpan {
    /// The key literal, quotes included.
    pub key: (usize, usize),
    /// The raw value.
    pub value: (usize, usize),
    /// Whether the key literal holds an escape.
    pub escaped_key: bool,
}

impl FieldSpan {
    /// The key (unescaped) and the raw value of this field in `text`.
    pub fn get<'a>(&self, text: &'a str) -> Option<(Cow<'a, str>, &'a str)> {
        let key = match self.escaped_key {
            false => Cow::Borrowed(&text[self.key.0 + 1..self.key.1 - 1]),
            true => string_text(&text[self.key.0..self.key.1])?,
        };
        Some((key, &text[self.value.0..self.value.1]))
    }
}

/// Nesting allowed by [`minify_object`]; deeper objects are left to `serde_json` (whose own
/// limit is 127).
const MAX_DEPTH: usize = 100;

/// Checks and minifies a JSON object in one pass: true when `json` is one JSON object that
/// `serde_json` accepts and `out` (cleared first) is exactly what `serde_json` writes back after
/// parsing it, with `fields` holding where each top-level field sits in `out`. False for
/// anything else, valid or not (see [`minify_exact`] for what `serde_json` rewrites; numbers
/// other than plain integers, non-canonical escapes and nesting past [`MAX_DEPTH`] are
/// refused too): the caller then asks `serde_json`. `out` must still be checked for UTF-8.
pub fn minify_object(json: &[u8], out: &mut Vec<u8>, fields: &mut Vec<FieldSpan>) -> bool {
    out.clear();
    fields.clear();
    let mut m = Minifier {
        json,
        i: 0,
        out,
        escaped: false,
    };
    m.skip_ws();
    if m.peek() != Some(b'{') {
        return false;
    }
    let ok = m.members(1, &mut |key, value, escaped_key| {
        fields.push(FieldSpan {
            key,
            value,
            escaped_key,
        })
    });
    m.skip_ws();
    ok.is_some() && m.i == json.len()
}

/// Called with the key span, value span and whether the key holds an escape, per member.
type FieldSink<'f> = dyn FnMut((usize, usize), (usize, usize), bool) + 'f;

/// The state of [`minify_object`]: the input, the read position and the output. Each reading
/// method gives `None` when the input is refused at that point.
struct Minifier<'j, 'o> {
    json: &'j [u8],
    i: usize,
    out: &'o mut Vec<u8>,
    /// Whether the last string read held an escape.
    escaped: bool,
}

impl Minifier<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.json.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    /// Copies the structural byte `b` if it is next.
    fn punct(&mut self, b: u8) -> bool {
        if self.peek() != Some(b) {
            return false;
        }
        self.out.push(b);
        self.i += 1;
        true
    }

    /// An object at `self.i` (`{` next), calling `field` with the span of each member.
    fn members(&mut self, depth: usize, field: &mut FieldSink) -> Option<()> {
        if self.open(depth, b'{', b'}')? {
            return Some(());
        }
        loop {
            self.skip_ws();
            let key_start = self.out.len();
            self.string()?;
            let (key_end, escaped_key) = (self.out.len(), self.escaped);
            self.skip_ws();
            self.punct(b':').then_some(())?;
            self.skip_ws();
            let value_start = self.out.len();
            self.value(depth)?;
            field(
                (key_start, key_end),
                (value_start, self.out.len()),
                escaped_key,
            );
            if self.after_item(b'}')? {
                return Some(());
            }
        }
    }

    fn elements(&mut self, depth: usize) -> Option<()> {
        if self.open(depth, b'[', b']')? {
            return Some(());
        }
        loop {
            self.skip_ws();
            self.value(depth)?;
            if self.after_item(b']')? {
                return Some(());
            }
        }
    }

    /// The start of a container at `depth`: `Some(true)` past an empty one, `Some(false)` when
    /// items follow, `None` when `open` is not next or the nesting is too deep.
    fn open(&mut self, depth: usize, open: u8, close: u8) -> Option<bool> {
        if depth > MAX_DEPTH || !self.punct(open) {
            return None;
        }
        self.skip_ws();
        Some(self.punct(close))
    }

    /// After a member or element: `Some(true)` past the container's `close`, `Some(false)`
    /// past a comma, `None` at anything else.
    fn after_item(&mut self, close: u8) -> Option<bool> {
        self.skip_ws();
        if self.punct(close) {
            return Some(true);
        }
        self.punct(b',').then_some(false)
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string(),
            b'{' => self.members(depth + 1, &mut |_, _, _| {}),
            b'[' => self.elements(depth + 1),
            b'-' | b'0'..=b'9' => self.integer(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => None,
        }
    }

    /// A string whose escapes are all canonical and that holds no raw control character.
    fn string(&mut self) -> Option<()> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.i;
        let mut i = start + 1;
        self.escaped = false;
        loop {
            i += string_special(&self.json[i..])?;
            match self.json[i] {
                b'"' => break,
                b'\\' => {}
                _ => return None,
            }
            self.escaped = true;
            i += escape_len_if_canonical(&self.json[i..])?;
        }
        self.out.extend_from_slice(&self.json[start..=i]);
        self.i = i + 1;
        Some(())
    }

    /// An integer that `serde_json` writes back unchanged, not followed by a fraction or an
    /// exponent.
    fn integer(&mut self) -> Option<()> {
        let start = self.i;
        let mut end = start + usize::from(self.json[start] == b'-');
        while self.json.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let number = &self.json[start..end];
        if !is_exact_integer(number) || self.json.get(end).is_some_and(|&b| is_number_byte(b)) {
            return None;
        }
        self.out.extend_from_slice(number);
        self.i = end;
        Some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.json[self.i..].starts_with(word).then_some(())?;
        self.out.extend_from_slice(word);
        self.i += word.len();
        Some(())
    }
}

/// The first byte of `s` that ends or interrupts a string's plain text: `"`, `\\` or a
/// control character. Eight bytes at a time: most strings of an event are short, where this
/// beats a `memchr` call followed by a check of the span.
fn string_special(s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // For each byte: high bit set where the byte is below `n` (exact for the lowest such byte,
    // which is the one wanted).
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS;
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let hits = below(w, 0x20) | below(w ^ (ONES * 0x22), 1) | below(w ^ (ONES * 0x5c), 1);
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|at| i + at)
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
    fn string_special_finds_the_first_quote_backslash_or_control_byte() {
        let naive = |s: &[u8]| s.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..500 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        // Mostly plain text, with specials and bytes just around them.
                        match state % 16 {
                            0 => b'"',
                            1 => b'\\',
                            2 => (state >> 8) as u8 % 0x21,
                            3 => 0x80 | (state >> 8) as u8,
                            4 => [0x21, 0x23, 0x5b, 0x5d, 0xa2, 0xdc][(state >> 8) as usize % 6],
                            _ => b'a' + (state >> 8) as u8 % 26,
                        }
                    })
                    .collect();
                assert_eq!(string_special(&bytes), naive(&bytes), "{bytes:?}");
            }
        }
    }

    /// Runs [`minify_object`]; the text and field spans when it accepts.
    fn minify_one_pass(json: &[u8]) -> Option<(String, Vec<FieldSpan>)> {
        let (mut out, mut fields) = (Vec::new(), Vec::new());
        if !minify_object(json, &mut out, &mut fields) {
            return None;
        }
        Some((String::from_utf8(out).ok()?, fields))
    }

    const OBJECTS: &[&str] = &[
        r#"{ "eventId" : "E1", "eventTime":"2024-03-01T10:00:00Z", "n": [1, -2, 0, true, false, null],
            "userIdentity": {"type": "ram-user", "userName": "al\"ice\n\u001f", "x": {"y": [[], {}]}},
            "s": "é 中 \\ \t", "e": {}, "a": [], "k\u0001y": 2 }"#,
        r#"{}"#,
        r#"  {"k":123456789012345678}  "#,
    ];

    #[test]
    fn one_pass_minify_gives_serde_output_and_the_top_fields() {
        for text in OBJECTS {
            let (out, fields) = minify_one_pass(text.as_bytes()).expect(text);
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(out, value.to_string());
            let object = value.as_object().unwrap();
            assert_eq!(fields.len(), object.len());
            for span in fields {
                let (key, raw) = span.get(&out).unwrap();
                let parsed: Value = serde_json::from_str(raw).unwrap();
                assert_eq!(Some(&parsed), object.get(key.as_ref()), "{key}");
            }
        }
        for refused in [
            r#"{"f": 1.5}"#,
            r#"{"f": 1e3}"#,
            r#"{"s": "a\/b"}"#,
            r#"{"s": "\u00e9"}"#,
            "[1]",
            r#""s""#,
            "{\"s\": \"tab\there\"}",
            r#"{"a": 1} x"#,
            r#"{"a": 01}"#,
            r#"{"a": tru}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1,}"#,
            r#"{"a": [1,]}"#,
            r#"{"a": 1"#,
            r#"{a": 1}"#,
        ] {
            assert!(minify_one_pass(refused.as_bytes()).is_none(), "{refused}");
        }
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100), "]".repeat(100));
        assert!(minify_one_pass(deep.as_bytes()).is_none());
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(98), "]".repeat(98));
        assert!(minify_one_pass(ok.as_bytes()).is_some());
    }

    /// Thousands of damaged variants of valid objects: whatever the one-pass minifier accepts,
    /// `serde_json` accepts too and writes back the same way.
    #[test]
    fn one_pass_minify_never_accepts_what_serde_refuses() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut random = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let alphabet = b"{}[]\",:\\ 0123456789.-+eEtrufalsn\x01\t\n\xc3\xa9u";
        let (mut accepted, mut tried) = (0, 0);
        for text in OBJECTS {
            for _ in 0..20000 {
                let mut bytes = text.as_bytes().to_vec();
                for _ in 0..1 + random(3) {
                    let at = random(bytes.len() + 1);
                    match random(3) {
                        0 if at < bytes.len() => drop(bytes.remove(at)),
                        1 => bytes.insert(at, alphabet[random(alphabet.len())]),
                        _ if at < bytes.len() => bytes[at] = alphabet[random(alphabet.len())],
                        _ => {}
                    }
                }
                tried += 1;
                let Some((out, _)) = minify_one_pass(&bytes) else {
                    continue;
                };
                accepted += 1;
                let value: Value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
                assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), value);
                if keys_distinct(&out) {
                    assert_eq!(
                        out,
                        value.to_string(),
                        "{}",
                        String::from_utf8_lossy(&bytes)
                    );
                }
            }
        }
        assert!(accepted > tried / 20, "{accepted} of {tried} accepted");
    }

    /// Whether no object in the compact text `raw` repeats a key.
    fn keys_distinct(raw: &str) -> bool {
        if raw.starts_with('[') {
            return elements(raw).into_iter().all(keys_distinct);
        }
        let Some(object) = RawObject::parse(raw) else {
            return true;
        };
        let mut keys: Vec<&str> = object.fields.iter().map(|(k, _)| k.as_ref()).collect();
        keys.sort_unstable();
        keys.windows(2).all(|w| w[0] != w[1]) && object.fields.iter().all(|(_, v)| keys_distinct(v))
    }

    /// The elements of a compact array.
    fn elements(array: &str) -> Vec<&str> {
        let (bytes, mut out, mut start) = (array.as_bytes(), Vec::new(), 1);
        while bytes[start] != b']' {
            let end = value_end(bytes, start).unwrap();
            out.push(&array[start..end]);
            start = end + usize::from(bytes[end] == b',');
        }
        out
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
