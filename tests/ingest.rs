//! Integration tests: ingest. Drive `keytrail ingest` on the fixtures of `testdata/ingest/`
//! (described with their expected counts in its README) into temporary stores, then read the
//! stores back through the library, polars and the parquet crate.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use keytrail::event::schema;
use keytrail::store::Store;
use keytrail::time::TimeRange;
use polars::prelude::*;

use crate::util::{keytrail, parquet_files, stdout, testdata};

const SHARED_ID: &str = "7c1b2e54-4a0f-4c59-9b8f-6f0d2d6f1a01";
const MISMATCH: &str = "oss/AliyunLogs/Actiontrail/rd-k8s2ab/2345678901234567/cn-shanghai/2024/03/02/Actiontrail_cn-shanghai_20240302080000_1002_4_2265_d11662bbc9e03a8af03d4406cbbf729e.gz";

fn fixture(rel: &str) -> PathBuf {
    testdata().join("ingest").join(rel)
}

fn ingest(inputs: &[&Path], store: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<String> = vec!["ingest".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--store".to_string(), store.display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = keytrail(&refs);
    let text = stdout(&out);
    assert!(out.status.code().is_some(), "killed? {out:?}");
    (out.status.code().unwrap(), text)
}

/// All stored rows as (partition date from the path, dedup key, eventName, origin).
fn stored_rows(store: &Path) -> Vec<(String, String, Option<String>, String)> {
    let store = Store::open(store).unwrap();
    let df = store
        .scan(&TimeRange::default())
        .unwrap()
        .collect()
        .unwrap();
    let keys = df.column(schema::DEDUP_KEY).unwrap().str().unwrap();
    let names = df.column(schema::EVENT_NAME).unwrap().str().unwrap();
    let times = df.column(schema::TIME).unwrap().i64().unwrap();
    let origins = df.column(schema::ORIGIN).unwrap().str().unwrap();
    (0..df.height())
        .map(|i| {
            let date = chrono::DateTime::from_timestamp(times.get(i).unwrap(), 0)
                .unwrap()
                .format("%Y-%m-%d")
                .to_string();
            (
                date,
                keys.get(i).unwrap().to_string(),
                names.get(i).map(str::to_string),
                origins.get(i).unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_no_duplicate_keys(store: &Path) -> usize {
    let rows = stored_rows(store);
    let keys: HashSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(keys.len(), rows.len(), "duplicate dedup keys in the store");
    rows.len()
}

fn per_date(store: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (date, ..) in stored_rows(store) {
        *out.entry(date).or_default() += 1;
    }
    out
}

#[test]
fn archive_of_every_format_is_stored_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (code, out) = ingest(&[&fixture("archive")], &store, &[]);
    let mismatch = fixture("archive").join(MISMATCH);
    assert_eq!(
        out,
        format!(
            "13 files: 28 events read, 26 stored, 2 duplicates, 0 rejected\n  {}: file name says 4 events, file holds 3\n",
            mismatch.display()
        )
    );
    assert_eq!(code, 1, "a file problem makes the exit code 1");
    assert_eq!(assert_no_duplicate_keys(&store), 26);
    assert_eq!(
        per_date(&store),
        BTreeMap::from([("2024-03-01".into(), 12), ("2024-03-02".into(), 14)])
    );
    assert_eq!(Store::open(&store).unwrap().event_count().unwrap(), 26);

    // The shared Decrypt is stored once, from the first file in walk order.
    let rows = stored_rows(&store);
    let shared: Vec<_> = rows.iter().filter(|r| r.1 == SHARED_ID).collect();
    assert_eq!(shared.len(), 1);
    assert!(
        shared[0]
            .3
            .ends_with("lookup/lookup-pages.json#byte 0 Events[0]"),
        "{}",
        shared[0].3
    );
    // The event without eventId got a content key; PascalCase keys were canonicalized.
    assert_eq!(rows.iter().filter(|r| r.1.starts_with("sha:")).count(), 1);
    assert!(rows.iter().any(|r| r.2.as_deref() == Some("GetAddress")));

    // The manifest has one record per file with the format and counts.
    let manifest = Store::open(&store).unwrap().manifest().to_vec();
    assert_eq!(manifest.len(), 13);
    let by_name = |suffix: &str| {
        manifest
            .iter()
            .find(|m| m.path.ends_with(suffix))
            .unwrap()
            .clone()
    };
    let sls = by_name("sls/actiontrail-export.ndjson");
    assert_eq!(
        (
            sls.format.as_str(),
            sls.events_read,
            sls.stored,
            sls.duplicates
        ),
        ("sls-ndjson", 4, 3, 1)
    );
    let formats: Vec<(&str, &str)> = [
        ("lookup-events-string.json", "lookup-events"),
        ("lookup-pages.json", "lookup-events"),
        ("events-array.json", "json-array"),
        ("events.ndjson", "ndjson"),
        ("kms-events.json", "ndjson+gzip"),
        ("no-event-id.json", "json"),
        ("pascal-case.json", "json"),
        ("single-event.json", "json"),
        ("getlogs.json", "sls-getlogs"),
        ("_1002_4_2265_d11662bbc9e03a8af03d4406cbbf729e.gz", "oss"),
    ]
    .to_vec();
    for (suffix, format) in formats {
        assert_eq!(by_name(suffix).format, format, "{suffix}");
    }
    let mm = by_name("_1002_4_2265_d11662bbc9e03a8af03d4406cbbf729e.gz");
    assert_eq!(mm.problems, vec!["file name says 4 events, file holds 3"]);
    assert!(Path::new(&mm.path).is_absolute());
    assert_eq!(
        mm.blake3,
        blake3::hash(&std::fs::read(&mismatch).unwrap())
            .to_hex()
            .to_string()
    );
}

#[test]
fn sls_topics_times_and_insight_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(
        &[&fixture("archive/sls"), &fixture("archive/oss")],
        &store,
        &[],
    );
    let df = Store::open(&store)
        .unwrap()
        .scan(&TimeRange::default())
        .unwrap()
        .collect()
        .unwrap();
    let get = |name: &str, col: &str| -> Option<String> {
        let names = df.column(schema::EVENT_NAME).unwrap().str().unwrap();
        let i = (0..df.height())
            .find(|i| names.get(*i) == Some(name))
            .unwrap();
        df.column(col)
            .unwrap()
            .cast(&DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .get(i)
            .map(str::to_string)
    };
    assert_eq!(
        get("ConsoleSignin", schema::TOPIC).as_deref(),
        Some("actiontrail_event")
    );
    assert_eq!(
        get("ConsoleSignin", schema::TIME).as_deref(),
        Some("1709341200")
    );
    assert_eq!(
        get("GenerateDataKey", schema::TOPIC).as_deref(),
        Some("actiontrail_audit_event")
    );
    assert_eq!(
        get("GenerateDataKey", schema::KMS_KEY_ID).as_deref(),
        Some("key-hzz62f1cb66fa42qo3a1c")
    );
    assert_eq!(
        get("CreateKey", schema::TOPIC).as_deref(),
        Some("actiontrail_audit_event")
    );
    let insight = df.column(schema::INSIGHT).unwrap().str().unwrap();
    assert_eq!(insight.iter().filter(|v| *v == Some("true")).count(), 1);
    assert_eq!(
        df.height(),
        4 + 2 + 3 + 3 + 1 - 1,
        "SHARED is in the SLS export and an OSS file"
    );
}

#[test]
fn rerun_adds_nothing_and_new_files_add_only_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(&[&fixture("archive")], &store, &[]);
    let parts_before = parquet_files(&store).len();

    let (code, out) = ingest(&[&fixture("archive")], &store, &[]);
    assert_eq!(out, "nothing new: all 13 files already ingested\n");
    assert_eq!(code, 0);
    assert_eq!(parquet_files(&store).len(), parts_before);
    assert_eq!(Store::open(&store).unwrap().manifest().len(), 13);

    let (code, out) = ingest(&[&fixture("archive"), &fixture("later")], &store, &[]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "14 files: 2 events read, 1 stored, 1 duplicates, 0 rejected (13 files skipped)"
    );
    assert_eq!(lines.len(), 1 + 13);
    assert!(
        lines[1].starts_with(&format!(
            "  {}: skipped: already ingested (run ",
            fixture("archive/lookup/lookup-events-string.json").display()
        )),
        "{}",
        lines[1]
    );
    assert_eq!(assert_no_duplicate_keys(&store), 27);
    assert_eq!(per_date(&store).get("2024-03-03"), Some(&1));
    assert_eq!(Store::open(&store).unwrap().manifest().len(), 14);
}

#[test]
fn dedup_holds_across_runs_paths_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (_, out) = ingest(
        &[&fixture("archive/sls/actiontrail-export.ndjson")],
        &store,
        &[],
    );
    assert_eq!(
        out,
        "1 files: 4 events read, 4 stored, 0 duplicates, 0 rejected\n"
    );
    // A copy of the OSS delivery under another name: same content, skipped by hash.
    let copy = dir.path().join("copy.gz");
    let oss = fixture("archive/oss/AliyunLogs/Actiontrail/cn-hangzhou/2024/03/01/Actiontrail_cn-hangzhou_20240301103000_1002_3_2839_77e799e5010a432fa17677b0896d4927.gz");
    std::fs::copy(&oss, &copy).unwrap();
    let (_, out) = ingest(&[&copy], &store, &[]);
    assert_eq!(
        out,
        "1 files: 3 events read, 2 stored, 1 duplicates, 0 rejected\n"
    );
    let (_, out) = ingest(&[&fixture("archive")], &store, &[]);
    let lines: Vec<&str> = out.lines().collect();
    // 13 files: the SLS export skipped by path, the OSS file skipped by content.
    assert_eq!(
        lines[0],
        "13 files: 21 events read, 20 stored, 1 duplicates, 0 rejected (2 files skipped)"
    );
    assert!(
        out.contains(&format!(
            "{}: skipped: already ingested (same content, run ",
            oss.display()
        )),
        "{out}"
    );
    assert_eq!(assert_no_duplicate_keys(&store), 26);
}

#[test]
fn damaged_files_are_named_with_reasons_and_rejects_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let damaged = fixture("damaged");
    let (code, out) = ingest(&[&damaged], &store, &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "5 files: 7 events read, 7 stored, 0 duplicates, 4 rejected"
    );
    let d = damaged.display();
    assert_eq!(
        lines[1],
        format!("  {d}/bad-time.json: 1 rejected (index 1 (byte 911): eventTime \"yesterday\" is not an RFC 3339 time)")
    );
    assert_eq!(
        lines[2],
        format!("  {d}/broken-line.ndjson: 1 rejected (line 2: invalid JSON at byte 99 of the record: EOF while parsing a string)")
    );
    assert_eq!(lines[3], format!("  {d}/empty.json: empty file"));
    assert_eq!(
        lines[4],
        format!("  {d}/not-events.json: 1 rejected (line 1: not an ActionTrail event: no eventName, eventId or eventType)")
    );
    assert_eq!(
        lines[5],
        format!("  {d}/truncated.gz: truncated or corrupt gzip after 3565 decompressed bytes: incomplete deflate stream; 1 rejected (index 4 (byte 3465): input ends inside this record)")
    );
    let rejects_path = lines[6].strip_prefix("rejected records: ").unwrap();
    assert_eq!(lines.len(), 7);
    assert_eq!(assert_no_duplicate_keys(&store), 7);

    let rejects: Vec<serde_json::Value> = std::fs::read_to_string(rejects_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rejects.len(), 4);
    assert!(Path::new(rejects_path).starts_with(store.join("rejects")));
    let summary: Vec<(String, String)> = rejects
        .iter()
        .map(|r| {
            let file = r["file"].as_str().unwrap();
            (
                file.rsplit('/').next().unwrap().to_string(),
                r["position"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "bad-time.json".to_string(),
                "index 1 (byte 911)".to_string()
            ),
            ("broken-line.ndjson".to_string(), "line 2".to_string()),
            ("not-events.json".to_string(), "line 1".to_string()),
            (
                "truncated.gz".to_string(),
                "index 4 (byte 3465)".to_string()
            ),
        ]
    );
    let raw_bad_time: serde_json::Value =
        serde_json::from_str(rejects[0]["raw"].as_str().unwrap()).unwrap();
    assert_eq!(raw_bad_time["eventTime"], "yesterday");
    assert!(rejects[1]["raw"]
        .as_str()
        .unwrap()
        .starts_with("{\"eventId\":\"93a4b5c6-0002"));
    // The raw text as the file has it, whitespace included.
    assert_eq!(
        rejects[2]["raw"],
        "{\"name\": \"web-console\", \"version\": \"2.3.1\", \"private\": true}"
    );
    assert!(rejects[3]["raw"]
        .as_str()
        .unwrap()
        .starts_with("{\"eventId\":\"a4b5c6d7-0004"));
    assert_eq!(rejects[3]["reason"], "input ends inside this record");
}

#[test]
fn unreadable_and_missing_inputs_do_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.json"), inputs.join("dangling.json")).unwrap();
    std::fs::copy(
        fixture("archive/plain/events.ndjson"),
        inputs.join("ok.ndjson"),
    )
    .unwrap();
    let missing = dir.path().join("missing.gz");
    let store = dir.path().join("store");
    let (code, out) = ingest(&[&inputs, &missing], &store, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "3 files: 3 events read, 3 stored, 0 duplicates, 0 rejected\n  {}: cannot read: No such file or directory (os error 2)\n  {}: cannot read: No such file or directory (os error 2)\n",
            inputs.join("dangling.json").display(),
            missing.display()
        )
    );
    // Unreadable files are not recorded, so a later run retries them.
    assert_eq!(Store::open(&store).unwrap().manifest().len(), 1);
}

#[test]
fn decompression_cap_keeps_complete_records_before_it() {
    use std::io::Read;
    let gz = fixture("archive/plain/kms-events.json");
    let mut text = String::new();
    flate2::read::GzDecoder::new(File::open(&gz).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let cap = text.lines().next().unwrap().len() + 1 + 50;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (code, out) = ingest(
        &[&gz],
        &store,
        &["--max-decompressed-bytes", &cap.to_string()],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec![
            "1 files: 1 events read, 1 stored, 0 duplicates, 1 rejected".to_string(),
            format!("  {}: decompressed size exceeds cap of {cap} bytes; 1 rejected (line 2: input ends inside this record)", gz.display()),
            format!("rejected records: {}", out.lines().last().unwrap().trim_start_matches("rejected records: ")),
        ]
    );
}

#[test]
fn input_files_are_never_modified() {
    let root = testdata().join("ingest");
    let snapshot = || -> BTreeMap<PathBuf, (String, std::time::SystemTime)> {
        walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let bytes = std::fs::read(e.path()).unwrap();
                let mtime = e.metadata().unwrap().modified().unwrap();
                (
                    e.path().to_path_buf(),
                    (blake3::hash(&bytes).to_hex().to_string(), mtime),
                )
            })
            .collect()
    };
    let before = snapshot();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(
        &[&fixture("archive"), &fixture("damaged"), &fixture("later")],
        &store,
        &[],
    );
    ingest(&[&fixture("archive")], &store, &[]);
    assert_eq!(snapshot(), before);
}

#[test]
fn polars_reads_the_hive_layout_with_all_columns() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(&[&fixture("archive")], &store, &[]);
    let glob = format!("{}/events/**/*.parquet", store.display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        ..Default::default()
    };
    let df = LazyFrame::scan_parquet(PlRefPath::new(glob), args)
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(df.height(), 26);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    for column in schema::columns() {
        assert!(names.contains(&column), "missing {column}");
    }
    assert_eq!(
        names.len(),
        schema::columns().len() + 1,
        "plus the hive `date` column: {names:?}"
    );
    assert_eq!(df.column(schema::TIME).unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        df.column(schema::EVENT_NAME).unwrap().dtype(),
        &DataType::String
    );
    // Store::scan prunes by date and drops nothing else.
    let march2 = TimeRange {
        from: Some(1709337600),
        to: Some(1709337600 + 86400),
    };
    let df = Store::open(&store)
        .unwrap()
        .scan(&march2)
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(df.height(), 14);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, schema::columns());
}

#[test]
fn parquet_files_have_zstd_statistics_bloom_filters_and_sorted_time() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(&[&fixture("archive")], &store, &[]);
    let files = parquet_files(&store);
    assert_eq!(files.len(), 2, "one file per date for a one-chunk run");
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("part-") && name.ends_with(".parquet"),
            "{name}"
        );
        assert!(file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("date=2024-03-0"));
        let reader = SerializedFileReader::new(File::open(file).unwrap()).unwrap();
        let meta = reader.metadata();
        let rg = meta.row_group(0);
        for column in rg.columns() {
            let path = column.column_path().string();
            assert!(
                matches!(column.compression(), parquet::basic::Compression::ZSTD(_)),
                "{path}"
            );
            let long_text = ["event", "keytrail.origin", "event.requestParameterJson"];
            assert_eq!(
                column.statistics().is_some(),
                !long_text.contains(&path.as_str()),
                "{path} statistics"
            );
            let bloom = schema::column(&path).is_some_and(|c| c.bloom);
            assert_eq!(
                column.bloom_filter_offset().is_some(),
                bloom,
                "{path} bloom filter"
            );
        }
        let times = meta.row_group(0).column(0).statistics().unwrap();
        assert!(times.min_bytes_opt().is_some());
    }
    let df = Store::open(&store)
        .unwrap()
        .scan(&TimeRange::default())
        .unwrap()
        .collect()
        .unwrap();
    let times: Vec<i64> = df
        .column(schema::TIME)
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(
        times, sorted,
        "rows sorted by __time__ within each date file"
    );
}

/// Writes `files` OSS deliveries of `per_file` events each over 5 days; returns the directory.
fn generate_archive(dir: &Path, files: usize, per_file: usize) -> PathBuf {
    let root = dir.join("gen");
    for f in 0..files {
        let day = 1 + f % 5;
        let folder = root.join(format!(
            "AliyunLogs/Actiontrail/cn-hangzhou/2024/04/{day:02}"
        ));
        std::fs::create_dir_all(&folder).unwrap();
        let events: Vec<serde_json::Value> = (0..per_file)
            .map(|i| {
                let second = (f * per_file + i) % 86_400;
                serde_json::json!({
                    "eventId": format!("gen-{f:04}-{i:05}"), "eventVersion": 1, "eventType": "ApiCall",
                    "eventName": if i % 3 == 0 { "Decrypt" } else { "GenerateDataKey" }, "serviceName": "Kms",
                    "eventTime": format!("2024-04-{day:02}T{:02}:{:02}:{:02}Z", second / 3600, second / 60 % 60, second % 60),
                    "acsRegion": "cn-hangzhou", "sourceIpAddress": "203.0.113.7",
                    "requestParameters": {"KeyId": format!("key-{:03}", i % 50), "Padding": "x".repeat(200)},
                    "userIdentity": {"type": "ram-user", "userName": "app", "accessKeyId": "LTAI5tQ9xRkmZ3bWfA2cD7eP"}
                })
            })
            .collect();
        let body = serde_json::to_vec(&events).unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&body).unwrap();
        let name = format!(
            "Actiontrail_cn-hangzhou_202404{day:02}000000_1002_{per_file}_{}_{f:032x}.gz",
            body.len()
        );
        std::fs::write(folder.join(name), enc.finish().unwrap()).unwrap();
    }
    root
}

#[test]
fn a_killed_ingest_leaves_a_readable_store_and_a_rerun_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (files, per_file) = (40, 1500);
    let input = generate_archive(dir.path(), files, per_file);
    let store = dir.path().join("store");
    for delay_ms in [150, 400, 700, 1000, 1500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keytrail"))
            .args([
                "ingest",
                &input.display().to_string(),
                "--store",
                &store.display().to_string(),
                "--threads",
                "2",
                "--chunk-bytes",
                "2000000",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        if store.join("manifest.jsonl").exists() {
            // Whatever the moment, the store reads and holds no event twice.
            assert_no_duplicate_keys(&store);
        }
    }
    let (code, out) = ingest(&[&input], &store, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(assert_no_duplicate_keys(&store), files * per_file);
    assert_eq!(Store::open(&store).unwrap().manifest().len(), files);
    assert!(
        std::fs::read_dir(store.join(".tmp"))
            .unwrap()
            .next()
            .is_none(),
        "no temp leftovers"
    );
    let (code, out) = ingest(&[&input], &store, &[]);
    assert_eq!(
        (code, out),
        (
            0,
            format!("nothing new: all {files} files already ingested\n")
        )
    );
}
