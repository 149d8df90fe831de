//! Integration tests: `keytrail detect` and `keytrail rules` on `testdata/detect/rules.ndjson`
//! (51 plain events on 2024-03-01, each built-in rule's firing and silent cases) and on
//! generated archives with and without the planted incidents.

use std::path::Path;
use std::process::Command;

use pretty_assertions::assert_eq;

use crate::util::{keytrail, stderr, stdout, testdata};

fn fixture() -> String {
    testdata().join("detect/rules.ndjson").display().to_string()
}

/// (rule, start, entity, count, sample ids) of each CSV finding.
fn findings(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{} {} [{}] {} {}", f[1], f[3], f[5], f[6], f[f.len() - 1])
        })
        .collect()
}

#[test]
fn every_builtin_rule_fires_on_its_case_and_stays_silent_on_the_others() {
    let out = keytrail(&[
        "detect",
        &fixture(),
        "--format",
        "csv",
        "--min-severity",
        "medium",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        findings(&stdout(&out)),
        vec![
            "kms-key-disabled 2024-03-01 01:00:00 [key_id=key-aaa111 user_name=alice source_ip=203.0.113.10] 1 ev-001",
            "kms-key-deletion-scheduled 2024-03-01 02:00:00 [key_id=key-aaa111 user_name=alice source_ip=203.0.113.10] 1 ev-003",
            "kms-key-material-deleted 2024-03-01 03:00:00 [key_id=key-bbb222 user_name=alice source_ip=203.0.113.10] 1 ev-006",
            "kms-deletion-protection-off 2024-03-01 04:00:00 [key_id=key-aaa111 user_name=alice source_ip=203.0.113.10] 1 ev-007",
            "kms-rotation-off 2024-03-01 05:00:00 [key_id=key-aaa111 user_name=alice source_ip=203.0.113.10] 1 ev-009",
            "kms-alias-moved 2024-03-01 06:00:00 [alias=alias/prod key_id=key-bbb222 user_name=alice source_ip=203.0.113.10] 1 ev-011",
            "unauthorized-api-calls 2024-03-01 14:00:00 [account_id=1234567890123456 source_ip=198.18.0.5] 6 ev-012 ev-013 ev-014 ev-015 ev-016",
            "root-access-key-used 2024-03-01 18:00:00 [account_id=1234567890123456 access_key_id=LTAIroot00000000001] 1 ev-029",
            "console-signin-without-mfa 2024-03-01 19:00:00 [root_account_id=1234567890123456 ram_account_id=20000031carol] 1 ev-031",
            "kms-secret-mass-read 2024-03-01 20:00:00 [user_name=erin] 10 ev-033 ev-034 ev-035 ev-036 ev-037",
        ]
    );
}

#[test]
fn info_and_low_rules_fire_too() {
    let out = keytrail(&["detect", &fixture(), "--format", "csv"]);
    let all = findings(&stdout(&out));
    let ids: Vec<&str> = all.iter().map(|f| f.split(' ').next().unwrap()).collect();
    assert_eq!(
        ids.iter()
            .filter(|i| **i == "kms-key-deletion-cancelled")
            .count(),
        1
    );
    assert_eq!(ids.iter().filter(|i| **i == "kms-key-enabled").count(), 1);
    // DisableKey by bob, ListKeys and Decrypt by mallory.
    assert_eq!(ids.iter().filter(|i| **i == "kms-denied-call").count(), 3);
    // mallory's AccessKey fails in four windows; bob's and erin's never.
    assert_eq!(
        ids.iter().filter(|i| **i == "failing-access-key").count(),
        5
    );
}

#[test]
fn no_findings_exit_zero() {
    let out = keytrail(&["detect", &fixture(), "--min-severity", "critical"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no findings\n");
}

#[test]
fn rules_check_points_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.toml");
    std::fs::write(
        &file,
        "[[rule]]\nid = \"ok\"\ntitle = \"t\"\nseverity = \"low\"\nwindow = \"1h\"\nquery = \"event.eventName: DisableKey | select count(1) as cnt\"\ncondition = \"cnt > 1\"\n\n[[rule]]\nid = \"bad\"\ntitle = \"t\"\nseverity = \"low\"\nwindow = \"1h\"\nquery = \"* | select nosuchfunc(1) as cnt\"\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let out = keytrail(&["rules", "check", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{path}:9: rule bad:")),
        "{}",
        stderr(&out)
    );
    std::fs::write(&file, "[[rule]]\nid = \"x\"\ntitle = 3\n").unwrap();
    let out = keytrail(&["rules", "check", &path]);
    assert!(
        stderr(&out).contains(&format!("{path}:3:9:")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn builtin_rules_all_check_and_list() {
    let out = keytrail(&["rules", "list", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 15);
    let out = keytrail(&["rules", "show", "unauthorized-api-calls"]);
    assert!(stdout(&out).contains("condition:   cnt > 5"));
}

fn generate(dir: &Path, incidents: bool) -> String {
    let archive = dir.join("archive").display().to_string();
    let store = dir.join("store").display().to_string();
    let mut args = vec![
        "sample", "--out", &archive, "--events", "100000", "--days", "20",
    ];
    if incidents {
        args.push("--incidents");
    }
    assert!(keytrail(&args).status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_keytrail"))
        .args(["ingest", "-q", &archive, "--store", &store])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    store
}

const INCIDENT_RULES: &[&str] = &[
    "unauthorized-api-calls",
    "kms-secret-mass-read",
    "root-access-key-used",
];

#[test]
fn planted_incidents_are_found_and_the_quiet_archive_stays_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let store = generate(&dir.path().join("inc"), true);
    let out = keytrail(&[
        "detect",
        &store,
        "--baselines",
        "--format",
        "csv",
        "--min-severity",
        "medium",
    ]);
    let found = findings(&stdout(&out));
    let has = |s: &str| found.iter().any(|f| f.starts_with(s));
    assert!(has("kms-key-deletion-scheduled 2024-03-18 03:00:00 [key_id=key-hzz6b8e2d4f6a1c3wx5pq user_name=bob source_ip=192.0.2.147] 1"), "{found:#?}");
    assert!(has("baseline.first-seen-key-ip 2024-03-18 03:17:42 [key=key-hzz6b8e2d4f6a1c3wx5pq ip=192.0.2.147] 1"), "{found:#?}");
    assert!(has("baseline.first-seen-key-principal 2024-03-18 03:17:42 [key=key-hzz6b8e2d4f6a1c3wx5pq principal=bob] 1"), "{found:#?}");
    assert!(has("unauthorized-api-calls 2024-03-17 14:00:00 [account_id=1583947294821056 source_ip=198.18.0.77] 8"), "{found:#?}");
    assert!(
        has("baseline.first-seen-ak-ip 2024-03-17 14:02"),
        "{found:#?}"
    );
    assert!(
        has("baseline.principal-error-rate 2024-03-17 14:00:00 [principal=ci-deployer] 8"),
        "{found:#?}"
    );
    assert!(
        has("baseline.key-call-rate 2024-03-16 18:00:00 [key=key-hzz6e5f1a0b3c8d2yz7rs] 60"),
        "{found:#?}"
    );

    let quiet = generate(&dir.path().join("quiet"), false);
    let out = keytrail(&["detect", &quiet, "--baselines", "--format", "csv"]);
    let found = findings(&stdout(&out));
    let bad: Vec<&String> = found
        .iter()
        .filter(|f| {
            f.starts_with("baseline.")
                || INCIDENT_RULES
                    .iter()
                    .any(|r| f.starts_with(&format!("{r} ")))
        })
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}
