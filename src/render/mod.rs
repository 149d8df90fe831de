//! Renderers: lay finished results out as tables, CSV, JSON and bar charts; they never compute.
//! Every renderer writes to a `&mut dyn Write`, so tests render into a `Vec<u8>`. Text from
//! events, file names and queries reaches people only through [`escape`]: tables and summaries
//! always show it in its visible form, JSON always without raw unsafe characters (`\uXXXX`
//! escapes, same values), CSV in visible form when it is written to a terminal.
//!
//! Every command lays its result out as a [`model::Report`]; each output format is one
//! [`Writer`] of that model ([`table::TableWriter`], [`csv::CsvWriter`], [`json::JsonWriter`],
//! [`ndjson::NdjsonWriter`], [`html::HtmlWriter`], [`md::MdWriter`], [`parquet::ParquetFile`]),
//! and [`output::emit`] sends a report to
//! stdout or to a file through the one [`OutputFormat::writer`].

pub mod chart;
pub mod csv;
pub mod detect;
pub mod escape;
pub mod histogram;
pub mod html;
pub mod ingest;
pub mod json;
pub mod kms;
pub mod md;
pub mod model;
pub mod ndjson;
pub mod output;
pub mod parquet;
pub mod query;
pub mod stderr;
pub mod svg;
pub mod table;

use std::io::{self, IsTerminal, Write};

use polars::prelude::*;

/// Output formats shared by the query commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// An aligned text table that fits the terminal.
    #[default]
    Table,
    /// CSV with one header row, safe to open in a spreadsheet.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// One self-contained HTML page of the whole report.
    Html,
    /// The whole report as GitHub Markdown.
    Md,
    /// A Parquet file of the result frame (files only, chosen by `--output x.parquet`).
    Parquet,
}

impl OutputFormat {
    /// Parses `table`, `csv`, `json`, `ndjson`, `html` or `md`.
    pub fn parse(text: &str) -> Result<OutputFormat, String> {
        match text.to_ascii_lowercase().as_str() {
            "table" => Ok(OutputFormat::Table),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            "ndjson" | "jsonl" => Ok(OutputFormat::Ndjson),
            "html" => Ok(OutputFormat::Html),
            "md" | "markdown" => Ok(OutputFormat::Md),
            _ => Err(format!(
                "unknown format {text:?}: use table, csv, json, ndjson, html or md"
            )),
        }
    }

    /// The format of an output file, by its extension: `.parquet`, `.csv`, `.json`,
    /// `.ndjson` or `.jsonl`, `.html` or `.htm`, `.md` or `.markdown`.
    pub fn for_file(path: &std::path::Path) -> Result<OutputFormat, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "parquet" => Ok(OutputFormat::Parquet),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            "ndjson" | "jsonl" => Ok(OutputFormat::Ndjson),
            "html" | "htm" => Ok(OutputFormat::Html),
            "md" | "markdown" => Ok(OutputFormat::Md),
            _ => Err(format!(
                "--output {}: use a .parquet, .csv, .json, .ndjson, .html or .md file",
                path.display()
            )),
        }
    }

    /// The writer of this format for `target`: the one place a format picks its writer.
    pub fn writer(self, target: Target) -> Box<dyn Writer> {
        match self {
            OutputFormat::Table => Box::new(table::TableWriter {
                width: target.width,
            }),
            OutputFormat::Csv => Box::new(csv::CsvWriter {
                terminal: target.terminal,
            }),
            OutputFormat::Json => Box::new(json::JsonWriter),
            OutputFormat::Ndjson => Box::new(ndjson::NdjsonWriter),
            OutputFormat::Html => Box::new(html::HtmlWriter),
            OutputFormat::Md => Box::new(md::MdWriter),
            OutputFormat::Parquet => Box::new(parquet::ParquetFile),
        }
    }

    /// Whether the format writes JSON (raw logs then read the stored event texts).
    pub fn is_json(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::Ndjson)
    }
}

/// Where rendered output goes: how wide tables may be, and whether a terminal shows it (then
/// CSV is shown escaped as tables are; to a pipe or a file it stays a faithful copy). Tables
/// and JSON are terminal-safe wherever they go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The width to fit tables to.
    pub width: usize,
    /// Whether the output is shown by a terminal.
    pub terminal: bool,
}

impl Target {
    /// Standard output: [`terminal_width`], and whether stdout is a terminal.
    pub fn stdout() -> Target {
        Target {
            width: terminal_width(),
            terminal: std::io::stdout().is_terminal(),
        }
    }

    /// A file, a pipe or a test buffer: unlimited width, faithful CSV.
    pub fn file() -> Target {
        Target {
            width: UNLIMITED_WIDTH,
            terminal: false,
        }
    }
}

/// One output format: lays a [`model::Report`] out on `out`. Implemented once per format
/// (`table`, `csv`, `json`, `ndjson`, `html`, `md`); stdout and `--output FILE` use the
/// same writers.
pub trait Writer {
    /// Writes `report` to `out`. Notes are not written here, except by formats that carry
    /// them (JSON `notes`); [`Writer::is_human`] formats also show status lines in place.
    fn write(&self, report: &model::Report, out: &mut dyn Write) -> io::Result<()>;

    /// Writes `report` as [`Writer::write`] does, with the events `more` yields after those of
    /// its primary [`model::Events`] block, each frame written as it comes and then dropped
    /// (`csv`, `json`, `ndjson`); other formats refuse.
    fn write_streamed(
        &self,
        report: &model::Report,
        more: &mut model::MoreEvents<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let _ = (report, more, out);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this format does not stream events",
        ))
    }

    /// Whether the format is for people (status lines in place) rather than for programs
    /// (status lines on stderr after the output).
    fn is_human(&self) -> bool {
        false
    }
}

/// Streams a report whose format writes events as rows (`csv`, `ndjson`): the report as
/// `writer` writes it, then, when its primary block is events, each frame `more` yields with
/// `rows` (no header), dropped once written.
pub fn write_then_stream_rows(
    writer: &dyn Writer,
    report: &model::Report,
    more: &mut model::MoreEvents<'_>,
    out: &mut dyn Write,
    mut rows: impl FnMut(&DataFrame, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    writer.write(report, out)?;
    if let Some(model::Block::Events(_)) = report.primary() {
        while let Some(frame) = more()? {
            rows(&frame, out)?;
        }
    }
    Ok(())
}

/// The text of one cell as shown in tables and CSV (before escaping): NULL as an empty cell,
/// lists as JSON.
pub fn cell_text(value: &AnyValue) -> String {
    crate::query::value::text(value)
}

/// Whether a column holds numbers (right-aligned in tables, never escaped in CSV).
pub fn is_numeric(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric()
}

/// The width to fit tables to: `COLUMNS` if set, else the terminal's when stdout is one, else
/// unlimited (output piped to a file or a pager keeps every character).
pub fn terminal_width() -> usize {
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return cols;
    }
    if !std::io::stdout().is_terminal() {
        return UNLIMITED_WIDTH;
    }
    let probe = comfy_table::Table::new();
    probe.width().map(usize::from).unwrap_or(DEFAULT_WIDTH)
}

/// Table width when stdout is not a terminal and `COLUMNS` is unset.
const UNLIMITED_WIDTH: usize = 100_000;

/// Table width when the terminal's cannot be read.
const DEFAULT_WIDTH: usize = 120;
