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
pub mod pass;
pub mod scope;

use std::collections::BTreeMap;

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

/// The source's events over a range as consecutive groups of partitions, in the order a scan
/// of the range reads them; at least one group (an empty scan when the range holds no part
/// file).
pub type Groups<'a> = &'a (dyn Fn(&TimeRange) -> Result<Vec<LazyFrame>> + Sync);

/// Part-file bytes per group of partitions the report reads at once (its small columns take
/// about as much memory again).
pub const GROUP_BYTES: u64 = 96 << 20;

/// How the report reads the source: whole ranges (for the span, the detect engine and the
/// KMS engine's selective scans) and groups of partitions (for everything else).
#[derive(Clone, Copy)]
pub struct Read<'a> {
    /// The events of a range.
    pub scan: Scan<'a>,
    /// The same events, group by group.
    pub groups: Groups<'a>,
    /// The events of each UTC day the manifest records ([`detect::chunked::rows_per_day`]),
    /// which plan the detect engine's chunks without a counting pass; `None` to count.
    pub days: Option<&'a [(i64, u64)]>,
}

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

/// Builds the whole report. Every section reads the source in memory bounded by a group of
/// partitions or a detect chunk: the span streams, the report's own statements and the key
/// inventory share one read group by group ([`pass::Pass`]), the detect engine reads its
/// chunks, and the evidence and baseline series read the groups again for their few events.
pub fn build(read: Read, opts: &ReportOptions) -> Result<ReportData> {
    let mut methods = Methods::default();
    let store_events = (read.scan)(&opts.range)?;
    let span = scope::span(&store_events, opts, &mut methods)?;
    let first = opts.range.from.or(span.first).unwrap_or(opts.generated_at);
    let last = opts.range.to.map(|t| t - 1).or(span.last).unwrap_or(first);
    let days = scope::days_between(first, last, &opts.zone, MAX_DAYS);
    let mut detect_methods = Methods::default();
    let findings = run_detect(read, &opts.range, opts, &mut detect_methods)?;
    let mut groups = detections::groups(&findings, &opts.rules);
    let ids = detections::evidence_ids(&groups);
    let bounds = (first, last + 1);
    let read_once = sections(
        read,
        &store_events,
        (&span, &days, bounds),
        &ids,
        opts,
        &mut methods,
    )?;
    methods.0.extend(detect_methods.0);
    let (mut activity, kms) = (read_once.activity, read_once.kms);
    let evidence =
        detections::evidence_frame(&read_once.evidence_days, read.scan, &opts.range, &ids)?;
    let appendix_events = detections::attach_evidence(&mut groups, &evidence)?;
    methods.add("Evidence events", "the stored events whose eventId (or dedup key) is a finding's sample id, as `keytrail event` finds them");
    let (alarms, top_findings) = detections::alarms_and_top(&groups);
    let header = header(
        opts,
        &span,
        read_once.accounts,
        read_once.regions,
        read_once.coverage,
    );
    let judged = (
        opts.range.from.or(span.first).unwrap_or(first),
        opts.range
            .to
            .or(span.last.map(|t| t + 1))
            .unwrap_or(last + 1),
    );
    let (baselines, baseline_series) = match opts.baselines {
        Some(_) => {
            let set = baselines::series(read.groups, &findings, judged, opts, &mut methods)?;
            let mut rows = detections::baseline_rows(&findings);
            baselines::link_rows(&mut rows, &set);
            (Some(rows), Some(set))
        }
        None => (None, None),
    };
    let previous = match &opts.compare {
        Some(range) => Some(compare::previous(read, range, opts, &mut methods)?),
        None => None,
    };
    if let Some(p) = &previous {
        activity::fill_previous_tops(&mut activity, &p.tops)?;
    }
    let mut summary = Summary {
        severities: detections::severity_counts(&findings),
        alarms,
        used_after_deletion: kms.used_after_deletion,
        top_findings,
        previous_events: previous.as_ref().map(|p| p.events),
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

/// The sections computed by the one read of the events ([`pass::Pass`]).
struct ReadOnce {
    accounts: Vec<Count>,
    regions: Vec<Count>,
    coverage: Coverage,
    activity: Activity,
    kms: KmsSections,
    /// The UTC days holding evidence events.
    evidence_days: std::collections::BTreeSet<i64>,
}

/// What the KMS sections know before the read: the alias history, the lifecycle statement,
/// the lane of every key with lifecycle events (a superset of the inventory's keys), the keys
/// `--key` asks for, and the lanes' time span.
struct KmsSetup {
    history: kms::aliases::AliasHistory,
    lifecycle_statement: String,
    lanes: BTreeMap<String, Lane>,
    wanted: Option<Vec<String>>,
    span: (i64, i64),
}

fn kms_setup(
    store_events: &LazyFrame,
    (start, end): (i64, i64),
    opts: &ReportOptions,
    run_opts: &RunOptions,
) -> Result<KmsSetup> {
    let changes = change_events(store_events, opts)?;
    let history = kms_run::alias_history(changes.clone(), run_opts)?;
    let lifecycle = kms_run::lifecycle(changes.clone(), LIFECYCLE_EVENTS, true, run_opts)?;
    let by_key = lanes::changes_by_key(&lifecycle.raw.unwrap_or_default())?;
    let lanes = by_key
        .iter()
        .map(|(key, changes)| (key.clone(), lanes::lane(key, changes, start, end)))
        .collect();
    Ok(KmsSetup {
        history,
        lifecycle_statement: lifecycle.statement,
        lanes,
        wanted: wanted_keys(&changes, opts, run_opts)?,
        span: (start, end),
    })
}

/// The alias and lifecycle events (the rows the alias and lifecycle statements select, and
/// maybe more), every column, read in one streaming pass and held in memory: few events, on
/// which the kms engine's alias history and lifecycle then run instead of scanning the store
/// again each.
fn change_events(store_events: &LazyFrame, opts: &ReportOptions) -> Result<LazyFrame> {
    let mut names: Vec<&str> = [kms::aliases::ALIAS_EVENTS, LIFECYCLE_EVENTS].concat();
    names.sort_unstable();
    names.dedup();
    let search = kms::kms_events_search(&names);
    let matched = crate::query::compile(&search, store_events.clone(), &opts.ctx)?.matched;
    let schema = matched.clone().collect_schema()?;
    let columns: Vec<Expr> = schema
        .iter()
        .map(|(name, dtype)| match dtype {
            DataType::String => crate::query::compacted(col(name.clone())),
            _ => col(name.clone()),
        })
        .collect();
    Ok(matched
        .select(columns)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single()
        .lazy())
}

/// Scope, activity and the KMS sections, from one read of the events group by group.
fn sections(
    read: Read,
    store_events: &LazyFrame,
    (span, days, lanes_span): (&scope::Span, &[String], (i64, i64)),
    evidence_ids: &std::collections::BTreeSet<String>,
    opts: &ReportOptions,
    methods: &mut Methods,
) -> Result<ReadOnce> {
    let mut statements = scope::statements(methods);
    let series = activity::SeriesCounts::new((span.first, span.last), opts, methods)?;
    statements.extend(activity::statements(methods));
    let run_opts = RunOptions {
        ctx: opts.ctx,
        range: opts.range,
        interval: crate::histogram::Interval::Auto,
    };
    let setup = kms_setup(store_events, lanes_span, opts, &run_opts)?;
    let mut key_methods = Methods::default();
    let mut calls = keys::per_key_statements(opts.ctx.geoip.is_some(), &mut key_methods);
    let all_lanes: Vec<Lane> = setup.lanes.values().cloned().collect();
    let plain = kms::aliases::AliasHistory::default();
    if let Some(s) = keys::after_deletion_statement(&all_lanes, &plain) {
        calls.push(frames::Merged::new(s, keys::after_deletion_merge()));
    }
    let mapped = keys::mapped_statement(&setup.history);
    let calls = Some((mapped.clone(), calls));
    let mut pass = pass::Pass::new(&opts.ctx, statements, Some(series), calls);
    pass.evidence = Some((
        detections::evidence_filter(evidence_ids),
        Default::default(),
    ));
    let groups = (read.groups)(&opts.range)?.into_iter().map(|g| pass.add(g));
    let inventory = kms_run::keys_in(store_events.clone(), groups, &run_opts)?;
    for s in &inventory.statements {
        methods.add("Key inventory (as `kms keys`)", s);
    }
    methods.add(
        "KMS calls by key (the frame the per-key statements below run on)",
        &mapped,
    );
    methods.0.extend(key_methods.0);
    let evidence_days = pass.evidence.take().map(|e| e.1).unwrap_or_default();
    let (mut events, series, calls) = pass.finish()?;
    let tops = events.split_off(3);
    let (accounts, regions, coverage) = scope::accounts_and_coverage(events, days.to_vec())?;
    Ok(ReadOnce {
        accounts,
        regions,
        coverage,
        activity: activity::activity(series, &tops)?,
        kms: kms_sections(inventory, calls, &setup, days, methods)?,
        evidence_days,
    })
}

/// The KMS sections from the inventory and the per-key results (with, when a key was
/// scheduled for deletion, the calls inside the deletion windows last).
fn kms_sections(
    inventory: kms_run::InventoryReport,
    mut calls: Vec<DataFrame>,
    setup: &KmsSetup,
    days: &[String],
    methods: &mut Methods,
) -> Result<KmsSections> {
    let (start, end) = setup.span;
    let wanted = &setup.wanted;
    let records: Vec<_> = inventory
        .keys
        .into_iter()
        .filter(|k| !k.key_id.is_empty() || wanted.is_none())
        .filter(|k| wanted.as_ref().is_none_or(|w| w.contains(&k.key_id)))
        .collect();
    let after_deletion = calls.get(keys::STATEMENTS).cloned();
    calls.truncate(keys::STATEMENTS);
    let per_key = keys::per_key(calls)?;
    let key_rows = keys::key_rows(&records, &per_key, days, Some(start));
    methods.add(
        "Lifecycle timeline (as `kms lifecycle --raw`)",
        &setup.lifecycle_statement,
    );
    let lanes: Vec<Lane> = records
        .iter()
        .filter(|r| !r.key_id.is_empty())
        .map(|r| match setup.lanes.get(&r.key_id) {
            Some(lane) => lane.clone(),
            None => lanes::lane(&r.key_id, &[], start, end),
        })
        .collect();
    let plain = kms::aliases::AliasHistory::default();
    let used_after_deletion = match (
        keys::after_deletion_statement(&lanes, &plain),
        after_deletion,
    ) {
        (Some(s), Some(df)) => {
            methods.add("Keys used after deletion was scheduled", &s);
            keys::used_after_deletion(&df, &lanes)?
        }
        _ => Vec::new(),
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
    read: Read,
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
    detect::detect_in(read.scan, read.days, range, &opts.rules, &detect_opts)
}
