//! The rejects file of a run: one JSON line per rejected record (file, position, reason, raw
//! text), created on the first reject.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use serde_json::json;

use crate::{Error, Result};

/// One rejected record, as a line of the rejects file.
#[derive(Debug, Clone)]
pub(super) struct RejectLine {
    pub(super) position: String,
    pub(super) reason: String,
    pub(super) raw: String,
}

/// The rejects file of one run, opened (for appending) when the first line is written.
pub(super) struct RejectsFile {
    path: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl RejectsFile {
    /// The rejects file at `path`; nothing is created until a line is written.
    pub(super) fn new(path: PathBuf) -> RejectsFile {
        RejectsFile { path, writer: None }
    }

    /// Appends the lines of `rejects`, all read from `file`.
    pub(super) fn write_all(&mut self, file: &str, rejects: &[RejectLine]) -> Result<()> {
        for reject in rejects {
            self.write(file, reject)?;
        }
        Ok(())
    }

    /// Appends one line (the file is created on the first).
    pub(super) fn write(&mut self, file: &str, reject: &RejectLine) -> Result<()> {
        let path = &self.path;
        if self.writer.is_none() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            self.writer = Some(BufWriter::new(file));
        }
        let writer = self.writer.as_mut().expect("opened above");
        let line = json!({"file": file, "position": reject.position, "reason": reject.reason, "raw": reject.raw});
        writeln!(writer, "{line}").map_err(|e| Error::io(path, e))
    }

    /// Flushes what was written so far.
    pub(super) fn flush(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush().map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(())
    }

    /// Flushes the file and returns its path if anything was rejected.
    pub(super) fn finish(mut self) -> Result<Option<PathBuf>> {
        self.flush()?;
        Ok(self.writer.is_some().then_some(self.path))
    }
}
