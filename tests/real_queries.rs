//! Integration tests: every published ActionTrail SLS query (`../shared/real-queries/`) runs
//! unchanged through `keytrail query` on the search fixture. Skips when the folder is absent.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{keytrail, stderr, stdout, testdata};

/// The placeholder an Alibaba doc query carries, and what stands in for it here.
const PLACEHOLDERS: &[(&str, &str)] = &[("<YourAccessKeyId>", "LTAI5tAAAA1111")];

fn corpus() -> Option<Vec<Value>> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-queries/queries.jsonl");
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

/// The full statement of a corpus entry, as a user would paste it.
fn statement(entry: &Value) -> String {
    let mut text = match entry["search_part"].as_str() {
        Some(_) => entry["query"].as_str().unwrap().to_string(),
        None => format!("* | {}", entry["sql_part"].as_str().unwrap()),
    };
    for (placeholder, value) in PLACEHOLDERS {
        text = text.replace(placeholder, value);
    }
    text
}

fn run(text: &str) -> std::process::Output {
    let fixture = testdata().join("query/events.ndjson");
    keytrail(&[
        "query",
        fixture.to_str().unwrap(),
        text,
        "--format",
        "json",
        "--limit",
        "1000",
    ])
}

#[test]
fn every_published_query_runs() {
    let Some(entries) = corpus() else {
        crate::util::skipped(
            "every_published_query_runs",
            "../shared/real-queries is absent",
        );
        return;
    };
    assert_eq!(entries.len(), 75);
    let mut failures = Vec::new();
    for entry in &entries {
        let text = statement(entry);
        let out = run(&text);
        let ok =
            out.status.code() == Some(0) && serde_json::from_str::<Value>(&stdout(&out)).is_ok();
        if !ok {
            failures.push(format!("{}: {}\n{}", entry["id"], text, stderr(&out)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 75 failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn rows_of(id: &str) -> Vec<Value> {
    let entries = corpus().unwrap();
    let entry = entries.iter().find(|e| e["id"] == id).unwrap();
    let out = run(&statement(entry));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // `--format json` is one document: the rows are its `rows` member.
    serde_json::from_str::<Value>(&stdout(&out)).unwrap()["rows"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn kms_key_configuration_change_alert_finds_the_disable_and_the_deletion() {
    if corpus().is_none() {
        crate::util::skipped(
            "kms_key_configuration_change_alert_finds_the_disable_and_the_deletion",
            "../shared/real-queries is absent",
        );
        return;
    }
    let rows = rows_of("cis-at-ak-conf-change");
    let mut events: Vec<String> = rows
        .iter()
        .map(|r| r["event_name"].as_str().unwrap_or("?").to_string())
        .collect();
    events.sort();
    assert_eq!(events, ["DisableKey", "ScheduleKeyDeletion"], "{rows:?}");
}

#[test]
fn root_account_use_counts_root_events() {
    if corpus().is_none() {
        crate::util::skipped(
            "root_account_use_counts_root_events",
            "../shared/real-queries is absent",
        );
        return;
    }
    let rows = rows_of("at-doc-root-account-use");
    assert_eq!(rows, vec![serde_json::json!({"use_root": 1})]);
}
