//! The `ndjson` format: the report's primary block as one JSON value a line (table rows,
//! findings, stored events as stored, or the histogram as one object). Notes are not written
//! here (they go to stderr), so every line is a row.

use std::io::{self, Write};

use super::json::{block_value, event_texts, write_text};
use polars::prelude::DataFrame;

use super::model::{Block, MoreEvents, Report};
use super::{write_then_stream_rows, Writer};

/// The `ndjson` format.
pub struct NdjsonWriter;

impl Writer for NdjsonWriter {
    fn write_streamed(
        &self,
        report: &Report,
        more: &mut MoreEvents<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        write_then_stream_rows(self, report, more, out, events)
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let Some(block) = report.primary() else {
            return Ok(());
        };
        if let Block::Events(e) = block {
            return events(&e.frame, out);
        }
        match block_value(block, report) {
            Some(serde_json::Value::Array(rows)) => {
                for row in rows {
                    write_text(&format!("{row}\n"), out)?;
                }
                Ok(())
            }
            Some(value) => write_text(&format!("{value}\n"), out),
            None => Ok(()),
        }
    }
}

/// The stored events of `frame`, one a line.
fn events(frame: &DataFrame, out: &mut dyn Write) -> io::Result<()> {
    for event in event_texts(frame) {
        write_text(event, out)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
