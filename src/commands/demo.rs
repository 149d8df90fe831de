//! `keytrail demo`: builds the sample archive, ingests it, and walks through what a responder
//! asks first: what the store holds, the seed's scenario 1 (key lifecycle), scenario 2 (usage of
//! the busiest key), the key inventory and a histogram of KMS activity.

use std::io::{self, Write};
use std::path::Path;

use keytrail::histogram::Interval;
use keytrail::ingest::{self, IngestOptions};
use keytrail::kms::run::{self, RunOptions};
use keytrail::kms::{kms_events_search, UsageBy, SEED_LIFECYCLE_EVENTS};
use keytrail::query::sql::SqlContext;
use keytrail::render::model::{Cells, HistogramBlock, Report, Table};
use keytrail::render::{self, OutputFormat};
use keytrail::sample::{self, SampleOptions};
use keytrail::store::Store;
use keytrail::time::{TimeRange, Zone};
use keytrail::{histogram, query, Error, Result};

use super::io_err;
use crate::cli::DemoArgs;

/// The demo archive: a month of activity, small enough to build in a second.
const DEMO_EVENTS: u64 = 20_000;

/// Runs `keytrail demo`.
pub fn run(args: DemoArgs) -> Result<i32> {
    let temp;
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::Builder::new()
                .prefix("keytrail-demo-")
                .tempdir()
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            temp.path().to_path_buf()
        }
    };
    let mut out = io::stdout().lock();
    let store = build_store(&dir, &mut out)?;
    let opts = RunOptions {
        ctx: SqlContext {
            zone: Zone::default(),
            now: keytrail::time::now(),
            geoip: None,
        },
        range: TimeRange::default(),
        interval: Interval::Seconds(86_400),
    };
    let target = render::Target::stdout();
    scenario_one(&store, &opts, target, &mut out)?;
    let inventory = run::keys(store.scan(&opts.range)?, &opts)?;
    if let Some(busiest) = inventory
        .keys
        .iter()
        .max_by_key(|k| (k.calls, std::cmp::Reverse(k.key_id.clone())))
    {
        heading(
            &mut out,
            &format!("Scenario 2: usage of the busiest key, {}", busiest.key_id),
        )?;
        let report = run::usage(
            store.scan(&opts.range)?,
            &busiest.key_id,
            UsageBy::EventAndIp,
            &opts,
        )?;
        writeln!(
            out,
            "$ keytrail kms usage {} {}",
            store.root().display(),
            busiest.key_id
        )
        .map_err(io_err)?;
        show(
            &render::kms::usage(&report, &opts.ctx.zone),
            target,
            &mut out,
        )?;
    }
    heading(&mut out, "Key inventory")?;
    writeln!(out, "$ keytrail kms keys {}", store.root().display()).map_err(io_err)?;
    show(
        &render::kms::inventory(&inventory, &opts.ctx.zone),
        target,
        &mut out,
    )?;
    heading(&mut out, "KMS activity per day")?;
    let search = "event.serviceName:Kms";
    writeln!(
        out,
        "$ keytrail histogram {} '{search}' --interval 1d",
        store.root().display()
    )
    .map_err(io_err)?;
    let compiled = query::compile(search, store.scan(&opts.range)?, &opts.ctx)?;
    let h = histogram::compute(
        compiled.matched,
        None,
        None,
        Interval::Seconds(86_400),
        &opts.ctx.zone,
    )?;
    let mut report = Report::new("histogram", opts.ctx.zone);
    report.push(HistogramBlock {
        name: "histogram".into(),
        histogram: h,
        primary: true,
    });
    show(&report, target, &mut out)?;
    heading(&mut out, "The evidence report")?;
    let report_path = match &args.dir {
        Some(dir) => dir.join("report.html"),
        None => std::env::temp_dir().join("keytrail-demo-report.html"),
    };
    writeln!(
        out,
        "$ keytrail report {} --baselines --out {}",
        store.root().display(),
        report_path.display()
    )
    .map_err(io_err)?;
    let size = super::report::write_store_report(&store, &report_path)?;
    writeln!(
        out,
        "wrote {} ({size} bytes): open it in a browser",
        report_path.display()
    )
    .map_err(io_err)?;
    if args.dir.is_none() {
        writeln!(
            out,
            "\n(the demo's archive and store were temporary; pass --dir DIR to keep them)"
        )
        .map_err(io_err)?;
    }
    Ok(0)
}

/// Writes the sample archive under `dir/archive` and ingests it into `dir/store`.
fn build_store(dir: &Path, out: &mut dyn Write) -> Result<Store> {
    let archive = dir.join("archive");
    let store_dir = dir.join("store");
    heading(out, "The sample archive")?;
    if !archive.exists() {
        let opts = SampleOptions {
            events: DEMO_EVENTS,
            incidents: true,
            ..SampleOptions::default()
        };
        let written = sample::write_sample(&archive, &opts)?;
        writeln!(
            out,
            "$ keytrail sample --out {} --events {DEMO_EVENTS} --incidents",
            archive.display()
        )
        .map_err(io_err)?;
        writeln!(
            out,
            "wrote {} events in {} OSS-layout .gz files",
            written.events, written.files
        )
        .map_err(io_err)?;
    }
    writeln!(
        out,
        "$ keytrail ingest {} --store {}",
        archive.display(),
        store_dir.display()
    )
    .map_err(io_err)?;
    let summary = ingest::ingest(&[archive], &store_dir, &IngestOptions::default(), &|_| {})?;
    render::ingest::render_ingest_summary(&summary, out).map_err(io_err)?;
    let store = Store::open(&store_dir)?;
    let partitions = store.partitions()?;
    writeln!(
        out,
        "the store holds {} events in {} daily partitions ({} .. {})",
        store.event_count()?,
        partitions.len(),
        partitions.first().map(String::as_str).unwrap_or("-"),
        partitions.last().map(String::as_str).unwrap_or("-"),
    )
    .map_err(io_err)?;
    Ok(store)
}

/// The seed's scenario 1, exactly as the seed writes it.
fn scenario_one(
    store: &Store,
    opts: &RunOptions,
    target: render::Target,
    out: &mut dyn Write,
) -> Result<()> {
    heading(
        out,
        "Scenario 1: KMS keys created, scheduled for deletion, enabled, disabled",
    )?;
    let statement = format!(
        "{} | SELECT date_format(__time__, '%Y-%m-%d %H:%i:%s') as time,\"event.eventName\" as eventName,\
         \"event.userIdentity.userName\" as user,\"event.resourceName\" as keyId",
        kms_events_search(SEED_LIFECYCLE_EVENTS)
    );
    writeln!(
        out,
        "$ keytrail query {} '{statement}'",
        store.root().display()
    )
    .map_err(io_err)?;
    let compiled = query::compile(&statement, store.scan(&opts.range)?, &opts.ctx)?;
    let plan = compiled
        .sql
        .ok_or_else(|| Error::Other("scenario 1 has no SQL part".into()))?;
    let df = plan.frame.limit(20).collect()?;
    let mut report = Report::new("query", opts.ctx.zone);
    report.push(Table::new("rows", Cells::Frame(df)).when_empty("(no rows)"));
    show(&report, target, out)?;
    writeln!(out, "(first 20 rows; `keytrail kms lifecycle` shows every lifecycle event with who, where and the result)").map_err(io_err)
}

/// Writes a report as `--format table` does (its notes on stderr first).
fn show(report: &Report, target: render::Target, out: &mut dyn Write) -> Result<()> {
    render::stderr::notes(report);
    OutputFormat::Table
        .writer(target)
        .write(report, out)
        .map_err(io_err)
}

fn heading(out: &mut dyn Write, title: &str) -> Result<()> {
    writeln!(out, "\n== {title} ==").map_err(io_err)
}
