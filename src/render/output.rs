//! Sends a finished report where it goes: its notes to stderr, its body through the chosen
//! format's writer to stdout or to `--output FILE` (format by the file's extension), then a
//! data format's status lines to stderr. The only place that picks a writer for a command.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::escape::visible_path;
use super::model::{Block, Report};
use super::{stderr, OutputFormat, Target};
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

/// Writes `report` to the file `path` in the format of its extension, and says so on stderr.
fn write_file(report: &Report, path: &Path) -> Result<()> {
    let format = OutputFormat::for_file(path).map_err(Error::Usage)?;
    let writer = format.writer(Target::file());
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, file);
    writer
        .write(report, &mut out)
        .and_then(|_| out.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidInput => {
                Error::Usage(format!("--output {}: {e}", visible_path(path)))
            }
            _ => Error::io(path, e),
        })?;
    let rows = report.primary().map_or(0, rows_of);
    stderr::shown(&format!("wrote {rows} rows to {}", visible_path(path)));
    Ok(())
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
