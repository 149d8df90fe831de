//! Integration tests: the query commands (`query` raw logs, `event`, `histogram`) driven
//! through the binary on `testdata/query/events.ndjson` (40 events, one per hour from
//! 2024-03-01T00:00:00Z; see `testdata/query/README.md`).

use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::util::{keytrail, stderr, stdout, testdata};

fn fixture() -> String {
    testdata().join("query/events.ndjson").display().to_string()
}

/// Runs keytrail on the fixture with `args` after the subcommand and source.
fn run(subcommand: &str, args: &[&str]) -> std::process::Output {
    let source = fixture();
    let mut all = vec![subcommand, source.as_str()];
    all.extend_from_slice(args);
    keytrail(&all)
}

fn event_ids(ndjson: &str) -> Vec<String> {
    ndjson
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["eventId"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn raw_logs_as_csv_are_newest_first() {
    let out = run(
        "query",
        &[
            "event.eventName:DisableKey OR event.eventName:ChangePassword",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "time (UTC),event,service,user,source IP,resource,error\n\
         2024-03-02 12:00:00,ChangePassword,Ims,alice,203.0.113.10,,\n\
         2024-03-01 00:00:00,DisableKey,Kms,alice,203.0.113.10,acs:kms:cn-hangzhou:1234567890123456:key/key-abc123,\n"
    );
    assert!(stderr(&out).contains("2 events matched"));
}

#[test]
fn raw_logs_table_says_how_many_matched() {
    let out = run(
        "query",
        &[
            "event.serviceName:Kms and event.eventName:Decrypt",
            "--limit",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rule = ["─".repeat(21), "─".repeat(9), "─".repeat(9), "─".repeat(7)]
        .into_iter()
        .chain(["─".repeat(14), "─".repeat(10), "─".repeat(12)])
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        stdout(&out),
        format!(
            " time (UTC)            event     service   user    source IP      resource   error      \n\
             {rule}\n \
             2024-03-02 15:00:00   Decrypt   Kms       alice   203.0.113.10                         \n \
             2024-03-02 14:00:00   Decrypt   Kms       alice   203.0.113.10              Throttling \n\
             5 events matched, showing the newest 2 (use --limit to see more)\n"
        )
    );
}

#[test]
fn ndjson_rows_are_the_full_original_events() {
    let out = run(
        "query",
        &[
            "event.serviceName:Kms and event.eventName:Decrypt",
            "--format",
            "ndjson",
        ],
    );
    assert_eq!(
        event_ids(&stdout(&out)),
        ["q-40", "q-39", "q-19", "q-07", "q-02"]
    );
    let original: Value = serde_json::from_str(
        std::fs::read_to_string(fixture())
            .unwrap()
            .lines()
            .nth(1)
            .unwrap(),
    )
    .unwrap();
    let shown: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(shown, original);
}

#[test]
fn limit_with_json_reports_the_total_on_stderr() {
    let out = run(
        "query",
        &[
            "event.serviceName:Kms and event.eventName:Decrypt",
            "--limit",
            "2",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["command"], "query");
    assert_eq!(doc["matched"], 5);
    assert_eq!(doc["events"].as_array().unwrap().len(), 2);
    assert_eq!(doc["notes"], serde_json::json!([]));
    assert!(stderr(&out).contains("5 events matched, showing the newest 2"));
}

#[test]
fn from_and_to_bound_the_range_half_open() {
    let out = run(
        "query",
        &[
            "*",
            "--from",
            "2024-03-02T10:00:00Z",
            "--to",
            "2024-03-02T13:00:00Z",
            "--format",
            "ndjson",
        ],
    );
    assert_eq!(event_ids(&stdout(&out)), ["q-37", "q-36", "q-35"]);
    let out = run(
        "query",
        &[
            "*",
            "--from",
            "2024-03-02 23:00",
            "--tz",
            "+08:00",
            "--format",
            "ndjson",
        ],
    );
    assert_eq!(event_ids(&stdout(&out)), ["q-40"]);
}

#[test]
fn tz_changes_shown_times() {
    let out = run(
        "query",
        &[
            "event.eventName:DisableKey",
            "--tz",
            "Asia/Shanghai",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        stdout(&out),
        "time (Asia/Shanghai),event,service,user,source IP,resource,error\n\
         2024-03-01 08:00:00,DisableKey,Kms,alice,203.0.113.10,\
         acs:kms:cn-hangzhou:1234567890123456:key/key-abc123,\n"
    );
}

#[test]
fn event_detail_prints_the_event_or_says_it_is_missing() {
    let out = run("event", &["q-01"]);
    assert_eq!(out.status.code(), Some(0));
    let shown: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shown["eventName"], "DisableKey");
    assert_eq!(shown["requestParameters"]["KeyId"], "key-abc123");
    let out = run("event", &["q-99"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no event with id \"q-99\""));
}

#[test]
fn histogram_days_follow_the_time_zone() {
    let out = run("histogram", &["*", "--interval", "1d", "--format", "csv"]);
    assert_eq!(
        stdout(&out),
        "start,end,count\n\
         2024-03-01T00:00:00+00:00,2024-03-02T00:00:00+00:00,24\n\
         2024-03-02T00:00:00+00:00,2024-03-03T00:00:00+00:00,16\n"
    );
    let out = run(
        "histogram",
        &["*", "--interval", "1d", "--tz", "+08:00", "--format", "csv"],
    );
    assert_eq!(
        stdout(&out),
        "start,end,count\n\
         2024-03-01T00:00:00+08:00,2024-03-02T00:00:00+08:00,16\n\
         2024-03-02T00:00:00+08:00,2024-03-03T00:00:00+08:00,24\n"
    );
}

#[test]
fn histogram_shows_empty_buckets_as_zero() {
    let out = run(
        "histogram",
        &[
            "event.serviceName:Kms and event.eventName:Decrypt",
            "--interval",
            "6h",
            "--format",
            "csv",
        ],
    );
    let text = stdout(&out);
    let counts: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(counts, ["1", "1", "0", "1", "0", "0", "2"]);
}

#[test]
fn histogram_range_edges_are_half_open() {
    let out = run(
        "histogram",
        &[
            "*",
            "--from",
            "2024-03-01T01:00:00Z",
            "--to",
            "2024-03-01T04:00:00Z",
            "--interval",
            "1h",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["command"], "histogram");
    let doc = &doc["histogram"];
    assert_eq!(doc["total"], 3);
    assert_eq!(doc["interval_seconds"], 3600);
    let starts: Vec<i64> = doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["start_unix"].as_i64().unwrap())
        .collect();
    assert_eq!(starts, [1709254800, 1709258400, 1709262000]);
}

#[test]
fn histogram_auto_width_gives_round_buckets() {
    let out = run("histogram", &["*"]);
    // One event per hour from 2024-03-01 00:00: forty full bars of one event each.
    let mut expected = "40 events, 40 buckets of 1h\n".to_string();
    for hour in 0..40 {
        expected.push_str(&format!(
            "2024-03-{:02} {:02}:00:00  1  {}\n",
            1 + hour / 24,
            hour % 24,
            "█".repeat(50)
        ));
    }
    assert_eq!(stdout(&out), expected);
}

#[test]
fn a_query_that_does_not_parse_points_at_the_column() {
    let out = run(
        "query",
        &["event.serviceName:Kms AND (event.eventName:Decrypt"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("  event.serviceName:Kms AND (event.eventName:Decrypt\n"),
        "{err}"
    );
    let caret_line = err.lines().last().unwrap();
    assert_eq!(caret_line.find('^'), Some(2 + 26), "{err}");
}

#[test]
fn bad_options_are_usage_errors() {
    let out = run("query", &["*", "--from", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--from: cannot read time \"last tuesday\""));
    let out = run("query", &["*", "--tz", "Mars/Olympus"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run("histogram", &["*", "--interval", "5x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_store_answers_like_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    keytrail(&["ingest", &fixture(), "--store", store]);
    let query = "event.serviceName:Kms and event.eventName:Decrypt";
    let direct = run("query", &[query, "--format", "csv"]);
    let stored = keytrail(&["query", store, query, "--format", "csv"]);
    assert_eq!(stdout(&stored), stdout(&direct));
    assert_eq!(stdout(&stored).lines().count(), 6);
}

#[test]
fn sql_over_no_matching_event_is_an_empty_result_not_an_error() {
    // Regression: row functions such as date_format failed on an empty input column when
    // another argument was a literal ("index 0 is out of bounds").
    let out = run(
        "query",
        &["event.eventName:NoSuchEvent | select date_format(__time__, '%Y') as y, count(1) as c group by y", "--format", "csv"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "y,c\n");
}

/// Table columns are measured in display columns: q-14's Chinese display name and comment
/// (two columns per character, a full-width comma) line up with the ASCII rows.
/// (`hostile_terminal::sql_table_is_exact_and_aligned_by_display_width` does the same for a
/// Chinese user name mixed with escaped controls.)
#[test]
fn a_table_of_chinese_text_lines_up_by_display_width() {
    use unicode_width::UnicodeWidthStr;
    let out = run(
        "query",
        &[
            r#"event.eventId: "q-14" or event.eventId: "q-01" | select "event.eventId" as id, "event.requestParameters.DisplayName" as name, "event.requestParameters.Comments" as comments, "event.eventName" as e order by id"#,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rule = [6, 13, 18, 12].map(|n| "─".repeat(n)).join(" ");
    assert_eq!(
        text,
        format!(
            " id     name          comments           e          \n\
             {rule}\n \
             q-01                                    DisableKey \n \
             q-14   运维 管理员   临时账号，请删除   CreateUser \n"
        )
    );
    let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
    assert_eq!(widths, [52, 52, 52, 52]);
}
