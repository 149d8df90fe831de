//! Reads JSON without building a tree: canonical minified copies (whitespace out, strings with
//! `serde_json`'s escapes, every number exactly as written), the fields of one compact object as
//! borrowed slices with their scalar text, leaves found by path, and pretty-printed text: no
//! number is ever converted, and no nesting depth costs stack.

use std::borrow::Cow;

/// The fields of one compact JSON object, in document order, values left unparsed.
#[derive(Debug)]
pub struct RawObject<'a> {
    /// `(key, raw value)` pairs; keys are unescaped, values are compact JSON text.
    pub fields: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> RawObject<'a> {
    /// Splits `compact` into its fields. `compact` must be valid JSON without insignificant
    /// whitespace (as [`minify_canonical`] writes it); `None` when it is not an object.
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

/// The text of a compact JSON value laid out as `serde_json::to_string_pretty` lays it out
/// (two-space indents, `": "` after keys, empty containers as `{}` and `[]`), every byte of its
/// strings and numbers kept. One pass without recursion: any depth is fine.
pub fn pretty(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i).unwrap_or(bytes.len());
                out.push_str(&compact[i..end]);
                i = end;
                continue;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                out.push(char::from(open));
                if bytes.get(i + 1) == Some(&close) {
                    out.push(char::from(close));
                    i += 2;
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(char::from(close));
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            _ => {
                let run = bytes[i..]
                    .iter()
                    .position(|b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']' | b',' | b':'))
                    .unwrap_or(bytes.len() - i);
                out.push_str(&compact[i..i + run]);
                i += run;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The member with this key (exact spelling; the last one when repeated).
    Key(&'a str),
    /// The element at this 0-based index.
    Index(usize),
}

/// The raw text of the value at `path` in the valid JSON text `doc` (which may hold
/// whitespace), found without building a tree or converting a number; `None` when a step is
/// missing or walks into a scalar.
pub fn value_at<'a, 'p>(doc: &'a str, path: impl IntoIterator<Item = Step<'p>>) -> Option<&'a str> {
    let bytes = doc.as_bytes();
    let mut start = skip_ws(bytes, 0);
    for step in path {
        start = match (bytes.get(start)?, step) {
            (b'{', Step::Key(key)) => member_start(doc, start, key)?,
            (b'[', Step::Index(n)) => element_start(bytes, start, n)?,
            _ => return None,
        };
    }
    Some(&doc[start..spaced_value_end(bytes, start)?])
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// The index just past the value starting at `bytes[start]`, whitespace allowed inside.
fn spaced_value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'{' | b'[' => value_end(bytes, start),
        b'"' => string_end(bytes, start),
        _ => Some(
            start
                + bytes[start..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    .unwrap_or(bytes.len() - start),
        ),
    }
}

/// Where the value of the last member `key` of the object at `doc[start]` starts.
fn member_start(doc: &str, start: usize, key: &str) -> Option<usize> {
    let bytes = doc.as_bytes();
    let (mut i, mut found) = (skip_ws(bytes, start + 1), None);
    while bytes.get(i) == Some(&b'"') {
        let key_end = string_end(bytes, i)?;
        let this_key = string_text(&doc[i..key_end])?;
        let value = skip_ws(bytes, skip_ws(bytes, key_end) + 1);
        if this_key == key {
            found = Some(value);
        }
        i = skip_ws(bytes, spaced_value_end(bytes, value)?);
        if bytes.get(i) != Some(&b',') {
            break;
        }
        i = skip_ws(bytes, i + 1);
    }
    found
}

/// Where element `n` of the array at `bytes[start]` starts.
fn element_start(bytes: &[u8], start: usize, n: usize) -> Option<usize> {
    let mut i = skip_ws(bytes, start + 1);
    if bytes.get(i) == Some(&b']') {
        return None;
    }
    for _ in 0..n {
        i = skip_ws(bytes, spaced_value_end(bytes, i)?);
        if bytes.get(i) != Some(&b',') {
            return None;
        }
        i = skip_ws(bytes, i + 1);
    }
    Some(i)
}

/// The elements of a compact array (`None` when `raw` is not one).
pub fn elements(raw: &str) -> Option<Vec<&str>> {
    let bytes = raw.as_bytes();
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let (mut out, mut start) = (Vec::new(), 1);
    while *bytes.get(start)? != b']' {
        let end = value_end(bytes, start)?;
        out.push(&raw[start..end]);
        start = end + usize::from(bytes.get(end) == Some(&b','));
    }
    Some(out)
}

/// Whether two compact JSON texts hold the same content: members compared by key whatever
/// their order (the last of a repeated key counts), strings by their decoded text, numbers by
/// their exact text, and a number or boolean equal to a string holding its text (`1` and `"1"`,
/// as SLS indexes both). Nesting is bounded by [`MAX_DEPTH`] in stored events.
pub fn same_content(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(b'{'), Some(b'{')) => {
            let (Some(x), Some(y)) = (RawObject::parse(a), RawObject::parse(b)) else {
                return false;
            };
            let distinct = |o: &RawObject| {
                let mut keys: Vec<&str> = o.fields.iter().map(|(k, _)| k.as_ref()).collect();
                keys.sort_unstable();
                keys.dedup();
                keys.len()
            };
            distinct(&x) == distinct(&y)
                && x.fields
                    .iter()
                    .all(|(key, _)| match (x.get(key), y.get(key)) {
                        (Some(v), Some(w)) => same_content(v, w),
                        _ => false,
                    })
        }
        (Some(b'['), Some(b'[')) => match (elements(a), elements(b)) {
            (Some(x), Some(y)) => {
                x.len() == y.len() && x.iter().zip(&y).all(|(v, w)| same_content(v, w))
            }
            _ => false,
        },
        (Some(b'"'), Some(b'"')) => string_value(a) == string_value(b),
        (Some(b'"'), Some(c)) | (Some(c), Some(b'"')) if !matches!(c, b'{' | b'[' | b'n') => {
            let (text, other) = if a.starts_with('"') { (a, b) } else { (b, a) };
            string_value(text).as_deref() == Some(other)
        }
        _ => false,
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

/// The text `pick` makes of the value at `path` in the JSON text `doc`, as it would of the
/// parsed value, except that numbers and containers keep their exact text (compact): `pick` is
/// asked with a stand-in of the same kind whether it keeps such a value. `None` when `doc` is
/// not JSON, the path is missing, or `pick` drops the value.
pub fn leaf_text<'p>(
    doc: &str,
    path: impl IntoIterator<Item = Step<'p>>,
    pick: fn(&serde_json::Value) -> Option<String>,
) -> Option<String> {
    use serde_json::Value;
    serde_json::from_str::<serde::de::IgnoredAny>(doc).ok()?;
    let raw = value_at(doc, path)?;
    match raw.as_bytes().first()? {
        b'"' => pick(&Value::String(string_value(raw)?.into_owned())),
        b't' => pick(&Value::Bool(true)),
        b'f' => pick(&Value::Bool(false)),
        b'n' => pick(&Value::Null),
        b'{' | b'[' => {
            pick(&Value::Array(Vec::new()))?;
            let mut compact = Vec::with_capacity(raw.len());
            minify_canonical(raw.as_bytes(), 0, &mut compact).ok()?;
            String::from_utf8(compact).ok()
        }
        _ => pick(&Value::from(0)).map(|_| raw.to_string()),
    }
}

/// [`value_at`] for a path of object keys matched as SLS matches field names: at each step the
/// first member spelled exactly so, else the first whose key equals it ignoring ASCII case.
pub fn value_at_loose<'a>(doc: &'a str, keys: &[String]) -> Option<&'a str> {
    let bytes = doc.as_bytes();
    let mut start = skip_ws(bytes, 0);
    for key in keys {
        if bytes.get(start) != Some(&b'{') {
            return None;
        }
        start = loose_member_start(doc, start, key)?;
    }
    Some(&doc[start..spaced_value_end(bytes, start)?])
}

/// Where the value of the first member `key` (else the first matching it ignoring ASCII case)
/// of the object at `doc[start]` starts.
fn loose_member_start(doc: &str, start: usize, key: &str) -> Option<usize> {
    let bytes = doc.as_bytes();
    let (mut i, mut loose) = (skip_ws(bytes, start + 1), None);
    while bytes.get(i) == Some(&b'"') {
        let key_end = string_end(bytes, i)?;
        let this_key = string_text(&doc[i..key_end])?;
        let value = skip_ws(bytes, skip_ws(bytes, key_end) + 1);
        if this_key == key {
            return Some(value);
        }
        if loose.is_none() && this_key.eq_ignore_ascii_case(key) {
            loose = Some(value);
        }
        i = skip_ws(bytes, spaced_value_end(bytes, value)?);
        if bytes.get(i) != Some(&b',') {
            break;
        }
        i = skip_ws(bytes, i + 1);
    }
    loose
}

/// The text of a raw JSON value as SLS indexes it: a string decoded, null as `None`, anything
/// else as its exact compact JSON text (numbers as written).
pub fn indexed_text(raw: &str) -> Option<String> {
    match raw.as_bytes().first()? {
        b'"' => string_value(raw).map(Cow::into_owned),
        b'n' => None,
        b'{' | b'[' => {
            let mut compact = Vec::with_capacity(raw.len());
            minify_canonical(raw.as_bytes(), 0, &mut compact).ok()?;
            String::from_utf8(compact).ok()
        }
        _ => Some(raw.to_string()),
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

/// The text of a raw scalar as SLS indexes it (the value of a stored scalar column): a string
/// unescaped, a number or boolean as written. `None` for null, objects and arrays (unlike
/// [`indexed_text`], which writes containers out).
pub fn indexed_scalar_text(raw: &str) -> Option<Cow<'_, str>> {
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

/// Containers nested deeper than this (the event object itself counting as one) are refused:
/// it is `serde_json`'s own limit, so that every reader that parses a stored event can.
pub const MAX_DEPTH: usize = 127;

/// Why [`minify_canonical`] refused a JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MinifyError {
    /// Containers nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A string cannot be decoded (a lone surrogate escape): the reason.
    BadString(String),
}

/// Appends `json` (one valid JSON text in UTF-8, its syntax already checked) to `out` in its
/// canonical compact form: no insignificant whitespace, every string written with the escapes
/// `serde_json` uses (`\/` and `\u00e9` become `/` and `é`), every number byte for byte as it
/// came (`1E5`, `-0`, `1e400`, `123456789012345678901234567890` stay). `depth` is the nesting
/// the text starts at (0 for a whole event).
pub fn minify_canonical(json: &[u8], depth: usize, out: &mut Vec<u8>) -> Result<(), MinifyError> {
    let (mut i, mut depth) = (0, depth);
    while i < json.len() {
        match json[i] {
            b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            b'"' => i = canonical_string(json, i, out)?,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(MinifyError::TooDeep);
                }
                out.push(json[i]);
                i += 1;
            }
            b @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                out.push(b);
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(())
}

/// Copies the string literal at `json[start]` to `out` with `serde_json`'s escapes; the index
/// just past it.
fn canonical_string(json: &[u8], start: usize, out: &mut Vec<u8>) -> Result<usize, MinifyError> {
    if let Some(end) = canonical_string_end(json, start) {
        out.extend_from_slice(&json[start..end]);
        return Ok(end);
    }
    let bad = |e: &dyn std::fmt::Display| MinifyError::BadString(e.to_string());
    let end = string_end(json, start).ok_or_else(|| bad(&"unterminated string"))?;
    let text: String = serde_json::from_slice(&json[start..end]).map_err(|e| bad(&e))?;
    serde_json::to_writer(&mut *out, &text).map_err(|e| bad(&e))?;
    Ok(end)
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

/// Checks and minifies a JSON object in one pass: true when `json` is one valid JSON object and
/// `out` (cleared first) is its canonical compact form (as [`minify_canonical`] writes it), with
/// `fields` holding where each top-level field sits in `out`. False for anything else, valid or
/// not (strings with escapes `serde_json` writes another way, and nesting past [`MAX_DEPTH`],
/// are refused too): the caller then checks the text another way. `out` must still be checked
/// for UTF-8.
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
            b'-' | b'0'..=b'9' => self.number(),
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

    /// A number of JSON's grammar (`-`, integer part without leading zeros, optional fraction
    /// and exponent), copied exactly.
    fn number(&mut self) -> Option<()> {
        let (json, start) = (self.json, self.i);
        let digits_from =
            |at: usize| at + json[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let mut end = start + usize::from(json[start] == b'-');
        end = match json.get(end)? {
            b'0' => end + 1,
            b'1'..=b'9' => digits_from(end),
            _ => return None,
        };
        if json.get(end) == Some(&b'.') {
            let fraction_end = digits_from(end + 1);
            (fraction_end > end + 1).then_some(())?;
            end = fraction_end;
        }
        if matches!(json.get(end), Some(b'e' | b'E')) {
            end += 1 + usize::from(matches!(json.get(end + 1), Some(b'+' | b'-')));
            let exponent_end = digits_from(end);
            (exponent_end > end).then_some(())?;
            end = exponent_end;
        }
        if json.get(end).is_some_and(|&b| is_number_byte(b)) {
            return None;
        }
        self.out.extend_from_slice(&json[start..end]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn minify(text: &str) -> Result<String, MinifyError> {
        let mut out = Vec::new();
        minify_canonical(text.as_bytes(), 0, &mut out).map(|()| String::from_utf8(out).unwrap())
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
            r#"{"s": "a\/b \u00e9 \u001F \u000a \ud83d\ude00"}"#,
        ] {
            assert_eq!(minify(text), Ok(serde_round_trip(text)), "{text}");
        }
    }

    #[test]
    fn numbers_are_kept_exactly_and_depth_is_bounded() {
        let text = r#"{ "a": [123456789012345678901234567890, 0.1000000000000000055511151231257827,
            1e-400, 1e400, -0, 1E5, 1.50, -2.5E+3] }"#;
        assert_eq!(
            minify(text).unwrap(),
            r#"{"a":[123456789012345678901234567890,0.1000000000000000055511151231257827,1e-400,1e400,-0,1E5,1.50,-2.5E+3]}"#
        );
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(minify(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(minify(&nested(MAX_DEPTH + 1)), Err(MinifyError::TooDeep));
        // The limit is serde_json's own: what is stored, every reader can parse.
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
        assert!(matches!(
            minify(r#"{"s": "\ud800"}"#),
            Err(MinifyError::BadString(_))
        ));
    }

    #[test]
    fn pretty_lays_out_like_serde_and_keeps_numbers() {
        for text in [
            r#"{"a":[1,{"b":"x,\":{}[]","c":{}},[]],"d":{"e":null,"f":true},"g":"é"}"#,
            "[]",
            "{}",
            r#"[[1,2],{"k":[{}]}]"#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                pretty(text),
                serde_json::to_string_pretty(&value).unwrap(),
                "{text}"
            );
        }
        assert_eq!(pretty(r#"{"n":1E400}"#), "{\n  \"n\": 1E400\n}");
        let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(pretty(&deep).lines().count(), 20_001);
    }

    #[test]
    fn values_are_found_by_path_without_a_tree() {
        let doc = r#" { "a" : { "b" : [ 10 , { "c" : "x" } , 1e400 ] } , "k y" : true, "a2": 1, "a2": 2 } "#;
        let at = |path: &[Step]| value_at(doc, path.iter().copied());
        assert_eq!(
            at(&[Step::Key("a"), Step::Key("b"), Step::Index(0)]),
            Some("10")
        );
        assert_eq!(
            at(&[
                Step::Key("a"),
                Step::Key("b"),
                Step::Index(1),
                Step::Key("c")
            ]),
            Some(r#""x""#)
        );
        assert_eq!(
            at(&[Step::Key("a"), Step::Key("b"), Step::Index(2)]),
            Some("1e400")
        );
        assert_eq!(at(&[Step::Key("a"), Step::Key("b"), Step::Index(3)]), None);
        assert_eq!(at(&[Step::Key("k y")]), Some("true"));
        assert_eq!(at(&[Step::Key("a2")]), Some("2"));
        assert_eq!(
            at(&[
                Step::Key("a"),
                Step::Key("b"),
                Step::Index(0),
                Step::Key("z")
            ]),
            None
        );
        assert_eq!(at(&[Step::Key("missing")]), None);
        let deep = format!(
            "{{\"a\":{}{{\"leaf\":7}}{}}}",
            "[".repeat(500),
            "]".repeat(500)
        );
        let mut path = vec![Step::Key("a")];
        path.extend(std::iter::repeat_n(Step::Index(0), 500));
        path.push(Step::Key("leaf"));
        assert_eq!(value_at(&deep, path), Some("7"));
    }

    #[test]
    fn same_content_ignores_member_order_and_scalar_types_only() {
        assert!(same_content(
            r#"{"a":1,"b":{"c":[1,"x"]}}"#,
            r#"{"b":{"c":[1,"x"]},"a":1}"#
        ));
        assert!(same_content(
            r#"{"v":1,"g":true}"#,
            r#"{"v":"1","g":"true"}"#
        ));
        assert!(same_content(r#"{"s":"\u001f"}"#, r#"{"s":"\u001f"}"#));
        assert!(!same_content(r#"{"a":1}"#, r#"{"a":2}"#));
        assert!(!same_content(r#"{"a":1}"#, r#"{"a":1,"b":null}"#));
        assert!(!same_content(r#"{"a":[1,2]}"#, r#"{"a":[2,1]}"#));
        assert!(!same_content(r#"{"a":null}"#, r#"{"a":"null"}"#));
        assert!(!same_content(
            r#"{"n":123456789012345678901234567890}"#,
            r#"{"n":123456789012345678901234567891}"#
        ));
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
            r#"{"f": 1.}"#,
            r#"{"f": .5}"#,
            r#"{"f": 1e}"#,
            r#"{"f": -}"#,
            r#"{"f": 1.5.3}"#,
            r#"{"f": +1}"#,
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
        let deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(minify_one_pass(deep.as_bytes()).is_none());
        let ok = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(minify_one_pass(ok.as_bytes()).is_some());
        for number in [
            "1.5",
            "1e3",
            "-0",
            "1E+5",
            "0.25e-2",
            "123456789012345678901234567890",
        ] {
            let text = format!(r#"{{"n": {number}}}"#);
            let (out, _) = minify_one_pass(text.as_bytes()).expect(&text);
            assert_eq!(out, format!(r#"{{"n":{number}}}"#));
        }
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
                let shown = String::from_utf8_lossy(&bytes);
                serde_json::from_slice::<serde::de::IgnoredAny>(&bytes)
                    .unwrap_or_else(|e| panic!("{e}: {shown}"));
                let mut canonical = Vec::new();
                minify_canonical(&bytes, 0, &mut canonical).unwrap();
                assert_eq!(out.as_bytes(), canonical, "{shown}");
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(value) => {
                        assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), value);
                        if keys_distinct(&out) && plain_integers_only(&out) {
                            assert_eq!(out, value.to_string(), "{shown}");
                        }
                    }
                    Err(_) => assert!(serde_json::from_str::<Value>(&out).is_err(), "{shown}"),
                }
            }
        }
        assert!(accepted > tried / 20, "{accepted} of {tried} accepted");
    }

    /// Whether every number in the compact text `raw` is an integer `serde_json` writes back
    /// unchanged (at most 18 digits, not `-0`).
    fn plain_integers_only(raw: &str) -> bool {
        let bytes = raw.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => i = string_end(bytes, i).unwrap(),
                b'-' | b'0'..=b'9' => {
                    let start = i;
                    while i < bytes.len() && is_number_byte(bytes[i]) {
                        i += 1;
                    }
                    let number = &raw[start..i];
                    let digits = number.strip_prefix('-').unwrap_or(number);
                    if digits.len() > 18
                        || !digits.bytes().all(|b| b.is_ascii_digit())
                        || number == "-0"
                    {
                        return false;
                    }
                }
                _ => i += 1,
            }
        }
        true
    }

    /// Whether no object in the compact text `raw` repeats a key.
    fn keys_distinct(raw: &str) -> bool {
        if raw.starts_with('[') {
            return elements(raw)
                .unwrap_or_default()
                .into_iter()
                .all(keys_distinct);
        }
        let Some(object) = RawObject::parse(raw) else {
            return true;
        };
        let mut keys: Vec<&str> = object.fields.iter().map(|(k, _)| k.as_ref()).collect();
        keys.sort_unstable();
        keys.windows(2).all(|w| w[0] != w[1]) && object.fields.iter().all(|(_, v)| keys_distinct(v))
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
    fn indexed_scalar_text_like_sls() {
        let obj =
            RawObject::parse(r#"{"s":"a\"b","n":3,"t":true,"z":null,"o":{},"l":[]}"#).unwrap();
        let text = |k| obj.get(k).and_then(indexed_scalar_text);
        assert_eq!(text("s").as_deref(), Some("a\"b"));
        assert_eq!(text("n").as_deref(), Some("3"));
        assert_eq!(text("t").as_deref(), Some("true"));
        assert_eq!((text("z"), text("o"), text("l")), (None, None, None));
    }
}
