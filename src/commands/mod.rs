//! Wires the library's stages together for each subcommand; the only place that knows the whole
//! chain read -> normalize -> store -> query -> render.

mod demo;
mod detect;
mod geoip;
mod index;
mod ingest;
mod kms;
mod query;
mod report;
mod rules;
mod sample;
mod source;
mod translate;
mod verify;

use keytrail::{Error, Result};

use crate::cli::Command;

/// Runs one subcommand and returns its exit status.
pub fn run(command: Command) -> Result<i32> {
    let result = match command {
        Command::Ingest(args) => ingest::run(args),
        Command::Query(args) => query::run_query(args),
        Command::Event(args) => query::run_event(args),
        Command::Histogram(args) => query::run_histogram(args),
        Command::Kms(command) => kms::run(command),
        Command::Detect(args) => detect::run(args),
        Command::Rules(command) => rules::run(command),
        Command::Sample(args) => sample::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Index(args) => index::run(args),
        Command::Report(args) => report::run(args),
        Command::Translate(args) => translate::run_translate(args),
        Command::ExportSql(args) => translate::run_export(args),
    };
    let code = result.map_err(source::name_damaged_part)?;
    Ok(match source::read_was_incomplete() {
        true => code.max(1),
        false => code,
    })
}

/// An error writing to stdout, as the library's error type (a broken pipe exits quietly).
fn io_err(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}
