//! Renders detection findings and rule listings as tables, CSV or JSON.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::escape::{visible, visible_lines};
use super::model::{Cells, Findings, Report, Table, TextTable};
use crate::detect::{Finding, Rule};
use crate::time::Zone;

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

fn entity_text(f: &Finding) -> String {
    f.entity
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The report of `keytrail detect`: the findings, primary, times in `zone`.
pub fn findings_report(items: Vec<Finding>, zone: &Zone) -> Report {
    let mut report = Report::new("detect", *zone);
    report.push(Findings {
        name: "findings".into(),
        items,
        primary: true,
    });
    report
}

/// The findings table: severity, rule, title, start, end, entity, count, detail, samples.
pub fn findings_cells(items: &[Finding], zone: &Zone) -> TextTable {
    let mut cells = TextTable::new(
        &[
            "severity",
            "rule",
            "title",
            "start",
            "end",
            "entity",
            "count",
            "detail",
            "sample event ids",
        ],
        &["count"],
    );
    cells.rows = items
        .iter()
        .map(|f| {
            vec![
                f.severity.to_string(),
                f.rule_id.clone(),
                f.title.clone(),
                zone.format(f.start, TIME_FORMAT),
                zone.format(f.end, TIME_FORMAT),
                entity_text(f),
                f.count.to_string(),
                f.detail_text(),
                f.sample_ids.join(" "),
            ]
        })
        .collect();
    cells
}

/// One finding as a JSON object.
pub fn finding_value(f: &Finding, zone: &Zone) -> Value {
    let entity: Map<String, Value> = f
        .entity
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "severity": f.severity.name(),
        "rule": f.rule_id,
        "title": f.title,
        "start": zone.format(f.start, TIME_FORMAT),
        "end": zone.format(f.end, TIME_FORMAT),
        "start_unix": f.start,
        "end_unix": f.end,
        "entity": entity,
        "count": f.count,
        "detail": f.detail.iter().cloned().collect::<Map<String, Value>>(),
        "summary": f.summary,
        "sample_event_ids": f.sample_ids,
    })
}

/// The report of `keytrail rules list`: id, severity, title, window; every field in JSON.
pub fn rules_report(rules: &[Rule]) -> Report {
    let mut cells = TextTable::new(&["id", "severity", "title", "window"], &[]);
    cells.rows = rules
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.severity.to_string(),
                r.title.clone(),
                r.window_text.clone(),
            ]
        })
        .collect();
    let mut table = Table::new("rules", Cells::Text(cells)).primary();
    table.json = Some(rules.iter().map(rule_value).collect());
    let mut report = Report::new("rules list", Zone::default());
    report.push(table);
    report
}

/// One rule with every field, as JSON.
pub fn rule_value(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "severity": r.severity.name(),
        "description": r.description,
        "mitre": r.mitre,
        "window": r.window_text,
        "condition": r.condition,
        "entity": r.entity,
        "query": r.query,
        "origin": format!("{}:{}", r.origin, r.line),
    })
}

/// Shows one rule, every field on its own line (each in its visible form; the description and
/// the query keep their line breaks).
pub fn rule_detail(r: &Rule, out: &mut dyn Write) -> io::Result<()> {
    let condition = r.condition.as_deref().unwrap_or("(any result row)");
    writeln!(out, "id:          {}", visible(&r.id))?;
    writeln!(out, "title:       {}", visible(&r.title))?;
    writeln!(out, "severity:    {}", r.severity)?;
    writeln!(out, "window:      {}", visible(&r.window_text))?;
    writeln!(out, "condition:   {}", visible(condition))?;
    writeln!(out, "entity:      {}", visible(&r.entity.join(", ")))?;
    writeln!(
        out,
        "mitre:       {}",
        visible(r.mitre.as_deref().unwrap_or("-"))
    )?;
    writeln!(out, "origin:      {}:{}", visible(&r.origin), r.line)?;
    writeln!(out, "description: {}", visible_lines(&r.description))?;
    writeln!(out, "query:\n  {}", visible_lines(&r.query))
}
