//! Integration tests: the search statement through the library API. The conformance table
//! `tests/cases/search.toml` runs over `testdata/query/events.ndjson`; parse errors carry exact
//! positions; every real published query's search part parses.

use std::collections::BTreeSet;
use std::path::Path;

use keytrail::event::normalize::{normalize, Envelope};
use keytrail::event::row::Row;
use keytrail::query::search::{parse, SearchError};
use keytrail::store::frame::rows_to_dataframe;
use polars::prelude::*;

use crate::util::testdata;

/// The fixture events as a frame. A top-level `__topic__` key is taken out of the event and used
/// as its topic, as an SLS export's envelope would be.
fn fixture() -> DataFrame {
    let path = testdata().join("query/events.ndjson");
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let rows: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let mut value: serde_json::Value =
                serde_json::from_str(line).expect("fixture line is JSON");
            let topic = value
                .as_object_mut()
                .and_then(|m| m.remove("__topic__"))
                .and_then(|t| t.as_str().map(str::to_string));
            let envelope = Envelope {
                topic,
                time: None,
                origin: format!("events.ndjson#{}", i + 1),
            };
            normalize(value.to_string().as_bytes(), &envelope, &mut Vec::new())
                .map(Row::into_owned)
                .expect("fixture event normalizes")
        })
        .collect();
    rows_to_dataframe(&rows).expect("fixture frame")
}

/// The eventIds of the fixture rows the search text matches, sorted.
fn matching_ids(df: &DataFrame, text: &str) -> Result<BTreeSet<String>, String> {
    let expr = parse(text).map_err(|e| e.to_string())?;
    let out = df
        .clone()
        .lazy()
        .filter(expr.to_expr())
        .select([col("event.eventId")])
        .collect()
        .map_err(|e| format!("polars: {e}"))?;
    let ids = out.column("event.eventId").map_err(|e| e.to_string())?;
    let ids = ids.str().map_err(|e| e.to_string())?;
    Ok(ids.iter().flatten().map(str::to_string).collect())
}

fn all_ids(df: &DataFrame) -> BTreeSet<String> {
    matching_ids(df, "*").expect("match-all runs")
}

#[derive(serde::Deserialize)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    expr: String,
    ids: Option<Vec<String>>,
    all_except: Option<Vec<String>>,
    why: String,
}

#[test]
fn fixture_has_forty_distinct_events() {
    let df = fixture();
    assert_eq!(df.height(), 40);
    let ids = all_ids(&df);
    assert_eq!(ids.len(), 40);
    assert!(ids.contains("q-01") && ids.contains("q-40"));
}

#[test]
fn conformance_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/search.toml");
    let file: CaseFile = toml::from_str(&std::fs::read_to_string(&path).expect("cases readable"))
        .expect("cases parse");
    assert!(file.case.len() >= 80, "only {} cases", file.case.len());
    let df = fixture();
    let everything = all_ids(&df);
    let mut failures = Vec::new();
    for case in &file.case {
        let expected: BTreeSet<String> = match (&case.ids, &case.all_except) {
            (Some(ids), None) => ids.iter().cloned().collect(),
            (None, Some(except)) => everything
                .iter()
                .filter(|id| !except.contains(id))
                .cloned()
                .collect(),
            _ => panic!("case {:?}: give exactly one of ids / all_except", case.expr),
        };
        match matching_ids(&df, &case.expr) {
            Ok(got) if got == expected => {}
            Ok(got) => failures.push(format!(
                "{:?} ({})\n    expected {:?}\n    got      {:?}\n    tree:\n{}",
                case.expr,
                case.why,
                expected,
                got,
                parse(&case.expr).map(|e| e.explain()).unwrap_or_default()
            )),
            Err(e) => failures.push(format!("{:?} ({}): {e}", case.expr, case.why)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        file.case.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_errors_have_exact_positions() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "event.serviceName: Kms and (event.eventName: A",
            27,
            "unbalanced parenthesis: '(' is never closed",
        ),
        (
            "a or b) and c",
            6,
            "unbalanced parenthesis: ')' has no matching '('",
        ),
        (
            "event.eventName: \"Decrypt",
            17,
            "unterminated quoted string",
        ),
        (
            "event.serviceName: Kms and",
            23,
            "operator 'and' has no right operand",
        ),
        (
            "OR event.serviceName: Kms",
            0,
            "operator 'or' has no left operand",
        ),
        ("a and (or b)", 7, "operator 'or' has no left operand"),
        ("a and not", 6, "operator 'not' has no right operand"),
        ("(a not )", 3, "operator 'not' has no right operand"),
        ("event.eventName:", 15, "':' has no value after it"),
        (
            "运维 and (",
            11,
            "unbalanced parenthesis: '(' is never closed",
        ),
        ("__time__ >= ", 9, "operator '>=' has no value after it"),
        ("#\"abc", 1, "unterminated quoted string"),
    ];
    for (text, position, message) in cases {
        let got = parse(text).expect_err(text);
        assert_eq!(
            got,
            SearchError {
                position: *position,
                message: message.to_string()
            },
            "{text}"
        );
    }
}

#[test]
fn explain_names_fallbacks_and_unknown_fields() {
    let e = parse("owner_id>100 and x:1 and event.errorCode != ''").unwrap();
    let text = e.explain();
    assert!(
        text.contains("owner_id>100: owner_id is not a numeric field, searched as full-text terms owner_id, 100"),
        "{text}"
    );
    assert!(text.contains("unknown field x: matches nothing"), "{text}");
    assert!(
        text.contains("!= '': outside the search grammar, searched as full-text terms !"),
        "{text}"
    );
}

#[test]
fn every_real_query_search_part_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-queries/queries.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        crate::util::skipped(
            "every_real_query_search_part_parses",
            format!("{} not found", path.display()),
        );
        return;
    };
    let df = fixture();
    let mut parsed = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let q: serde_json::Value = serde_json::from_str(line).expect("queries.jsonl line is JSON");
        let Some(search) = q["search_part"].as_str() else {
            continue;
        };
        let id = q["id"].as_str().unwrap_or("?");
        let expr = parse(search).unwrap_or_else(|e| panic!("{id}: {e}\n  {search}"));
        assert!(!expr.explain().is_empty());
        matching_ids(&df, search).unwrap_or_else(|e| panic!("{id}: {e}"));
        parsed += 1;
    }
    assert_eq!(parsed, 74);
}
