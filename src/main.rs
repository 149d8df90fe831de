//! The keytrail command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use keytrail::ingest::{ingest, IngestOptions, Progress};
use keytrail::render::ingest::render_ingest_summary;

/// Offline forensics for Alibaba Cloud ActionTrail archives.
#[derive(Debug, Parser)]
#[command(name = "keytrail", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest ActionTrail archives (OSS .gz deliveries, SLS exports, LookupEvents output,
    /// JSON/NDJSON events) into a Parquet store, deduplicated.
    Ingest(IngestArgs),
}

/// Arguments of `keytrail ingest`.
#[derive(Debug, Args)]
struct IngestArgs {
    /// Files or directories (walked recursively) to ingest.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// The store directory (created if missing).
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
    /// Decompressed bytes allowed per gzip file before it is cut off as a problem.
    #[arg(long, value_name = "N", default_value_t = IngestOptions::default().max_decompressed_bytes)]
    max_decompressed_bytes: u64,
    /// Reader threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(args) => run_ingest(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("keytrail: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `keytrail ingest`: exit 0 when clean, 1 when anything was rejected or a file had a problem.
fn run_ingest(args: IngestArgs) -> anyhow::Result<u8> {
    let opts = IngestOptions {
        max_decompressed_bytes: args.max_decompressed_bytes,
        threads: args.threads,
    };
    let bar = progress_bar();
    let on_progress = |p: &Progress| match p {
        Progress::Started { files, .. } => bar.set_length(*files as u64),
        Progress::FileDone { path, .. } => {
            bar.inc(1);
            bar.set_message(path.display().to_string());
        }
        Progress::Committing { date } => bar.set_message(format!("writing {date}")),
    };
    let summary = ingest(&args.inputs, &args.store, &opts, &on_progress)?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    render_ingest_summary(&summary, &mut out)?;
    Ok(if summary.has_problems() { 1 } else { 0 })
}

/// A progress bar on stderr, hidden when stderr is not a terminal.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} files {wide_msg}") {
        bar.set_style(style);
    }
    bar
}
