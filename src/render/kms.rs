//! Lays the KMS investigations out as reports: tables and bar charts for people, one stable
//! JSON schema per command for scripts (documented in README), CSV of the main table.

use serde_json::{json, Value};

use super::model::{
    Cells, EventLayout, Events, HistogramBlock, NoteKind, Report, Table, TextColumn, TextTable,
};
use crate::kms::inventory::{KeyRecord, KeyState};
use crate::kms::run::{InventoryReport, LifecycleReport, UsageReport};
use crate::time::Zone;

/// How times are shown in KMS tables.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The report of `kms lifecycle`: a count line, the events table (primary), the histogram,
/// and the raw events when asked for.
pub fn lifecycle(r: &LifecycleReport, zone: &Zone) -> Report {
    let mut report = Report::new("kms lifecycle", *zone);
    report.meta("statement", r.statement.as_str());
    report.line(format!("KMS key lifecycle: {} events", r.table.height()));
    report.push(
        Table::new("rows", Cells::Frame(r.table.clone()))
            .when_empty("(no rows)")
            .primary(),
    );
    report.line("");
    report.push(histogram_block(r));
    if let Some(raw) = &r.raw {
        report.line("");
        report.push(Events {
            name: "raw_events".into(),
            caption: Some("raw logs (newest first):".into()),
            frame: raw.clone(),
            layout: EventLayout::Pretty,
            primary: false,
        });
    }
    report.notes(NoteKind::Planner, &r.notes);
    report
}

fn histogram_block(r: &LifecycleReport) -> HistogramBlock {
    HistogramBlock {
        name: "histogram".into(),
        histogram: r.histogram.clone(),
        primary: false,
    }
}

/// The report of `kms usage`: which keys were searched, the usage table (primary), the
/// histogram.
pub fn usage(r: &UsageReport, zone: &Zone) -> Report {
    let mut report = Report::new("kms usage", *zone);
    report
        .meta("key", r.requested.as_str())
        .meta("key_ids", r.key_ids.clone())
        .meta("aliases", r.aliases.clone())
        .meta("statement", r.statement.as_str());
    report.line(resolution_line(r));
    report.push(
        Table::new("rows", Cells::Frame(r.table.clone()))
            .when_empty("(no rows)")
            .primary(),
    );
    report.line("");
    report.push(HistogramBlock {
        name: "histogram".into(),
        histogram: r.histogram.clone(),
        primary: false,
    });
    report.notes(NoteKind::Planner, &r.notes);
    report
}

/// Which key ids a usage report searched for, in words.
fn resolution_line(r: &UsageReport) -> String {
    match (r.aliases.is_empty(), r.key_ids.as_slice()) {
        (true, [id]) if *id == r.requested => format!("usage of key {id}"),
        (true, ids) => format!("usage of key {} (given as {})", ids.join(", "), r.requested),
        (false, []) => format!("usage of {}: the archive has no alias event for it; searching calls naming the alias only", r.requested),
        (false, ids) => format!("usage of {}: resolved through the archive's alias events to key {}", r.requested, ids.join(", ")),
    }
}

/// The report of `kms keys`: a count line and one row per key: condensed for people (minutes,
/// the top three operations), complete in CSV, nested in JSON.
pub fn inventory(r: &InventoryReport, zone: &Zone) -> Report {
    let mut report = Report::new("kms keys", *zone);
    report.meta("statements", r.statements.clone());
    report.line(format!("KMS keys seen: {}", r.keys.len()));
    let headers = owned(&[
        "key",
        "aliases",
        "region",
        "state",
        "created",
        "first seen",
        "last seen",
        "calls",
        "top operations",
        "callers",
        "IPs",
        "errors",
    ]);
    let numeric = numeric_flags(&headers, &["calls", "callers", "IPs", "errors"]);
    let rows: Vec<Vec<String>> = r.keys.iter().map(|k| key_table_row(k, zone)).collect();
    let shown = text_table(with_countries(r, headers, numeric, rows, 3));
    let headers = owned(&[
        "keyId",
        "aliases",
        "region",
        "created",
        "createdBy",
        "state",
        "firstSeen",
        "lastSeen",
        "calls",
        "operations",
        "callers",
        "ips",
        "errors",
    ]);
    let numeric = numeric_flags(&headers, &["calls", "callers", "ips", "errors"]);
    let rows: Vec<Vec<String>> = r.keys.iter().map(|k| key_row(k, zone)).collect();
    let complete = text_table(with_countries(r, headers, numeric, rows, usize::MAX));
    let mut table = Table::new("keys", Cells::Text(shown))
        .when_empty("(no KMS key appears in the range)")
        .primary();
    table.csv = Some(Cells::Text(complete));
    table.json = Some(r.keys.iter().map(|k| key_json(k, zone)).collect());
    report.push(table);
    report.notes(NoteKind::Planner, &r.notes);
    report
}

fn text_table((headers, numeric, rows): (Vec<String>, Vec<bool>, Vec<Vec<String>>)) -> TextTable {
    TextTable {
        columns: headers
            .into_iter()
            .zip(numeric)
            .map(|(name, numeric)| TextColumn { name, numeric })
            .collect(),
        rows,
    }
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn numeric_flags(headers: &[String], numeric: &[&str]) -> Vec<bool> {
    headers
        .iter()
        .map(|h| numeric.contains(&h.as_str()))
        .collect()
}

/// A key in the terminal table: minutes, creation with its author, the top three operations.
/// Adds a `countries` column (the callers' countries, `CN=3 US=1`; at most `top` of them) when
/// any key has them (a `--geoip` database was given).
fn with_countries(
    r: &InventoryReport,
    mut headers: Vec<String>,
    mut numeric: Vec<bool>,
    mut rows: Vec<Vec<String>>,
    top: usize,
) -> (Vec<String>, Vec<bool>, Vec<Vec<String>>) {
    if r.keys.iter().all(|k| k.countries.is_empty()) {
        return (headers, numeric, rows);
    }
    headers.push("countries".into());
    numeric.push(false);
    for (row, k) in rows.iter_mut().zip(&r.keys) {
        let cells: Vec<String> = k
            .countries
            .iter()
            .take(top)
            .map(|(c, n)| format!("{c}={n}"))
            .collect();
        row.push(cells.join(" "));
    }
    (headers, numeric, rows)
}

fn key_table_row(k: &KeyRecord, zone: &Zone) -> Vec<String> {
    let time = |t: i64| zone.format(t, "%Y-%m-%d %H:%M");
    let created = match (k.created_at, &k.created_by) {
        (Some(t), Some(by)) => format!("{} by {by}", time(t)),
        (Some(t), None) => time(t),
        _ => String::new(),
    };
    let top: Vec<String> = k
        .operations
        .iter()
        .take(3)
        .map(|(op, n)| format!("{op} {n}"))
        .collect();
    let state = match k.state {
        KeyState::Unknown => "-".to_string(),
        ref other => state_text(other, zone),
    };
    vec![
        k.key_id.clone(),
        k.aliases.join(" "),
        k.region.clone().unwrap_or_default(),
        state,
        created,
        time(k.first_seen),
        time(k.last_seen),
        k.calls.to_string(),
        top.join(", "),
        k.callers.to_string(),
        k.ips.to_string(),
        k.errors.to_string(),
    ]
}

fn key_row(k: &KeyRecord, zone: &Zone) -> Vec<String> {
    let time = |t: i64| zone.format(t, TIME_FORMAT);
    let ops: Vec<String> = k
        .operations
        .iter()
        .map(|(op, n)| format!("{op}={n}"))
        .collect();
    vec![
        k.key_id.clone(),
        k.aliases.join(" "),
        k.region.clone().unwrap_or_default(),
        k.created_at.map(time).unwrap_or_default(),
        k.created_by.clone().unwrap_or_default(),
        state_text(&k.state, zone),
        time(k.first_seen),
        time(k.last_seen),
        k.calls.to_string(),
        ops.join(" "),
        k.callers.to_string(),
        k.ips.to_string(),
        k.errors.to_string(),
    ]
}

/// A key state in words, with the scheduled deletion date.
pub fn state_text(state: &KeyState, zone: &Zone) -> String {
    match state {
        KeyState::Unknown => "unknown".into(),
        KeyState::Enabled => "Enabled".into(),
        KeyState::Disabled => "Disabled".into(),
        KeyState::PendingDeletion {
            deletion_at: Some(t),
        } => format!(
            "PendingDeletion (deletion {})",
            zone.format(*t, TIME_FORMAT)
        ),
        KeyState::PendingDeletion { deletion_at: None } => "PendingDeletion".into(),
        KeyState::DeletionCancelled => "deletion cancelled".into(),
        KeyState::UnresolvedAlias => "unresolved alias".into(),
    }
}

fn key_json(k: &KeyRecord, zone: &Zone) -> Value {
    let time = |t: i64| zone.format(t, "%Y-%m-%dT%H:%M:%S%:z");
    let deletion_at = match &k.state {
        KeyState::PendingDeletion {
            deletion_at: Some(t),
        } => Value::String(time(*t)),
        _ => Value::Null,
    };
    let mut doc = json!({
        "key_id": (!k.key_id.is_empty()).then_some(&k.key_id),
        "aliases": k.aliases,
        "region": k.region,
        "created_at": k.created_at.map(time),
        "created_by": k.created_by,
        "state": state_name(&k.state),
        "deletion_at": deletion_at,
        "first_seen": time(k.first_seen),
        "last_seen": time(k.last_seen),
        "calls": k.calls,
        "operations": k.operations.iter().map(|(op, n)| json!({"event": op, "count": n})).collect::<Vec<_>>(),
        "callers": k.callers,
        "ips": k.ips,
        "errors": k.errors,
    });
    if !k.countries.is_empty() {
        doc["countries"] = k
            .countries
            .iter()
            .map(|(c, n)| json!({"country": c, "count": n}))
            .collect();
    }
    doc
}

fn state_name(state: &KeyState) -> &'static str {
    match state {
        KeyState::Unknown => "Unknown",
        KeyState::Enabled => "Enabled",
        KeyState::Disabled => "Disabled",
        KeyState::PendingDeletion { .. } => "PendingDeletion",
        KeyState::DeletionCancelled => "DeletionCancelled",
        KeyState::UnresolvedAlias => "UnresolvedAlias",
    }
}
