//! Integration tests: the report model seen from outside. Every command's `--format json` is
//! one document with `command`, its blocks and `notes`; planner notes reach stderr once and
//! JSON `notes` from query and detect alike; finding details are structured in JSON and
//! joined as `name=value` in tables and CSV; `--output FILE` writes what stdout would.

use serde_json::{json, Value};

use crate::util::{keytrail, stderr, stdout, testdata};

const APPROX_NOTE: &str =
    "approx_distinct computed exactly (SLS estimates it with HyperLogLog, ~2.3% error)";

fn events() -> String {
    testdata().join("query/events.ndjson").display().to_string()
}

fn detect_args<'a>(source: &'a str, rules: &'a str, format: &'a str) -> [&'a str; 7] {
    [
        "detect",
        source,
        "--no-builtin",
        "--rules",
        rules,
        "--format",
        format,
    ]
}

#[test]
fn query_json_is_one_document_with_rows_and_the_planner_notes() {
    let query = r#"* | select approx_distinct("event.eventName") as names"#;
    let out = keytrail(&["query", &events(), query, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{{\n  \"command\": \"query\",\n  \"rows\": [\n    {{\n      \"names\": 30\n    }}\n  ],\n  \"notes\": [\n    \"{APPROX_NOTE}\"\n  ]\n}}\n"
        )
    );
    assert_eq!(stderr(&out), format!("note: {APPROX_NOTE}\n"));
    // Without notes the shape is the same: `notes` is an empty array.
    let query = "* | select count(1) as n";
    let out = keytrail(&["query", &events(), query, "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        json!({"command": "query", "rows": [{"n": 40}], "notes": []})
    );
    assert_eq!(stderr(&out), "");
}

#[test]
fn rows_cut_by_the_default_limit_are_a_note_on_stderr_and_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.ndjson");
    let lines: Vec<String> = (0..150)
        .map(|i| {
            format!(
                r#"{{"eventId":"e{i:03}","eventTime":"2024-03-01T00:00:00Z","eventName":"Decrypt","serviceName":"Kms"}}"#
            )
        })
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let query = r#"* | select "event.eventId" as id order by id"#;
    let out = keytrail(&["query", path.to_str().unwrap(), query, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let note = "showing the first 100 rows (SLS adds LIMIT 100 when a query has none); add a LIMIT to see more";
    assert_eq!(stderr(&out), format!("note: {note}\n"));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["rows"].as_array().unwrap().len(), 100);
    assert_eq!(doc["notes"], json!([note]));
}

#[test]
fn output_file_holds_what_stdout_shows_in_the_format_of_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let query = r#"* | select approx_distinct("event.eventName") as names"#;
    let shown = stdout(&keytrail(&["query", &events(), query, "--format", "json"]));
    for (name, format) in [("r.json", "json"), ("r.csv", "csv"), ("r.ndjson", "ndjson")] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let out = keytrail(&["query", &events(), query, "--output", path]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            format!("note: {APPROX_NOTE}\nwrote 1 rows to {path}\n")
        );
        let written = std::fs::read_to_string(path).unwrap();
        let expected = stdout(&keytrail(&["query", &events(), query, "--format", format]));
        assert_eq!(written, expected, "{name}");
        if format == "json" {
            assert_eq!(written, shown);
        }
    }
    let path = dir.path().join("raw.parquet");
    let out = keytrail(&["query", &events(), "*", "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a Parquet file holds a SQL result"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn detect_says_its_rules_planner_notes_once_and_in_json() {
    let source = testdata().join("detect/rules.ndjson").display().to_string();
    let rules = testdata().join("report-model/distinct-ops.toml");
    let rules = rules.to_str().unwrap();
    let note = format!("rule distinct-kms-ops: {APPROX_NOTE}");
    for format in ["table", "csv", "json", "ndjson"] {
        let out = keytrail(&detect_args(&source, rules, format));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stderr(&out), format!("note: {note}\n"), "{format}");
    }
    let out = keytrail(&detect_args(&source, rules, "json"));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["command"], "detect");
    assert_eq!(doc["notes"], json!([note]));
    let finding = &doc["findings"][0];
    assert_eq!(finding["entity"], json!({"who": "alice"}));
    assert_eq!(finding["detail"], json!({"ops": 8, "calls": 10}));
    assert_eq!(finding["summary"], Value::Null);
    let out = keytrail(&detect_args(&source, rules, "csv"));
    assert_eq!(
        stdout(&out),
        "severity,rule,title,start,end,entity,count,detail,sample event ids\n\
         low,distinct-kms-ops,Many kinds of KMS calls,2024-03-01 00:00:00,2024-03-02 00:00:00,\
         who=alice,10,\"ops=8, calls=10\",ev-001 ev-003 ev-004 ev-005 ev-006\n"
    );
    let out = keytrail(&detect_args(&source, rules, "ndjson"));
    let line: Value = serde_json::from_str(stdout(&out).trim_end()).unwrap();
    assert_eq!(&line, finding);
}

#[test]
fn every_json_document_names_its_command_and_ends_with_notes() {
    let source = events();
    let cases: [(&[&str], &str, &str); 5] = [
        (&["histogram", &source, "*"], "histogram", "histogram"),
        (&["rules", "list"], "rules list", "rules"),
        (&["kms", "lifecycle", &source], "kms lifecycle", "rows"),
        (&["kms", "keys", &source], "kms keys", "keys"),
        (&["query", &source, "*", "--limit", "3"], "query", "events"),
    ];
    for (args, command, member) in cases {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let out = keytrail(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let object = doc.as_object().unwrap();
        assert_eq!(object.keys().next().unwrap(), "command");
        assert_eq!(doc["command"], command);
        assert!(object.contains_key(member), "{args:?}: {doc}");
        assert_eq!(object.keys().next_back().unwrap(), "notes", "{args:?}");
        assert!(doc["notes"].is_array());
    }
}

#[test]
fn kms_documents_carry_the_planner_and_provenance_notes() {
    let dir = tempfile::tempdir().unwrap();
    let city = crate::hostile_geoip::fixtures::city(dir.path());
    let city = city.to_str().unwrap();
    let source = testdata().join("kms/events.ndjson").display().to_string();
    for command in ["lifecycle", "keys"] {
        let out = keytrail(&["kms", command, &source, "--format", "json", "--geoip", city]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let notes: Vec<&str> = doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        let provenance: Vec<&&str> = notes
            .iter()
            .filter(|n| n.starts_with("GeoIP database test-city.mmdb ("))
            .collect();
        assert_eq!(provenance.len(), 1, "{command}: {notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("ip_to_country looked up in")),
            "{command}: {notes:?}"
        );
        // stderr says the same notes, each once, in the same order.
        let said: Vec<String> = notes.iter().map(|n| format!("note: {n}")).collect();
        assert_eq!(stderr(&out), said.join("\n") + "\n", "{command}");
    }
}

#[test]
fn detect_kms_and_histogram_write_their_output_files_through_the_same_writers() {
    let dir = tempfile::tempdir().unwrap();
    let source = testdata().join("detect/rules.ndjson").display().to_string();
    let rules = testdata().join("report-model/distinct-ops.toml");
    let rules = rules.to_str().unwrap();
    let file = |name: &str| dir.path().join(name).display().to_string();
    let cases: Vec<(Vec<String>, String, i32)> = vec![
        (
            detect_args(&source, rules, "json")
                .map(String::from)
                .to_vec(),
            file("findings.json"),
            1,
        ),
        (
            ["kms", "keys", &source, "--format", "csv"]
                .map(String::from)
                .to_vec(),
            file("keys.csv"),
            0,
        ),
        (
            ["histogram", &source, "*", "--format", "ndjson"]
                .map(String::from)
                .to_vec(),
            file("buckets.ndjson"),
            0,
        ),
    ];
    for (args, path, code) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let shown = keytrail(&args);
        assert_eq!(shown.status.code(), Some(code), "{}", stderr(&shown));
        // --output picks the format of the extension, whatever --format says.
        let mut to_file = args[..args.len() - 2].to_vec();
        to_file.extend(["--format", "table", "--output", &path]);
        let out = keytrail(&to_file);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(
            stderr(&out).contains(&format!(" rows to {path}\n")),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout(&shown));
    }
    let out = keytrail(&["kms", "keys", &source, "--output", &file("keys.txt")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("use a .parquet, .csv, .json, .ndjson, .html or .md file"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("keys.txt").exists());
}

fn report_of(source: &str, format: &str) -> String {
    let args = [
        "report",
        source,
        "--generated-at",
        "2024-06-01T00:00:00Z",
        "--format",
        format,
    ];
    let out = keytrail(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn key_policy_changes_are_lifecycle_events_and_markers_on_the_timeline() {
    let source = testdata()
        .join("report-model/policy.ndjson")
        .display()
        .to_string();
    let out = keytrail(&["kms", "lifecycle", &source, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows: Vec<(&str, &str)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["eventName"].as_str().unwrap(),
                r["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("CreateKey", "success"),
            ("SetKeyPolicy", "success"),
            ("SetKeyPolicy", "Forbidden.NoPermission")
        ]
    );
    let report: Value = serde_json::from_str(&report_of(&source, "json")).unwrap();
    let lane = &report["lifecycle"][0];
    assert_eq!(lane["key_id"], "key-pol111");
    let markers: Vec<(&str, &str, &str)> = lane["markers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = |k: &str| m[k].as_str().unwrap();
            (text("event"), text("result"), text("event_id"))
        })
        .collect();
    assert_eq!(
        markers,
        [
            ("SetKeyPolicy", "success", "p-03"),
            ("SetKeyPolicy", "Forbidden.NoPermission", "p-04")
        ]
    );
    let page = report_of(&source, "html");
    assert!(
        page.contains("class=\"marker\"><title>SetKeyPolicy (success) 2024-05-02 03:00:00</title>")
    );
    assert!(page.contains(
        "class=\"marker failed\"><title>SetKeyPolicy (Forbidden.NoPermission) 2024-05-02 03:05:00</title>"
    ));
    let markers = page.split("id=\"t-markers\"").nth(1).unwrap();
    let markers = &markers[..markers.find("</table>").unwrap()];
    assert_eq!(markers.matches("<tr><td>key-pol111</td>").count(), 2);
    // Key policy changes are not cryptographic use: the last use is the Decrypt at 04:00.
    assert_eq!(report["keys"][0]["last_crypto_use"]["event_id"], "p-05");
}

#[test]
fn the_report_page_and_markdown_come_from_the_shared_writers() {
    use keytrail::render::html::{csp, CSS, SCRIPT, UPLOT_CSS, UPLOT_JS};
    let source = testdata().join("kms/events.ndjson").display().to_string();
    let page = report_of(&source, "html");
    let head = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>keytrail evidence report</title>\n<style>{CSS}</style>\n<style>{UPLOT_CSS}</style>\n\
         </head>\n<body>\n<h1>keytrail evidence report</h1>\n",
        csp(&[CSS, UPLOT_CSS], &[UPLOT_JS, SCRIPT]).replace('\'', "&#39;")
    );
    assert!(page.starts_with(&head), "{}", &page[..2000.min(page.len())]);
    assert!(CSS.contains("@media print"));
    let titles = [
        "0 · Header and scope",
        "1 · Summary",
        "2 · Activity",
        "3 · KMS key inventory",
        "4 · Lifecycle timeline",
        "5 · Usage per key",
        "6 · Detections",
        "8 · Appendix",
    ];
    let nav: String = titles
        .iter()
        .map(|t| {
            let id = format!("s{}-", &t[..1]);
            let start = page
                .find(&format!("<section class=\"section\" id=\"{id}"))
                .unwrap();
            let name = &page[start + 29..];
            let name = &name[..name.find('"').unwrap()];
            format!("<a href=\"#{name}\">{t}</a>")
        })
        .collect();
    assert!(page.contains(&format!("<nav class=\"toc\">{nav}</nav>\n<main>\n")));
    assert!(page.ends_with(&format!(
        "<script>{UPLOT_JS}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )));
    // The interactive chart's numbers are the activity section's, in the JSON report.
    let data = page
        .split("<script type=\"application/json\" id=\"kt-data\">")
        .nth(1)
        .unwrap();
    let data: Value = serde_json::from_str(&data[..data.find("</script>").unwrap()]).unwrap();
    let json: Value = serde_json::from_str(&report_of(&source, "json")).unwrap();
    assert_eq!(data["tz"], "Etc/UTC");
    assert_eq!(data["charts"].as_array().unwrap().len(), 1);
    let chart = &data["charts"][0];
    assert_eq!(chart["id"], "activity-chart");
    assert_eq!(chart["times"], json["activity"]["times"]);
    assert_eq!(chart["series"][0]["values"], json["activity"]["reads"]);
    // Evidence links lead to the appendix.
    assert!(page.contains("<a href=\"#ev-k-09\">k-09</a>"));
    let md = report_of(&source, "md");
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    let expected: Vec<String> = titles.iter().map(|t| format!("## {t}")).collect();
    assert_eq!(headings, expected);
}
