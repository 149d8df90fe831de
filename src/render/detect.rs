//! Lays detection findings and rule listings out as reports (the findings table, each finding
//! and rule as JSON), and one rule field by field.

use serde_json::{json, Map, Value};

use super::model::{Cells, Code, Fields, FieldsLayout, Findings, Report, Table, TextTable};
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

/// The report of `rules show`: every field of one rule as a record (the description keeps its
/// line breaks), then its query under `query:`.
pub fn rule_report(r: &Rule) -> Report {
    let condition = r.condition.as_deref().unwrap_or("(any result row)");
    let pairs: Vec<(String, Value)> = [
        ("id", r.id.clone()),
        ("title", r.title.clone()),
        ("severity", r.severity.to_string()),
        ("window", r.window_text.clone()),
        ("condition", condition.to_string()),
        ("entity", r.entity.join(", ")),
        ("mitre", r.mitre.clone().unwrap_or_else(|| "-".into())),
        ("origin", format!("{}:{}", r.origin, r.line)),
        ("description", r.description.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::from(v)))
    .collect();
    let mut report = Report::new("rules show", Zone::default());
    report.push(Fields {
        layout: FieldsLayout::Record,
        ..Fields::new("rule", pairs)
    });
    report.push(Code {
        language: Some("sql".into()),
        ..Code::new("query", Some("query:"), r.query.clone())
    });
    report
}
