//! Integration tests for `keytrail report`: every section and anchor is present, the tables
//! hold what the engines' own commands (`kms keys`, `detect`, `query`) answer, the file loads
//! nothing from any network (CSP, no remote src/href), the output is reproducible with
//! `--generated-at`, and (when Chromium is installed) a real browser draws it.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use regex::Regex;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::util::{keytrail, skipped, stderr, stdout, testdata};

const GENERATED: &str = "2024-06-01T00:00:00Z";

fn kms_events() -> String {
    testdata().join("kms/events.ndjson").display().to_string()
}

fn run_ok(args: &[&str]) -> String {
    let out = keytrail(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn html(extra: &[&str]) -> String {
    let source = kms_events();
    let mut args = vec!["report", source.as_str(), "--generated-at", GENERATED];
    args.extend_from_slice(extra);
    run_ok(&args)
}

/// The body rows of the table with id `id`.
fn table_rows(html: &str, id: &str) -> usize {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &html[start..];
    let end = table.find("</table>").unwrap();
    let body = &table[table.find("<tbody>").unwrap()..end];
    body.matches("<tr>").count()
}

#[test]
fn every_section_and_anchor_is_present() {
    let page = html(&["--baselines"]);
    for id in [
        "s0-scope",
        "s1-summary",
        "s2-activity",
        "s3-keys",
        "s4-lifecycle",
        "s5-usage",
        "s6-detections",
        "s7-baselines",
        "s8-appendix",
    ] {
        assert!(
            page.contains(&format!("<section class=\"section\" id=\"{id}\">")),
            "section {id} missing"
        );
        assert!(page.contains(&format!("href=\"#{id}\"")), "no link to {id}");
    }
    assert!(
        !html(&[]).contains("id=\"s7-baselines\""),
        "baselines without --baselines"
    );
    assert!(page.contains("id=\"kms-caveat\""));
    // Every internal link has its target.
    let links = Regex::new(r##"href="#([^"]+)""##).unwrap();
    let mut n = 0;
    for cap in links.captures_iter(&page) {
        assert!(
            page.contains(&format!("id=\"{}\"", &cap[1])),
            "link #{} has no target",
            &cap[1]
        );
        n += 1;
    }
    assert!(n > 20, "{n} links");
    assert!(
        page.contains("id=\"ev-k-09\""),
        "DisableKey k-09 is evidence with its anchor"
    );
}

#[test]
fn tables_hold_what_the_engines_answer() {
    let page = html(&[]);
    let keys: Value =
        serde_json::from_str(&run_ok(&["kms", "keys", &kms_events(), "--format", "json"])).unwrap();
    let keys = keys["keys"].as_array().unwrap();
    assert_eq!(table_rows(&page, "t-keys"), keys.len());
    for k in keys {
        if let Some(id) = k["key_id"].as_str() {
            assert!(page.contains(&format!("<td>{id}</td>")), "key {id} missing");
        }
    }
    let findings: Value = serde_json::from_str(&run_ok_or_findings(&[
        "detect",
        &kms_events(),
        "--format",
        "json",
    ]))
    .unwrap();
    let findings = findings
        .get("findings")
        .unwrap_or(&findings)
        .as_array()
        .unwrap();
    let evidence_tables = page
        .matches("<table class=\"data\" id=\"evidence-f-")
        .count();
    assert_eq!(
        evidence_tables,
        findings.len(),
        "one evidence table per finding"
    );
    for severity in ["critical", "high", "medium", "low", "info"] {
        let n = findings
            .iter()
            .filter(|f| f["severity"] == severity)
            .count();
        assert!(
            page.contains(&format!("<div class=\"n\">{n}</div><div>{severity}</div>")),
            "{severity}: {n}"
        );
    }
    let services = run_ok(&[
        "query",
        &kms_events(),
        "* | SELECT \"event.serviceName\" as s, count(*) as n GROUP BY s",
        "--format",
        "json",
    ]);
    let services: Value = serde_json::from_str(&services).unwrap();
    let services = services.get("rows").unwrap_or(&services);
    assert_eq!(
        table_rows(&page, "t-services"),
        services.as_array().unwrap().len()
    );
    let ips = run_ok(&[
        "query",
        &kms_events(),
        "* | SELECT count(DISTINCT \"event.sourceIpAddress\") as n",
        "--format",
        "json",
    ]);
    let ips: Value = serde_json::from_str(&ips).unwrap();
    let ips = ips.get("rows").unwrap_or(&ips);
    assert!(page.contains(&format!(
        "id=\"t-ips\" data-rows=\"8\" data-of=\"{}\"",
        ips[0]["n"]
    )));
}

/// Stdout of a command that exits 0 or 1 (detect exits 1 with findings).
fn run_ok_or_findings(args: &[&str]) -> String {
    let out = keytrail(args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn json_report_has_the_same_numbers() {
    let text = run_ok(&[
        "report",
        &kms_events(),
        "--generated-at",
        GENERATED,
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["schema"], "keytrail.report/1");
    assert_eq!(json["header"]["events"], 21);
    assert_eq!(json["header"]["generated_at"], 1_717_200_000);
    let keys: Vec<&str> = json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["key_id"].as_str())
        .collect();
    assert_eq!(
        keys,
        vec![
            "1b2c3d4e-0000-4000-8000-00000000abcd",
            "key-aaa111",
            "key-aaa1112"
        ]
    );
    let aaa = &json["keys"][1];
    assert_eq!(aaa["last_crypto_use"]["state"], "used");
    // k-06 GenerateDataKey at 02:10; k-10 (04:30) failed, k-15 (09:00) went to key-aaa1112.
    assert_eq!(aaa["last_crypto_use"]["event_id"], "k-06");
    assert_eq!(aaa["last_crypto_use"]["operation"], "GenerateDataKey");
    let lane = json["lifecycle"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key_id"] == "key-aaa1112")
        .unwrap();
    let states: Vec<&str> = lane["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        vec!["Unknown", "Enabled", "PendingDeletion", "Enabled"]
    );
    let legacy = &json["keys"][0];
    assert_eq!(
        legacy["last_crypto_use"]["state"],
        "unknown_before_coverage"
    );
}

#[test]
fn the_report_loads_nothing_from_any_network() {
    let page = html(&[]);
    let csp =
        Regex::new(r#"<meta http-equiv="Content-Security-Policy" content="([^"]+)">"#).unwrap();
    let policy = csp.captures(&page).expect("a CSP meta tag")[1].replace("&#39;", "'");
    assert!(policy.starts_with("default-src 'none';"), "{policy}");
    assert!(!policy.contains("unsafe-inline") && !policy.contains("http"));
    let attrs = Regex::new(r#"(?i)\b(src|href|action|srcset)\s*=\s*["']?([^"' >]*)"#).unwrap();
    for cap in attrs.captures_iter(&page) {
        let url = cap[2].to_ascii_lowercase();
        assert!(
            url.starts_with('#') || url.starts_with("data:"),
            "{}={}",
            &cap[1],
            &cap[2]
        );
    }
    assert!(!page.contains("<link") && !page.contains("@import") && !page.contains("<iframe"));
    // Every inline script and style is allowed by its hash, and only those.
    let blocks = Regex::new(r"(?s)<(script|style)>(.*?)</(?:script|style)>").unwrap();
    let mut n = 0;
    for cap in blocks.captures_iter(&page) {
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(cap[2].as_bytes()));
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "{} not allowed by hash",
            &cap[1]
        );
        n += 1;
    }
    assert_eq!(n, 4, "two styles and two scripts");
}

#[test]
fn the_same_report_twice_is_the_same_bytes() {
    let (first, second) = (
        html(&["--title", "Incident 42"]),
        html(&["--title", "Incident 42"]),
    );
    assert!(first == second, "two runs differ");
    let md = run_ok(&[
        "report",
        &kms_events(),
        "--generated-at",
        GENERATED,
        "--format",
        "md",
    ]);
    assert!(md.starts_with("# keytrail evidence report\n"));
    assert!(md.contains("## 6 · Detections"));
}

#[test]
fn key_filter_narrows_the_kms_sections() {
    let page = html(&["--key", "alias/payments"]);
    // The alias pointed to both keys over the day; the legacy key is left out.
    assert_eq!(table_rows(&page, "t-keys"), 2);
    assert!(!page.contains("<td>1b2c3d4e-0000-4000-8000-00000000abcd</td>"));
    let out = keytrail(&["report", &kms_events(), "--key", "key/"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn compare_to_adds_the_previous_counts() {
    let page = html(&[
        "--from",
        "2024-05-01T06:00:00Z",
        "--compare-to",
        "2024-05-01T00:00:00Z..2024-05-01T06:00:00Z",
    ]);
    assert!(page.contains("<th class=\"num\">previous</th>"));
    let out = keytrail(&[
        "report",
        &kms_events(),
        "--compare-to",
        "2024-05-02..2024-05-01",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn out_writes_the_file_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let out = keytrail(&[
        "report",
        &kms_events(),
        "--out",
        path.to_str().unwrap(),
        "--generated-at",
        GENERATED,
    ]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(stderr(&out).starts_with(&format!("wrote {} (", path.display())));
    assert!(written.starts_with("<!DOCTYPE html>"));
}

/// The repository's `.ci/npm` (where `.ci/run` installs playwright-core).
fn playwright() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/npm/node_modules/playwright-core")
}

#[test]
fn a_real_browser_draws_the_report_and_prints_it() {
    let chromium =
        std::env::var("KEYTRAIL_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return skipped(
            "a_real_browser_draws_the_report_and_prints_it",
            format!("{chromium} is not installed (.ci/run installs Debian's chromium)"),
        );
    }
    if !playwright().exists() && std::env::var_os("CI").is_none() {
        return skipped(
            "a_real_browser_draws_the_report_and_prints_it",
            "playwright-core is not in .ci/npm (run .ci/run)",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    run_ok(&[
        "sample",
        "--out",
        archive.to_str().unwrap(),
        "--events",
        "3000",
        "--days",
        "20",
        "--incidents",
    ]);
    let report = dir.path().join("report.html");
    run_ok(&[
        "report",
        archive.to_str().unwrap(),
        "--baselines",
        "--out",
        report.to_str().unwrap(),
        "--generated-at",
        GENERATED,
    ]);
    let bands = Regex::new(r"ok: (\d+) baseline charts drawn").unwrap();
    for (name, page) in [
        ("sample", report.clone()),
        ("hostile", hostile_report(dir.path())),
    ] {
        let (png, pdf) = (
            dir.path().join(format!("{name}.png")),
            dir.path().join(format!("{name}.pdf")),
        );
        let out = Command::new("node")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/report.mjs"))
            .args([&page, &png, &pdf])
            .env("KEYTRAIL_PLAYWRIGHT", playwright())
            .env("KEYTRAIL_CHROMIUM", &chromium)
            .output()
            .expect("node runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("ok: drag narrowed the activity range"),
            "{text}"
        );
        let drawn: usize = bands.captures(&text).expect("baseline charts checked")[1]
            .parse()
            .unwrap();
        assert!(name != "sample" || drawn > 0, "{name}: {text}");
        assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    }
}

fn hostile_report(dir: &Path) -> PathBuf {
    let path = dir.join("hostile.html");
    let corpus = testdata().join("hostile/report/events.ndjson");
    run_ok(&[
        "report",
        corpus.to_str().unwrap(),
        "--out",
        path.to_str().unwrap(),
        "--generated-at",
        GENERATED,
    ]);
    path
}

#[test]
fn with_geoip_the_report_says_which_database_answered_and_where_callers_were() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::hostile_geoip::fixtures::city(dir.path());
    let db_text = db.display().to_string();
    let args = [
        "report",
        &kms_events(),
        "--generated-at",
        GENERATED,
        "--format",
        "json",
        "--geoip",
        &db_text,
    ];
    let json: Value = serde_json::from_str(&run_ok(&args)).unwrap();
    let provenance = json["appendix"]["geoip"].as_array().unwrap();
    assert_eq!(provenance.len(), 1, "{provenance:?}");
    let line = provenance[0].as_str().unwrap();
    assert!(
        line.starts_with("GeoIP database test-city.mmdb (database_type \"Keytrail-Test-City\""),
        "{line}"
    );
    assert!(line.contains("sha256 "), "{line}");
    // key-aaa111's callers: alice from 198.51.100.1 (Mountain View, US in the test database).
    let usage = json["usage"].as_array().unwrap();
    let aaa = usage.iter().find(|u| u["key_id"] == "key-aaa111").unwrap();
    let alice = aaa["from_where"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["ip"] == "198.51.100.1")
        .unwrap();
    assert_eq!(alice["country"], "美国", "{alice}");
    // Without a database the same report names none and leaves countries empty.
    let plain: Value = serde_json::from_str(&run_ok(&args[..6])).unwrap();
    assert_eq!(plain["appendix"]["geoip"], serde_json::json!([]));
}

/// A sampled archive (3000 events over 20 days with the planted incidents) in `dir`.
fn sample_archive(dir: &Path) -> String {
    let archive = dir.join("archive");
    run_ok(&[
        "sample",
        "--out",
        archive.to_str().unwrap(),
        "--events",
        "3000",
        "--days",
        "20",
        "--incidents",
    ]);
    archive.display().to_string()
}

#[test]
fn baseline_series_are_the_detectors_own_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample_archive(dir.path());
    let report: Value = serde_json::from_str(&run_ok(&[
        "report",
        &archive,
        "--baselines",
        "--format",
        "json",
        "--generated-at",
        GENERATED,
    ]))
    .unwrap();
    let detect: Value = serde_json::from_str(&run_ok_or_findings(&[
        "detect",
        &archive,
        "--baselines",
        "--format",
        "json",
    ]))
    .unwrap();
    // Every rate finding of detect is one episode of one series, with the same count.
    let mut expected: Vec<(String, String, String, i64, i64, u64)> = detect["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().ends_with("-rate"))
        .map(|f| {
            let (kind, value) = f["entity"].as_object().unwrap().iter().next().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                kind.clone(),
                value.as_str().unwrap().to_string(),
                f["start_unix"].as_i64().unwrap(),
                f["end_unix"].as_i64().unwrap(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect();
    expected.sort();
    assert!(expected.len() >= 3, "{expected:?}");
    let set = &report["baseline_series"];
    let series = set["series"].as_array().unwrap();
    let mut episodes = Vec::new();
    for s in series {
        let start = s["start"].as_i64().unwrap();
        let observed: Vec<u64> = serde_json::from_value(s["observed"].clone()).unwrap();
        let flag_at: Vec<Option<f64>> = serde_json::from_value(s["flag_at"].clone()).unwrap();
        let spans: Vec<(i64, i64)> = serde_json::from_value(s["episodes"].clone()).unwrap();
        let hour_of = |i: usize| start + 3600 * i as i64;
        for (i, n) in observed.iter().enumerate() {
            let flagged = flag_at[i].is_some_and(|f| *n as f64 >= f);
            let in_episode = spans.iter().any(|(a, b)| (*a..*b).contains(&hour_of(i)));
            assert_eq!(flagged, in_episode, "{} hour {}", s["entity"], hour_of(i));
        }
        for (a, b) in spans {
            let count: u64 = (0..observed.len())
                .filter(|&i| (a..b).contains(&hour_of(i)))
                .map(|i| observed[i])
                .sum();
            episodes.push((
                s["rule_id"].as_str().unwrap().to_string(),
                s["entity_kind"].as_str().unwrap().to_string(),
                s["entity"].as_str().unwrap().to_string(),
                a,
                b,
                count,
            ));
        }
    }
    episodes.sort();
    assert_eq!(episodes, expected);
    assert_eq!(set["of"].as_u64().unwrap(), series.len() as u64);
    // A key's hourly calls are what `query` counts for it.
    let key = series
        .iter()
        .find(|s| s["rule_id"] == "baseline.key-call-rate")
        .unwrap();
    let rows: Value = serde_json::from_str(&run_ok(&[
        "query",
        &archive,
        &format!(
            "keytrail.kmsKeyId:\"{}\" | SELECT __time__ - __time__ % 3600 AS h, count(*) AS n \
             GROUP BY h ORDER BY h LIMIT 100000",
            key["entity"].as_str().unwrap()
        ),
        "--format",
        "json",
    ]))
    .unwrap();
    let start = key["start"].as_i64().unwrap();
    let observed: Vec<u64> = serde_json::from_value(key["observed"].clone()).unwrap();
    let end = start + 3600 * observed.len() as i64;
    let mut from_query = vec![0u64; observed.len()];
    for row in rows["rows"].as_array().unwrap() {
        let h = row["h"].as_i64().unwrap();
        if (start..end).contains(&h) {
            from_query[((h - start) / 3600) as usize] = row["n"].as_u64().unwrap();
        }
    }
    assert_eq!(observed, from_query);
    // The HTML draws one band chart per series, each row links to its series.
    let page = run_ok(&[
        "report",
        &archive,
        "--baselines",
        "--generated-at",
        GENERATED,
    ]);
    assert_eq!(
        page.matches("<svg class=\"chart baseline\"").count(),
        series.len()
    );
    for s in series {
        let anchor = s["anchor"].as_str().unwrap();
        let figure = format!("<figure class=\"chart zoom\" id=\"{anchor}\">");
        assert!(page.contains(&figure), "{anchor}");
        assert!(page.contains(&format!("href=\"#{anchor}\"")), "{anchor}");
    }
    assert!(page.contains(&format!(
        "series: top {} of {} flagged",
        series.len(),
        series.len()
    )));
}

#[test]
fn compare_to_puts_the_previous_period_beside_summary_keys_and_usage() {
    let (from, to) = ("2024-05-01T00:00:00Z", "2024-05-01T06:00:00Z");
    let compare = format!("{from}..{to}");
    let report: Value = serde_json::from_str(&html(&[
        "--from",
        to,
        "--compare-to",
        &compare,
        "--format",
        "json",
    ]))
    .unwrap();
    let source = kms_events();
    let detect: Value = serde_json::from_str(&run_ok_or_findings(&[
        "detect", &source, "--from", from, "--to", to, "--format", "json",
    ]))
    .unwrap();
    let findings = detect["findings"].as_array().unwrap();
    let summary = &report["summary"];
    for pair in summary["previous_severities"].as_array().unwrap() {
        let severity = pair[0].as_str().unwrap();
        let n = findings
            .iter()
            .filter(|f| f["severity"] == severity)
            .count();
        assert_eq!(pair[1].as_u64().unwrap(), n as u64, "{severity}");
    }
    let alarms = summary["alarm_counts"].as_array().unwrap();
    assert_eq!(alarms.len(), 6);
    assert!(alarms.iter().any(|a| a["previous"].as_u64().unwrap() > 0));
    for a in alarms {
        let n = findings
            .iter()
            .filter(|f| f["rule"] == a["rule_id"])
            .count();
        assert_eq!(
            a["previous"].as_u64().unwrap(),
            n as u64,
            "{}",
            a["rule_id"]
        );
    }
    let keys: Value = serde_json::from_str(&run_ok(&[
        "kms", "keys", &source, "--from", from, "--to", to, "--format", "json",
    ]))
    .unwrap();
    let calls = |id: &str| -> u64 {
        keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key_id"] == id)
            .map_or(0, |k| k["calls"].as_u64().unwrap())
    };
    let mut nonzero = 0;
    for k in report["keys"].as_array().unwrap() {
        if let Some(id) = k["key_id"].as_str().filter(|id| !id.is_empty()) {
            assert_eq!(k["previous_calls"].as_u64().unwrap(), calls(id), "{id}");
            nonzero += usize::from(calls(id) > 0);
        }
    }
    assert!(nonzero > 0, "the previous period has calls");
    for u in report["usage"].as_array().unwrap() {
        let id = u["key_id"].as_str().unwrap();
        assert_eq!(u["previous_calls"].as_u64().unwrap(), calls(id), "{id}");
    }
    let page = html(&["--from", to, "--compare-to", &compare]);
    assert!(page.contains("<th class=\"num\">previous calls</th>"));
    assert_eq!(table_rows(&page, "t-alarm-counts"), 6);
    assert_eq!(
        page.matches("<span class=\"previous\">(previous ").count(),
        5
    );
    let plain = html(&[]);
    assert!(!plain.contains("previous calls") && plain.contains("id=\"t-alarm-counts\""));
}

/// The report's JSON with the header's command line blanked (it names the arguments).
fn report_json_without_command_line(args: &[&str]) -> Value {
    let mut json: Value = serde_json::from_str(&run_ok(args)).unwrap();
    json["header"]["command_line"] = Value::Null;
    json
}

/// The report read one partition at a time (`--group-bytes 1`: each day is a group of its
/// own, merged into the results so far) is the report read in one group: every merge of the
/// per-group results (counts, tops, coverage, per-key tables, last use, the calls after a
/// deletion was scheduled, evidence, baseline series, the compared period) is exact.
#[test]
fn reading_the_store_day_by_day_gives_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample_archive(dir.path());
    let store = dir.path().join("store");
    let store_text = store.display().to_string();
    run_ok(&["ingest", &archive, "--store", &store_text]);
    let days = std::fs::read_dir(store.join("events")).unwrap().count();
    assert!(days >= 20, "{days} partitions");
    let db = crate::hostile_geoip::fixtures::city(dir.path());
    let db_text = db.display().to_string();
    let variants: [&[&str]; 2] = [
        &["--baselines"],
        &[
            "--from",
            "2024-03-10",
            "--compare-to",
            "2024-03-01..2024-03-10",
            "--geoip",
            &db_text,
        ],
    ];
    for extra in variants {
        let mut args = vec![
            "report",
            &store_text,
            "--generated-at",
            GENERATED,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let whole = report_json_without_command_line(&args);
        args.extend_from_slice(&["--group-bytes", "1"]);
        let by_day = report_json_without_command_line(&args);
        assert!(whole["header"]["events"].as_u64().unwrap() > 1000);
        assert!(!whole["usage"].as_array().unwrap().is_empty());
        assert_eq!(whole, by_day, "{extra:?}");
    }
    let whole = report_json_without_command_line(&[
        "report",
        &store_text,
        "--format",
        "json",
        "--generated-at",
        GENERATED,
    ]);
    let used = whole["summary"]["used_after_deletion"].as_array().unwrap();
    assert_eq!(used.len(), 1, "{used:?}");
}
