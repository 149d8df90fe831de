//! Decoding: a file's bytes gunzipped when they start with the gzip magic (never trusting the
//! extension), counted, and capped (`--max-decompressed-bytes`, a gzip bomb guard, plain files
//! too); and the words for an error that ends a read.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

use flate2::bufread::MultiGzDecoder;

use super::ReadOptions;

/// The decoded byte stream of `source`, and whether it was gzip.
pub(super) fn open_decoded<'s>(
    source: impl Read + 's,
    opts: &ReadOptions,
    counter: Rc<Cell<u64>>,
) -> io::Result<(Box<dyn BufRead + 's>, bool)> {
    let mut raw = BufReader::with_capacity(64 * 1024, source);
    let gzip = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let stream: Box<dyn BufRead + 's> = if gzip {
        let capped = Capped {
            inner: MultiGzDecoder::new(raw),
            cap: opts.max_decompressed_bytes,
            count: counter,
            gzip: true,
        };
        Box::new(BufReader::with_capacity(256 * 1024, capped))
    } else {
        Box::new(BufReader::new(Capped {
            inner: raw,
            cap: opts.max_decompressed_bytes,
            count: counter,
            gzip: false,
        }))
    };
    Ok((stream, gzip))
}

/// The error a [`Capped`] reader returns once its cap is passed: the cap, and whether the
/// bytes were decompressed.
#[derive(Debug)]
struct CapExceeded(u64, bool);

impl std::fmt::Display for CapExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            true => write!(f, "decompressed size exceeds cap of {} bytes", self.0),
            false => write!(
                f,
                "file size exceeds cap of {} bytes (--max-decompressed-bytes)",
                self.0
            ),
        }
    }
}

impl std::error::Error for CapExceeded {}

/// Counts the bytes read through it and fails once more than `cap` would be read.
struct Capped<R> {
    inner: R,
    cap: u64,
    count: Rc<Cell<u64>>,
    /// Whether `inner` decompresses (names the cap in its error).
    gzip: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.cap - self.count.get();
        if room == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(CapExceeded(self.cap, self.gzip))),
            };
        }
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Describes an error that ended a read.
pub(super) fn stop_reason(e: &io::Error, gzip: bool, offset: u64) -> String {
    if let Some(cap) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<CapExceeded>())
    {
        return cap.to_string();
    }
    if gzip {
        format!("truncated or corrupt gzip after {offset} decompressed bytes: {e}")
    } else {
        format!("read error at byte {offset}: {e}")
    }
}
