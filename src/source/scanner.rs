//! A streaming, byte-level JSON value splitter: cuts the next complete JSON value out of a
//! byte stream without parsing it, tracking strings and bracket depth, so that a damaged or
//! truncated input loses only the value it breaks and every complete value before it survives.
//! Bytes read too far (past the end of a broken value) can be pushed back, so a reader can
//! resume at the next value boundary it finds in them ([`Scanner::push_back`]).

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
    /// Bytes pushed back, read before `inner` (from `pending_at` on).
    pending: Vec<u8>,
    pending_at: usize,
}

impl<R: BufRead> Scanner<R> {
    /// A scanner at offset 0, line 1.
    pub fn new(inner: R) -> Self {
        Scanner::with_position(inner, 0, 1)
    }

    /// A scanner whose first byte sits at `offset` on `line` of the whole input.
    pub fn with_position(inner: R, offset: u64, line: u64) -> Self {
        Scanner {
            inner,
            offset,
            line,
            pending: Vec::new(),
            pending_at: 0,
        }
    }

    /// The wrapped reader (no bytes may be pushed back).
    pub fn into_inner(self) -> R {
        debug_assert!(self.pending_at >= self.pending.len());
        self.inner
    }

    /// The next bytes: pushed-back ones first, then the wrapped reader's.
    fn fill(&mut self) -> io::Result<&[u8]> {
        if self.pending_at < self.pending.len() {
            return Ok(&self.pending[self.pending_at..]);
        }
        self.inner.fill_buf()
    }

    /// Consumes `n` bytes of what [`Scanner::fill`] returned.
    fn consume(&mut self, n: usize) {
        if self.pending_at < self.pending.len() {
            self.pending_at += n;
            if self.pending_at >= self.pending.len() {
                (self.pending, self.pending_at) = (Vec::new(), 0);
            }
        } else {
            self.inner.consume(n);
        }
    }

    /// Puts `bytes` (the last bytes consumed) back in front of the read position.
    pub fn push_back(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut pending = bytes.to_vec();
        pending.extend_from_slice(&self.pending[self.pending_at.min(self.pending.len())..]);
        (self.pending, self.pending_at) = (pending, 0);
        self.offset -= bytes.len() as u64;
        self.line -= memchr::memchr_iter(b'\n', bytes).count() as u64;
    }

    /// Appends the next buffered bytes to `out`; false at the end of input.
    pub fn read_more(&mut self, out: &mut Vec<u8>) -> io::Result<bool> {
        let buf = self.fill()?;
        let n = buf.len();
        if n == 0 {
            return Ok(false);
        }
        out.extend_from_slice(buf);
        self.line += memchr::memchr_iter(b'\n', &out[out.len() - n..]).count() as u64;
        self.consume(n);
        self.offset += n as u64;
        Ok(true)
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The 1-based line of the read position.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The wrapped reader, for line-by-line reading after the scanner's position (no bytes may
    /// be pushed back).
    pub fn inner_mut(&mut self) -> &mut R {
        debug_assert!(self.pending_at >= self.pending.len());
        &mut self.inner
    }

    /// Skips whitespace and returns the next byte without consuming it (`None` at the end).
    pub fn peek_non_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let newlines = buf[..ws].iter().filter(|b| **b == b'\n').count() as u64;
            let next = buf.get(ws).copied();
            self.consume(ws);
            self.offset += ws as u64;
            self.line += newlines;
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Consumes bytes up to the next one of `stops` (not consumed) or the end of input, keeping
    /// the first `keep` of them in `kept`; returns how many were consumed.
    pub fn skip_until(&mut self, stops: &[u8], kept: &mut Vec<u8>, keep: usize) -> io::Result<u64> {
        let mut skipped = 0u64;
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(skipped);
            }
            let n = buf
                .iter()
                .position(|b| stops.contains(b))
                .unwrap_or(buf.len());
            let found = n < buf.len();
            let room = keep.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
            let newlines = memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
            self.line += newlines;
            self.consume(n);
            self.offset += n as u64;
            skipped += n as u64;
            if found {
                return Ok(skipped);
            }
        }
    }

    /// Consumes one byte (after [`Scanner::peek_non_ws`] returned it).
    pub fn bump(&mut self) {
        self.consume(1);
        self.offset += 1;
    }

    /// Reads the value starting at the read position into `out` (cleared first). Objects and
    /// arrays end at their matching bracket, strings at their closing quote, other scalars
    /// before the next `,` `]` `}` or whitespace. The value's syntax is not checked.
    pub fn take_value(&mut self, out: &mut Vec<u8>) -> io::Result<ValueEnd> {
        out.clear();
        let mut state = SplitState::default();
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(if out.is_empty() || !state.finish_at_eof() {
                    ValueEnd::Eof
                } else {
                    ValueEnd::Complete
                });
            }
            let (used, done) = state.feed(buf);
            out.extend_from_slice(&buf[..used]);
            let newlines = memchr::memchr_iter(b'\n', &buf[..used]).count() as u64;
            self.line += newlines;
            self.consume(used);
            self.offset += used as u64;
            if done {
                return Ok(ValueEnd::Complete);
            }
        }
    }
}

/// Finds where a value ends in bytes fed piece by piece, as [`Scanner::take_value`] does.
#[derive(Debug, Default)]
pub struct Splitter {
    state: SplitState,
    fed: usize,
}

impl Splitter {
    /// Feeds the next bytes of the value (its first byte must not be whitespace); returns its
    /// length once it ended.
    pub fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let (used, done) = self.state.feed(bytes);
        self.fed += used;
        done.then_some(self.fed)
    }
}

/// Where the object that encloses `bytes` ends: `bytes` start inside an object (after one of its
/// members) and the result is the index just past its closing `}`; `None` if they end first.
pub fn enclosing_object_end(bytes: &[u8]) -> Option<usize> {
    let mut state = SplitState {
        started: true,
        depth: 1,
        ..SplitState::default()
    };
    match state.feed(bytes) {
        (used, true) => Some(used),
        _ => None,
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
