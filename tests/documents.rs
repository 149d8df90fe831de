//! Integration tests of the document formats (`--format html|md`, `--output x.html|x.md`):
//! exact pages and Markdown of query, histogram, detect, kms lifecycle, rules show and the
//! ingest summary; a file written by `--output` holds what stdout shows; and the terminal
//! output of `event`, `rules show` and `query --explain`, which now go through the report
//! model, is byte for byte what it was.

use keytrail::render::html::{csp, CSS};

use crate::util::{keytrail, stderr, stdout, testdata};

fn events() -> String {
    testdata().join("query/events.ndjson").display().to_string()
}

const TOP_OPS: &str =
    r#"* | select "event.eventName" as op, count(*) as n group by op order by n desc, op limit 2"#;

fn ok(args: &[&str]) -> String {
    let out = keytrail(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// The page head every document shares, up to `<body>`.
fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        csp(&[CSS], &[]).replace('\'', "&#39;")
    )
}

#[test]
fn query_rows_as_markdown_and_as_one_html_page() {
    let source = events();
    assert_eq!(
        ok(&["query", &source, TOP_OPS, "--format", "md"]),
        "# keytrail query\n\n| op | n |\n| --- | ---: |\n| Decrypt | 5 |\n| ConsoleSignin | 4 |\n"
    );
    let body = "<h1>keytrail query</h1>\n<main>\n<table class=\"data\" id=\"rows\">\n\
        <thead><tr><th>op</th><th class=\"num\">n</th></tr></thead>\n<tbody>\n\
        <tr><td>Decrypt</td><td class=\"num\">5</td></tr>\n\
        <tr><td>ConsoleSignin</td><td class=\"num\">4</td></tr>\n</tbody>\n</table>\n</main>\n\
        </body>\n</html>\n";
    assert_eq!(
        ok(&["query", &source, TOP_OPS, "--format", "html"]),
        format!("{}{body}", head("keytrail query"))
    );
}

#[test]
fn histogram_as_markdown_bars_and_svg_bars() {
    let source = events();
    let args = ["histogram", &source, "*", "--interval", "1d", "--format"];
    let md = ok(&[&args[..], &["md"]].concat());
    assert_eq!(
        md,
        format!(
            "# keytrail histogram\n\n40 events, 2 buckets of 1d\n\n| start | count | bar |\n\
             | --- | ---: | --- |\n| 2024-03-01 | 24 | {} |\n| 2024-03-02 | 16 | {} |\n",
            "█".repeat(30),
            "█".repeat(20)
        )
    );
    let html = ok(&[&args[..], &["html"]].concat());
    let bar = |w: u32| {
        format!("<svg class=\"bar\" width=\"240\" height=\"12\" aria-hidden=\"true\"><rect width=\"{w}\" height=\"12\"></rect></svg>")
    };
    let body = format!(
        "<h1>keytrail histogram</h1>\n<main>\n<p>40 events, 2 buckets of 1d</p>\n\
         <table class=\"data histogram\" id=\"histogram\">\n\
         <thead><tr><th>start</th><th class=\"num\">count</th><th></th></tr></thead>\n<tbody>\n\
         <tr><td>2024-03-01</td><td class=\"num\">24</td><td>{}</td></tr>\n\
         <tr><td>2024-03-02</td><td class=\"num\">16</td><td>{}</td></tr>\n</tbody>\n</table>\n\
         </main>\n</body>\n</html>\n",
        bar(240),
        bar(160)
    );
    assert_eq!(html, format!("{}{body}", head("keytrail histogram")));
}

#[test]
fn detect_findings_and_their_notes_in_markdown() {
    let source = testdata().join("detect/rules.ndjson").display().to_string();
    let rules = testdata().join("report-model/distinct-ops.toml");
    let out = keytrail(&[
        "detect",
        &source,
        "--no-builtin",
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let note = "rule distinct-kms-ops: approx_distinct computed exactly (SLS estimates it with HyperLogLog, ~2.3% error)";
    assert_eq!(stderr(&out), format!("note: {note}\n"));
    assert_eq!(
        stdout(&out),
        "# keytrail detect\n\n\
         | severity | rule | title | start | end | entity | count | detail | sample event ids |\n\
         | --- | --- | --- | --- | --- | --- | ---: | --- | --- |\n\
         | low | distinct-kms-ops | Many kinds of KMS calls | 2024-03-01 00:00:00 | 2024-03-02 00:00:00 \
         | who=alice | 10 | ops=8, calls=10 | ev-001 ev-003 ev-004 ev-005 ev-006 |\n\n\
         1 findings\n\n## Notes\n\n\
         - rule distinct-kms-ops: approx\\_distinct computed exactly (SLS estimates it with \
         HyperLogLog, \\~2.3% error)\n"
    );
}

#[test]
fn kms_lifecycle_markdown_names_its_statement() {
    let md = ok(&[
        "kms",
        "lifecycle",
        &events(),
        "--events",
        "DisableKey",
        "--format",
        "md",
    ]);
    let (head, rest) = md
        .split_once("\n\nKMS key lifecycle: 1 events\n\n")
        .unwrap();
    assert!(
        head.starts_with("# keytrail kms lifecycle\n\n- statement: event.serviceName:Kms AND (event.eventName:DisableKey) \\| SELECT date\\_format(\\_\\_time\\_\\_, "),
        "{head}"
    );
    assert_eq!(
        rest,
        format!(
            "| time | eventName | user | identity | keyId | ip | result |\n\
             | --- | --- | --- | --- | --- | --- | --- |\n\
             | 2024-03-01 00:00:00 | DisableKey | alice | ram-user | key-abc123 | 203.0.113.10 | success |\n\n\
             1 events, 1 buckets of 1s\n\n| start | count | bar |\n| --- | ---: | --- |\n\
             | 2024-03-01 00:00:00 | 1 | {} |\n",
            "█".repeat(30)
        )
    );
}

#[test]
fn the_ingest_summary_as_markdown_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let source = events();
    let out = keytrail(&["ingest", "-q", &source, "--store", store, "--format", "md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "# keytrail ingest\n\n- files: 1\n- files\\_skipped: 0\n- events\\_read: 40\n\
         - events\\_stored: 40\n- duplicates: 0\n- rejected: 0\n\n\
         1 files: 40 events read, 40 stored, 0 duplicates, 0 rejected\n"
    );
    let again = ok(&[
        "ingest", "-q", &source, "--store", store, "--format", "json",
    ]);
    assert_eq!(
        again,
        "{\n  \"command\": \"ingest\",\n  \"files\": 1,\n  \"files_skipped\": 1,\n  \
         \"events_read\": 0,\n  \"events_stored\": 0,\n  \"duplicates\": 0,\n  \"rejected\": 0,\n  \
         \"notes\": []\n}\n"
    );
    let table = ok(&["ingest", "-q", &source, "--store", store]);
    assert_eq!(table, "nothing new: all 1 files already ingested\n");
    let out = keytrail(&["ingest", "-q", &source, "--store", store, "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: unknown format \"pdf\": use table, csv, json, ndjson, html or md\n"
    );
}

#[test]
fn output_files_by_extension_hold_what_stdout_shows() {
    let dir = tempfile::tempdir().unwrap();
    let source = events();
    for (name, format) in [
        ("a.md", "md"),
        ("b.markdown", "md"),
        ("c.html", "html"),
        ("d.htm", "html"),
    ] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let out = keytrail(&["query", &source, TOP_OPS, "--output", path]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
        assert_eq!(stderr(&out), format!("wrote 2 rows to {path}\n"));
        let shown = ok(&["query", &source, TOP_OPS, "--format", format]);
        assert_eq!(std::fs::read_to_string(path).unwrap(), shown, "{name}");
    }
    // Raw logs in a document are the table the terminal shows, with its status line in place.
    let path = dir.path().join("raw.md");
    let out = keytrail(&[
        "query",
        &source,
        "event.eventName:DisableKey",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.starts_with("# keytrail query\n\n- matched: 1\n\n| time (UTC) | event |"),
        "{written}"
    );
    assert!(written.ends_with("\n\n1 events matched\n"), "{written}");
}

#[test]
fn rules_show_as_a_record_in_every_format() {
    let md = ok(&["rules", "show", "unauthorized-api-calls", "--format", "md"]);
    assert!(
        md.starts_with("# keytrail rules show\n\n- id: unauthorized-api-calls\n- title: Burst of denied API calls\n- severity: medium\n- window: 30m\n- condition: cnt &gt; 5\n"),
        "{md}"
    );
    assert!(md.contains("\n\nquery:\n\n```sql\nevent.eventType: ApiCall and ("));
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "rules",
        "show",
        "unauthorized-api-calls",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["command"], "rules show");
    assert_eq!(json["rule"]["condition"], "cnt > 5");
    assert!(json["query"]
        .as_str()
        .unwrap()
        .starts_with("event.eventType: ApiCall"));
}

/// What `rules show unauthorized-api-calls` printed before it went through the model.
const RULE_SHOWN: &str = "id:          unauthorized-api-calls
title:       Burst of denied API calls
severity:    medium
window:      30m
condition:   cnt > 5
entity:      account_id, source_ip
mitre:       T1078
origin:      builtin:access.toml:4
description: More than 5 calls refused for lack of permission or bad credentials from one source IP of an account in 30 minutes (SLS template cis.at.unauth_apicall). Adapted: grouped per account and source IP rather than also per service, because an intruder probing with a stolen key spreads calls over services; the services are listed.
query:
  event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* or event.errorCode: Forbidden or event.errorCode: Forbbiden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId or event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken or event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch or event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden or event.errorCode: NotAuthorized) | select \"event.userIdentity.accountId\" as account_id, \"event.sourceIpAddress\" as source_ip, array_agg(distinct \"event.serviceName\") as services, count(1) as cnt group by account_id, source_ip order by cnt desc limit 10000
";

#[test]
fn terminal_output_of_event_rules_show_and_explain_is_unchanged() {
    assert_eq!(ok(&["rules", "show", "unauthorized-api-calls"]), RULE_SHOWN);
    let event = ok(&["event", &events(), "q-01"]);
    assert!(
        event.starts_with("{\n  \"eventId\": \"q-01\",\n  \"eventVersion\": \"1\",\n  \"eventTime\": \"2024-03-01T00:00:00Z\",\n"),
        "{event}"
    );
    assert!(event.ends_with("\n}\n"), "{event}");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    ok(&["ingest", "-q", &events(), "--store", store]);
    let query = r#"* | select approx_distinct("event.eventName") as n"#;
    let explain = ok(&["query", store, query, "--explain"]);
    // A format of rows only shows the explanation as the table does.
    assert_eq!(
        ok(&["query", store, query, "--explain", "--format", "csv"]),
        explain
    );
    let (search, rest) = explain.split_once("polars plan:\n").unwrap();
    assert_eq!(search, "search:\n  * (every event)\n");
    let (plan, rest) = rest.split_once("memory:\n").unwrap();
    let (_, notes) = rest.split_once("notes:\n").unwrap();
    assert!(
        plan.starts_with("  SELECT [col(\"__a0\").alias(\"n\")]\n"),
        "{plan}"
    );
    assert!(plan.lines().all(|l| l.starts_with("  ")), "{plan}");
    assert_eq!(
        notes,
        "  approx_distinct computed exactly (SLS estimates it with HyperLogLog, ~2.3% error)\n"
    );
}

#[test]
fn the_report_as_text_for_a_terminal_has_every_section_and_the_engines_numbers() {
    let source = testdata().join("kms/events.ndjson").display().to_string();
    let args = [
        "report",
        &source,
        "--generated-at",
        "2024-06-01T00:00:00Z",
        "--baselines",
        "--format",
        "table",
    ];
    let text = ok(&args);
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| l.len() > 4 && l.as_bytes()[0].is_ascii_digit() && l[1..].starts_with(" · "))
        .collect();
    assert_eq!(
        headings,
        [
            "0 · Header and scope",
            "1 · Summary",
            "2 · Activity",
            "3 · KMS key inventory",
            "4 · Lifecycle timeline",
            "5 · Usage per key",
            "6 · Detections",
            "7 · Baselines",
            "8 · Appendix"
        ]
    );
    assert!(text.contains("\nevents: 21 from 2024-05-01 01:00:00 to 2024-05-01 12:30:00\n"));
    // The inventory holds the keys `kms keys` finds, in its order.
    let keys = ok(&["kms", "keys", &source, "--format", "csv"]);
    let ids: Vec<&str> = keys
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let inventory = text.split("\nKMS key inventory\n").nth(1).unwrap();
    let rows: Vec<&str> = inventory
        .lines()
        .skip(2)
        .take(ids.len())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(rows, ids);
    assert!(text.contains("\nkey-aaa1112\n  Unknown 2024-05-01 01:00 .. 2024-05-01 03:00\n"));
}

#[test]
fn a_hostile_report_as_text_reaches_the_terminal_escaped() {
    let source = testdata()
        .join("hostile/report/events.ndjson")
        .display()
        .to_string();
    let text = ok(&[
        "report",
        &source,
        "--generated-at",
        "2024-06-01T00:00:00Z",
        "--format",
        "table",
    ]);
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(!text.contains(c), "raw {c:?}");
    }
    assert!(
        text.contains(r"mallory\x1b]0;pwned\x07\x1b[31mred\u{202e}"),
        "{text}"
    );
}
