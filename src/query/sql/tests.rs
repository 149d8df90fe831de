//! Unit tests of the SQL planner over a small in-memory frame.

use super::*;
use crate::event::normalize::{normalize, Envelope};
use crate::event::row::Row;
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
    let rows: Vec<_> = raw
        .into_iter()
        .map(|v| {
            normalize(
                v.to_string().as_bytes(),
                &Envelope::default(),
                &mut Vec::new(),
            )
            .map(Row::into_owned)
            .unwrap()
        })
        .collect();
    crate::store::frame::rows_to_dataframe(&rows)
        .unwrap()
        .lazy()
}

fn ctx() -> SqlContext {
    SqlContext {
        zone: crate::time::Zone::parse("+08:00").unwrap(),
        now: 1_709_337_600,
        geoip: None,
    }
}

fn run(sql: &str) -> Vec<Vec<String>> {
    let plan = plan(sql, events(), &ctx()).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let df = plan
        .frame
        .collect()
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
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
    let rows =
        run("select \"event.eventName\" as e, count(*) as n group by e order by count(*) desc, e");
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
    assert_eq!(
        rows,
        vec![
            vec!["A", "true", "NULL"],
            vec!["B", "false", "true"],
            vec!["C", "false", "false"]
        ]
    );
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

#[test]
fn explain_describes_the_polars_plan() {
    let p = plan("select count(*) as n", events(), &ctx()).unwrap();
    let text = explain(&p);
    assert!(!text.is_empty() && !text.starts_with("cannot"), "{text}");
}

#[test]
fn plan_reports_output_types_and_notes() {
    let p = plan(
        "select approx_distinct(\"event.eventName\") as n, from_unixtime(__time__) as t limit 1",
        events(),
        &ctx(),
    );
    let err = p
        .err()
        .expect("mixing an aggregate with a plain column fails");
    assert!(err.message.contains("not in GROUP BY"), "{}", err.message);
    let p = plan(
        "select approx_distinct(\"event.eventName\") as n, max(from_unixtime(__time__)) as t",
        events(),
        &ctx(),
    )
    .unwrap();
    assert_eq!(
        p.types,
        vec![
            ("n".to_string(), SqlType::Bigint),
            ("t".to_string(), SqlType::Timestamp)
        ]
    );
    assert_eq!(p.notes.len(), 1);
    let rows =
        run("select approx_distinct(\"event.eventName\") as n, max(from_unixtime(__time__)) as t");
    assert_eq!(rows, vec![vec!["2", "2024-03-01 10:30:00.000"]]);
}

#[test]
fn a_failing_cast_aborts_the_query_when_run() {
    let p = plan(
        "select cast(\"event.eventName\" as bigint) as x",
        events(),
        &ctx(),
    )
    .unwrap();
    let err = p
        .frame
        .collect()
        .expect_err("cast of 'Decrypt' to bigint fails");
    assert!(
        err.to_string()
            .contains("cannot cast varchar 'Decrypt' to bigint"),
        "{err}"
    );
}

#[test]
fn a_misspelled_field_reads_null_with_a_note() {
    let p = plan("select \"event.sourceIPAdress\" as ip", events(), &ctx()).unwrap();
    assert_eq!(
        p.notes,
        vec!["field \"event.sourceIPAdress\" is not an ActionTrail field and reads as NULL (did you mean \"event.sourceIpAddress\"?)"]
    );
    let p = plan(
        "select \"event.requestParameters.KeyId\" as k",
        events(),
        &ctx(),
    )
    .unwrap();
    assert!(p.notes.is_empty());
}

#[test]
fn queries_over_no_events_return_empty_or_zero_rows() {
    let none = || events().filter(lit(false));
    let cases = [
        ("select \"event.eventName\" as e, date_format(__time__, '%H:%i') as t, split(\"event.resourceName\", ';')[1] as r", 0),
        ("select \"event.eventName\" as e, count(*) as n group by e order by count(*) desc", 0),
        ("select time_series(__time__, '5m', '%H:%i', '0') as t, count(*) as n group by t order by t", 0),
        ("select count(*) as n, array_agg(\"event.eventName\") as a, histogram(\"event.eventRW\") as h", 1),
        ("select \"event.requestParameters.KeyId\" as k from (select * from log) limit 5", 0),
    ];
    for (sql, rows) in cases {
        let p = plan(sql, none(), &ctx()).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let df = p.frame.collect().unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(df.height(), rows, "{sql}");
    }
}
