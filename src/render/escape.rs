//! Terminal safety: the one place that decides which characters may not reach a terminal raw,
//! and how they are shown instead. Every human-facing output goes through [`visible`] (or its
//! byte, path and multi-line forms); JSON output goes through [`json_text`]; documents go
//! through [`html`] (HTML text and attribute values) and [`markdown`] (GitHub Markdown text),
//! both applied to the visible form, so a document shows hostile text exactly as a terminal
//! does and no character of it can become markup, a link, a table cell or a control code.
//!
//! **Unsafe characters** ([`is_unsafe`]): the C0 controls U+0000..U+001F (NUL, BEL, BS, TAB,
//! LF, CR, ESC...), DEL U+007F, the C1 controls U+0080..U+009F (U+009B is a one-byte CSI), every
//! Unicode format character (general category Cf: the bidi marks, embeddings, overrides and
//! isolates U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, the zero-width space and
//! joiners U+200B..U+200D, the word joiner, U+FEFF, the soft hyphen, the tag characters
//! U+E0000..U+E007F...) and the line and paragraph separators U+2028, U+2029. They can move
//! the cursor, retitle or clear the terminal, reorder or hide text, or forge lines.
//!
//! **Notation** of [`visible`]:
//! - `\n`, `\r`, `\t` for LF, CR and TAB;
//! - `\xHH` (two lowercase hex digits) for the other C0 controls and DEL, and for each byte
//!   that is not valid UTF-8 ([`visible_bytes`], [`visible_path`]): `\xHH` always means "the
//!   byte HH";
//! - `\u{h..}` (lowercase hex, no leading zeros, as Rust writes it) for the other unsafe
//!   characters: `\u{9b}`, `\u{202e}`, `\u{feff}`;
//! - a backslash is doubled (`\\`) when the character after it is `\`, `n`, `r`, `t`, `x`, `u`
//!   or an unsafe character (or byte); elsewhere it is shown as is (`C:\Users`, `{\"a\":1}`);
//! - every other character is shown as is.
//!
//! Reading the shown text left to right, `\\` is one backslash, `\n`, `\r`, `\t`, `\xHH` and
//! `\u{h..}` are the escapes above and any other backslash is itself. So the shown text
//! determines the original exactly (the unit tests decode it back), an attacker's literal text
//! `\x1b` is shown as `\\x1b`, never like a real ESC, and the shown text holds no unsafe
//! character. Every escape is plain ASCII, so it takes as many terminal columns as bytes.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// Whether `c` may not be written raw to a terminal (see the module documentation).
pub fn is_unsafe(c: char) -> bool {
    let code = c as u32;
    code < 0x20
        || (0x7f..=0x9f).contains(&code)
        || is_format(code)
        || code == 0x2028
        || code == 0x2029
}

/// Unicode general category Cf (format characters), as of Unicode 15.1.
fn is_format(code: u32) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x0890, 0x0891),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ];
    code >= 0xAD && RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&code))
}

/// One piece of input: a character, or a byte that is not part of valid UTF-8.
#[derive(Clone, Copy)]
enum Unit {
    Char(char),
    Byte(u8),
}

/// Whether a backslash before `next` must be doubled so it is not read as an escape.
fn opens_escape(next: Unit) -> bool {
    match next {
        Unit::Byte(_) => true,
        Unit::Char(c) => matches!(c, '\\' | 'n' | 'r' | 't' | 'x' | 'u') || is_unsafe(c),
    }
}

/// Writes the visible form of `units` (each with its byte offset in the input) to `out`, and
/// returns the length `out` had when the input reached byte `mark` (or its final length).
fn escape_units(
    units: impl Iterator<Item = (usize, Unit)>,
    mark: usize,
    out: &mut String,
) -> usize {
    let mut units = units.peekable();
    let mut marked = None;
    while let Some((offset, unit)) = units.next() {
        if marked.is_none() && offset >= mark {
            marked = Some(out.len());
        }
        match unit {
            Unit::Byte(b) => push_hex_byte(b, out),
            Unit::Char('\\') => {
                let doubled = units.peek().is_some_and(|&(_, next)| opens_escape(next));
                out.push_str(if doubled { "\\\\" } else { "\\" });
            }
            Unit::Char('\n') => out.push_str("\\n"),
            Unit::Char('\r') => out.push_str("\\r"),
            Unit::Char('\t') => out.push_str("\\t"),
            Unit::Char(c) if (c as u32) < 0x20 || c == '\x7f' => push_hex_byte(c as u8, out),
            Unit::Char(c) if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            Unit::Char(c) => out.push(c),
        }
    }
    marked.unwrap_or(out.len())
}

fn push_hex_byte(b: u8, out: &mut String) {
    let _ = write!(out, "\\x{b:02x}");
}

fn char_units(text: &str) -> impl Iterator<Item = (usize, Unit)> + '_ {
    text.char_indices().map(|(i, c)| (i, Unit::Char(c)))
}

/// Whether [`visible`] changes `text`.
fn needs_escaping(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_unsafe(c) || (c == '\\' && chars.peek().is_some_and(|&n| opens_escape(Unit::Char(n))))
        {
            return true;
        }
    }
    false
}

/// `text` in its terminal-safe visible form (the notation of the module documentation).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !needs_escaping(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    escape_units(char_units(text), usize::MAX, &mut out);
    Cow::Owned(out)
}

/// The visible form of `text`, and the byte offset in it where byte `position` of `text` is
/// shown (to put a caret under it). `position` past the end maps to the end.
pub fn visible_with_position(text: &str, position: usize) -> (String, usize) {
    let mut out = String::with_capacity(text.len() + 8);
    let at = escape_units(char_units(text), position, &mut out);
    (out, at)
}

/// Bytes that should be UTF-8 (a file name, a raw record) in visible form: valid text as
/// [`visible`] shows it, each invalid byte as `\xHH`.
pub fn visible_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return visible(text);
    }
    let mut units = Vec::with_capacity(bytes.len());
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        units.extend(
            chunk
                .valid()
                .char_indices()
                .map(|(i, c)| (offset + i, Unit::Char(c))),
        );
        offset += chunk.valid().len();
        units.extend(
            chunk
                .invalid()
                .iter()
                .enumerate()
                .map(|(i, &b)| (offset + i, Unit::Byte(b))),
        );
        offset += chunk.invalid().len();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    escape_units(units.into_iter(), usize::MAX, &mut out);
    Cow::Owned(out)
}

/// A path in visible form, from its bytes (on Unix, a file name is bytes, not always UTF-8).
pub fn visible_path(path: &Path) -> Cow<'_, str> {
    visible_bytes(path.as_os_str().as_encoded_bytes())
}

/// Multi-line text (an error, a rule's query) in visible form, line by line: its LFs stay line
/// breaks, everything else (CR included) is escaped as [`visible`] does.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    if !text.split('\n').any(needs_escaping) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.split('\n').map(visible).collect::<Vec<_>>().join("\n"))
}

/// Visible text (already in [`visible`] or [`visible_lines`] form) made inert in HTML text and
/// attribute values: `&`, `<`, `>`, `"` and `'` as character references; line breaks kept (a
/// `<pre>` shows them); any other unsafe character left (there is none in visible text) in its
/// visible form all the same.
pub fn html(shown: &str) -> String {
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c != '\n' && is_unsafe(c) => out.push_str(&visible(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    out
}

/// Raw text made inert in GitHub Markdown: [`markdown_shown`] of its [`visible`] form (one
/// line: a line break is shown as `\n`, so it can end neither a paragraph nor a table row).
pub fn markdown(text: &str) -> String {
    markdown_shown(&visible(text))
}

/// Visible text made inert in GitHub Markdown (and in the HTML a renderer makes of it):
/// `&`, `<`, `>` as character references (no HTML element can form), every character
/// Markdown gives a meaning inside a line backslash-escaped (`\` `` ` `` `*` `_` `[` `]` `|`
/// `~` `$` `@`: no code span, emphasis, link, table cell, strikethrough, math or mention), and
/// what would start a heading, a list, a quote or a rule at the start of a line escaped.
pub fn markdown_shown(shown: &str) -> String {
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c if is_unsafe(c) => out.push_str(&visible(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    // An ordered-list marker is 1-9 digits, `.` or `)`, then a space or the end.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let marker = (1..=9).contains(&digits)
        && out[digits..].starts_with(['.', ')'])
        && out[digits + 1..].chars().next().is_none_or(|c| c == ' ');
    if out.starts_with(['#', '-', '+', '=']) {
        out.insert(0, '\\');
    } else if marker {
        out.insert(digits, '\\');
    }
    out
}

/// A Markdown code fence that no line of `text` can close: backticks, one more than the
/// longest run in the text, at least three.
pub fn markdown_fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// Splits text written by [`visible`] into the pieces a cut must keep whole: each escape
/// sequence, and each other character alone.
pub fn pieces(shown: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = shown;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let len = if first == '\\' {
            escape_len(rest)
        } else {
            first.len_utf8()
        };
        let (piece, tail) = rest.split_at(len);
        rest = tail;
        Some(piece)
    })
}

/// The length of the escape sequence `shown` starts with (it starts with a backslash).
fn escape_len(shown: &str) -> usize {
    let bytes = shown.as_bytes();
    match bytes.get(1) {
        Some(b'\\' | b'n' | b'r' | b't') => 2,
        Some(b'x') => 4.min(bytes.len()),
        Some(b'u') => shown.find('}').map_or(shown.len(), |end| end + 1),
        _ => 1,
    }
}

/// Whether `bytes` may hold an unsafe character other than LF: one of its bytes is a control
/// byte, DEL, or the first byte of a UTF-8 sequence whose range holds unsafe characters. A quick
/// table lookup per byte, so the usual event (ASCII, Chinese) is passed through untouched.
fn may_hold_unsafe(bytes: &[u8]) -> bool {
    const FIRST_BYTES: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = b != b'\n' as usize;
            b += 1;
        }
        // DEL; U+0080..U+00BF; U+0600..U+073F; U+0800..U+0FFF; U+1000..U+1FFF; U+2000..U+2FFF;
        // U+F000..U+FFFF; U+10000..U+3FFFF; U+C0000..U+FFFFF.
        let firsts = [
            0x7f, 0xc2, 0xd8, 0xdb, 0xdc, 0xe0, 0xe1, 0xe2, 0xef, 0xf0, 0xf3,
        ];
        let mut i = 0;
        while i < firsts.len() {
            table[firsts[i]] = true;
            i += 1;
        }
        table
    };
    bytes.iter().any(|&b| FIRST_BYTES[b as usize])
}

/// JSON text made terminal-safe without changing its value: every raw unsafe character but LF
/// (the line break of pretty JSON and NDJSON) becomes a `\uXXXX` escape (a UTF-16 pair above
/// U+FFFF). Inside a JSON string this is the same string; valid JSON holds no raw control
/// character anywhere else, so the result is valid JSON when the input is.
pub fn json_text(json: &str) -> Cow<'_, str> {
    if !may_hold_unsafe(json.as_bytes()) || !json.contains(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads visible text back into the original bytes (the inverse of the notation).
    fn decode(shown: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in pieces(shown) {
            let b = piece.as_bytes();
            match (b.first(), b.get(1)) {
                (Some(b'\\'), Some(b'\\')) => out.push(b'\\'),
                (Some(b'\\'), Some(b'n')) => out.push(b'\n'),
                (Some(b'\\'), Some(b'r')) => out.push(b'\r'),
                (Some(b'\\'), Some(b't')) => out.push(b'\t'),
                (Some(b'\\'), Some(b'x')) => {
                    out.push(u8::from_str_radix(&piece[2..4], 16).unwrap())
                }
                (Some(b'\\'), Some(b'u')) => {
                    let code = u32::from_str_radix(&piece[3..piece.len() - 1], 16).unwrap();
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(
                        char::from_u32(code)
                            .unwrap()
                            .encode_utf8(&mut buf)
                            .as_bytes(),
                    );
                }
                _ => out.extend_from_slice(b),
            }
        }
        out
    }

    fn assert_safe(shown: &str) {
        assert!(
            !shown.chars().any(is_unsafe),
            "unsafe character left in {shown:?}"
        );
    }

    #[test]
    fn every_class_is_shown_as_an_escape() {
        let cases = [
            ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
            ("\x1b[2J\x1b[1A", "\\x1b[2J\\x1b[1A"),
            ("a\0b\x08c\x7f", "a\\x00b\\x08c\\x7f"),
            ("row\r\nforged\tcell", "row\\r\\nforged\\tcell"),
            ("\u{9b}31m\u{85}", "\\u{9b}31m\\u{85}"),
            ("user\u{202e}gnp.exe", "user\\u{202e}gnp.exe"),
            (
                "\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}",
                "\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}",
            ),
            (
                "a\u{200b}b\u{feff}\u{2028}\u{2029}\u{ad}",
                "a\\u{200b}b\\u{feff}\\u{2028}\\u{2029}\\u{ad}",
            ),
            ("tag\u{e0041}", "tag\\u{e0041}"),
            ("张三 café ✓", "张三 café ✓"),
        ];
        for (input, expected) in cases {
            assert_eq!(visible(input), expected, "{input:?}");
            assert_safe(&visible(input));
        }
        assert!(matches!(visible("plain 张三"), Cow::Borrowed(_)));
    }

    #[test]
    fn backslashes_are_doubled_only_where_they_could_be_read_as_escapes() {
        assert_eq!(visible(r"C:\Users\bob"), r"C:\Users\bob");
        assert_eq!(visible(r#"{\"a\":1}"#), r#"{\"a\":1}"#);
        assert_eq!(visible(r"\x1b"), r"\\x1b");
        assert_eq!(visible(r"\u{202e}"), r"\\u{202e}");
        assert_eq!(visible(r"a\nb"), r"a\\nb");
        assert_eq!(visible("\\\x1b"), r"\\\x1b");
        assert_eq!(visible(r"\\"), r"\\\");
        assert_eq!(visible("end\\"), "end\\");
    }

    #[test]
    fn invalid_utf8_bytes_are_shown_as_hex() {
        assert_eq!(visible_bytes(b"ok\xff\xfe.json"), "ok\\xff\\xfe.json");
        assert_eq!(visible_bytes(b"a\\\xc3"), "a\\\\\\xc3");
        assert_eq!(visible_bytes("\u{9b}".as_bytes()), "\\u{9b}");
        assert_eq!(visible_bytes(b"\x9b"), "\\x9b");
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/in/\x1b[2J\xff.json"));
        assert_eq!(visible_path(path), "/in/\\x1b[2J\\xff.json");
    }

    /// A small deterministic generator of hostile strings (xorshift), for the round trip.
    fn hostile_strings(count: usize) -> Vec<Vec<u8>> {
        let alphabet: Vec<&[u8]> = vec![
            b"\\",
            b"n",
            b"r",
            b"t",
            b"x",
            b"u",
            b"{",
            b"}",
            b"1",
            b"b",
            b"a",
            b" ",
            b"\n",
            b"\r",
            b"\t",
            b"\0",
            b"\x1b",
            b"\x7f",
            b"\xff",
            b"\xc3",
            "\u{9b}".as_bytes(),
            "\u{202e}".as_bytes(),
            "\u{200b}".as_bytes(),
            "张".as_bytes(),
            "\u{e0041}".as_bytes(),
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 12) as usize;
                (0..len)
                    .flat_map(|_| alphabet[(next() % alphabet.len() as u64) as usize].to_vec())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_shown_text_decodes_back_to_the_original_and_is_safe() {
        for input in hostile_strings(20_000) {
            let shown = visible_bytes(&input);
            assert_safe(&shown);
            assert_eq!(decode(&shown), input, "{shown:?}");
            if let Ok(text) = std::str::from_utf8(&input) {
                let lines = visible_lines(text);
                assert_safe(&lines.replace('\n', ""));
                let decoded: Vec<Vec<u8>> = lines.split('\n').map(decode).collect();
                assert_eq!(decoded.join(&b'\n'), input, "{lines:?}");
            }
        }
    }

    #[test]
    fn positions_map_into_the_shown_text() {
        let (shown, at) = visible_with_position("a\x1bb\\nc", 2);
        assert_eq!((shown.as_str(), at), ("a\\x1bb\\\\nc", 5));
        let (shown, at) = visible_with_position("a\\n", 1);
        assert_eq!((&shown[..at], &shown[at..]), ("a", "\\\\n"));
        assert_eq!(visible_with_position("ab", 99).1, 2);
    }

    #[test]
    fn pieces_keep_escapes_whole() {
        let shown = visible("a\x1b\u{202e}\\\\b\\q张");
        let got: Vec<&str> = pieces(&shown).collect();
        assert_eq!(
            got,
            [
                "a",
                "\\x1b",
                "\\u{202e}",
                "\\\\",
                "\\",
                "b",
                "\\",
                "q",
                "张"
            ]
        );
    }

    #[test]
    fn documents_show_the_visible_form_as_inert_text() {
        let hostile = "</script><img src=x onerror=alert(1)>\x1b]0;t\x07'\"&";
        assert_eq!(
            html(&visible(hostile)),
            "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;\\x1b]0;t\\x07&#39;&quot;&amp;"
        );
        assert_eq!(html("a\u{202e}\n\r"), "a\\u{202e}\n\\r");
        assert_eq!(
            markdown("[x](javascript:alert(1)) | `rm` *b* ~s~ $m$ @all"),
            "\\[x\\](javascript:alert(1)) \\| \\`rm\\` \\*b\\* \\~s\\~ \\$m\\$ \\@all"
        );
        assert_eq!(markdown("a\nb\x1b<img>"), "a\\\\nb\\\\x1b&lt;img&gt;");
        assert_eq!(markdown("# h"), "\\# h");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("12. x"), "12\\. x");
        assert_eq!(markdown("12 x"), "12 x");
        assert_eq!(markdown("1)"), "1\\)");
        assert_eq!(markdown("203.0.113.66"), "203.0.113.66");
        assert_eq!(markdown_fence("a ``` b"), "````");
        assert_eq!(markdown_fence("plain"), "```");
    }

    #[test]
    fn json_stays_the_same_value_without_raw_unsafe_characters() {
        let value = serde_json::json!({"ua": "\u{1b}]0;x\u{7}\u{7f}\u{9b}\u{202e}\u{2028}\u{e0041}张", "n": 1});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_text(&pretty);
        assert!(!safe.chars().any(|c| c != '\n' && is_unsafe(c)), "{safe}");
        assert!(
            safe.contains("\\u007f\\u009b\\u202e\\u2028\\udb40\\udc41张"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        assert!(matches!(json_text("{\"a\":\"张\"}\n"), Cow::Borrowed(_)));
        // The quick check never misses an unsafe character.
        for code in (0..0x11_0000).filter_map(char::from_u32) {
            if code != '\n' && is_unsafe(code) {
                assert!(may_hold_unsafe(code.to_string().as_bytes()), "{code:?}");
            }
        }
    }
}
