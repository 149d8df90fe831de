//! Integration tests: hostile event content (`testdata/hostile/events/`, described in its
//! README). Stored events are what came in (numbers byte for byte), whatever ingest stores every
//! command reads back, conflicting copies of an event are named, blank or differently typed ids
//! never merge events, and implausible times are flagged while the events are stored.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::testdata;

/// The ingest clock of these tests: 2026-12-01T00:00:00Z.
const NOW: &str = "1796083200";

fn corpus(name: &str) -> PathBuf {
    testdata().join("hostile/events").join(name)
}

/// Runs keytrail with the test clock; exit code, stdout, stderr.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keytrail"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("KEYTRAIL_NOW", NOW)
        .output()
        .expect("keytrail binary runs");
    let code = out.status.code().expect("exited, not killed");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (code, text(&out.stdout), text(&out.stderr))
}

fn ingest(store: &Path, inputs: &[&Path]) -> (i32, String) {
    let mut args = vec!["ingest".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--store".to_string(), store.display().to_string()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = run(&refs);
    assert!(!err.contains("panicked"), "{err}");
    (code, out)
}

fn query(store: &Path, statement: &str) -> (i32, String) {
    let store = store.display().to_string();
    let (code, out, err) = run(&["query", &store, statement, "--format", "csv"]);
    assert!(!err.contains("panicked"), "{err}");
    (code, out)
}

fn event(store: &Path, id: &str) -> (i32, String) {
    let (code, out, _) = run(&["event", &store.display().to_string(), id]);
    (code, out)
}

/// Every line of every rejects file of the store, in run order.
fn rejects(store: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(store.join("rejects"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn rejects_line(store: &Path) -> String {
    let files: Vec<PathBuf> = std::fs::read_dir(store.join("rejects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    format!("rejected records: {}\n", files[0].display())
}

#[test]
fn numbers_are_stored_and_shown_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (code, out) = ingest(&store, &[&corpus("numbers.ndjson")]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "1 files: 3 events read, 3 stored, 0 duplicates, 0 rejected\n"
        )
    );
    let (code, shown) = event(&store, "NUM-1");
    assert_eq!(code, 0);
    assert_eq!(
        shown,
        r#"{
  "eventId": "NUM-1",
  "eventName": "Decrypt",
  "eventTime": "2024-03-01T10:00:00Z",
  "requestParameters": {
    "Big": 123456789012345678901234567890,
    "Frac": 0.1000000000000000055511151231257827,
    "Tiny": 1e-400,
    "Huge": 1e400,
    "NegZero": -0,
    "Upper": 1E5
  }
}
"#
    );
    // Spaces, a miscased key and escapes serde_json writes another way: the numbers stay.
    let (_, stored) = query(
        &store,
        r#"* | select event where "event.eventId" = 'NUM-2'"#,
    );
    assert_eq!(
        stored,
        "event\n\"{\"\"eventId\"\":\"\"NUM-2\"\",\"\"eventName\"\":\"\"Decrypt\"\",\"\"eventTime\"\":\"\"2024-03-01T10:01:00Z\"\",\"\"note\"\":\"\"a/b é\"\",\"\"requestParameters\"\":{\"\"Big\"\":123456789012345678901234567890,\"\"Huge\"\":1e400,\"\"Upper\"\":1E5}}\"\n"
    );
    // Scalar columns and JSON leaves hold the number's JSON text.
    let (code, leaves) = query(
        &store,
        r#"* | select "event.eventVersion" as v, "event.isGlobal" as g, "event.userIdentity.accountId" as a where "event.eventId" = 'NUM-3'"#,
    );
    assert_eq!(
        (code, leaves.as_str()),
        (0, "v,g,a\n1E5,'-0,123456789012345678901234567890\n")
    );
    let (code, leaves) = query(
        &store,
        r#"* | select "event.requestParameters.Big" as big, json_extract_scalar(event, '$.requestParameters.Huge') as huge, json_extract(event, '$.requestParameters.Tiny') as tiny, "event.requestParameters.Frac" as frac where "event.eventId" = 'NUM-1'"#,
    );
    assert_eq!(
        (code, leaves.as_str()),
        (
            0,
            "big,huge,tiny,frac\n123456789012345678901234567890,1e400,1e-400,0.1000000000000000055511151231257827\n"
        )
    );
    // Searches on a leaf match the number's exact text.
    let (_, found) = query(
        &store,
        "event.requestParameters.Big:123456789012345678901234567890 and event.requestParameters.Huge:* | select count(*) as n",
    );
    assert_eq!(found, "n\n2\n");
}

#[test]
fn events_deeper_than_readers_read_are_rejected_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let deep = corpus("deep.ndjson");
    let (code, out) = ingest(&store, &[&deep]);
    let reason = "event nests containers deeper than 127 levels, more than keytrail's JSON readers read back";
    assert_eq!(
        out,
        format!(
            "1 files: 1 events read, 1 stored, 0 duplicates, 2 rejected\n  {}: 2 rejected (line 2: {reason}; line 3: {reason})\n{}",
            deep.display(),
            rejects_line(&store)
        )
    );
    assert_eq!(code, 1);
    let lines = std::fs::read_to_string(&deep).unwrap();
    let lines: Vec<&str> = lines.lines().collect();
    let kept = rejects(&store);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0]["raw"], lines[1]);
    assert_eq!(kept[1]["position"], "line 3");
    // The 127-level event is stored and every reader reads it back.
    let (code, shown) = event(&store, "DEEP-127");
    assert_eq!(code, 0);
    let compact: String = shown.split_whitespace().collect::<Vec<_>>().join("");
    assert_eq!(compact, lines[0]);
    let leaf = format!("$.deep{}.leaf", "[0]".repeat(125));
    let statement = format!(
        r#"* | select json_extract_scalar(event, '{leaf}') as leaf where "event.eventId" = 'DEEP-127'"#
    );
    assert_eq!(query(&store, &statement), (0, "leaf\nbottom\n".to_string()));

    // 10,000 levels: rejected the same way, no stack overflow anywhere.
    let huge = dir.path().join("deeper.ndjson");
    let body = format!(
        "{{\"eventId\":\"DEEP-10000\",\"eventName\":\"Deep\",\"eventTime\":\"2024-03-01T10:00:00Z\",\"deep\":{}1{}}}\n",
        "[".repeat(9_999),
        "]".repeat(9_999)
    );
    std::fs::write(&huge, body).unwrap();
    let (code, out) = ingest(&store, &[&huge]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("1 files: 0 events read, 0 stored, 0 duplicates, 1 rejected\n"),
        "{out}"
    );
    assert!(out.contains(&format!("line 1: {reason}")), "{out}");
}

#[test]
fn a_conflicting_copy_is_rejected_and_named_within_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (a, b) = (corpus("conflict-a.ndjson"), corpus("conflict-b.ndjson"));
    let (code, out) = ingest(&store, &[&a, &b]);
    let at = |file: &Path, line: u32| format!("{}#line {line}", file.display());
    let conflict = |id: &str, first: String| {
        format!("conflict: eventId \"{id}\" already stored with different content (first seen at {first})")
    };
    assert_eq!(
        out,
        format!(
            "2 files: 6 events read, 3 stored, 1 duplicates, 2 rejected\n  {}: 1 rejected (line 4: {})\n  {}: 1 rejected (line 1: {})\n{}",
            a.display(),
            conflict("CONF-3", at(&a, 3)),
            b.display(),
            conflict("CONF-1", at(&a, 1)),
            rejects_line(&store)
        )
    );
    assert_eq!(code, 1);
    let kept = rejects(&store);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[1]["file"], b.display().to_string());
    assert!(kept[1]["raw"].as_str().unwrap().contains("key-forged"));
    // The first copy is the one stored; the other is only in the rejects.
    let (_, stored) = query(
        &store,
        r#"* | select "event.requestParameters.KeyId" as k where "event.eventId" = 'CONF-1'"#,
    );
    assert_eq!(stored, "k\nkey-real\n");
}

#[test]
fn a_conflicting_copy_is_found_against_the_store_in_a_later_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (a, b) = (corpus("conflict-a.ndjson"), corpus("conflict-b.ndjson"));
    let (code, _) = ingest(&store, &[&a]);
    assert_eq!(code, 1, "conflict-a holds a conflict of its own");
    let (code, out) = ingest(&store, &[&b]);
    let first = format!("{}#line 1", a.display());
    assert_eq!(code, 1);
    let second_rejects = rejects(&store);
    assert_eq!(second_rejects.len(), 2);
    assert!(
        out.starts_with(&format!(
            "1 files: 2 events read, 0 stored, 1 duplicates, 1 rejected\n  {}: 1 rejected (line 1: conflict: eventId \"CONF-1\" already stored with different content (first seen at {first}))\n",
            b.display()
        )),
        "{out}"
    );
    // Running it again reads nothing new: the conflict is recorded, not lost.
    let (code, out) = ingest(&store, &[&b]);
    assert_eq!(
        (code, out.as_str()),
        (0, "nothing new: all 1 files already ingested\n")
    );
}

#[test]
fn blank_and_differently_typed_ids_never_merge_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (code, out) = ingest(&store, &[&corpus("ids.ndjson")]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "1 files: 7 events read, 6 stored, 1 duplicates, 0 rejected\n"
        )
    );
    let (_, keys) = query(
        &store,
        r#"* | select "event.sourceIpAddress" as ip, "event.eventName" as name, substr("keytrail.key", 1, 4) as key order by name, ip, key"#,
    );
    assert_eq!(
        keys,
        "ip,name,key\n203.0.113.1,ConsoleSignin,sha:\n203.0.113.2,ConsoleSignin,sha:\n203.0.113.1,ConsoleSignout,sha:\n203.0.113.2,ConsoleSignout,sha:\n203.0.113.3,DescribeKey,num:\n203.0.113.4,DescribeKey,1\n"
    );
}

#[test]
fn implausible_times_are_stored_and_flagged_and_absurd_ones_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let times = corpus("times.ndjson");
    let (code, out) = ingest(&store, &[&times]);
    assert_eq!(
        out,
        format!(
            "1 files: 5 events read, 5 stored, 0 duplicates, 3 rejected\n  {}: 4 events with an implausible eventTime (before 2010-01-01 or after 2026-12-02T00:00:00Z), stored anyway; first at line 1: \"1970-01-01T00:00:00Z\"; 3 rejected (line 6: eventTime is outside the years 0000 to 9999 (unix time 253402300800); line 7: eventTime is outside the years 0000 to 9999 (unix time 9223372036854775807); line 8: eventTime is outside the years 0000 to 9999 (unix time -62167222800))\n{}",
            times.display(),
            rejects_line(&store)
        )
    );
    assert_eq!(code, 1);
    let mut dates: Vec<String> = std::fs::read_dir(store.join("events"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dates.sort();
    assert_eq!(
        dates,
        [
            "date=0000-01-01",
            "date=1970-01-01",
            "date=2024-03-01",
            "date=2026-12-05",
            "date=9999-12-31"
        ]
    );
    for id in ["T-0000", "T-1970", "T-9999", "T-FUTURE"] {
        assert_eq!(event(&store, id).0, 0, "{id}");
    }
    let (code, count) = query(&store, "* | select count(*) as n");
    assert_eq!((code, count.as_str()), (0, "n\n5\n"));
}

#[test]
fn numbers_inside_an_sls_event_string_are_stored_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (code, out) = ingest(&store, &[&corpus("sls-numbers.ndjson")]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "1 files: 1 events read, 1 stored, 0 duplicates, 0 rejected\n"
        )
    );
    let (_, stored) = query(
        &store,
        r#"* | select "event.requestParameters.Big" as big, "event.requestParameters.Huge" as huge"#,
    );
    assert_eq!(stored, "big,huge\n123456789012345678901234567890,1e400\n");
}

#[test]
fn numbers_inside_a_lookup_page_and_an_sls_object_event_are_stored_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let inputs = [
        corpus("lookup-numbers.json"),
        corpus("sls-object-numbers.ndjson"),
    ];
    let (code, out) = ingest(&store, &[&inputs[0], &inputs[1]]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "2 files: 3 events read, 3 stored, 0 duplicates, 0 rejected\n"
        )
    );
    let (code, shown) = event(&store, "PAGE-NUM");
    assert_eq!(code, 0);
    assert_eq!(
        shown,
        r#"{
  "eventId": "PAGE-NUM",
  "eventName": "CreateKey",
  "eventTime": "2024-03-01T10:00:00Z",
  "serviceName": "Kms",
  "requestParameters": {
    "Big": 123456789012345678901234567890,
    "Huge": 1e400,
    "Upper": 1E5
  },
  "responseElements": {
    "KeyMetadata": {
      "KeyId": "key-num001"
    }
  }
}
"#
    );
    let (code, shown) = event(&store, "SLS-OBJ");
    assert_eq!(code, 0);
    let sls_event = r#"{
  "eventId": "SLS-OBJ",
  "eventName": "DisableKey",
  "eventTime": "2024-03-01T10:02:00Z",
  "serviceName": "Kms",
  "requestParameters": {
    "KeyId": "key-num001",
    "Big": 123456789012345678901234567890,
    "Huge": 1e400,
    "Upper": 1E5
  }
}
"#;
    assert_eq!(shown, sls_event);
    // Where each event was read, and the SLS envelope's time, are as before.
    let (_, origins) = query(
        &store,
        r#"* | select "event.eventId" as id, "keytrail.origin" as origin, __time__ as t order by id"#,
    );
    let names: Vec<String> = origins
        .lines()
        .map(|l| {
            let file = inputs.iter().find_map(|p| {
                let p = std::fs::canonicalize(p).unwrap().display().to_string();
                l.contains(&p).then_some(p)
            });
            file.map_or(l.to_string(), |p| l.replace(&p, "<file>"))
        })
        .collect();
    assert_eq!(names.len(), 4, "{origins}");
    assert!(
        names[1].starts_with("PAGE-NUM,<file>#byte 0 Events[0],"),
        "{origins}"
    );
    assert!(
        names[2].starts_with("PAGE-PLAIN,<file>#byte 0 Events[1],"),
        "{origins}"
    );
    assert!(names[3].starts_with("SLS-OBJ,<file>#line 1,"), "{origins}");
}

#[test]
fn kms_lifecycle_raw_json_carries_the_numbers_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let inputs = [
        corpus("lookup-numbers.json"),
        corpus("sls-object-numbers.ndjson"),
    ];
    assert_eq!(ingest(&store, &[&inputs[0], &inputs[1]]).0, 0);
    let store = store.display().to_string();
    let (code, out, err) = run(&["kms", "lifecycle", &store, "--raw", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let raw = &out[out.find("  \"raw_events\"").expect("raw_events member")..];
    assert_eq!(
        raw,
        r#"  "raw_events": [
    {
      "eventId": "SLS-OBJ",
      "eventName": "DisableKey",
      "eventTime": "2024-03-01T10:02:00Z",
      "serviceName": "Kms",
      "requestParameters": {
        "KeyId": "key-num001",
        "Big": 123456789012345678901234567890,
        "Huge": 1e400,
        "Upper": 1E5
      }
    },
    {
      "eventId": "PAGE-NUM",
      "eventName": "CreateKey",
      "eventTime": "2024-03-01T10:00:00Z",
      "serviceName": "Kms",
      "requestParameters": {
        "Big": 123456789012345678901234567890,
        "Huge": 1e400,
        "Upper": 1E5
      },
      "responseElements": {
        "KeyMetadata": {
          "KeyId": "key-num001"
        }
      }
    }
  ],
  "notes": []
}
"#
    );
}
