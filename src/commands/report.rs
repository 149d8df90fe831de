//! `keytrail report`: resolve options, open the source, gather the store facts (manifest
//! fingerprint, files ingested and rejected), build the report through the engines and write it
//! as HTML, Markdown or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::LazyFrame;

use keytrail::detect::BaselineOptions;
use keytrail::query::exec;
use keytrail::query::sql::SqlContext;
use keytrail::render::escape::visible_path;
use keytrail::render::OutputFormat;
use keytrail::report::{self, ReportOptions, SourceFacts};
use keytrail::store::Store;
use keytrail::time::{parse_time_bound, TimeRange};
use keytrail::{Error, Result};

use super::geoip::open_geoip;
use super::query::{resolve_time, zone_label};
use super::rules::load;
use super::source::Source;
use crate::cli::ReportArgs;

/// Output formats of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// Markdown.
    Markdown,
    /// The report model as JSON.
    Json,
    /// The report's sections as text for a terminal (the shared `table` writer).
    Table,
}

fn parse_format(text: &str) -> Result<ReportFormat> {
    match text.to_ascii_lowercase().as_str() {
        "html" => Ok(ReportFormat::Html),
        "md" | "markdown" => Ok(ReportFormat::Markdown),
        "json" => Ok(ReportFormat::Json),
        "table" => Ok(ReportFormat::Table),
        _ => Err(Error::Usage(format!(
            "unknown report format {text:?}: use html, md, json or table"
        ))),
    }
}

/// Runs `keytrail report`; exit status 0 when the report was written.
pub fn run(args: ReportArgs) -> Result<i32> {
    let _guard = super::query::guard_memory(&args.limits, "report");
    let format = parse_format(&args.format)?;
    let (text, source) = render(&args, format)?;
    drop(source);
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| Error::io(path, e))?;
            eprintln!("wrote {} ({} bytes)", visible_path(path), text.len());
        }
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(super::io_err)?,
    }
    Ok(0)
}

/// Builds the report of `args` and writes it in `format` into a string.
pub fn render(args: &ReportArgs, format: ReportFormat) -> Result<(String, Source)> {
    if args.baseline_days == 0 {
        return Err(Error::Usage("--baseline-days must be at least 1".into()));
    }
    let time = resolve_time(&args.time)?;
    let bound = |text: &str, flag: &str| {
        parse_time_bound(text.trim(), &time.zone, time.now)
            .map_err(|e| Error::Usage(format!("--{flag}: {e}")))
    };
    let generated_at = args
        .generated_at
        .as_deref()
        .map(|t| bound(t, "generated-at"))
        .transpose()?
        .unwrap_or(time.now);
    let compare = args
        .compare_to
        .as_deref()
        .map(|text| compare_range(text, &bound))
        .transpose()?;
    let rules = load(&args.rules, !args.no_builtin)?;
    let source = Source::open(&args.source, &args.damage)?;
    let opts = ReportOptions {
        title: args
            .title
            .clone()
            .unwrap_or_else(|| "keytrail evidence report".into()),
        command_line: command_line(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at,
        zone: time.zone,
        zone_label: zone_label(&time.zone),
        range: time.range,
        ctx: SqlContext {
            zone: time.zone,
            now: time.now,
            geoip: open_geoip(&args.geoip)?,
        },
        keys: args.keys.clone(),
        baselines: args.baselines.then(|| BaselineOptions {
            history_days: i64::from(args.baseline_days),
            ..BaselineOptions::default()
        }),
        compare,
        rules,
        facts: facts(
            &source.store,
            &args.source,
            !Store::looks_like_store(&args.source),
        ),
        chunk_events: args.chunk_events,
    };
    let scan = |range: &TimeRange| source.scan(range);
    let groups = |range: &TimeRange| {
        groups_of(source.files(range), args.group_bytes, |files| {
            source.scan_files(files, range)
        })
    };
    let days = keytrail::detect::chunked::rows_per_day(&source.store);
    let read = report::Read {
        scan: &scan,
        groups: &groups,
        days: days.as_deref(),
    };
    let data = report::build(read, &opts)?;
    let text = match format {
        ReportFormat::Html => report::blocks::render(&data, time.zone, OutputFormat::Html)?,
        ReportFormat::Markdown => report::blocks::render(&data, time.zone, OutputFormat::Md)?,
        ReportFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&data).map_err(|e| Error::Other(e.to_string()))?;
            text.push('\n');
            keytrail::render::escape::json_text(&text).into_owned()
        }
        ReportFormat::Table => {
            use keytrail::render::Writer as _;
            let width = match args.out {
                Some(_) => usize::MAX,
                None => keytrail::render::terminal_width(),
            };
            let mut out = Vec::new();
            keytrail::render::table::TableWriter { width }
                .write(&report::blocks::report(&data, time.zone), &mut out)
                .map_err(super::io_err)?;
            String::from_utf8_lossy(&out).into_owned()
        }
    };
    Ok((text, source))
}

/// Writes the HTML report of a whole store (built-in rules and baselines, UTC) to `path` and
/// returns its size: the end of `keytrail demo`.
pub fn write_store_report(store: &Store, path: &Path) -> Result<usize> {
    let zone = keytrail::time::Zone::default();
    let now = keytrail::time::now();
    let opts = ReportOptions {
        title: "keytrail demo report".into(),
        command_line: format!(
            "keytrail report {} --baselines --out {}",
            store.root().display(),
            path.display()
        ),
        version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at: now,
        zone,
        zone_label: zone_label(&zone),
        range: TimeRange::default(),
        ctx: SqlContext {
            zone,
            now,
            geoip: None,
        },
        keys: Vec::new(),
        baselines: Some(BaselineOptions::default()),
        compare: None,
        rules: keytrail::detect::builtin_rules(),
        facts: facts(store, store.root(), false),
        chunk_events: keytrail::detect::chunked::CHUNK_EVENTS,
    };
    let scan = |range: &TimeRange| store.scan(range);
    let groups = |range: &TimeRange| {
        groups_of(store.files_in(range), report::GROUP_BYTES, |files| {
            exec::scan_files(files, range)
        })
    };
    let days = keytrail::detect::chunked::rows_per_day(store);
    let read = report::Read {
        scan: &scan,
        groups: &groups,
        days: days.as_deref(),
    };
    let data = report::build(read, &opts)?;
    let text = report::blocks::render(&data, zone, OutputFormat::Html)?;
    std::fs::write(path, &text).map_err(|e| Error::io(path, e))?;
    Ok(text.len())
}

/// The scans of `files` (a range's part files) in groups of partitions of about `group_bytes`
/// each, in scan order; one empty scan when there are none.
fn groups_of(
    files: Vec<PathBuf>,
    group_bytes: u64,
    scan: impl Fn(&[PathBuf]) -> Result<LazyFrame>,
) -> Result<Vec<LazyFrame>> {
    if files.is_empty() {
        return Ok(vec![scan(&[])?]);
    }
    exec::grouped(exec::partitions_of(&files), group_bytes)
        .iter()
        .map(|g| scan(&g.files))
        .collect()
}

/// `<FROM>..<TO>` as a range.
fn compare_range(text: &str, bound: &dyn Fn(&str, &str) -> Result<i64>) -> Result<TimeRange> {
    let (from, to) = text
        .split_once("..")
        .ok_or_else(|| Error::Usage(format!("--compare-to {text:?}: use <FROM>..<TO>")))?;
    let (from, to) = (bound(from, "compare-to")?, bound(to, "compare-to")?);
    if from >= to {
        return Err(Error::Usage(
            "--compare-to: <FROM> must be before <TO>".into(),
        ));
    }
    Ok(TimeRange {
        from: Some(from),
        to: Some(to),
    })
}

/// The store's manifest fingerprint and file counts. Archives read directly have a temporary
/// store whose manifest records run ids and times: their fingerprint is the blake3 of the
/// sorted content hashes of the files read, so the same archive gives the same fingerprint.
fn facts(store: &Store, source: &Path, direct: bool) -> SourceFacts {
    let records = store.manifest();
    let fingerprint = if direct {
        let mut hashes: Vec<&str> = records.iter().map(|r| r.blake3.as_str()).collect();
        hashes.sort();
        blake3::hash(hashes.join("\n").as_bytes())
    } else {
        blake3::hash(&std::fs::read(store.root().join("manifest.jsonl")).unwrap_or_default())
    };
    SourceFacts {
        source: source.display().to_string(),
        fingerprint: fingerprint.to_hex().to_string(),
        fingerprint_of: if direct {
            "the content hashes of the archive files read"
        } else {
            "manifest.jsonl"
        }
        .to_string(),
        files_ingested: records.len() as u64,
        files_with_rejects: records
            .iter()
            .filter(|r| r.rejects > 0 || !r.problems.is_empty())
            .count() as u64,
        records_rejected: records.iter().map(|r| r.rejects).sum(),
    }
}

/// The command line as typed: `keytrail` and the arguments, each quoted for a POSIX shell when
/// it holds anything but safe characters.
fn command_line() -> String {
    let mut words = vec!["keytrail".to_string()];
    words.extend(std::env::args().skip(1).map(|a| shell_quote(&a)));
    words.join(" ")
}

fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
