//! `keytrail query`, `event` and `histogram`: open the source, compile the statement, run it and
//! hand the finished frames to the renderers.

use polars::prelude::*;

use keytrail::event::schema::{self, TIME};
use keytrail::histogram::{self, Interval};
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
use crate::cli::{EventArgs, HistogramArgs, QueryArgs, TimeArgs};

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

/// Runs `keytrail query`.
pub fn run_query(args: QueryArgs) -> Result<i32> {
    let format = parse_format(&args.format)?;
    let written = match &args.output {
        Some(path) => OutputFormat::for_file(path).map_err(Error::Usage)?,
        None => format,
    };
    let time = resolve_time(&args.time)?;
    let source = Source::open(&args.source, &args.damage)?;
    let ctx = SqlContext {
        zone: time.zone,
        now: time.now,
        geoip: open_geoip(&args.geoip)?,
    };
    let compiled = query::compile(&args.query, source.scan(&time.range)?, &ctx)?;
    if args.explain {
        return explain(&compiled, format).map(|_| 0);
    }
    let report = match compiled.sql {
        Some(plan) => sql_report(plan, &time.zone)?,
        None => raw_logs(compiled.matched, args.limit, written.is_json(), &time.zone)?,
    };
    output::emit(&report, format, args.output.as_deref())?;
    Ok(0)
}

/// The result of a SQL statement: its rows (primary), the planner's notes, and a note when the
/// default LIMIT cut rows.
fn sql_report(plan: SqlPlan, zone: &Zone) -> Result<Report> {
    let mut frame = plan.frame;
    if let Some(limit) = plan.default_limit {
        frame = frame.limit((limit + 1) as IdxSize);
    }
    let mut df = frame.collect()?;
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
/// notes, in `format` (a format of rows only, csv or ndjson, shows them as the table does).
fn explain(compiled: &Compiled, format: OutputFormat) -> Result<()> {
    let format = match format {
        OutputFormat::Csv | OutputFormat::Ndjson | OutputFormat::Parquet => OutputFormat::Table,
        other => other,
    };
    let plan = match &compiled.sql {
        Some(p) => p.frame.describe_optimized_plan()?,
        None => compiled.matched.describe_optimized_plan()?,
    };
    let notes = compiled.sql.as_ref().map_or(&[][..], |p| &p.notes[..]);
    let report = render::query::explain_report(&compiled.search.explain(), &plan, notes);
    output::emit(&report, format, None)
}

/// Raw logs: the newest `limit` matching events, and how many matched in total. One scan reads
/// only the columns the output shows (`json`: the stored event texts); the total is the number
/// of rows it returned.
fn raw_logs(matched: LazyFrame, limit: usize, json: bool, zone: &Zone) -> Result<Report> {
    let all = matched
        .select(raw_log_columns(json))
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let total = all.height();
    let order = newest_first_rows(&all, limit)?;
    let shown = order.len();
    let newest = all.take(&IdxCa::from_vec("row".into(), order))?;
    drop(all);
    let mut report = Report::new("query", *zone);
    report.meta("matched", total);
    if json {
        report.push(Events {
            name: "events".into(),
            caption: None,
            frame: newest,
            layout: EventLayout::Compact,
            primary: true,
        });
    } else {
        let (headers, rows) = raw_log_rows(&newest, zone)?;
        let columns = headers
            .into_iter()
            .map(|name| TextColumn {
                name,
                numeric: false,
            })
            .collect();
        let cells = Cells::Text(TextTable { columns, rows });
        report.push(Table::new("events", cells).primary());
    }
    report.push(Line::status(matched_line(total, shown)));
    Ok(report)
}

/// The positions in `df` of its `limit` newest rows, newest first. Only `__time__` and the row
/// positions are sorted (by polars, so rows of the same second keep polars' order); the wide
/// columns are never copied into sorted order.
fn newest_first_rows(df: &DataFrame, limit: usize) -> Result<Vec<IdxSize>> {
    let positions: Vec<IdxSize> = (0..df.height() as IdxSize).collect();
    let keys = DataFrame::new(
        df.height(),
        vec![
            df.column(TIME)?.clone(),
            Column::new("row".into(), positions),
        ],
    )?;
    let sorted = keys
        .lazy()
        .sort(
            [TIME],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .limit(IdxSize::try_from(limit).unwrap_or(IdxSize::MAX))
        .collect()?;
    Ok(sorted.column("row")?.idx()?.into_no_null_iter().collect())
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

/// Runs `keytrail histogram`.
pub fn run_histogram(args: HistogramArgs) -> Result<i32> {
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
    let compiled = query::compile(statement.search, source.scan(&time.range)?, &ctx)?;
    let h = histogram::compute(
        compiled.matched,
        time.range.from,
        time.range.to,
        interval,
        &time.zone,
    )?;
    let mut report = Report::new("histogram", time.zone);
    report.push(HistogramBlock {
        name: "histogram".into(),
        histogram: h,
        primary: true,
    });
    output::emit(&report, format, args.output.as_deref())?;
    Ok(0)
}
