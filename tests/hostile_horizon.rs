//! Any horizon in bounded memory (issue 17): raw logs streamed partition by partition give the
//! events and order a whole-range SQL sort gives, the memory guard stops a run with exit 3,
//! `--explain` says what a plan holds, `--threads 1` changes no byte. Cases:
//! `testdata/hostile/horizon/README.md`.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::util::{keytrail, stderr, stdout};

/// A store of 3,000 sample events over 40 days, made once for the module.
fn store() -> &'static PathBuf {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let archive = dir.path().join("archive");
            let store = dir.path().join("store");
            let a = archive.to_str().unwrap();
            let out = keytrail(&[
                "sample",
                "--out",
                a,
                "--events",
                "3000",
                "--days",
                "40",
                "--incidents",
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let out = keytrail(&["ingest", a, "--store", store.to_str().unwrap(), "-q"]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            (dir, store)
        })
        .1
}

fn run(args: &[&str]) -> (String, String) {
    let s = store().to_str().unwrap().to_string();
    let mut all = vec![args[0], &s];
    all.extend(&args[1..]);
    let out = keytrail(&all);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    (stdout(&out), stderr(&out))
}

fn count(search: &str) -> usize {
    let (out, _) = run(&[
        "query",
        &format!("{search} | SELECT count(*) AS n"),
        "-f",
        "csv",
    ]);
    out.lines().nth(1).unwrap().parse().unwrap()
}

#[test]
fn raw_logs_streamed_by_partition_are_the_whole_range_sort_in_every_format() {
    for search in ["*", "event.serviceName:Kms"] {
        let matched = count(search);
        assert!(matched > 500, "{matched}");
        for limit in [0usize, 1, 7, 100_000] {
            let l = limit.to_string();
            let shown = limit.min(matched);
            let (ndjson, err) = run(&["query", search, "-f", "ndjson", "--limit", &l]);
            let sql = format!(
                "{search} | SELECT event ORDER BY __time__ DESC LIMIT {}",
                shown.max(1)
            );
            let (sorted, _) = run(&["query", &sql, "-f", "ndjson"]);
            let want: Vec<String> = sorted
                .lines()
                .take(shown)
                .map(|row| {
                    let v: serde_json::Value = serde_json::from_str(row).unwrap();
                    v["event"].as_str().unwrap().to_string()
                })
                .collect();
            let got: Vec<&str> = ndjson.lines().collect();
            assert_eq!(got.len(), shown, "{search} --limit {limit}");
            for (g, w) in got.iter().zip(&want) {
                let g: serde_json::Value = serde_json::from_str(g).unwrap();
                let w: serde_json::Value = serde_json::from_str(w).unwrap();
                assert_eq!(g, w, "{search} --limit {limit}");
            }
            assert!(err.contains(&format!("{matched} events matched")), "{err}");

            let (json, _) = run(&["query", search, "-f", "json", "--limit", &l]);
            let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(doc["matched"], matched);
            let events = doc["events"].as_array().unwrap();
            assert_eq!(events.len(), shown);
            for (e, line) in events.iter().zip(&got) {
                assert_eq!(e, &serde_json::from_str::<serde_json::Value>(line).unwrap());
            }
            let (csv, _) = run(&["query", search, "-f", "csv", "--limit", &l]);
            assert!(csv.starts_with("time (UTC),event,service,user,source IP,resource,error\n"));
            let (table, _) = run(&["query", search, "--limit", &l]);
            assert!(
                table.contains(&format!("{matched} events matched")),
                "{table}"
            );
        }
    }
}

#[test]
fn a_command_past_its_memory_limit_stops_with_exit_3_naming_the_limit() {
    let s = store().to_str().unwrap();
    for args in [
        vec![
            "query",
            s,
            "* | SELECT DISTINCT \"event.requestId\" AS r",
            "--max-memory",
            "1M",
        ],
        vec!["histogram", s, "*", "--max-memory", "1M"],
        vec!["detect", s, "--baselines", "--max-memory", "1M"],
        vec!["kms", "keys", s, "--max-memory", "1M"],
        vec!["kms", "lifecycle", s, "--max-memory", "1M"],
        vec!["report", s, "--out", "/dev/null", "--max-memory", "1M"],
    ] {
        let out = keytrail(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("stopped at its memory limit"), "{err}");
        assert!(err.contains("over --max-memory 1 MB"), "{err}");
    }
    let out = keytrail(&["query", s, "*", "--max-memory", "1X"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad size unit"), "{}", stderr(&out));
}

#[test]
fn explain_says_what_a_plan_holds_in_memory() {
    let memory = |query: &str| {
        let (out, _) = run(&["query", query, "--explain"]);
        out[out.find("memory:\n").expect("a memory section")..]
            .split("index:")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        memory("* | SELECT DISTINCT \"event.requestId\" AS r"),
        "memory:\n  grows with the data, up to --max-memory (then exit 3):\n  - SELECT DISTINCT: every distinct row (unbounded for a column of unique values)\n"
    );
    assert_eq!(
        memory("* | SELECT \"event.eventName\" AS e LIMIT 5"),
        "memory:\n  bounded: every step streams (one batch of rows at a time)\n"
    );
    assert!(memory("Kms").starts_with("memory:\n  bounded: raw logs"));
}

#[test]
fn one_thread_changes_no_byte_and_histogram_totals_are_exact() {
    let sql = "* | SELECT \"event.eventName\" AS e, count(*) AS n, count(DISTINCT \"event.sourceIpAddress\") AS ips GROUP BY e ORDER BY n DESC, e";
    assert_eq!(run(&["query", sql]), run(&["query", sql, "--threads", "1"]));
    for search in ["*", "event.serviceName:Kms", "nothing-matches-this"] {
        let (one, _) = run(&["histogram", search, "-f", "json", "--threads", "1"]);
        let (all, _) = run(&["histogram", search, "-f", "json", "--interval", "1d"]);
        let one: serde_json::Value = serde_json::from_str(&one).unwrap();
        let all: serde_json::Value = serde_json::from_str(&all).unwrap();
        assert_eq!(one["histogram"]["total"], count(search));
        assert_eq!(all["histogram"]["total"], count(search));
    }
}
