//! Sends a finished report where it goes: its notes to stderr, its body through the chosen
//! format's writer to stdout or to `--output FILE` (format by the file's extension), then a
//! data format's status lines to stderr. The only place that picks a writer for a command.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::escape::visible_path;
use polars::prelude::DataFrame;

use super::model::{Block, MoreEvents, Report};
use super::{stderr, OutputFormat, Target, Writer};
use crate::error::{Error, Result};

/// Bytes of output gathered before each write.
const OUTPUT_BUFFER: usize = 1 << 20;

/// Writes `report` in `format` to stdout, or to `output` in the format its extension names.
pub fn emit(report: &Report, format: OutputFormat, output: Option<&Path>) -> Result<()> {
    stderr::notes(report);
    let human = match output {
        None => {
            let writer = format.writer(Target::stdout());
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, stdout.lock());
            writer
                .write(report, &mut out)
                .and_then(|_| out.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
            writer.is_human()
        }
        Some(path) => {
            write_file(report, path)?;
            false
        }
    };
    if !human {
        report.status_lines().for_each(stderr::line);
    }
    Ok(())
}

/// Writes `report` as [`emit`] does, with the events `more` yields after those of its primary
/// events block, written as they come ([`crate::render::Writer::write_streamed`]: `csv`,
/// `json`, `ndjson`). Its status lines go to stderr after the output, as for any data format.
pub fn emit_streamed(
    report: &Report,
    format: OutputFormat,
    output: Option<&Path>,
    more: &mut MoreEvents<'_>,
) -> Result<()> {
    stderr::notes(report);
    let mut rows = report.primary().map_or(0, rows_of);
    let mut counted = || -> io::Result<Option<DataFrame>> {
        let frame = more()?;
        rows += frame.as_ref().map_or(0, DataFrame::height);
        Ok(frame)
    };
    match output {
        None => {
            let writer = format.writer(Target::stdout());
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, stdout.lock());
            writer
                .write_streamed(report, &mut counted, &mut out)
                .and_then(|_| out.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
        }
        Some(path) => {
            let written = |writer: &dyn Writer, out: &mut dyn Write| {
                writer.write_streamed(report, &mut counted, out)
            };
            write_file_with(path, written)?;
            stderr::shown(&format!("wrote {rows} rows to {}", visible_path(path)));
        }
    }
    report.status_lines().for_each(stderr::line);
    Ok(())
}

/// Writes `report` to the file `path` in the format of its extension, and says so on stderr.
fn write_file(report: &Report, path: &Path) -> Result<()> {
    write_file_with(path, |writer, out| writer.write(report, out))?;
    let rows = report.primary().map_or(0, rows_of);
    stderr::shown(&format!("wrote {rows} rows to {}", visible_path(path)));
    Ok(())
}

/// Creates the file `path` and lets `write` lay the output out in the format of its extension.
fn write_file_with(
    path: &Path,
    mut write: impl FnMut(&dyn Writer, &mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let format = OutputFormat::for_file(path).map_err(Error::Usage)?;
    let writer = format.writer(Target::file());
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, file);
    write(writer.as_ref(), &mut out)
        .and_then(|_| out.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidInput => {
                Error::Usage(format!("--output {}: {e}", visible_path(path)))
            }
            _ => Error::io(path, e),
        })
}

/// How many rows a data block holds.
fn rows_of(block: &Block) -> usize {
    match block {
        Block::Table(t) => t.cells.height(),
        Block::Events(e) => e.frame.height(),
        Block::Findings(f) => f.items.len(),
        Block::Histogram(h) => h.histogram.buckets.len(),
        _ => 0,
    }
}
