//! Integration tests: `keytrail kms lifecycle|usage|keys` on `testdata/kms/events.ndjson`
//! (21 events on 2024-05-01; see `testdata/kms/README.md` for the story they tell).

use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::util::{keytrail, stderr, stdout, testdata};

fn fixture() -> String {
    testdata().join("kms/events.ndjson").display().to_string()
}

fn kms(args: &[&str]) -> String {
    let source = fixture();
    let mut all = vec!["kms", args[0], source.as_str()];
    all.extend_from_slice(&args[1..]);
    let out = keytrail(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// A whole rendered output, as committed under `testdata/kms/expected/` (200 columns).
fn expected(name: &str) -> String {
    std::fs::read_to_string(testdata().join("kms/expected").join(name)).unwrap()
}

#[test]
fn lifecycle_lists_every_lifecycle_event_oldest_first() {
    assert_eq!(
        kms(&["lifecycle", "--format", "csv"]),
        "time,eventName,user,identity,keyId,ip,result\n\
         2024-05-01 01:00:00,CreateKey,alice,ram-user,key-aaa111,198.51.100.1,success\n\
         2024-05-01 01:10:00,CreateAlias,alice,ram-user,key-aaa111,198.51.100.1,success\n\
         2024-05-01 03:00:00,CreateKey,bob,ram-user,key-aaa1112,203.0.113.7,success\n\
         2024-05-01 04:00:00,DisableKey,bob,ram-user,key-aaa111,203.0.113.7,success\n\
         2024-05-01 05:00:00,EnableKey,alice,ram-user,key-aaa111,198.51.100.1,success\n\
         2024-05-01 06:00:00,ScheduleKeyDeletion,mallory,ram-user,key-aaa1112,198.18.0.66,success\n\
         2024-05-01 07:00:00,CancelKeyDeletion,alice,ram-user,key-aaa1112,198.51.100.1,success\n\
         2024-05-01 08:00:00,UpdateAlias,alice,ram-user,key-aaa1112,198.51.100.1,success\n\
         2024-05-01 10:00:00,ScheduleKeyDeletion,root,root-account,1b2c3d4e-0000-4000-8000-00000000abcd,198.51.100.200,success\n\
         2024-05-01 12:00:00,SetDeletionProtection,alice,ram-user,key-aaa111,198.51.100.1,success\n\
         2024-05-01 12:30:00,UpdateRotationPolicy,alice,ram-user,key-aaa1112,198.51.100.1,success\n"
    );
}

#[test]
fn lifecycle_narrowed_to_the_seed_events_in_shanghai_time() {
    let csv = kms(&[
        "lifecycle",
        "--events",
        "CreateKey,ScheduleKeyDeletion,EnableKey,DisableKey",
        "--tz",
        "Asia/Shanghai",
        "--format",
        "csv",
    ]);
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(" "))
        .map(|s| Box::leak(s.into_boxed_str()) as &str)
        .collect();
    assert_eq!(
        rows,
        [
            "2024-05-01 09:00:00 CreateKey",
            "2024-05-01 11:00:00 CreateKey",
            "2024-05-01 12:00:00 DisableKey",
            "2024-05-01 13:00:00 EnableKey",
            "2024-05-01 14:00:00 ScheduleKeyDeletion",
            "2024-05-01 18:00:00 ScheduleKeyDeletion",
        ]
    );
}

#[test]
fn lifecycle_table_has_the_histogram_and_raw_logs_on_request() {
    let text = kms(&["lifecycle", "--raw", "--interval", "6h"]);
    // The origin column holds the fixture's absolute path, cut to 7 characters and an
    // ellipsis: the committed file says `<origin>` there, so it holds in every checkout.
    let origin_cell: String = fixture().chars().take(7).chain(['…']).collect();
    let text = text.replace(&origin_cell, "<origin>");
    assert_eq!(text, expected("lifecycle-raw-6h.txt"));
}

#[test]
fn usage_groups_by_event_and_ip_with_decrypt_attributed_through_the_response() {
    assert_eq!(
        kms(&["usage", "key-aaa111", "--format", "csv"]),
        "eventName,ip,num\n\
         Decrypt,10.0.0.5,2\n\
         CreateAlias,198.51.100.1,1\n\
         CreateKey,198.51.100.1,1\n\
         Decrypt,10.0.0.6,1\n\
         DescribeKey,203.0.113.99,1\n\
         DisableKey,203.0.113.7,1\n\
         EnableKey,198.51.100.1,1\n\
         Encrypt,10.0.0.5,1\n\
         GenerateDataKey,10.0.0.5,1\n\
         SetDeletionProtection,198.51.100.1,1\n"
    );
}

#[test]
fn a_key_id_that_prefixes_another_is_not_mixed_with_it() {
    let csv = kms(&["usage", "key-aaa1112", "--format", "csv"]);
    let total: u64 = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 6, "{csv}");
    assert!(!csv.contains("Decrypt"), "{csv}");
}

#[test]
fn an_arn_is_reduced_to_its_key_id() {
    let by_arn = kms(&[
        "usage",
        "acs:kms:cn-hangzhou:1111222233334444:key/key-aaa111",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&by_arn).unwrap();
    assert_eq!(doc["key_ids"], serde_json::json!(["key-aaa111"]));
    let by_id: Value =
        serde_json::from_str(&kms(&["usage", "key-aaa111", "--format", "json"])).unwrap();
    assert_eq!(doc["rows"], by_id["rows"]);
    assert_eq!(doc["histogram"]["total"], 11);
}

#[test]
fn an_alias_resolves_through_the_alias_events_and_says_so() {
    let text = kms(&["usage", "alias/payments"]);
    assert_eq!(text, expected("usage-alias-payments.txt"));
    let doc: Value = serde_json::from_str(&kms(&[
        "usage",
        "alias/payments",
        "--by",
        "user",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(doc["aliases"], serde_json::json!(["alias/payments"]));
    assert_eq!(
        doc["rows"][0],
        serde_json::json!({"eventName": "Encrypt", "user": "app-role:svc", "num": 4})
    );
}

#[test]
fn the_inventory_follows_each_key_through_its_life() {
    assert_eq!(
        kms(&["keys", "--format", "csv"]),
        "keyId,aliases,region,created,createdBy,state,firstSeen,lastSeen,calls,operations,callers,ips,errors\n\
         1b2c3d4e-0000-4000-8000-00000000abcd,,cn-hangzhou,,,PendingDeletion (deletion 2024-05-31 10:00:00),2024-05-01 10:00:00,2024-05-01 10:00:00,1,ScheduleKeyDeletion=1,1,1,0\n\
         key-aaa111,,cn-hangzhou,2024-05-01 01:00:00,alice,Enabled,2024-05-01 01:00:00,2024-05-01 12:00:00,12,Decrypt=3 Encrypt=2 CreateAlias=1 CreateKey=1 DescribeKey=1 DisableKey=1 EnableKey=1 GenerateDataKey=1 SetDeletionProtection=1,4,5,2\n\
         key-aaa1112,alias/payments,cn-hangzhou,2024-05-01 03:00:00,bob,deletion cancelled,2024-05-01 03:00:00,2024-05-01 12:30:00,7,Encrypt=2 CancelKeyDeletion=1 CreateKey=1 ScheduleKeyDeletion=1 UpdateAlias=1 UpdateRotationPolicy=1,4,4,0\n"
    );
}

#[test]
fn the_inventory_json_has_one_stable_schema() {
    let doc: Value = serde_json::from_str(&kms(&["keys", "--format", "json"])).unwrap();
    assert_eq!(doc["command"], "kms keys");
    let key = &doc["keys"][2];
    let mut fields: Vec<&str> = key
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "aliases",
            "callers",
            "calls",
            "created_at",
            "created_by",
            "deletion_at",
            "errors",
            "first_seen",
            "ips",
            "key_id",
            "last_seen",
            "operations",
            "region",
            "state"
        ]
    );
    assert_eq!(key["state"], "DeletionCancelled");
    assert_eq!(doc["keys"][0]["deletion_at"], "2024-05-31T10:00:00+00:00");
}

#[test]
fn explain_shows_the_statement_the_command_runs() {
    let text = kms(&["lifecycle", "--events", "DisableKey", "--explain"]);
    assert!(
        text.starts_with(
            "event.serviceName:Kms AND (event.eventName:DisableKey) | SELECT date_format(__time__"
        ),
        "{text}"
    );
}

#[test]
fn an_empty_result_says_so() {
    let text = kms(&["keys", "--from", "2030-01-01"]);
    assert_eq!(text, "KMS keys seen: 0\n key   aliases   region   state   created   first seen   last seen   calls   top operations   callers   IPs   errors \n───── ───────── ──────── ─────── ───────── ──────────── ─────────── ─────── ──────────────── ───────── ───── ────────\n(no KMS key appears in the range)\n");
}

#[test]
fn every_usage_grouping_runs() {
    for (by, column) in [
        ("ip", "ip"),
        ("user", "user"),
        ("ak", "accessKeyId"),
        ("region", "region"),
        ("day", "day"),
    ] {
        let csv = kms(&["usage", "key-aaa111", "--by", by, "--format", "csv"]);
        assert_eq!(
            csv.lines().next(),
            Some(format!("eventName,{column},num").as_str()),
            "{by}"
        );
    }
    let day = kms(&["usage", "key-aaa111", "--by", "day", "--format", "csv"]);
    assert!(
        day.lines()
            .nth(1)
            .unwrap()
            .starts_with("Decrypt,2024-05-01,3"),
        "{day}"
    );
}

/// `kms keys --format json` on `source`, read in groups of at most `group_bytes` of part files
/// (None: the default, one group for a small store).
fn keys_json(source: &str, group_bytes: Option<&str>, extra: &[&str]) -> String {
    let mut args = vec!["kms", "keys", source, "--format", "json"];
    args.extend_from_slice(extra);
    if let Some(bytes) = group_bytes {
        args.extend_from_slice(&["--group-bytes", bytes]);
    }
    let out = keytrail(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn the_inventory_is_the_same_bytes_whatever_the_groups() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive").display().to_string();
    let store = dir.path().join("store").display().to_string();
    let sample = [
        "sample",
        "--out",
        &archive,
        "--events",
        "60000",
        "--days",
        "20",
        "--incidents",
    ];
    assert!(keytrail(&sample).status.success());
    let out = keytrail(&["ingest", "-q", &archive, "--store", &store]);
    assert!(out.status.success(), "{}", stderr(&out));
    let city = crate::hostile_geoip::fixtures::city(dir.path())
        .display()
        .to_string();
    let fixture = fixture();
    let cases: [(&str, Vec<&str>); 4] = [
        (&store, vec![]),
        (&store, vec!["--geoip", &city]),
        (
            &store,
            vec!["--from", "2024-03-09 05:30", "--to", "2024-03-17"],
        ),
        (&fixture, vec![]),
    ];
    for (source, extra) in &cases {
        let whole = keys_json(source, None, extra);
        let doc: Value = serde_json::from_str(&whole).unwrap();
        assert!(
            doc["keys"].as_array().unwrap().len() > 2,
            "{extra:?}: {whole}"
        );
        for bytes in ["1", "200k"] {
            assert_eq!(
                keys_json(source, Some(bytes), extra),
                whole,
                "{source} {extra:?} in groups of {bytes}"
            );
        }
    }
}
