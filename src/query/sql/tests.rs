//! Unit tests of the SQL planner over a small in-memory frame.

use super::*;
use crate::normalize::{normalize, Envelope};
use serde_json::json;

fn events() -> LazyFrame {
    let raw = [
        json!({"eventId": "A", "eventName": "Decrypt", "eventTime": "2024-03-01T00:00:00Z",
               "sourceIpAddress": "10.0.0.1", "resourceName": "k1;a1", "resourceType": "ACS::KMS::Key;ACS::KMS::Alias",
               "requestParameters": {"KeyId": "k1", "N": 3}, "userIdentity": {"userName": "alice"}}),
        json!({"eventId": "B", "eventName": "Decrypt", "eventTime": "2024-03-01T01:00:00Z", "errorCode": "",
               "sourceIpAddress": "47.1.1.1", "userIdentity": {"userName": "bob"}}),
        json!({"eventId": "C", "eventName": "Encrypt", "eventTime": "2024-03-01T02:30:00Z",
               "sourceIpAddress": "47.1.1.1", "errorCode": "Forbidden", "userIdentity": {"userName": "bob"}}),
    ];
    let rows: Vec<_> = raw.into_iter().map(|v| normalize(v, &Envelope::default()).unwrap()).collect();
    crate::frame::rows_to_dataframe(&rows).unwrap().lazy()
}

fn ctx() -> SqlContext {
    SqlContext { zone: crate::timerange::Zone::parse("+08:00").unwrap(), now: 1_709_337_600 }
}

fn run(sql: &str) -> Vec<Vec<String>> {
    let plan = plan(sql, events(), &ctx()).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let df = plan.frame.collect().unwrap_or_else(|e| panic!("{sql}: {e}"));
    (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| match c.get(i).unwrap() {
                    AnyValue::Null => "NULL".to_string(),
                    AnyValue::String(s) => s.to_string(),
                    AnyValue::StringOwned(s) => s.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn err(sql: &str) -> SqlError {
    match plan(sql, events(), &ctx()) {
        Ok(_) => panic!("{sql} should fail"),
        Err(e) => e,
    }
}

#[test]
fn bang_space_equals_is_read_as_not_equals() {
    let (text, notes) = preprocess("select 1 where a! ='x' and b != '! ='");
    assert_eq!(text, "select 1 where a!= 'x' and b != '! ='");
    assert_eq!(notes.len(), 1);
}

#[test]
fn grouped_count_with_order_by_aggregate() {
    let rows = run("select \"event.eventName\" as e, count(*) as n group by e order by count(*) desc, e");
    assert_eq!(rows, vec![vec!["Decrypt", "2"], vec!["Encrypt", "1"]]);
}

#[test]
fn split_and_subscript_are_one_based() {
    let rows = run(
        "select arr[pos] as r from (select split(\"event.resourceName\", ';') as arr, \
         array_position(split(\"event.resourceType\", ';'), 'ACS::KMS::Alias') as pos from log) where pos > 0",
    );
    assert_eq!(rows, vec![vec!["a1"]]);
}

#[test]
fn date_format_takes_bigint_time_in_the_zone() {
    let rows = run("select date_format(__time__, '%Y-%m-%d %H:%i:%s') as t order by t limit 1");
    assert_eq!(rows, vec![vec!["2024-03-01 08:00:00"]]);
}

#[test]
fn json_leaves_and_json_extract() {
    let rows = run(
        "select \"event.requestParameters.KeyId\" as k, json_extract(\"event.requestParameterJson\", '$.KeyId') as j, \
         cast(json_extract(\"event.requestParameterJson\", '$.N') as bigint) + 1 as n where \"event.eventId\" = 'A'",
    );
    assert_eq!(rows, vec![vec!["k1", "\"k1\"", "4"]]);
}

#[test]
fn null_and_empty_are_distinct() {
    let rows = run(
        "select \"event.eventId\" as id, \"event.errorCode\" is null as missing, \"event.errorCode\" = '' as empty order by id",
    );
    assert_eq!(rows, vec![vec!["A", "true", "NULL"], vec!["B", "false", "true"], vec!["C", "false", "false"]]);
}

#[test]
fn default_limit_is_reported_not_applied() {
    let p = plan("select 1 as x", events(), &ctx()).unwrap();
    assert_eq!(p.default_limit, Some(100));
    let p = plan("select 1 as x limit 5", events(), &ctx()).unwrap();
    assert_eq!(p.default_limit, None);
}

#[test]
fn errors_point_at_the_problem() {
    let e = err("select date_fromat(__time__, '%Y') as t");
    assert_eq!(e.position, 7);
    assert!(e.message.contains("date_format"), "{}", e.message);
    let e = err("select \"event.eventName\", count(*) as n");
    assert_eq!(e.position, 7);
    assert!(e.message.contains("not in GROUP BY"), "{}", e.message);
    let e = err("select 1 as x where __time__ = 'x'");
    assert_eq!(e.position, 20);
    assert!(e.message.contains("varchar"), "{}", e.message);
}
