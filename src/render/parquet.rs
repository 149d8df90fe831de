//! The Parquet file format (`--output FILE.parquet` only): the primary block's result frame
//! as one Parquet file, column types kept.

use std::io::{self, Write};

use polars::prelude::ParquetWriter;

use super::model::{Block, Cells, Report};
use super::Writer;

/// Writes the primary table's frame as Parquet.
pub struct ParquetFile;

impl Writer for ParquetFile {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let frame = match report.primary() {
            Some(Block::Table(t)) => match &t.cells {
                Cells::Frame(df) => Some(df),
                Cells::Text(_) => None,
            },
            Some(Block::Events(e)) => Some(&e.frame),
            _ => None,
        };
        let Some(frame) = frame else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a Parquet file holds a SQL result; use .csv or .json for this output",
            ));
        };
        let mut frame = frame.clone();
        ParquetWriter::new(out)
            .finish(&mut frame)
            .map(|_| ())
            .map_err(io::Error::other)
    }
}
