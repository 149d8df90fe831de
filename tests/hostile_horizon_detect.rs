//! Integration tests: `keytrail detect` reads its range in chunks and gives the same bytes
//! however small they are (cases in `testdata/hostile/horizon_detect/`).

use std::path::Path;
use std::process::Command;

use pretty_assertions::assert_eq;

use crate::util::{keytrail, stderr, testdata};

fn store(dir: &Path) -> String {
    let archive = dir.join("archive").display().to_string();
    let store = dir.join("store").display().to_string();
    let args = [
        "sample",
        "--out",
        &archive,
        "--events",
        "60000",
        "--days",
        "20",
        "--incidents",
    ];
    assert!(keytrail(&args).status.success());
    let out = keytrail(&["ingest", "-q", &archive, "--store", &store]);
    assert!(out.status.success(), "{}", stderr(&out));
    store
}

/// `keytrail detect` with chunks of at most `chunk` events (None: the default size).
fn detect(args: &[&str], chunk: Option<u64>) -> (Option<i32>, Vec<u8>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keytrail"));
    command.arg("detect").args(args).env("NO_COLOR", "1");
    if let Some(n) = chunk {
        command.args(["--chunk-events", &n.to_string()]);
    }
    let out = command.output().expect("keytrail runs");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), out.stdout)
}

#[test]
fn findings_are_the_same_bytes_whatever_the_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let rules = testdata()
        .join("hostile/horizon_detect/windows.toml")
        .display()
        .to_string();
    let cases: [Vec<&str>; 3] = [
        vec![&store, "--baselines", "--format", "json"],
        vec![
            &store,
            "--baselines",
            "--format",
            "json",
            "--from",
            "2024-03-09 05:30",
            "--to",
            "2024-03-17",
        ],
        vec![&store, "--rules", &rules, "--format", "json"],
    ];
    for args in &cases {
        let (status, whole) = detect(args, None);
        assert_eq!(status, Some(1), "{args:?}");
        let text = String::from_utf8_lossy(&whole);
        assert!(text.matches("\"rule\"").count() > 20, "{args:?}: {text}");
        // 100 is below the events of most hours (125 on average): those hours are cut at
        // seconds, and the baselines' groups of an hour wait for its last piece.
        for chunk in [100, 500, 5000] {
            let (status, chunked) = detect(args, Some(chunk));
            assert_eq!(status, Some(1), "{args:?} in chunks of {chunk}");
            assert_eq!(
                String::from_utf8_lossy(&chunked),
                text,
                "{args:?} in chunks of {chunk}"
            );
        }
    }
}

/// An hour holding more events than a chunk is cut at seconds, down to one event per chunk,
/// and the findings stay the same bytes.
#[test]
fn a_busy_hour_cut_at_every_second_gives_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let args = [
        store.as_str(),
        "--format",
        "json",
        "--from",
        "2024-03-09 05:30",
        "--to",
        "2024-03-09 07:00",
    ];
    let (status, whole) = detect(&args, None);
    let text = String::from_utf8_lossy(&whole);
    assert_eq!(status, Some(1));
    assert_eq!(text.matches("\"rule\"").count(), 3, "{text}");
    for chunk in [1, 7] {
        let (chunked_status, chunked) = detect(&args, Some(chunk));
        assert_eq!(chunked_status, status, "chunks of {chunk}");
        assert_eq!(String::from_utf8_lossy(&chunked), text, "chunks of {chunk}");
    }
}

/// Several rules whose windows are still open when the range ends: those with nothing carried
/// used to be evaluated on a frame without columns ("__time__" not found, exit 2).
#[test]
fn several_rules_with_windows_open_at_the_end_of_a_short_range_are_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let rules = testdata()
        .join("hostile/horizon_detect/windows.toml")
        .display()
        .to_string();
    let args = [
        store.as_str(),
        "--rules",
        &rules,
        "--format",
        "json",
        "--from",
        "2024-03-09 05:30",
        "--to",
        "2024-03-09 07:00",
    ];
    let (status, whole) = detect(&args, None);
    assert_eq!(status, Some(1));
    let text = String::from_utf8_lossy(&whole);
    assert!(
        text.contains("\"rule\": \"odd-window-busiest-ips\""),
        "{text}"
    );
    for chunk in [100, 500] {
        let (status, chunked) = detect(&args, Some(chunk));
        assert_eq!(status, Some(1), "in chunks of {chunk}");
        assert_eq!(
            String::from_utf8_lossy(&chunked),
            text,
            "in chunks of {chunk}"
        );
    }
}
