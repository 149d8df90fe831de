//! Renders detection findings and rule listings as tables, CSV or JSON.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::escape::{visible, visible_lines};
use super::{csv, json as json_out, table, OutputFormat, Target};
use crate::detect::{Finding, Rule};
use crate::timerange::Zone;

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

fn entity_text(f: &Finding) -> String {
    f.entity
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes findings in `format`; tables say when there are none.
pub fn findings(
    items: &[Finding],
    format: OutputFormat,
    zone: &Zone,
    target: Target,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Json | OutputFormat::Ndjson => json_out::values(
            items.iter().map(|f| finding_value(f, zone)),
            format == OutputFormat::Ndjson,
            out,
        ),
        OutputFormat::Table | OutputFormat::Csv => {
            let headers: Vec<String> = [
                "severity",
                "rule",
                "title",
                "start",
                "end",
                "entity",
                "count",
                "detail",
                "sample event ids",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect();
            let rows: Vec<Vec<String>> = items
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
            let numeric = [false, false, false, false, false, false, true, false, false];
            if format == OutputFormat::Csv {
                return csv::strings(&headers, &rows, &numeric, target.terminal, out);
            }
            if items.is_empty() {
                return writeln!(out, "no findings");
            }
            table::strings(&headers, &rows, &numeric, target.width, out)?;
            writeln!(out, "{} findings", items.len())
        }
    }
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

/// Lists rules: id, severity, title, window.
pub fn rule_list(
    rules: &[Rule],
    format: OutputFormat,
    target: Target,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Json | OutputFormat::Ndjson => json_out::values(
            rules.iter().map(rule_value),
            format == OutputFormat::Ndjson,
            out,
        ),
        OutputFormat::Table | OutputFormat::Csv => {
            let headers: Vec<String> = ["id", "severity", "title", "window"]
                .iter()
                .map(|h| h.to_string())
                .collect();
            let rows: Vec<Vec<String>> = rules
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
            if format == OutputFormat::Csv {
                csv::strings(&headers, &rows, &[false; 4], target.terminal, out)
            } else {
                table::strings(&headers, &rows, &[false; 4], target.width, out)
            }
        }
    }
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
