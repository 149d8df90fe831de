//! A streaming, byte-level JSON value splitter: cuts the next complete JSON value out of a
//! byte stream without parsing it, tracking strings and bracket depth, so that a damaged or
//! truncated input loses only the value it breaks and every complete value before it survives.

use std::io::{self, BufRead};

/// How reading one value ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueEnd {
    /// The value is complete.
    Complete,
    /// The input ended inside the value; the bytes read so far are in the buffer.
    Eof,
}

/// Wraps a [`BufRead`] and tracks the byte offset and line number of the read position.
pub struct Scanner<R> {
    inner: R,
    offset: u64,
    line: u64,
}

impl<R: BufRead> Scanner<R> {
    /// A scanner at offset 0, line 1.
    pub fn new(inner: R) -> Self {
        Scanner {
            inner,
            offset: 0,
            line: 1,
        }
    }

    /// A scanner whose first byte sits at `offset` on `line` of the whole input.
    pub fn with_position(inner: R, offset: u64, line: u64) -> Self {
        Scanner {
            inner,
            offset,
            line,
        }
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The 1-based line of the read position.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The wrapped reader, for line-by-line reading after the scanner's position.
    pub fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Skips whitespace and returns the next byte without consuming it (`None` at the end).
    pub fn peek_non_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let newlines = buf[..ws].iter().filter(|b| **b == b'\n').count() as u64;
            let next = buf.get(ws).copied();
            self.inner.consume(ws);
            self.offset += ws as u64;
            self.line += newlines;
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Consumes one byte (after [`Scanner::peek_non_ws`] returned it).
    pub fn bump(&mut self) {
        self.inner.consume(1);
        self.offset += 1;
    }

    /// Reads the value starting at the read position into `out` (cleared first). Objects and
    /// arrays end at their matching bracket, strings at their closing quote, other scalars
    /// before the next `,` `]` `}` or whitespace. The value's syntax is not checked.
    pub fn take_value(&mut self, out: &mut Vec<u8>) -> io::Result<ValueEnd> {
        out.clear();
        let mut state = SplitState::default();
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(if out.is_empty() || !state.finish_at_eof() {
                    ValueEnd::Eof
                } else {
                    ValueEnd::Complete
                });
            }
            let (used, done) = state.feed(buf);
            out.extend_from_slice(&buf[..used]);
            self.line += memchr::memchr_iter(b'\n', &buf[..used]).count() as u64;
            self.inner.consume(used);
            self.offset += used as u64;
            if done {
                return Ok(ValueEnd::Complete);
            }
        }
    }
}

/// The splitter's state between buffer refills.
#[derive(Debug, Default)]
struct SplitState {
    started: bool,
    /// A bare scalar (number, literal) rather than a string or container.
    bare: bool,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl SplitState {
    /// Consumes bytes of `buf` belonging to the value; returns how many and whether it ended.
    fn feed(&mut self, buf: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while i < buf.len() {
            if self.in_string && !self.escaped {
                // Most of an event is string content: jump to the next quote or backslash.
                match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                    Some(k) => i += k,
                    None => return (buf.len(), false),
                }
            }
            if let Some(end) = self.step(buf[i], i) {
                return (end, true);
            }
            i += 1;
        }
        (buf.len(), false)
    }

    /// Takes one byte at index `i`; returns the end index when the value ends with it.
    fn step(&mut self, b: u8, i: usize) -> Option<usize> {
        if !self.started {
            self.started = true;
            match b {
                b'{' | b'[' => self.depth = 1,
                b'"' => self.in_string = true,
                _ => self.bare = true,
            }
            return None;
        }
        if self.bare {
            let ends = matches!(b, b',' | b']' | b'}') || b.is_ascii_whitespace();
            return ends.then_some(i);
        }
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            return None;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        None
    }

    /// Whether a value cut off by the end of input is nonetheless complete (a bare scalar).
    fn finish_at_eof(&self) -> bool {
        self.bare
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn values(text: &str, cap: usize) -> Vec<(String, ValueEnd)> {
        let mut sc = Scanner::new(BufReader::with_capacity(cap, text.as_bytes()));
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Some(b) = sc.peek_non_ws().unwrap() {
            if b == b',' {
                sc.bump();
                continue;
            }
            let end = sc.take_value(&mut buf).unwrap();
            out.push((String::from_utf8(buf.clone()).unwrap(), end));
            if end == ValueEnd::Eof {
                break;
            }
        }
        out
    }

    #[test]
    fn splits_values_across_tiny_buffers() {
        let text = r#"{"a":"x}\"]","b":[1,{"c":2}]} [3] "s\"" 42,true {"open":"#;
        for cap in [1, 2, 3, 7, 64] {
            let got = values(text, cap);
            assert_eq!(
                got,
                vec![
                    (
                        r#"{"a":"x}\"]","b":[1,{"c":2}]}"#.to_string(),
                        ValueEnd::Complete
                    ),
                    ("[3]".to_string(), ValueEnd::Complete),
                    (r#""s\"""#.to_string(), ValueEnd::Complete),
                    ("42".to_string(), ValueEnd::Complete),
                    ("true".to_string(), ValueEnd::Complete),
                    (r#"{"open":"#.to_string(), ValueEnd::Eof),
                ],
                "buffer capacity {cap}"
            );
        }
    }

    #[test]
    fn tracks_offset_and_line() {
        let mut sc = Scanner::new(BufReader::new("\n\n  {\"a\":\n1}\n [".as_bytes()));
        assert_eq!(sc.peek_non_ws().unwrap(), Some(b'{'));
        assert_eq!((sc.offset(), sc.line()), (4, 3));
        let mut buf = Vec::new();
        assert_eq!(sc.take_value(&mut buf).unwrap(), ValueEnd::Complete);
        assert_eq!((sc.offset(), sc.line()), (12, 4));
        assert_eq!(sc.peek_non_ws().unwrap(), Some(b'['));
        assert_eq!((sc.offset(), sc.line()), (14, 5));
    }
}
