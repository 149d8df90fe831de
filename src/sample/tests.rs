//! Whole-archive tests of the generator: layout, names, counts, determinism, keys, incidents.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::*;
use crate::event::kms_key::derive_key_id;
use crate::event::normalize::parse_event_time;

/// One archive file read back: path relative to the archive root, raw bytes, events.
struct ReadFile {
    relative: String,
    gz: Vec<u8>,
    json: Vec<u8>,
    events: Vec<Value>,
}

fn read_archive(out: &Path) -> Vec<ReadFile> {
    let mut files: Vec<ReadFile> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let gz = fs::read(e.path()).unwrap();
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut json)
                .unwrap();
            let events = match serde_json::from_slice(&json).unwrap() {
                Value::Array(items) => items,
                other => panic!("{}: not an array: {other:.100}", e.path().display()),
            };
            let relative = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            ReadFile {
                relative,
                gz,
                json,
                events,
            }
        })
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

fn small(incidents: bool) -> SampleOptions {
    SampleOptions {
        events: 4_000,
        days: 20,
        seed: 42,
        events_per_file: 60,
        incidents,
        ..Default::default()
    }
}

fn generate(opts: &SampleOptions) -> (tempfile::TempDir, SampleSummary, Vec<ReadFile>) {
    let dir = tempfile::tempdir().unwrap();
    let summary = write_sample(dir.path(), opts).unwrap();
    let files = read_archive(dir.path());
    (dir, summary, files)
}

fn all_events(files: &[ReadFile]) -> Vec<&Value> {
    let mut events: Vec<&Value> = files.iter().flat_map(|f| f.events.iter()).collect();
    events.sort_by_key(|e| parse_event_time(e["eventTime"].as_str().unwrap()));
    events
}

fn time_of(e: &Value) -> i64 {
    parse_event_time(e["eventTime"].as_str().unwrap()).unwrap()
}

fn key_of(e: &Value) -> Option<String> {
    derive_key_id(e.as_object().unwrap())
}

#[test]
fn same_seed_gives_identical_bytes_other_seed_does_not() {
    let (_a, sa, fa) = generate(&small(true));
    let (_b, sb, fb) = generate(&small(true));
    assert_eq!(sa, sb);
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.relative, y.relative);
        assert_eq!(x.gz, y.gz, "{}", x.relative);
    }
    let (_c, _, fc) = generate(&SampleOptions {
        seed: 43,
        ..small(true)
    });
    assert_ne!(fa[0].relative, fc[0].relative);
}

#[test]
fn names_layout_and_counts_match_the_content() {
    let opts = small(false);
    let (_dir, summary, files) = generate(&opts);
    assert_eq!(summary.files, files.len() as u64);
    assert_eq!(summary.events, 4_000);
    assert_eq!(
        files.iter().map(|f| f.events.len() as u64).sum::<u64>(),
        4_000
    );
    assert_eq!(
        summary.bytes_gz,
        files.iter().map(|f| f.gz.len() as u64).sum::<u64>()
    );
    assert_eq!(
        summary.bytes_json,
        files.iter().map(|f| f.json.len() as u64).sum::<u64>()
    );
    for f in &files {
        // AliyunLogs/Actiontrail/<region>/YYYY/MM/DD/Actiontrail_<region>_<ts>_1002_<n>_<size>_<md5>.gz
        let parts: Vec<&str> = f.relative.split('/').collect();
        assert_eq!(parts.len(), 7, "{}", f.relative);
        assert_eq!(&parts[..2], &["AliyunLogs", "Actiontrail"]);
        let name = parts[6].strip_suffix(".gz").unwrap();
        let fields: Vec<&str> = name.rsplitn(5, '_').collect();
        let (md5, size, count, constant, head) =
            (fields[0], fields[1], fields[2], fields[3], fields[4]);
        assert_eq!(constant, "1002");
        assert_eq!(
            count.parse::<usize>().unwrap(),
            f.events.len(),
            "{}",
            f.relative
        );
        assert_eq!(size.parse::<usize>().unwrap(), f.json.len());
        assert_eq!(md5, md5_hex(&f.json));
        let region = parts[2];
        let stamp = head
            .strip_prefix(&format!("Actiontrail_{region}_"))
            .unwrap();
        assert_eq!(stamp.len(), 14);
        assert_eq!(&stamp[..8], format!("{}{}{}", parts[3], parts[4], parts[5]));
    }
}

#[test]
fn every_event_parses_with_time_and_id_in_order_within_its_file() {
    let opts = small(true);
    let (_dir, _, files) = generate(&opts);
    let mut ids = std::collections::HashSet::new();
    let end = opts.start + i64::from(opts.days) * 86_400;
    for f in &files {
        let times: Vec<i64> = f.events.iter().map(time_of).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", f.relative);
        assert!(times.iter().all(|t| (opts.start..end).contains(t)));
        assert!(
            times.last().unwrap() - times[0] <= 3600,
            "{} spans too long",
            f.relative
        );
        let region = f.relative.split('/').nth(2).unwrap();
        for e in &f.events {
            assert!(
                ids.insert(e["eventId"].as_str().unwrap().to_string()),
                "duplicate id"
            );
            assert_eq!(e["acsRegion"], region);
            assert!(e["userIdentity"]["type"].is_string());
        }
    }
    assert_eq!(ids.len(), 4_000);
}

#[test]
fn the_mix_has_the_documented_variety() {
    let (_dir, _, files) = generate(&small(false));
    let events = all_events(&files);
    let count = |pred: &dyn Fn(&Value) -> bool| events.iter().filter(|e| pred(e)).count();
    let kms = count(&|e| e["serviceName"] == "Kms");
    assert!(kms > 1_500 && kms < 2_800, "{kms}");
    for service in ["Ecs", "Oss", "Sts", "Ram", "Actiontrail"] {
        assert!(count(&|e| e["serviceName"] == service) > 20, "{service}");
    }
    for kind in ["root-account", "ram-user", "assumed-role", "system"] {
        assert!(count(&|e| e["userIdentity"]["type"] == kind) > 10, "{kind}");
    }
    assert!(count(&|e| e["eventVersion"] == 1) > 100);
    assert!(count(&|e| e["eventVersion"] == "1") > 100);
    assert!(count(&|e| e.get("requestParameterJson").is_some()) > 100);
    assert!(count(&|e| e["sourceIpAddress"] == "Internal") > 50);
    assert!(count(&|e| e["sourceIpAddress"].as_str().unwrap().contains(':')) > 5);
    assert!(
        count(&|e| e["requestParameters"]["KeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("alias/")))
            > 10
    );
    assert!(
        count(&|e| e["requestParameters"]["KeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("acs:kms:")))
            > 10
    );
    assert_eq!(
        count(&|e| e["eventName"] == "Decrypt" && e["requestParameters"].get("KeyId").is_some()),
        0
    );
    assert!(count(&|e| e["errorCode"] == "Forbidden.KeyNotFound") == 3);
}

#[test]
fn prefix_trap_keys_and_lifecycle_are_consistent() {
    let (_dir, summary, files) = generate(&small(false));
    assert!(summary.keys.contains(&"key-abc123".to_string()));
    assert!(summary.keys.contains(&"key-abc1234".to_string()));
    assert_eq!(summary.keys.len(), 12);
    let events = all_events(&files);
    let mut per_key: BTreeMap<String, usize> = BTreeMap::new();
    for e in &events {
        if let Some(k) = key_of(e) {
            *per_key.entry(k).or_default() += 1;
        }
    }
    assert!(
        per_key["key-abc123"] > 10 && per_key["key-abc1234"] > 10,
        "{per_key:?}"
    );
    let created = events
        .iter()
        .find(|e| {
            e["eventName"] == "CreateKey"
                && e["responseElements"]["KeyMetadata"]["KeyId"] == "key-abc1234"
        })
        .map(|e| time_of(e))
        .expect("CreateKey key-abc1234");
    let first_use = events
        .iter()
        .filter(|e| e["eventName"] != "CreateKey" && key_of(e).as_deref() == Some("key-abc1234"))
        .map(|e| time_of(e))
        .min()
        .unwrap();
    assert!(first_use > created);
    for name in [
        "CreateAlias",
        "UpdateAlias",
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "UpdateRotationPolicy",
        "SetDeletionProtection",
    ] {
        assert!(events.iter().any(|e| e["eventName"] == name), "{name}");
    }
    let disabled = events
        .iter()
        .find(|e| e["eventName"] == "DisableKey")
        .unwrap();
    assert_eq!(disabled["resourceType"], "ACS::KMS::Key");
}

/// Number of `Decrypt` events on `key` in the hour starting at `from`.
fn decrypts_in_hour(events: &[&Value], key: &str, from: i64) -> usize {
    events
        .iter()
        .filter(|e| e["eventName"] == "Decrypt" && key_of(e).as_deref() == Some(key))
        .filter(|e| (from..from + 3600).contains(&time_of(e)))
        .count()
}

/// The most `Forbidden.NoPermission` events from one address within any 30 minutes.
fn worst_denial_burst(events: &[&Value]) -> (usize, String) {
    let mut by_ip: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e["errorCode"] == "Forbidden.NoPermission")
    {
        by_ip
            .entry(e["sourceIpAddress"].as_str().unwrap().to_string())
            .or_default()
            .push(time_of(e));
    }
    let mut worst = (0, String::new());
    for (ip, times) in by_ip {
        for (i, t) in times.iter().enumerate() {
            let n = times[i..].iter().take_while(|&&u| u - t <= 1800).count();
            if n > worst.0 {
                worst = (n, ip.clone());
            }
        }
    }
    worst
}

#[test]
fn incidents_appear_only_with_the_flag() {
    let opts = small(true);
    let spike_hour = opts.start + INCIDENT_SPIKE_AT.0 * 86_400 + INCIDENT_SPIKE_AT.1 * 3600;
    let (_d1, _, planted) = generate(&opts);
    let (_d2, _, quiet) = generate(&small(false));
    let planted = all_events(&planted);
    let quiet = all_events(&quiet);

    let deletion = |e: &&&Value| {
        e["eventName"] == "ScheduleKeyDeletion"
            && e["userIdentity"]["userName"] == INCIDENT_DELETION_USER
            && e["sourceIpAddress"] == INCIDENT_DELETION_IP
            && e["requestParameters"]["KeyId"] == INCIDENT_DELETION_KEY
    };
    assert_eq!(planted.iter().filter(deletion).count(), 1);
    assert_eq!(quiet.iter().filter(deletion).count(), 0);
    assert!(!quiet.iter().any(|e| e["userIdentity"]["userName"] == "bob"
        && matches!(
            e["eventName"].as_str(),
            Some("ScheduleKeyDeletion" | "DisableKey" | "CreateKey")
        )));

    assert_eq!(
        worst_denial_burst(&planted),
        (INCIDENT_BURST_CALLS, INCIDENT_BURST_IP.to_string())
    );
    assert!(
        worst_denial_burst(&quiet).0 <= 2,
        "{:?}",
        worst_denial_burst(&quiet)
    );
    for ip in [INCIDENT_BURST_IP, INCIDENT_DELETION_IP] {
        assert!(!quiet.iter().any(|e| e["sourceIpAddress"] == ip));
        assert!(planted
            .iter()
            .filter(|e| e["sourceIpAddress"] == ip)
            .all(|e| time_of(e) > opts.start + 16 * 86_400));
    }

    let spike = decrypts_in_hour(&planted, INCIDENT_SPIKE_KEY, spike_hour);
    let before: usize = (0..14 * 24)
        .map(|h| {
            decrypts_in_hour(
                &planted,
                INCIDENT_SPIKE_KEY,
                spike_hour - 14 * 86_400 + h * 3600,
            )
        })
        .sum();
    let mean_hourly = before as f64 / (14.0 * 24.0);
    assert!(
        spike >= 60 && spike as f64 >= 20.0 * mean_hourly.max(0.1),
        "{spike} vs {mean_hourly}"
    );
    assert!(decrypts_in_hour(&quiet, INCIDENT_SPIKE_KEY, spike_hour) < 5);
}

#[test]
fn refuses_to_overwrite_and_rejects_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SampleOptions {
        events: 200,
        days: 2,
        ..Default::default()
    };
    write_sample(dir.path(), &opts).unwrap();
    assert!(matches!(
        write_sample(dir.path(), &opts),
        Err(Error::Usage(_))
    ));
    let other = tempfile::tempdir().unwrap();
    let zero = SampleOptions {
        events: 0,
        ..opts.clone()
    };
    assert!(matches!(
        write_sample(other.path(), &zero),
        Err(Error::Usage(_))
    ));
    let tiny = SampleOptions { events: 5, ..opts };
    assert!(matches!(
        write_sample(other.path(), &tiny),
        Err(Error::Usage(_))
    ));
}

#[test]
fn files_per_day_sets_events_per_file() {
    let opts = SampleOptions {
        events: 1_000_000,
        days: 30,
        ..Default::default()
    }
    .with_files_per_day(117);
    assert_eq!(opts.events_per_file, 285);
    let opts = SampleOptions {
        events: 10,
        days: 30,
        ..Default::default()
    }
    .with_files_per_day(1000);
    assert_eq!(opts.events_per_file, 1);
}

#[test]
fn file_names_carry_the_md5_in_hex() {
    assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
}
