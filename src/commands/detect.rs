//! `keytrail detect`: load rules, open the source, run rules and baselines, render findings.

use keytrail::detect::{self, BaselineOptions, DetectOptions, Severity};
use keytrail::query::sql::SqlContext;
use keytrail::render::model::{Note, NoteKind};
use keytrail::render::{self, output, OutputFormat};
use keytrail::time::TimeRange;
use keytrail::{Error, Result};

use super::geoip::open_geoip;
use super::query::{check_output, resolve_time};
use super::rules::load;
use super::source::Source;
use crate::cli::DetectArgs;

/// Runs `keytrail detect`; exit status 1 when anything was found.
pub fn run(args: DetectArgs) -> Result<i32> {
    let _guard = super::query::guard_memory(&args.limits, "detect");
    let format = OutputFormat::parse(&args.format).map_err(Error::Usage)?;
    check_output(args.output.as_deref())?;
    let min_severity = Severity::parse(&args.min_severity)
        .map_err(|e| Error::Usage(format!("--min-severity: {e}")))?;
    if args.baseline_days == 0 {
        return Err(Error::Usage("--baseline-days must be at least 1".into()));
    }
    let rules = load(&args.rules, !args.no_builtin)?;
    let time = resolve_time(&args.time)?;
    let source = Source::open(&args.source, &args.damage)?;
    let baselines = args.baselines.then(|| BaselineOptions {
        history_days: i64::from(args.baseline_days),
        ..BaselineOptions::default()
    });
    let opts = DetectOptions {
        ctx: SqlContext {
            zone: time.zone,
            now: time.now,
            geoip: open_geoip(&args.geoip)?,
        },
        min_severity,
        baselines,
        from: time.range.from,
        to: time.range.to,
        chunk_events: args.chunk_events,
    };
    let scan = |range: &TimeRange| source.scan(range);
    let days = detect::chunked::rows_per_day(&source.store);
    let findings = detect::detect_in(&scan, days.as_deref(), &time.range, &rules, &opts)?;
    let found = !findings.is_empty();
    let mut report = render::detect::findings_report(findings, &time.zone);
    report.notes(NoteKind::Planner, &detect::planner_notes(&rules, &opts)?);
    for db in opts.ctx.geoip.iter().flat_map(|g| &g.databases) {
        report.note(Note::new(NoteKind::Provenance, db.provenance.line()));
    }
    output::emit(&report, format, args.output.as_deref())?;
    Ok(if found { 1 } else { 0 })
}
