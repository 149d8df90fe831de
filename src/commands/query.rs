//! `keytrail query`, `event` and `histogram`: open the source, compile the statement, run it and
//! hand the finished frames to the renderers.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use polars::prelude::*;

use keytrail::event::schema::{self, TIME};
use keytrail::histogram::{self, Histogram, Interval};
use keytrail::query::exec::{self, Partition};
use keytrail::query::search::SearchExpr;
use keytrail::query::sql::{SqlContext, SqlPlan};
use keytrail::query::{self, Compiled};
use keytrail::render::escape::visible;
use keytrail::render::model::{
    Cells, EventLayout, Events, HistogramBlock, Line, Note, NoteKind, Report, Table, TextColumn,
    TextTable,
};
use keytrail::render::{self, output, stderr, OutputFormat};
use keytrail::time::{self, parse_time_bound, TimeRange, Zone};
use keytrail::{Error, Result};

use super::geoip::open_geoip;
use super::source::Source;
use crate::cli::{EventArgs, HistogramArgs, LimitArgs, QueryArgs, ReadArgs, TimeArgs};

/// The columns of the raw-logs table, with their headers.
const RAW_LOG_COLUMNS: &[(&str, &str)] = &[
    (schema::EVENT_NAME, "event"),
    (schema::SERVICE_NAME, "service"),
    (schema::USER_NAME, "user"),
    (schema::SOURCE_IP, "source IP"),
    (schema::RESOURCE_NAME, "resource"),
    (schema::ERROR_CODE, "error"),
];

/// Time options after validation.
pub struct TimeOptions {
    /// The `[from, to)` range.
    pub range: TimeRange,
    /// The display and session zone.
    pub zone: Zone,
    /// "now", fixed once per command.
    pub now: i64,
}

/// Validates `--from/--to/--tz`.
pub fn resolve_time(args: &TimeArgs) -> Result<TimeOptions> {
    let zone = Zone::parse(&args.tz).map_err(Error::Usage)?;
    let now = time::now();
    let bound = |text: &Option<String>, flag: &str| -> Result<Option<i64>> {
        text.as_deref()
            .map(|t| {
                parse_time_bound(t, &zone, now).map_err(|e| Error::Usage(format!("--{flag}: {e}")))
            })
            .transpose()
    };
    let range = TimeRange {
        from: bound(&args.from, "from")?,
        to: bound(&args.to, "to")?,
    };
    if let (Some(f), Some(t)) = (range.from, range.to) {
        if f >= t {
            return Err(Error::Usage("--from must be before --to".into()));
        }
    }
    Ok(TimeOptions { range, zone, now })
}

fn parse_format(text: &str) -> Result<OutputFormat> {
    OutputFormat::parse(text).map_err(Error::Usage)
}

/// Checks `--output FILE` before any work: its extension must name a format.
pub fn check_output(output: Option<&std::path::Path>) -> Result<()> {
    match output {
        Some(path) => OutputFormat::for_file(path)
            .map(|_| ())
            .map_err(Error::Usage),
        None => Ok(()),
    }
}

/// Starts watching this command's memory against `--max-memory` (see [`exec::MemoryGuard`]).
pub fn guard_memory(limits: &LimitArgs, what: &str) -> exec::MemoryGuard {
    let limit = limits.max_memory.unwrap_or_else(exec::default_memory_limit);
    exec::MemoryGuard::start(limit, what)
}

/// A bar of partition groups read, on stderr when it is a terminal and not `quiet`.
fn read_progress(quiet: bool, groups: usize) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(groups as u64);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} reading {msg} [{bar:30}] {pos}/{len} groups of partitions",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs `keytrail query`.
pub fn run_query(args: QueryArgs) -> Result<i32> {
    let _guard = guard_memory(&args.read.limits, "query");
    let format = parse_format(&args.format)?;
    check_output(args.output.as_deref())?;
    let time = resolve_time(&args.time)?;
    let source = Source::open(&args.source, &args.damage)?;
    let ctx = SqlContext {
        zone: time.zone,
        now: time.now,
        geoip: open_geoip(&args.geoip)?,
    };
    let files = source.files_for_query(&time.range, &args.query);
    let compiled = query::compile(&args.query, source.scan_files(&files, &time.range)?, &ctx)?;
    if args.explain {
        return explain(&compiled, &args.query, format).map(|_| 0);
    }
    match compiled.sql {
        Some(plan) => {
            let engine = exec::engine_for(&files);
            let report = sql_report(plan, engine, &time.zone)?;
            output::emit(&report, format, args.output.as_deref())?;
        }
        None => {
            let scan = RawScan::new(
                &source,
                &compiled.search,
                files,
                time.range,
                exec::WIDE_GROUP_BYTES,
                &args.read,
            );
            raw_logs(&scan, args.limit, format, &args, &time.zone)?;
            scan.progress.finish_and_clear();
        }
    }
    Ok(0)
}

/// The result of a SQL statement: its rows (primary), the planner's notes, and a note when the
/// default LIMIT cut rows.
fn sql_report(plan: SqlPlan, engine: Engine, zone: &Zone) -> Result<Report> {
    let mut frame = plan.frame;
    if let Some(limit) = plan.default_limit {
        frame = frame.limit((limit + 1) as IdxSize);
    }
    let mut df = frame.collect_with_engine(engine)?.unwrap_single();
    let mut report = Report::new("query", *zone);
    if let Some(limit) = plan.default_limit {
        if df.height() > limit {
            df = df.head(Some(limit));
            report.note(Note::new(NoteKind::Limit, format!("showing the first {limit} rows (SLS adds LIMIT {limit} when a query has none); add a LIMIT to see more")));
        }
    }
    report.notes(NoteKind::Planner, &plan.notes);
    report.push(
        Table::new("rows", Cells::Frame(df))
            .when_empty("(no rows)")
            .primary(),
    );
    Ok(report)
}

/// Shows the search tree and the polars plan (both quote the query's text), and the planner's
/// memory and index sections and the notes, in `format` (a format of rows only, csv or ndjson, shows them as the table does).
fn explain(compiled: &Compiled, text: &str, format: OutputFormat) -> Result<()> {
    let format = match format {
        OutputFormat::Csv | OutputFormat::Ndjson | OutputFormat::Parquet => OutputFormat::Table,
        other => other,
    };
    let plan = match &compiled.sql {
        Some(p) => p.frame.describe_optimized_plan()?,
        None => compiled.matched.describe_optimized_plan()?,
    };
    let notes = compiled.sql.as_ref().map_or(&[][..], |p| &p.notes[..]);
    let parts = [
        ("search", "search:", compiled.search.explain()),
        ("plan", "polars plan:", plan),
        ("memory", "memory:", memory_lines(text)),
        ("index", "index:", super::source::index_summary()),
    ];
    let parts: Vec<(&str, &str, &str)> =
        parts.iter().map(|(n, c, t)| (*n, *c, t.as_str())).collect();
    let report = render::query::explain_report(&parts, notes);
    output::emit(&report, format, None)
}

/// What running `text` holds in memory, for `--explain`.
fn memory_lines(text: &str) -> String {
    let growth = match query::split(text).sql.map(keytrail::query::sql::parse) {
        None => return "bounded: raw logs are read one group of partitions at a time (the table keeps --limit rows)".into(),
        Some(Ok(parsed)) => exec::memory_growth(parsed.query()),
        Some(Err(_)) => Vec::new(),
    };
    if growth.is_empty() {
        return "bounded: every step streams (one batch of rows at a time)".into();
    }
    let mut lines = vec!["grows with the data, up to --max-memory (then exit 3):".to_string()];
    lines.extend(growth.iter().map(|g| format!("- {g}")));
    lines.join("\n")
}

/// What the raw logs read: the partitions of the range and the search part's predicate. Each
/// partition is read on its own, newest first, so memory grows with one partition, not with
/// the range.
struct RawScan<'a> {
    source: &'a Source,
    range: TimeRange,
    /// Oldest first.
    partitions: Vec<Partition>,
    predicate: Option<Expr>,
    /// Groups read so far, on stderr when it is a terminal.
    progress: ProgressBar,
}

impl<'a> RawScan<'a> {
    /// The partition groups of `files` (the parts of `range` that `search` may match),
    /// `group_bytes` of part files each.
    fn new(
        source: &'a Source,
        search: &SearchExpr,
        files: Vec<PathBuf>,
        range: TimeRange,
        group_bytes: u64,
        read: &ReadArgs,
    ) -> RawScan<'a> {
        let partitions = exec::grouped(exec::partitions_of(&files), group_bytes);
        RawScan {
            source,
            progress: read_progress(read.quiet, partitions.len()),
            partitions,
            range,
            predicate: (!search.is_match_all()).then(|| search.to_expr()),
        }
    }

    /// The events of `partition` the search matches.
    fn matched(&self, partition: &Partition) -> Result<LazyFrame> {
        self.progress.set_message(partition.date.clone());
        self.progress.inc(1);
        let scan = self.source.scan_files(&partition.files, &self.range)?;
        Ok(match &self.predicate {
            Some(predicate) => scan.filter(predicate.clone()),
            None => scan,
        })
    }

    /// How many events of `partition` match.
    fn count(&self, partition: &Partition) -> Result<usize> {
        exec::count(self.matched(partition)?)
    }

    /// The `limit` newest matching events of `partition` (newest first; ties in stored order)
    /// with `columns`, and how many matched there.
    fn newest(
        &self,
        partition: &Partition,
        columns: &[Expr],
        limit: usize,
    ) -> Result<(DataFrame, usize)> {
        if limit == 0 {
            return Ok((self.empty(columns)?, self.count(partition)?));
        }
        let all = self
            .matched(partition)?
            .select(columns)
            .collect_with_engine(Engine::Streaming)?
            .unwrap_single();
        let order = exec::newest_first(all.column(TIME)?.i64()?, limit);
        let newest = all.take(&IdxCa::from_vec("row".into(), order))?;
        Ok((newest, all.height()))
    }

    /// No events, with `columns`.
    fn empty(&self, columns: &[Expr]) -> Result<DataFrame> {
        Ok(exec::scan_files(&[], &self.range)?
            .select(columns)
            .collect()?)
    }
}

/// Raw logs: the newest `limit` matching events and how many matched in total, read partition
/// by partition, newest first. `csv`, `json` and `ndjson` stream the events out as each
/// partition is read; the table, html and md (and a Parquet file, which refuses raw logs) keep the newest
/// `limit` rows. Only the columns the output shows are read (`json`: the stored event texts),
/// and a partition past the limit is only counted.
fn raw_logs(
    scan: &RawScan,
    limit: usize,
    format: OutputFormat,
    args: &QueryArgs,
    zone: &Zone,
) -> Result<()> {
    let written = match &args.output {
        Some(path) => OutputFormat::for_file(path).map_err(Error::Usage)?,
        None => format,
    };
    match written {
        OutputFormat::Csv | OutputFormat::Json | OutputFormat::Ndjson => {
            raw_logs_streamed(scan, limit, (format, written), args.output.as_deref(), zone)
        }
        OutputFormat::Table | OutputFormat::Parquet | OutputFormat::Html | OutputFormat::Md => {
            let report = raw_logs_table(scan, limit, zone)?;
            output::emit(&report, format, args.output.as_deref())
        }
    }
}

/// The raw logs as a table of the newest `limit` events.
fn raw_logs_table(scan: &RawScan, limit: usize, zone: &Zone) -> Result<Report> {
    let columns = raw_log_columns(false);
    let mut newest = scan.empty(&columns)?;
    let mut total = 0;
    for partition in scan.partitions.iter().rev() {
        let (rows, matched) = scan.newest(partition, &columns, limit - newest.height())?;
        newest.vstack_mut_owned(rows)?;
        total += matched;
    }
    let (headers, rows) = raw_log_rows(&newest, zone)?;
    let mut report = Report::new("query", *zone);
    report.meta("matched", total);
    report.push(Table::new("events", Cells::Text(text_table(headers, rows))).primary());
    report.push(Line::status(matched_line(total, newest.height())));
    Ok(report)
}

fn text_table(headers: Vec<String>, rows: Vec<Vec<String>>) -> TextTable {
    let columns = headers
        .into_iter()
        .map(|name| TextColumn {
            name,
            numeric: false,
        })
        .collect();
    TextTable { columns, rows }
}

/// The raw logs written as they are read: `json` and `ndjson` the stored events, `csv` the
/// table's cells. A JSON document says how many matched before its events, so it counts every
/// partition first.
fn raw_logs_streamed(
    scan: &RawScan,
    limit: usize,
    (format, written): (OutputFormat, OutputFormat),
    output: Option<&std::path::Path>,
    zone: &Zone,
) -> Result<()> {
    let json = written.is_json();
    let columns = raw_log_columns(json);
    let counted_first = match written {
        OutputFormat::Json => Some(
            scan.partitions
                .iter()
                .map(|p| scan.count(p))
                .sum::<Result<usize>>()?,
        ),
        _ => None,
    };
    scan.progress.set_position(0);
    let shown_form = |df: DataFrame| -> Result<DataFrame> {
        match json {
            true => Ok(df),
            false => raw_log_frame(&df, zone),
        }
    };
    let mut report = Report::new("query", *zone);
    if let Some(total) = counted_first {
        report.meta("matched", total);
    }
    report.push(Events {
        name: "events".into(),
        caption: None,
        frame: shown_form(scan.empty(&columns)?)?,
        layout: EventLayout::Compact,
        primary: true,
    });
    let (mut total, mut shown, mut failure) = (0, 0, None);
    let mut partitions = scan.partitions.iter().rev();
    let mut more = || -> io::Result<Option<DataFrame>> {
        let step = (|| -> Result<Option<DataFrame>> {
            for partition in partitions.by_ref() {
                if shown == limit && counted_first.is_some() {
                    return Ok(None);
                }
                let (rows, matched) = scan.newest(partition, &columns, limit - shown)?;
                total += matched;
                shown += rows.height();
                if rows.height() > 0 {
                    return shown_form(rows).map(Some);
                }
            }
            Ok(None)
        })();
        step.map_err(|e| {
            let message = e.to_string();
            failure = Some(e);
            io::Error::other(message)
        })
    };
    let written_out = output::emit_streamed(&report, format, output, &mut more);
    if let Some(e) = failure {
        return Err(e);
    }
    written_out?;
    let total = counted_first.unwrap_or(total);
    stderr::line(&Line::status(matched_line(total, shown)));
    Ok(())
}

/// The raw-logs table's cells as a frame of text columns (what `csv` writes).
fn raw_log_frame(df: &DataFrame, zone: &Zone) -> Result<DataFrame> {
    let (headers, rows) = raw_log_rows(df, zone)?;
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells: Vec<&str> = rows.iter().map(|r| r[i].as_str()).collect();
            Column::new(name.as_str().into(), cells)
        })
        .collect();
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// The store columns the raw logs read: the time and the event text for JSON, the time and
/// the table's columns otherwise.
fn raw_log_columns(json: bool) -> Vec<Expr> {
    if json {
        return vec![col(TIME), query::compacted(col(schema::EVENT))];
    }
    let mut columns = vec![col(TIME)];
    columns.extend(RAW_LOG_COLUMNS.iter().map(|(c, _)| col(*c)));
    columns.push(col(schema::PRINCIPAL_ID));
    columns
}

fn matched_line(total: usize, shown: usize) -> String {
    match (total, shown) {
        (0, _) => "no events matched".to_string(),
        (t, s) if s < t => {
            format!("{t} events matched, showing the newest {s} (use --limit to see more)")
        }
        (t, _) => format!("{t} events matched"),
    }
}

/// The raw-logs table cells: time in `zone`, then [`RAW_LOG_COLUMNS`].
pub fn raw_log_rows(df: &DataFrame, zone: &Zone) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut headers = vec![format!("time ({})", zone_label(zone))];
    headers.extend(RAW_LOG_COLUMNS.iter().map(|(_, h)| h.to_string()));
    let times = df.column(TIME)?.i64()?;
    let columns: Vec<&StringChunked> = RAW_LOG_COLUMNS
        .iter()
        .map(|(c, _)| df.column(c).and_then(|c| c.str()))
        .collect::<PolarsResult<_>>()?;
    let principal = df.column(schema::PRINCIPAL_ID)?.str()?;
    let rows = (0..df.height())
        .map(|i| {
            let mut row = vec![zone.format(times.get(i).unwrap_or(0), "%Y-%m-%d %H:%M:%S")];
            for (c, (name, _)) in columns.iter().zip(RAW_LOG_COLUMNS) {
                let value = c.get(i).filter(|v| !v.is_empty());
                let value = if *name == schema::USER_NAME {
                    value.or(principal.get(i))
                } else {
                    value
                };
                row.push(value.unwrap_or("").to_string());
            }
            row
        })
        .collect();
    Ok((headers, rows))
}

/// A short name for a zone in headers: `UTC`, `Asia/Shanghai`, `+08:00`.
pub fn zone_label(zone: &Zone) -> String {
    match zone {
        Zone::Named(tz) => tz.name().to_string(),
        Zone::Fixed(o) if o.local_minus_utc() == 0 => "UTC".to_string(),
        Zone::Fixed(o) => o.to_string(),
    }
}

/// Runs `keytrail event`.
pub fn run_event(args: EventArgs) -> Result<i32> {
    let source = Source::open(&args.source, &args.damage)?;
    let id = lit(args.event_id.clone());
    let found = source
        .scan(&TimeRange::default())?
        .filter(
            col(schema::EVENT_ID)
                .eq(id.clone())
                .or(col(schema::DEDUP_KEY).eq(id)),
        )
        .select([col(schema::EVENT)])
        .limit(1)
        .collect()?;
    let events = found.column(schema::EVENT)?.str()?;
    let Some(text) = events.iter().flatten().next().map(str::to_string) else {
        stderr::shown(&format!("no event with id \"{}\"", visible(&args.event_id)));
        return Ok(1);
    };
    // Laid out from the stored text itself: every number printed exactly as it came.
    let report = render::query::event_report(&text);
    output::emit(&report, OutputFormat::Table, None)?;
    Ok(0)
}

/// The histogram of the events `scan` matches, read one partition at a time: the newest
/// partition with a match gives the end of an open range, the oldest its start, and each
/// partition's times are counted and dropped.
fn histogram_by_partition(scan: &RawScan, interval: Interval, zone: &Zone) -> Result<Histogram> {
    let times = |p: &Partition| -> Result<Int64Chunked> {
        let df = scan
            .matched(p)?
            .select([col(TIME)])
            .collect_with_engine(Engine::Streaming)?
            .unwrap_single();
        Ok(df.column(TIME)?.i64()?.clone())
    };
    let (range, mut pending) = (scan.range, scan.partitions.as_slice());
    let mut newest = None;
    if range.to.is_none() {
        while let Some((last, rest)) = pending.split_last() {
            pending = rest;
            let found = times(last)?;
            if found.max().is_some() {
                newest = Some(found);
                break;
            }
        }
    }
    let max = newest.as_ref().and_then(|t| t.max());
    let mut counter: Option<histogram::Counter> = None;
    for chunk in pending.iter().map(times).chain(newest.map(Ok)) {
        let chunk = chunk?;
        if counter.is_none() {
            let Some((lo, hi)) = histogram::bounds(range.from, range.to, chunk.min(), max) else {
                continue;
            };
            counter = Some(histogram::Counter::new(lo, hi, interval, zone)?);
        }
        if let Some(counter) = counter.as_mut() {
            counter.add(&chunk);
        }
    }
    match counter {
        Some(counter) => Ok(counter.finish()),
        None => match histogram::bounds(range.from, range.to, None, max) {
            Some((lo, hi)) => Ok(histogram::Counter::new(lo, hi, interval, zone)?.finish()),
            None => Ok(Histogram::empty()),
        },
    }
}

/// Runs `keytrail histogram`.
pub fn run_histogram(args: HistogramArgs) -> Result<i32> {
    let _guard = guard_memory(&args.read.limits, "histogram");
    let format = parse_format(&args.format)?;
    check_output(args.output.as_deref())?;
    let interval = Interval::parse(&args.interval).map_err(Error::Usage)?;
    let time = resolve_time(&args.time)?;
    let source = Source::open(&args.source, &args.damage)?;
    let statement = query::split(&args.query);
    let ctx = SqlContext {
        zone: time.zone,
        now: time.now,
        geoip: None,
    };
    let files = source.files_for_query(&time.range, statement.search);
    let compiled = query::compile(
        statement.search,
        source.scan_files(&files, &time.range)?,
        &ctx,
    )?;
    let scan = RawScan::new(
        &source,
        &compiled.search,
        files,
        time.range,
        exec::NARROW_GROUP_BYTES,
        &args.read,
    );
    let h = histogram_by_partition(&scan, interval, &time.zone)?;
    scan.progress.finish_and_clear();
    let mut report = Report::new("histogram", time.zone);
    report.push(HistogramBlock {
        name: "histogram".into(),
        histogram: h,
        primary: true,
    });
    output::emit(&report, format, args.output.as_deref())?;
    Ok(0)
}
