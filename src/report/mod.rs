//! `keytrail report`: one evidence report of an archive (scope, summary, activity, KMS key
//! inventory, lifecycle timeline, usage per key, detections, baselines, appendix), computed by
//! [`build`] through the existing engines (query, kms, histogram, detect) into one
//! [`model::ReportData`], then laid out as blocks of the shared report model ([`blocks`]) and
//! written by the shared writers (self-contained HTML, Markdown, text), or as JSON (the model
//! serialized). Writers never compute; builders never format.

pub mod activity;
pub mod baselines;
pub mod blocks;
pub mod compare;
pub mod detections;
pub mod frames;
pub mod keys;
pub mod lanes;
pub mod model;
pub mod scope;

use polars::prelude::*;

use crate::detect::{self, BaselineOptions, DetectOptions, Rule, Severity};
use crate::error::Result;
use crate::kms::inventory::KeyRecord;
use crate::kms::run::{self as kms_run, RunOptions};
use crate::kms::{self, KeyRef, LIFECYCLE_EVENTS};
use crate::query::sql::SqlContext;
use crate::time::{TimeRange, Zone};
use model::*;

/// Rows of each "top" table.
pub const TOP_ROWS: usize = 10;
/// Findings shown per rule (the rest are counted: "N of M").
pub const FINDINGS_PER_RULE: usize = 20;
/// Findings in the summary's top list.
pub const TOP_FINDINGS: usize = 5;
/// Keys that get a usage section when `--key` is not given (the busiest).
pub const USAGE_KEYS: usize = 10;
/// Days the coverage strip and the sparklines show at most (the last ones).
pub const MAX_DAYS: usize = 400;

/// The KMS coverage caveat of the header.
pub const CAVEAT: &str = "Cryptographic calls made by your own applications on keys in a KMS \
instance (KMS 3.0) are logged to that instance's SLS log (kms_audit_log), not to ActionTrail: the \
usage figures of this report cover default keys, keys outside instances and server-side \
encryption by Alibaba Cloud services. Add the kms_audit_log export for the rest.";

/// What the command knows about the source (the report never opens a store itself).
#[derive(Debug, Clone, Default)]
pub struct SourceFacts {
    /// The source as given.
    pub source: String,
    /// blake3 of the manifest, hex.
    pub fingerprint: String,
    /// What the fingerprint is the hash of.
    pub fingerprint_of: String,
    /// Source files recorded.
    pub files_ingested: u64,
    /// Source files with rejects or problems.
    pub files_with_rejects: u64,
    /// Records rejected.
    pub records_rejected: u64,
}

/// What to report on.
pub struct ReportOptions {
    /// The title.
    pub title: String,
    /// The command line, shown in the header.
    pub command_line: String,
    /// keytrail's version.
    pub version: String,
    /// When the report was made.
    pub generated_at: i64,
    /// The display zone (also in `ctx`).
    pub zone: Zone,
    /// Its name.
    pub zone_label: String,
    /// The range.
    pub range: TimeRange,
    /// SQL session (zone, now, GeoIP).
    pub ctx: SqlContext,
    /// Keys the KMS sections are narrowed to (ids, ARNs or aliases); empty: all.
    pub keys: Vec<String>,
    /// Baselines, with `--baselines`.
    pub baselines: Option<BaselineOptions>,
    /// The previous period, with `--compare-to`.
    pub compare: Option<TimeRange>,
    /// The rules to run.
    pub rules: Vec<Rule>,
    /// Facts about the source.
    pub facts: SourceFacts,
    /// Events a detect chunk holds at most ([`DetectOptions::chunk_events`]).
    pub chunk_events: u64,
}

/// Scans the source over a range (the command's store).
pub type Scan<'a> = &'a (dyn Fn(&TimeRange) -> Result<LazyFrame> + Sync);

/// The "how each figure was computed" notes, gathered while the sections are built.
#[derive(Debug, Default)]
pub struct Methods(pub Vec<Method>);

impl Methods {
    /// Records how `figure` was computed.
    pub fn add(&mut self, figure: &str, how: &str) {
        self.0.push(Method {
            figure: figure.to_string(),
            how: how.to_string(),
        });
    }
}

/// Builds the whole report.
pub fn build(scan: Scan, opts: &ReportOptions) -> Result<ReportData> {
    let mut methods = Methods::default();
    let store_events = scan(&opts.range)?;
    // The small columns, read once; the kms and detect engines read the store themselves.
    let events = frames::small_frame(&store_events)?;
    let span = scope::span(&events, opts, &mut methods)?;
    let first = opts.range.from.or(span.first).unwrap_or(opts.generated_at);
    let last = opts.range.to.map(|t| t - 1).or(span.last).unwrap_or(first);
    let days = scope::days_between(first, last, &opts.zone, MAX_DAYS);
    let (accounts, regions, coverage) =
        scope::accounts_and_coverage(&events, days.clone(), opts, &mut methods)?;
    let previous = match &opts.compare {
        Some(range) => Some(frames::small_frame(&scan(range)?)?),
        None => None,
    };
    let activity = activity::activity(
        &events,
        previous.as_ref(),
        (span.first, span.last),
        opts,
        &mut methods,
    )?;
    // The detect engine and the KMS sections read the store independently: side by side.
    let mut detect_methods = Methods::default();
    let (kms, findings) = std::thread::scope(|threads| {
        let detect = threads.spawn(|| run_detect(scan, &opts.range, opts, &mut detect_methods));
        let kms = kms_sections(
            (&store_events, &events),
            &days,
            (first, last + 1),
            opts,
            &mut methods,
        );
        let findings = detect
            .join()
            .unwrap_or_else(|_| Err(crate::Error::Other("the detect thread panicked".into())));
        (kms, findings)
    });
    let (kms, findings) = (kms?, findings?);
    methods.0.extend(detect_methods.0);
    let mut groups = detections::groups(&findings, &opts.rules);
    let ids = detections::evidence_ids(&groups);
    let evidence = detections::evidence_frame(store_events, &ids)?;
    let appendix_events = detections::attach_evidence(&mut groups, &evidence)?;
    methods.add("Evidence events", "the stored events whose eventId (or dedup key) is a finding's sample id, as `keytrail event` finds them");
    let (alarms, top_findings) = detections::alarms_and_top(&groups);
    let previous_events = match &previous {
        Some(p) => Some(scope::span(p, opts, &mut Methods::default())?.events),
        None => None,
    };
    let header = header(opts, &span, accounts, regions, coverage);
    let judged = (
        opts.range.from.or(span.first).unwrap_or(first),
        opts.range
            .to
            .or(span.last.map(|t| t + 1))
            .unwrap_or(last + 1),
    );
    let (baselines, baseline_series) = match opts.baselines {
        Some(_) => {
            let set = baselines::series(scan, &findings, judged, opts, &mut methods)?;
            let mut rows = detections::baseline_rows(&findings);
            baselines::link_rows(&mut rows, &set);
            (Some(rows), Some(set))
        }
        None => (None, None),
    };
    let previous = match &opts.compare {
        Some(range) => Some(compare::previous(scan, range, opts, &mut methods)?),
        None => None,
    };
    let mut summary = Summary {
        severities: detections::severity_counts(&findings),
        alarms,
        used_after_deletion: kms.used_after_deletion,
        top_findings,
        previous_events,
        previous_severities: None,
        alarm_counts: compare::alarm_counts(&findings, previous.as_ref()),
    };
    let (mut keys, mut usage) = (kms.keys, kms.usage);
    if let Some(p) = &previous {
        compare::fill(&mut summary, &mut keys, &mut usage, p);
    }
    let geoip = opts
        .ctx
        .geoip
        .iter()
        .flat_map(|g| &g.databases)
        .map(|d| d.provenance.line())
        .collect();
    Ok(ReportData {
        schema: SCHEMA,
        header,
        summary,
        activity,
        keys,
        lifecycle: kms.lanes,
        usage,
        detections: groups,
        baselines,
        baseline_series,
        appendix: Appendix {
            events: appendix_events,
            rules: detections::rule_infos(&opts.rules),
            method: methods.0,
            geoip,
        },
    })
}

/// Section 0 from the span, the accounts, regions and coverage, and the command's facts.
fn header(
    opts: &ReportOptions,
    span: &scope::Span,
    accounts: Vec<Count>,
    regions: Vec<Count>,
    coverage: Coverage,
) -> Header {
    Header {
        title: opts.title.clone(),
        command_line: opts.command_line.clone(),
        version: opts.version.clone(),
        generated_at: opts.generated_at,
        zone: opts.zone_label.clone(),
        source: opts.facts.source.clone(),
        store_fingerprint: opts.facts.fingerprint.clone(),
        fingerprint_of: opts.facts.fingerprint_of.clone(),
        from: opts.range.from,
        to: opts.range.to,
        first_event: span.first,
        last_event: span.last,
        events: span.events,
        accounts,
        regions,
        files_ingested: opts.facts.files_ingested,
        files_with_rejects: opts.facts.files_with_rejects,
        records_rejected: opts.facts.records_rejected,
        coverage,
        caveat: CAVEAT.to_string(),
        compare_to: opts
            .compare
            .as_ref()
            .map(|r| (r.from.unwrap_or(0), r.to.unwrap_or(0))),
        key_filter: opts.keys.clone(),
    }
}

/// The KMS sections' results.
struct KmsSections {
    keys: Vec<KeyRow>,
    lanes: Vec<Lane>,
    usage: Vec<KeyUsage>,
    used_after_deletion: Vec<UsedAfterDeletion>,
}

fn kms_sections(
    (store_events, events): (&LazyFrame, &LazyFrame),
    days: &[String],
    (start, end): (i64, i64),
    opts: &ReportOptions,
    methods: &mut Methods,
) -> Result<KmsSections> {
    let run_opts = RunOptions {
        ctx: opts.ctx,
        range: opts.range,
        interval: crate::histogram::Interval::Auto,
    };
    let inventory = kms_run::keys(store_events.clone(), &run_opts)?;
    for s in &inventory.statements {
        methods.add("Key inventory (as `kms keys`)", s);
    }
    let history = kms_run::alias_history(store_events.clone(), &run_opts)?;
    let wanted = wanted_keys(store_events, opts, &run_opts)?;
    let records: Vec<_> = inventory
        .keys
        .into_iter()
        .filter(|k| !k.key_id.is_empty() || wanted.is_none())
        .filter(|k| wanted.as_ref().is_none_or(|w| w.contains(&k.key_id)))
        .collect();
    let calls = keys::mapped_calls(events, &history, opts, methods)?;
    let plain = kms::aliases::AliasHistory::default();
    let per_key = keys::per_key(&calls, &plain, opts, methods)?;
    let key_rows = keys::key_rows(&records, &per_key, days, Some(start));
    let lifecycle = kms_run::lifecycle(store_events.clone(), LIFECYCLE_EVENTS, true, &run_opts)?;
    methods.add(
        "Lifecycle timeline (as `kms lifecycle --raw`)",
        &lifecycle.statement,
    );
    let changes = lanes::changes_by_key(&lifecycle.raw.unwrap_or_default())?;
    let lanes: Vec<Lane> = records
        .iter()
        .filter(|r| !r.key_id.is_empty())
        .map(|r| {
            lanes::lane(
                &r.key_id,
                changes.get(&r.key_id).map_or(&[][..], |c| c),
                start,
                end,
            )
        })
        .collect();
    let used_after_deletion = match keys::after_deletion_statement(&lanes, &plain) {
        Some(s) => {
            methods.add("Keys used after deletion was scheduled", &s);
            let df = frames::run_all(&[s], &calls, &opts.ctx)?.remove(0);
            keys::used_after_deletion(&df, &lanes)?
        }
        None => Vec::new(),
    };
    let mut busiest: Vec<&KeyRecord> = records.iter().filter(|r| !r.key_id.is_empty()).collect();
    busiest.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.key_id.cmp(&b.key_id)));
    let usage_keys: Vec<String> = busiest
        .iter()
        .take(USAGE_KEYS)
        .map(|r| r.key_id.clone())
        .collect();
    Ok(KmsSections {
        keys: key_rows,
        lanes,
        usage: keys::usage(&usage_keys, &per_key)?,
        used_after_deletion,
    })
}

/// The key ids `--key` names (aliases resolved through the archive), or None for all.
fn wanted_keys(
    events: &LazyFrame,
    opts: &ReportOptions,
    run_opts: &RunOptions,
) -> Result<Option<Vec<String>>> {
    if opts.keys.is_empty() {
        return Ok(None);
    }
    let mut ids = Vec::new();
    for k in &opts.keys {
        KeyRef::parse(k).map_err(crate::Error::Usage)?;
        ids.extend(kms_run::resolve_key(events.clone(), k, run_opts)?.0);
    }
    Ok(Some(ids))
}

/// The detect engine over `events` (the source over `range`), as `keytrail detect`.
fn run_detect(
    scan: Scan,
    range: &TimeRange,
    opts: &ReportOptions,
    methods: &mut Methods,
) -> Result<Vec<detect::Finding>> {
    let detect_opts = DetectOptions {
        ctx: opts.ctx,
        min_severity: Severity::Info,
        baselines: opts.baselines.clone(),
        from: range.from,
        to: range.to,
        chunk_events: opts.chunk_events,
    };
    methods.add(
        "Detections",
        &format!(
            "detect engine: {} rules (as `keytrail detect`{})",
            opts.rules.len(),
            if opts.baselines.is_some() {
                " --baselines"
            } else {
                ""
            }
        ),
    );
    detect::detect_in(scan, range, &opts.rules, &detect_opts)
}
