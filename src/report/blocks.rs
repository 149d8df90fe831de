//! The report's sections as blocks of the shared report model (`render::model`): every
//! section a [`Section`] of fields, tables and charts (numbers only; the writers draw them),
//! with evidence links between them, so that the shared writers (`html`, `md`, `table`) lay the
//! report out: [`render`] is the one path from [`ReportData`] to a document. Block names are
//! unique in the report: they are the html ids the links and the navigation point to.

use std::collections::BTreeSet;

use serde_json::Value;

use super::model::*;
use crate::error::{Error, Result};
use crate::render::chart::{self, Chart, Figure, Series};
use crate::render::model::{
    Block, Cells, Code, Counts, Fields, Line, Link, Report, Section, Table, TextTable,
};
use crate::render::{OutputFormat, Target};
use crate::time::Zone;

const TIME: &str = "%Y-%m-%d %H:%M:%S";

/// The report written into a string by the shared writer of `format` (`html`, `md`), as to a
/// file.
pub fn render(r: &ReportData, zone: Zone, format: OutputFormat) -> Result<String> {
    let mut out = Vec::new();
    format
        .writer(Target::file())
        .write(&report(r, zone), &mut out)
        .map_err(|e| Error::Other(format!("writing the report: {e}")))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// What the section builders share: times in the zone, the appendix's anchors.
struct View<'a> {
    r: &'a ReportData,
    zone: Zone,
    /// The anchors of the evidence events in the appendix (links go only where one is).
    anchors: BTreeSet<&'a str>,
}

impl View<'_> {
    fn t(&self, v: i64) -> String {
        self.zone.format(v, TIME)
    }

    fn ot(&self, v: Option<i64>) -> String {
        v.map(|v| self.t(v)).unwrap_or_default()
    }

    fn compare(&self) -> bool {
        self.r.header.compare_to.is_some()
    }
}

/// The whole report as one model of sections 0 to 8 (7 only with baselines).
pub fn report(r: &ReportData, zone: Zone) -> Report {
    let view = View {
        r,
        zone,
        anchors: r
            .appendix
            .events
            .iter()
            .map(|e| e.anchor.as_str())
            .collect(),
    };
    let mut report = Report::new("report", zone);
    report.title = Some(r.header.title.clone());
    report
        .meta("keytrail", r.header.version.as_str())
        .meta(
            "generated",
            format!("{} ({})", view.t(r.header.generated_at), r.header.zone),
        )
        .meta("events", r.header.events);
    report.push(scope(&view));
    report.push(summary(&view));
    report.push(activity(&view));
    report.push(keys(&view));
    report.push(lifecycle(&view));
    report.push(usage(&view));
    report.push(detections(&view));
    if let Some(rows) = &r.baselines {
        report.push(baselines(&view, rows));
    }
    report.push(appendix(&view));
    report.line(format!(
        "keytrail {} · store {} · generated {} · this file loads nothing from any network",
        r.header.version,
        r.header.store_fingerprint,
        view.t(r.header.generated_at)
    ));
    report
}

fn section(name: &str, title: &str, blocks: Vec<Block>) -> Block {
    Section {
        name: name.to_string(),
        title: title.to_string(),
        blocks,
    }
    .into()
}

/// A text table named `name` with `caption`, of `rows`; columns in `numeric` hold numbers.
fn table(
    name: &str,
    caption: &str,
    heads: &[&str],
    numeric: &[&str],
    rows: Vec<Vec<String>>,
) -> Table {
    let mut cells = TextTable::new(heads, numeric);
    cells.rows = rows;
    let mut table = Table::new(name, Cells::Text(cells)).when_empty("None.");
    table.caption = Some(caption.to_string());
    table
}

/// `table` with "top N of M" counts.
fn counted(table: Table, shown: usize, total: u64) -> Table {
    Table {
        counts: Some(Counts {
            shown,
            total: total as usize,
        }),
        ..table
    }
}

fn link(row: usize, column: usize, target: &str) -> Link {
    Link {
        row,
        column,
        target: target.to_string(),
    }
}

fn chart(name: &str, title: &str, figure: Figure) -> Block {
    Block::Chart(Chart {
        name: name.to_string(),
        title: title.to_string(),
        figure,
    })
}

fn counts_text(list: &[Count]) -> String {
    list.iter()
        .map(|c| format!("{} ({})", none(&c.value), c.events))
        .collect::<Vec<_>>()
        .join(", ")
}

fn none(value: &str) -> &str {
    if value.is_empty() {
        "(none)"
    } else {
        value
    }
}

fn scope_facts(v: &View) -> Vec<(String, Value)> {
    let h = &v.r.header;
    let open = |t: Option<i64>| t.map(|t| v.t(t)).unwrap_or_else(|| "(open)".into());
    let mut pairs: Vec<(String, Value)> = vec![
        ("command".into(), h.command_line.as_str().into()),
        ("keytrail".into(), h.version.as_str().into()),
        ("source".into(), h.source.as_str().into()),
        (
            "store fingerprint".into(),
            format!("{} (blake3 of {})", h.store_fingerprint, h.fingerprint_of).into(),
        ),
        (
            "range".into(),
            format!("{} .. {} ({})", open(h.from), open(h.to), h.zone).into(),
        ),
        (
            "events".into(),
            format!(
                "{} from {} to {}",
                h.events,
                v.ot(h.first_event),
                v.ot(h.last_event)
            )
            .into(),
        ),
        (
            "files".into(),
            format!(
                "{} ingested, {} with rejected records or problems, {} records rejected",
                h.files_ingested, h.files_with_rejects, h.records_rejected
            )
            .into(),
        ),
        ("accounts".into(), counts_text(&h.accounts).into()),
        ("regions".into(), counts_text(&h.regions).into()),
    ];
    if let Some((from, to)) = h.compare_to {
        let events = v.r.summary.previous_events.unwrap_or(0);
        let text = format!("{} .. {} ({events} events)", v.t(from), v.t(to));
        pairs.push(("compared with".into(), text.into()));
    }
    if !h.key_filter.is_empty() {
        pairs.push(("keys".into(), h.key_filter.join(", ").into()));
    }
    pairs
}

fn scope(v: &View) -> Block {
    let h = &v.r.header;
    let c = &h.coverage;
    let coverage = Figure::Heatmap {
        rows: c.regions.iter().map(|r| none(r).to_string()).collect(),
        columns: c.days.clone(),
        cells: c.cells.clone(),
    };
    let empty = match c.empty_days.is_empty() {
        true => String::new(),
        false => format!(" ({})", c.empty_days.join(", ")),
    };
    let caveat = vec![("KMS coverage caveat".to_string(), h.caveat.as_str().into())];
    section(
        "s0-scope",
        "0 · Header and scope",
        vec![
            Fields::new("scope-facts", scope_facts(v)).into(),
            Line::text(format!(
                "Coverage: {} days × {} regions; {} days without any event{empty}; {} region-days without events while other regions delivered.",
                c.days.len(),
                c.regions.len(),
                c.empty_days.len(),
                c.gaps
            ))
            .into(),
            chart("coverage", "Events delivered per day and region (a pale red cell: no event)", coverage),
            Fields::new("kms-caveat", caveat).into(),
        ],
    )
}

/// Rows of finding pointers (time, severity, title, entity), each title linking to its finding.
fn finding_table(name: &str, caption: &str, list: &[FindingRef], v: &View) -> Table {
    let rows = list
        .iter()
        .map(|a| {
            let entity = a.entity.clone();
            vec![v.t(a.start), a.severity.clone(), a.title.clone(), entity]
        })
        .collect();
    let heads = ["time", "severity", "finding", "entity"];
    let mut table = table(name, caption, &heads, &[], rows);
    table.links = list
        .iter()
        .enumerate()
        .map(|(i, a)| link(i, 2, &a.anchor))
        .collect();
    table
}

fn cards(v: &View) -> Block {
    let s = &v.r.summary;
    let previous = |i: usize| {
        s.previous_severities
            .as_ref()
            .and_then(|p| p.get(i))
            .map(|p| p.1)
    };
    let mut cards: Vec<chart::Card> = s
        .severities
        .iter()
        .enumerate()
        .map(|(i, (label, value))| chart::Card {
            label: label.clone(),
            value: *value,
            previous: previous(i),
        })
        .collect();
    for (label, value) in [
        ("events", v.r.header.events),
        ("KMS keys", v.r.keys.len() as u64),
    ] {
        cards.push(chart::Card {
            label: label.into(),
            value,
            previous: None,
        });
    }
    chart("cards", "Findings by severity", Figure::Cards { cards })
}

fn alarm_counts(v: &View) -> Table {
    let list = &v.r.summary.alarm_counts;
    let mut heads = vec!["rule", "findings"];
    if v.compare() {
        heads.push("previous");
    }
    let rows = list
        .iter()
        .map(|a| {
            let mut row = vec![a.rule_id.clone(), a.findings.to_string()];
            if v.compare() {
                row.push(a.previous.map(|p| p.to_string()).unwrap_or_default());
            }
            row
        })
        .collect();
    let caption = "Key lifecycle alarms: findings per rule";
    let mut table = table("t-alarm-counts", caption, &heads, &heads[1..], rows);
    table.links = list
        .iter()
        .enumerate()
        .filter(|(_, a)| a.findings > 0)
        .map(|(i, a)| link(i, 0, &format!("rule-{}", a.rule_id)))
        .collect();
    table
}

fn summary(v: &View) -> Block {
    let s = &v.r.summary;
    let used: Vec<Vec<String>> = s
        .used_after_deletion
        .iter()
        .map(|u| {
            vec![
                u.key_id.clone(),
                v.t(u.scheduled_at),
                u.calls.to_string(),
                u.errors.to_string(),
                v.t(u.last_call),
            ]
        })
        .collect();
    let mut alarms = finding_table("t-alarms", "Key lifecycle alarms", &s.alarms, v);
    alarms.empty = Some(
        "No key was disabled, scheduled for deletion, stripped of key material or protection, \
         had rotation turned off or an alias moved."
            .into(),
    );
    section(
        "s1-summary",
        "1 · Summary",
        vec![
            cards(v),
            alarm_counts(v).into(),
            alarms.into(),
            table(
                "t-used-after-deletion",
                "Keys used after deletion was scheduled",
                &["key", "scheduled", "calls after", "failed", "last call"],
                &["calls after", "failed"],
                used,
            )
            .into(),
            finding_table("t-top-findings", "Top findings", &s.top_findings, v).into(),
        ],
    )
}

fn top_table(name: &str, head: &str, top: &Top, compare: bool) -> Table {
    let mut heads = vec![head, "events", "errors"];
    if compare {
        heads.push("previous");
    }
    let rows = top
        .rows
        .iter()
        .map(|c| {
            let mut row = vec![
                none(&c.value).to_string(),
                c.events.to_string(),
                c.errors.to_string(),
            ];
            if compare {
                row.push(c.previous.map(|p| p.to_string()).unwrap_or_default());
            }
            row
        })
        .collect();
    let numeric = ["events", "errors", "previous"];
    let table = table(name, &format!("by {head}"), &heads, &numeric, rows);
    counted(table, top.rows.len(), top.of)
}

fn activity(v: &View) -> Block {
    let a = &v.r.activity;
    let series = |name: &str, values: &[u64], stacked: bool| Series {
        name: name.to_string(),
        values: values.to_vec(),
        stacked,
    };
    let over_time = Figure::TimeSeries {
        times: a.times.clone(),
        series: vec![
            series("reads", &a.reads, true),
            series("writes", &a.writes, true),
            series("errors", &a.errors, false),
        ],
    };
    let bars = |top: &Top| Figure::Bars {
        rows: top
            .rows
            .iter()
            .map(|c| (none(&c.value).to_string(), c.events))
            .collect(),
    };
    let mut blocks = vec![
        Line::text(format!(
            "Reads (blue), writes (orange) and errors (red) per {} s; with JavaScript, drag across the chart to zoom, double-click to reset.",
            a.interval_seconds
        ))
        .into(),
        chart("activity-chart", "Reads, writes and errors over time", over_time),
        chart("services-chart", "Events by service", bars(&a.services)),
        chart("regions-chart", "Events by region", bars(&a.regions)),
    ];
    for (name, head, top) in [
        ("t-services", "service", &a.services),
        ("t-regions", "region", &a.regions),
        ("t-principals", "principal", &a.principals),
        ("t-ips", "source IP", &a.source_ips),
        ("t-access-keys", "AccessKey", &a.access_keys),
        ("t-errors", "error code", &a.error_codes),
    ] {
        blocks.push(top_table(name, head, top, v.compare()).into());
    }
    section("s2-activity", "2 · Activity", blocks)
}

fn last_use_text(k: &KeyRow, v: &View) -> String {
    match &k.last_crypto_use {
        LastUse::Used {
            time, operation, ..
        } => format!("{} {operation}", v.t(*time)),
        LastUse::NotUsedSinceCreation => "not used since creation".into(),
        LastUse::UnknownBeforeCoverage => "unknown (none in range; may predate coverage)".into(),
    }
}

fn key_row(k: &KeyRow, v: &View) -> Vec<String> {
    let rec = &k.record;
    let created = match (&rec.created_at, &rec.created_by) {
        (Some(at), Some(by)) => format!("{} by {by}", v.t(*at)),
        (Some(at), None) => v.t(*at),
        _ => String::new(),
    };
    let id = match rec.key_id.is_empty() {
        true => "(unresolved alias)".to_string(),
        false => rec.key_id.clone(),
    };
    let mut row = vec![
        id,
        rec.aliases.join(", "),
        rec.region.clone().unwrap_or_default(),
        created,
        crate::render::kms::state_text(&rec.state, &v.zone),
        v.t(rec.first_seen),
        v.t(rec.last_seen),
        rec.calls.to_string(),
    ];
    if v.compare() {
        row.push(k.previous_calls.map(|p| p.to_string()).unwrap_or_default());
    }
    row.extend([
        rec.callers.to_string(),
        rec.ips.to_string(),
        rec.errors.to_string(),
        last_use_text(k, v),
        chart::sparkline(&k.daily, chart::TEXT_WIDTH / 2),
    ]);
    row
}

fn keys(v: &View) -> Block {
    let r = v.r;
    let rows = r.keys.iter().map(|k| key_row(k, v)).collect();
    let numeric = ["calls", "previous calls", "callers", "IPs", "errors"];
    let mut heads = vec![
        "key",
        "aliases",
        "region",
        "created",
        "state",
        "first seen",
        "last seen",
        "calls",
    ];
    if v.compare() {
        heads.push("previous calls");
    }
    heads.extend([
        "callers",
        "IPs",
        "errors",
        "last crypto use",
        "calls per day",
    ]);
    let mut keys = table("t-keys", "KMS key inventory", &heads, &numeric, rows);
    keys.empty = Some("No KMS key in range.".into());
    let daily = Figure::Heatmap {
        rows: r
            .keys
            .iter()
            .map(|k| none(&k.record.key_id).to_string())
            .collect(),
        columns: r.header.coverage.days.clone(),
        cells: r.keys.iter().map(|k| k.daily.clone()).collect(),
    };
    section(
        "s3-keys",
        "3 · KMS key inventory",
        vec![
            keys.into(),
            chart("keys-daily", "Calls per day of each key", daily),
        ],
    )
}

fn lanes(v: &View) -> Figure {
    let lifecycle = &v.r.lifecycle;
    let start = lifecycle
        .iter()
        .flat_map(|l| l.segments.first())
        .map(|s| s.start)
        .min();
    let end = lifecycle
        .iter()
        .flat_map(|l| l.segments.last())
        .map(|s| s.end)
        .max();
    let lanes = lifecycle
        .iter()
        .map(|l| chart::Lane {
            label: l.key_id.clone(),
            spans: l
                .segments
                .iter()
                .map(|s| chart::Span {
                    state: s.state.clone(),
                    start: s.start,
                    end: s.end,
                })
                .collect(),
            marks: l
                .markers
                .iter()
                .map(|m| chart::Mark {
                    time: m.time,
                    label: format!("{} ({}) {}", m.event, m.result, v.t(m.time)),
                    failed: m.result != "success",
                })
                .collect(),
        })
        .collect();
    Figure::Swimlanes {
        start: start.unwrap_or(0),
        end: end.unwrap_or(1),
        lanes,
    }
}

fn markers_table(v: &View) -> Table {
    let mut rows = Vec::new();
    let mut links = Vec::new();
    for lane in &v.r.lifecycle {
        for m in &lane.markers {
            let anchor = super::detections::evidence_anchor(&m.event_id);
            if v.anchors.contains(anchor.as_str()) {
                links.push(link(rows.len(), 4, &anchor));
            }
            rows.push(vec![
                lane.key_id.clone(),
                v.t(m.time),
                m.event.clone(),
                m.result.clone(),
                m.event_id.clone(),
            ]);
        }
    }
    let heads = ["key", "time", "event", "result", "event id"];
    let caption = "Lifecycle markers: alias, rotation, protection, policy and key material changes, cancelled deletions and failed calls";
    let mut table = table("t-markers", caption, &heads, &[], rows);
    table.links = links;
    table
}

fn lifecycle(v: &View) -> Block {
    let rows =
        v.r.lifecycle
            .iter()
            .flat_map(|l| {
                l.segments.iter().map(|s| {
                    vec![
                        l.key_id.clone(),
                        s.state.clone(),
                        v.t(s.start),
                        v.t(s.end),
                        v.ot(s.deletion_at),
                    ]
                })
            })
            .collect();
    let heads = ["key", "state", "from", "to", "deletion at"];
    section(
        "s4-lifecycle",
        "4 · Lifecycle timeline",
        vec![
            Line::text("States: green Enabled, grey Disabled, orange PendingDeletion (to the end of its waiting window), dark red Deleted, pale Unknown; ◆ a marker (red: the call failed).").into(),
            chart("lanes", "Key states over time, with lifecycle markers", lanes(v)),
            table("t-lifecycle", "Key states", &heads, &[], rows).into(),
            markers_table(v).into(),
        ],
    )
}

fn matrix(u: &KeyUsage, i: usize) -> Table {
    let mut heads: Vec<&str> = vec!["principal"];
    heads.extend(u.operations.iter().map(String::as_str));
    let rows = u
        .principals
        .iter()
        .map(|(p, n)| {
            let mut row = vec![none(p).to_string()];
            row.extend(n.iter().map(u64::to_string));
            row
        })
        .collect();
    let name = format!("t-matrix-{i}");
    let table = table(&name, "Principal × operation", &heads, &heads[1..], rows);
    counted(table, u.principals.len(), u.principals_of)
}

fn from_where(u: &KeyUsage, i: usize, v: &View) -> Table {
    let geoip = !v.r.appendix.geoip.is_empty();
    let rows = u
        .from_where
        .iter()
        .map(|w| {
            let mut row = vec![none(&w.principal).to_string(), w.ip.clone()];
            if geoip {
                row.push(w.country.clone().unwrap_or_default());
            }
            row.extend([w.calls.to_string(), v.t(w.first), v.t(w.last)]);
            row
        })
        .collect();
    let mut heads = vec!["principal", "source IP"];
    if geoip {
        heads.push("country");
    }
    heads.extend(["calls", "first seen", "last seen"]);
    let name = format!("t-where-{i}");
    let table = table(&name, "Who used it from where", &heads, &["calls"], rows);
    counted(table, u.from_where.len(), u.from_where_of)
}

fn usage(v: &View) -> Block {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let mut blocks: Vec<Block> = Vec::new();
    for (i, u) in v.r.usage.iter().enumerate().map(|(i, u)| (i + 1, u)) {
        let heat = Figure::Heatmap {
            rows: DAYS.iter().map(|d| d.to_string()).collect(),
            columns: (0..24).map(|h| format!("{h:02}")).collect(),
            cells: u.heatmap.clone(),
        };
        let previous = u
            .previous_calls
            .map_or(String::new(), |p| format!(", previous period {p}"));
        let title = format!("{} ({} calls{previous})", u.key_id, u.calls);
        let heat_title = format!("Calls by hour of day and weekday ({})", v.r.header.zone);
        blocks.push(section(
            &format!("usage-{i}"),
            &title,
            vec![
                matrix(u, i).into(),
                chart(&format!("heatmap-{i}"), &heat_title, heat),
                from_where(u, i, v).into(),
            ],
        ));
    }
    if blocks.is_empty() {
        blocks.push(Line::text("No KMS key in range.").into());
    }
    section("s5-usage", "5 · Usage per key", blocks)
}

fn evidence_table(f: &FindingView, v: &View) -> Table {
    let rows = f
        .evidence
        .iter()
        .map(|e| {
            vec![
                v.ot(e.time),
                e.event.clone(),
                e.user.clone(),
                e.ip.clone(),
                e.result.clone(),
                e.event_id.clone(),
            ]
        })
        .collect();
    let heads = ["time", "event", "user", "source IP", "result", "event id"];
    let name = format!("evidence-{}", f.anchor);
    let mut table = table(&name, "Evidence", &heads, &[], rows);
    table.links = f
        .evidence
        .iter()
        .enumerate()
        .filter(|(_, e)| v.anchors.contains(e.anchor.as_str()))
        .map(|(i, e)| link(i, 5, &e.anchor))
        .collect();
    counted(table, f.evidence.len(), f.count)
}

fn finding(f: &FindingView, v: &View) -> Block {
    let entity: Vec<String> = f.entity.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut title = format!(
        "{} – {} · {} · {} events",
        v.t(f.start),
        v.t(f.end),
        entity.join(" "),
        f.count
    );
    if !f.detail.is_empty() {
        title.push_str(&format!(" · {}", f.detail));
    }
    section(&f.anchor, &title, vec![evidence_table(f, v).into()])
}

fn rule_group(g: &RuleGroup, v: &View) -> Block {
    let query = Code {
        language: Some("sql".into()),
        ..Code::new(
            &format!("query-{}", g.rule_id),
            Some("SLS query (search | SQL):"),
            g.query.clone(),
        )
    };
    let mut blocks: Vec<Block> = vec![Line::text(g.description.clone()).into(), query.into()];
    blocks.extend(g.findings.iter().map(|f| finding(f, v)));
    if g.of > g.findings.len() as u64 {
        blocks.push(
            Line::text(format!(
                "showing {} of {} findings of this rule",
                g.findings.len(),
                g.of
            ))
            .into(),
        );
    }
    let title = format!(
        "{}: {} ({} · window {} · {} findings)",
        g.severity, g.title, g.rule_id, g.window, g.of
    );
    section(&format!("rule-{}", g.rule_id), &title, blocks)
}

fn detections(v: &View) -> Block {
    let mut blocks: Vec<Block> = v.r.detections.iter().map(|g| rule_group(g, v)).collect();
    if blocks.is_empty() {
        blocks.push(Line::text("No findings.").into());
    }
    section("s6-detections", "6 · Detections", blocks)
}

/// One entity's hourly series with its band and flagged episodes.
fn band_chart(s: &BaselineSeries) -> Block {
    let figure = Figure::Band(chart::Band {
        start: s.start,
        step: 3600,
        observed: s.observed.clone(),
        median: s.median.clone(),
        lower: s.lower.clone(),
        upper: s.upper.clone(),
        flag_at: s.flag_at.clone(),
        episodes: s.episodes.clone(),
    });
    let episodes = match s.episodes.len() {
        1 => "1 episode".to_string(),
        n => format!("{n} episodes"),
    };
    let title = format!(
        "{} {} · {} per hour · {} · {episodes}",
        s.entity_kind, s.entity, s.metric, s.rule_id
    );
    chart(&s.anchor, &title, figure)
}

fn episodes_table(rows: &[BaselineRow], v: &View) -> Table {
    let cells = rows
        .iter()
        .map(|b| {
            vec![
                format!("{} ({})", b.title, b.rule_id),
                b.entity.clone(),
                v.t(b.start),
                v.t(b.end),
                b.count.to_string(),
                b.detail.clone(),
            ]
        })
        .collect();
    let heads = ["baseline", "entity", "from", "to", "events", "statistics"];
    let mut table = table(
        "t-baselines",
        "Flagged episodes",
        &heads,
        &["events"],
        cells,
    );
    table.empty = Some("No baseline episode or first-seen pair.".into());
    table.links = rows
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.series.as_deref().map(|s| link(i, 1, s)))
        .collect();
    table
}

fn baselines(v: &View, rows: &[BaselineRow]) -> Block {
    let mut blocks: Vec<Block> = Vec::new();
    if let Some(set) =
        v.r.baseline_series
            .as_ref()
            .filter(|s| !s.series.is_empty())
    {
        blocks.push(Line::text("Observed per hour (black line), the baseline band (median ± threshold, shaded; median dashed), the level that flags an hour (red dashes) and the flagged episodes (orange); with JavaScript, drag across a chart to zoom, double-click to reset.").into());
        blocks.extend(set.series.iter().map(band_chart));
        blocks.push(
            Line::text(format!(
                "series: top {} of {} flagged (rule, key or principal) pairs",
                set.series.len(),
                set.of
            ))
            .into(),
        );
    }
    blocks.push(episodes_table(rows, v).into());
    section("s7-baselines", "7 · Baselines", blocks)
}

fn appendix(v: &View) -> Block {
    let a = &v.r.appendix;
    let mut blocks: Vec<Block> = a
        .events
        .iter()
        .map(|e| {
            Code {
                language: Some("json".into()),
                ..Code::new(
                    &e.anchor,
                    Some(&format!("event {}", e.event_id)),
                    e.json.clone(),
                )
            }
            .into()
        })
        .collect();
    if blocks.is_empty() {
        blocks.push(Line::text("No evidence events.").into());
    }
    let rules = a
        .rules
        .iter()
        .map(|x| {
            vec![
                x.id.clone(),
                x.severity.clone(),
                x.version.clone(),
                x.origin.clone(),
            ]
        })
        .collect();
    let heads = ["rule", "severity", "version", "origin"];
    blocks.push(table("t-rules", "Rules", &heads, &[], rules).into());
    let method = a
        .method
        .iter()
        .map(|m| vec![m.figure.clone(), m.how.clone()])
        .collect();
    let heads = ["figure", "how it was computed"];
    blocks.push(table("t-method", "Method", &heads, &[], method).into());
    for line in &a.geoip {
        blocks.push(Line::text(line.clone()).into());
    }
    section("s8-appendix", "8 · Appendix", blocks)
}
