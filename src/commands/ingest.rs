//! `keytrail ingest`: runs the ingest with a progress bar on stderr and prints the summary.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use keytrail::ingest::{self, IngestOptions, Progress};
use keytrail::render::{self, output, OutputFormat};
use keytrail::{Error, Result};

use super::query::check_output;
use crate::cli::IngestArgs;

/// Environment variable setting the ingest's clock (unix seconds, or RFC 3339), against which
/// event times in the future are judged implausible; for tests and reproducible runs.
pub const NOW_ENV: &str = "KEYTRAIL_NOW";

/// Runs `keytrail ingest`; exit status 1 when anything was rejected or a file had a problem.
pub fn run(args: IngestArgs) -> Result<i32> {
    let format = OutputFormat::parse(&args.format).map_err(Error::Usage)?;
    check_output(args.output.as_deref())?;
    let opts = IngestOptions {
        max_decompressed_bytes: args.max_decompressed,
        threads: args.threads,
        now: clock()?,
        chunk_bytes: args.chunk_bytes.unwrap_or(ingest::CHUNK_BYTES),
        index: !super::source::index_disabled(),
    };
    let bar = progress_bar(args.quiet);
    let on_progress = |p: &Progress| match p {
        Progress::Started { files, .. } => {
            bar.set_length(*files as u64);
            bar.set_message("reading");
        }
        Progress::FileDone { .. } => bar.inc(1),
        Progress::Committing { date } => bar.set_message(format!("writing {date}")),
    };
    let summary = ingest::ingest(&args.inputs, &args.store, &opts, &on_progress)?;
    bar.finish_and_clear();
    let report = render::ingest::summary_report(&summary);
    output::emit(&report, format, args.output.as_deref())?;
    Ok(if summary.has_problems() { 1 } else { 0 })
}

/// The ingest's clock: [`NOW_ENV`] when set, else the wall clock.
fn clock() -> Result<i64> {
    let Ok(text) = std::env::var(NOW_ENV) else {
        return Ok(chrono::Utc::now().timestamp());
    };
    text.trim()
        .parse::<i64>()
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(text.trim())
                .ok()
                .map(|t| t.timestamp())
        })
        .ok_or_else(|| {
            Error::Usage(format!(
                "{NOW_ENV}={text:?}: expected unix seconds or an RFC 3339 time"
            ))
        })
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} files ({eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}
