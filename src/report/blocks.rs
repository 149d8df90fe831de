//! The report's sections as blocks of the shared report model (`render::model`): every
//! section a [`Section`] of fields, tables and charts (numbers only; the writers draw them), so
//! that any writer of the model (`table`, `md`, `html`, `json`) can lay the report out.

use serde_json::Value;

use super::model::*;
use crate::render::chart::{self, Chart, Figure, Series};
use crate::render::model::{
    Block, Cells, Code, Counts, Fields, Line, Report, Section, Table, TextTable,
};
use crate::time::Zone;

const TIME: &str = "%Y-%m-%d %H:%M:%S";

/// The whole report as one model of sections 0 to 8 (7 only with baselines).
pub fn report(r: &ReportData, zone: Zone) -> Report {
    let mut report = Report::new("report", zone);
    report.title = Some(r.header.title.clone());
    report
        .meta("schema", r.schema)
        .meta("version", r.header.version.as_str())
        .meta("generated_at", zone.format(r.header.generated_at, TIME));
    let t = |v: i64| zone.format(v, TIME);
    let ot = |v: Option<i64>| v.map(t).unwrap_or_default();
    report.push(scope(r, &t, &ot));
    report.push(summary(r, &t));
    report.push(activity(r));
    report.push(keys(r, &ot, &zone));
    report.push(lifecycle(r, &t));
    report.push(usage(r, &t));
    report.push(detections(r, &t));
    if let Some(rows) = &r.baselines {
        report.push(baselines(rows, r.baseline_series.as_ref(), &t));
    }
    report.push(appendix(r));
    report
}

fn section(name: &str, title: &str, blocks: Vec<Block>) -> Section {
    Section {
        name: name.to_string(),
        title: title.to_string(),
        blocks,
    }
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

fn scope(r: &ReportData, t: &dyn Fn(i64) -> String, ot: &dyn Fn(Option<i64>) -> String) -> Section {
    let h = &r.header;
    let open = |v: Option<i64>| v.map(t).unwrap_or_else(|| "(open)".into());
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
                ot(h.first_event),
                ot(h.last_event)
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
        pairs.push((
            "compared with".into(),
            format!("{} .. {}", t(from), t(to)).into(),
        ));
    }
    if !h.key_filter.is_empty() {
        pairs.push(("keys".into(), h.key_filter.join(", ").into()));
    }
    let c = &h.coverage;
    let coverage = Figure::Heatmap {
        rows: c.regions.iter().map(|r| none(r).to_string()).collect(),
        columns: c.days.clone(),
        cells: c.cells.clone(),
    };
    section(
        "s0-scope",
        "0 · Header and scope",
        vec![
            Fields::new("facts", pairs).into(),
            Line::text(format!(
                "Coverage: {} days × {} regions; {} days without any event; {} region-days without events while other regions delivered.",
                c.days.len(),
                c.regions.len(),
                c.empty_days.len(),
                c.gaps
            ))
            .into(),
            chart("coverage", "Events delivered per day and region (· no event)", coverage),
            Line::text(format!("KMS coverage caveat. {}", h.caveat)).into(),
        ],
    )
}

fn finding_rows(list: &[FindingRef], t: &dyn Fn(i64) -> String) -> Vec<Vec<String>> {
    list.iter()
        .map(|a| {
            vec![
                t(a.start),
                a.severity.clone(),
                a.title.clone(),
                a.entity.clone(),
            ]
        })
        .collect()
}

fn summary(r: &ReportData, t: &dyn Fn(i64) -> String) -> Section {
    let s = &r.summary;
    let mut cards: Vec<chart::Card> = s
        .severities
        .iter()
        .map(|(label, value)| chart::Card {
            label: label.clone(),
            value: *value,
        })
        .collect();
    cards.push(chart::Card {
        label: "events".into(),
        value: r.header.events,
    });
    cards.push(chart::Card {
        label: "KMS keys".into(),
        value: r.keys.len() as u64,
    });
    let heads = ["time", "severity", "alarm", "entity"];
    let used: Vec<Vec<String>> = s
        .used_after_deletion
        .iter()
        .map(|u| {
            vec![
                u.key_id.clone(),
                t(u.scheduled_at),
                u.calls.to_string(),
                u.errors.to_string(),
                t(u.last_call),
            ]
        })
        .collect();
    section(
        "s1-summary",
        "1 · Summary",
        vec![
            chart("cards", "Findings by severity", Figure::Cards { cards }),
            table(
                "alarms",
                "Key lifecycle alarms",
                &heads,
                &[],
                finding_rows(&s.alarms, t),
            )
            .into(),
            table(
                "used_after_deletion",
                "Keys used after deletion was scheduled",
                &["key", "scheduled", "calls after", "failed", "last call"],
                &["calls after", "failed"],
                used,
            )
            .into(),
            table(
                "top_findings",
                "Top findings",
                &heads,
                &[],
                finding_rows(&s.top_findings, t),
            )
            .into(),
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
    let mut table = table(
        name,
        &format!("by {head}"),
        &heads,
        &["events", "errors", "previous"],
        rows,
    );
    table.counts = Some(Counts {
        shown: top.rows.len(),
        total: top.of as usize,
    });
    table
}

fn activity(r: &ReportData) -> Section {
    let a = &r.activity;
    let compare = r.header.compare_to.is_some();
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
        chart("over_time", "Reads, writes and errors over time", over_time),
        chart("services_chart", "Events by service", bars(&a.services)),
        chart("regions_chart", "Events by region", bars(&a.regions)),
    ];
    for (name, head, top) in [
        ("services", "service", &a.services),
        ("regions", "region", &a.regions),
        ("principals", "principal", &a.principals),
        ("source_ips", "source IP", &a.source_ips),
        ("access_keys", "AccessKey", &a.access_keys),
        ("error_codes", "error code", &a.error_codes),
    ] {
        blocks.push(top_table(name, head, top, compare).into());
    }
    section("s2-activity", "2 · Activity", blocks)
}

fn last_use_text(k: &KeyRow, ot: &dyn Fn(Option<i64>) -> String) -> String {
    match &k.last_crypto_use {
        LastUse::Used {
            time, operation, ..
        } => format!("{} {operation}", ot(Some(*time))),
        LastUse::NotUsedSinceCreation => "not used since creation".into(),
        LastUse::UnknownBeforeCoverage => "unknown (before coverage)".into(),
    }
}

fn keys(r: &ReportData, ot: &dyn Fn(Option<i64>) -> String, zone: &Zone) -> Section {
    let rows = r
        .keys
        .iter()
        .map(|k| {
            let rec = &k.record;
            vec![
                rec.key_id.clone(),
                rec.aliases.join(", "),
                crate::render::kms::state_text(&rec.state, zone),
                ot(rec.created_at),
                rec.calls.to_string(),
                rec.callers.to_string(),
                rec.ips.to_string(),
                rec.errors.to_string(),
                last_use_text(k, ot),
            ]
        })
        .collect();
    let numeric = ["calls", "callers", "IPs", "errors"];
    let heads = [
        "key",
        "aliases",
        "state",
        "created",
        "calls",
        "callers",
        "IPs",
        "errors",
        "last crypto use",
    ];
    let mut keys = table("keys", "KMS key inventory", &heads, &numeric, rows);
    keys.json = Some(
        r.keys
            .iter()
            .filter_map(|k| serde_json::to_value(k).ok())
            .collect(),
    );
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
            chart("daily", "Calls per day of each key", daily),
        ],
    )
}

fn lifecycle(r: &ReportData, t: &dyn Fn(i64) -> String) -> Section {
    let start = r
        .lifecycle
        .iter()
        .flat_map(|l| l.segments.first())
        .map(|s| s.start)
        .min();
    let end = r
        .lifecycle
        .iter()
        .flat_map(|l| l.segments.last())
        .map(|s| s.end)
        .max();
    let lanes = r
        .lifecycle
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
                    label: m.event.clone(),
                    failed: m.result != "success",
                })
                .collect(),
        })
        .collect();
    let rows = r
        .lifecycle
        .iter()
        .flat_map(|l| {
            l.segments
                .iter()
                .map(|s| vec![l.key_id.clone(), s.state.clone(), t(s.start), t(s.end)])
        })
        .collect();
    let mut states = table(
        "states",
        "Key states",
        &["key", "state", "from", "to"],
        &[],
        rows,
    );
    states.json = Some(
        r.lifecycle
            .iter()
            .filter_map(|l| serde_json::to_value(l).ok())
            .collect(),
    );
    section(
        "s4-lifecycle",
        "4 · Lifecycle timeline",
        vec![
            chart(
                "lanes",
                "Key states over time, with lifecycle markers",
                Figure::Swimlanes {
                    start: start.unwrap_or(0),
                    end: end.unwrap_or(1),
                    lanes,
                },
            ),
            states.into(),
        ],
    )
}

fn usage(r: &ReportData, t: &dyn Fn(i64) -> String) -> Section {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let mut blocks: Vec<Block> = Vec::new();
    for (i, u) in r.usage.iter().enumerate() {
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
        let mut by_op = table(
            "principals",
            "Principal × operation",
            &heads,
            &heads[1..],
            rows,
        );
        by_op.counts = Some(Counts {
            shown: u.principals.len(),
            total: u.principals_of as usize,
        });
        let rows = u
            .from_where
            .iter()
            .map(|w| {
                vec![
                    none(&w.principal).to_string(),
                    w.ip.clone(),
                    w.country.clone().unwrap_or_default(),
                    w.calls.to_string(),
                    t(w.first),
                    t(w.last),
                ]
            })
            .collect();
        let heads = [
            "principal",
            "source IP",
            "country",
            "calls",
            "first seen",
            "last seen",
        ];
        let mut from = table(
            "from_where",
            "Who used it from where",
            &heads,
            &["calls"],
            rows,
        );
        from.counts = Some(Counts {
            shown: u.from_where.len(),
            total: u.from_where_of as usize,
        });
        let heat = Figure::Heatmap {
            rows: DAYS.iter().map(|d| d.to_string()).collect(),
            columns: (0..24).map(|h| format!("{h:02}")).collect(),
            cells: u.heatmap.clone(),
        };
        blocks.push(
            section(
                &format!("usage-{i}"),
                &format!("{} ({} calls)", u.key_id, u.calls),
                vec![
                    by_op.into(),
                    chart("heatmap", "Calls by hour and weekday", heat),
                    from.into(),
                ],
            )
            .into(),
        );
    }
    if blocks.is_empty() {
        blocks.push(Line::text("No key was used.").into());
    }
    section("s5-usage", "5 · Usage per key", blocks)
}

fn detections(r: &ReportData, t: &dyn Fn(i64) -> String) -> Section {
    let mut blocks: Vec<Block> = Vec::new();
    for g in &r.detections {
        let rows = g
            .findings
            .iter()
            .map(|f| {
                let entity: Vec<String> =
                    f.entity.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let evidence: Vec<&str> = f.evidence.iter().map(|e| e.event_id.as_str()).collect();
                vec![
                    t(f.start),
                    t(f.end),
                    entity.join(" "),
                    f.count.to_string(),
                    f.detail.clone(),
                    evidence.join(" "),
                ]
            })
            .collect();
        let heads = ["start", "end", "entity", "count", "detail", "evidence"];
        let mut findings = table("findings", "Findings", &heads, &["count"], rows);
        findings.counts = Some(Counts {
            shown: g.findings.len(),
            total: g.of as usize,
        });
        let query = Code {
            language: Some("sql".into()),
            ..Code::new("query", Some("SLS query:"), g.query.clone())
        };
        blocks.push(
            section(
                &format!("rule-{}", g.rule_id),
                &format!(
                    "{}: {} ({}, {} findings)",
                    g.severity, g.title, g.rule_id, g.of
                ),
                vec![
                    Line::text(g.description.clone()).into(),
                    query.into(),
                    findings.into(),
                ],
            )
            .into(),
        );
    }
    if blocks.is_empty() {
        blocks.push(Line::text("No findings.").into());
    }
    section("s6-detections", "6 · Detections", blocks)
}

/// One entity's hourly series with the top of its band, as a time series chart.
fn band_chart(s: &BaselineSeries) -> Block {
    let times = (0..s.observed.len() as i64)
        .map(|i| s.start + 3600 * i)
        .collect();
    let upper = s
        .upper
        .iter()
        .map(|u| u.map_or(0, |v| v.max(0.0).ceil() as u64))
        .collect();
    let figure = Figure::TimeSeries {
        times,
        series: vec![
            Series {
                name: s.metric.clone(),
                values: s.observed.clone(),
                stacked: true,
            },
            Series {
                name: "band top".into(),
                values: upper,
                stacked: false,
            },
        ],
    };
    let title = format!(
        "{} {} of {} {} per hour",
        s.rule_id, s.metric, s.entity_kind, s.entity
    );
    chart(&s.anchor, &title, figure)
}

fn baselines(
    rows: &[BaselineRow],
    series: Option<&BaselineSeriesSet>,
    t: &dyn Fn(i64) -> String,
) -> Section {
    let cells = rows
        .iter()
        .map(|b| {
            vec![
                b.title.clone(),
                b.entity.clone(),
                t(b.start),
                t(b.end),
                b.count.to_string(),
                b.detail.clone(),
            ]
        })
        .collect();
    let heads = ["baseline", "entity", "start", "end", "count", "detail"];
    let mut blocks: Vec<Block> = series
        .map_or(&[][..], |s| &s.series[..])
        .iter()
        .map(band_chart)
        .collect();
    blocks.push(table("episodes", "Flagged episodes", &heads, &["count"], cells).into());
    section("s7-baselines", "7 · Baselines", blocks)
}

fn appendix(r: &ReportData) -> Section {
    let a = &r.appendix;
    let mut blocks: Vec<Block> = a
        .events
        .iter()
        .map(|e| {
            Code {
                language: Some("json".into()),
                ..Code::new(
                    &e.anchor,
                    Some(&format!("event {}", e.event_id)),
                    crate::event::rawjson::pretty(&e.json),
                )
            }
            .into()
        })
        .collect();
    let rules = a
        .rules
        .iter()
        .map(|x| {
            vec![
                x.id.clone(),
                x.severity.clone(),
                x.origin.clone(),
                x.version.clone(),
            ]
        })
        .collect();
    blocks.push(
        table(
            "rules",
            "Rules",
            &["rule", "severity", "origin", "version"],
            &[],
            rules,
        )
        .into(),
    );
    let method = a
        .method
        .iter()
        .map(|m| vec![m.figure.clone(), m.how.clone()])
        .collect();
    blocks.push(
        table(
            "method",
            "How each figure was computed",
            &["figure", "how"],
            &[],
            method,
        )
        .into(),
    );
    for line in &a.geoip {
        blocks.push(Line::text(line.clone()).into());
    }
    section("s8-appendix", "8 · Appendix", blocks)
}
