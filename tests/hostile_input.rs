//! Integration tests: hostile and damaged input files. The corpus `testdata/hostile/input/`
//! (its README lists every case and the promised counts) is ingested by the real binary and the
//! exact summary, exit code and rejects are checked; special files (FIFO, socket, devices) and
//! files that change are built in temporary directories; a seeded fuzz test mutates archives and
//! checks that no record is lost, doubled or left unaccounted for, without panic and in bounded
//! memory.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use keytrail::event::schema;
use keytrail::ingest::{self, IngestOptions, IngestSummary};
use keytrail::store::Store;
use keytrail::time::TimeRange;

use crate::util::{keytrail, stderr, stdout, testdata};

/// A run of the binary that hangs longer than this fails the test instead of hanging CI.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);

fn corpus(rel: &str) -> PathBuf {
    testdata().join("hostile/input").join(rel)
}

/// Runs `keytrail ingest` with a timeout guard; returns the exit code and stdout.
fn ingest_cli(inputs: &[&Path], store: &Path, extra: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keytrail"));
    cmd.arg("ingest")
        .args(inputs)
        .arg("--store")
        .arg(store)
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("keytrail runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > RUN_TIMEOUT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("keytrail ingest {inputs:?} hung for {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().expect("exited, not killed");
    (code, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The rejects file named on the summary's last line, as (file name, position, reason, raw).
fn rejects(summary: &str) -> Vec<(String, String, String, String)> {
    let path = summary
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("rejected records: "))
        .expect("a rejects file");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = v["file"].as_str().unwrap().rsplit('/').next().unwrap();
            let field = |k: &str| v[k].as_str().unwrap().to_string();
            (
                file.to_string(),
                field("position"),
                field("reason"),
                field("raw"),
            )
        })
        .collect()
}

/// The dedup keys (event ids) of every stored event.
fn stored_ids(store: &Path) -> Vec<String> {
    let df = Store::open(store)
        .unwrap()
        .scan(&TimeRange::default())
        .unwrap()
        .collect()
        .unwrap();
    let keys = df.column(schema::DEDUP_KEY).unwrap().str().unwrap();
    (0..df.height())
        .map(|i| keys.get(i).unwrap().to_string())
        .collect()
}

fn ids(tag: &str, numbers: &[usize]) -> Vec<String> {
    numbers
        .iter()
        .map(|i| format!("hostile-{tag}-{i}"))
        .collect()
}

#[test]
fn one_broken_array_element_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let arrays = corpus("arrays");
    let (code, out) = ingest_cli(&[&arrays], &store, &[]);
    assert_eq!(code, 1);
    let d = arrays.display();
    let rejects_file = out
        .lines()
        .last()
        .unwrap()
        .trim_start_matches("rejected records: ");
    let expected = "10 files: 35 events read, 35 stored, 0 duplicates, 8 rejected\n\
         \x20 {d}/array-broken-end.json: 1 rejected (index 4 (byte 2437): invalid JSON at byte 607 of the record: expected `,` or `}`)\n\
         \x20 {d}/array-broken-middle.json: 1 rejected (index 2 (byte 1225): invalid JSON at byte 237 of the record: expected `,` or `}`; bytes 1225..1835 rejected, reading resumed at the next element (byte 1836))\n\
         \x20 {d}/array-broken-start.json: 1 rejected (index 0 (byte 1): invalid JSON at byte 236 of the record: expected `,` or `}`; bytes 1..610 rejected, reading resumed at the next element (byte 611))\n\
         \x20 {d}/array-cut-record.json: 1 rejected (index 1 (byte 610): invalid JSON at byte 220 of the record: EOF while parsing a string; bytes 610..831 rejected, reading resumed at the next element (byte 832))\n\
         \x20 {d}/array-extra-brace.json: 1 rejected (byte 611: unexpected bytes after array element 0: 1 bytes that are not JSON)\n\
         \x20 {d}/array-missing-comma.json: missing ',' before array element 1 at byte 612\n\
         \x20 {d}/array-pretty-broken.json: 1 rejected (index 1 (byte 839): invalid JSON at byte 34 of the record: control character (\\\\u0000-\\\\u001F) found while parsing a string; bytes 839..1669 rejected, reading resumed at the next element (byte 1673))\n\
         \x20 {d}/array-stray-close.json: a stray ']' ends the JSON array early, before byte 1223: the elements after it were read too\n\
         \x20 {d}/getlogs-broken.json: 1 rejected (index 1 (byte 813): invalid JSON at byte 61 of the record: expected `,` or `}`; bytes 813..1623 rejected, reading resumed at the next element (byte 1624))\n\
         \x20 {d}/lookup-page-broken.json: LookupEvents page at byte 0 is damaged (input ends inside this record): its events were read one by one; 1 rejected (byte 0 Events[1]: invalid JSON at byte 34 of the record: control character (\\\\u0000-\\\\u001F) found while parsing a string; bytes 940..1832 rejected, reading resumed at the next element (byte 1838))\n\
         rejected records: {rejects}\n"
        .replace("{rejects}", rejects_file);
    assert_eq!(out, expected.replace("{d}", &d.to_string()));
    let mut stored = stored_ids(&store);
    stored.sort();
    let mut want: Vec<String> = [
        ids("end", &[0, 1, 2, 3]),
        ids("middle", &[0, 1, 3, 4]),
        ids("start", &[1, 2, 3, 4]),
        ids("cut", &[0, 2, 3, 4]),
        ids("brace", &[0, 1, 2]),
        ids("comma", &[0, 1, 2]),
        ids("pretty", &[0, 2, 3]),
        ids("close", &[0, 1, 2, 3]),
        ids("sls", &[0, 2]),
        ids("page", &[0, 2, 3, 4]),
    ]
    .concat();
    want.sort();
    assert_eq!(stored, want);
    let found = rejects(&out);
    let brief: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|(f, p, r, _)| (f.as_str(), p.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        brief,
        [
            ("array-broken-end.json", "index 4 (byte 2437)", "invalid JSON at byte 607 of the record: expected `,` or `}`"),
            ("array-broken-middle.json", "index 2 (byte 1225)", "invalid JSON at byte 237 of the record: expected `,` or `}`; bytes 1225..1835 rejected, reading resumed at the next element (byte 1836)"),
            ("array-broken-start.json", "index 0 (byte 1)", "invalid JSON at byte 236 of the record: expected `,` or `}`; bytes 1..610 rejected, reading resumed at the next element (byte 611)"),
            ("array-cut-record.json", "index 1 (byte 610)", "invalid JSON at byte 220 of the record: EOF while parsing a string; bytes 610..831 rejected, reading resumed at the next element (byte 832)"),
            ("array-extra-brace.json", "byte 611", "unexpected bytes after array element 0: 1 bytes that are not JSON"),
            ("array-pretty-broken.json", "index 1 (byte 839)", "invalid JSON at byte 34 of the record: control character (\\u0000-\\u001F) found while parsing a string; bytes 839..1669 rejected, reading resumed at the next element (byte 1673)"),
            ("getlogs-broken.json", "index 1 (byte 813)", "invalid JSON at byte 61 of the record: expected `,` or `}`; bytes 813..1623 rejected, reading resumed at the next element (byte 1624)"),
            ("lookup-page-broken.json", "byte 0 Events[1]", "invalid JSON at byte 34 of the record: control character (\\u0000-\\u001F) found while parsing a string; bytes 940..1832 rejected, reading resumed at the next element (byte 1838)"),
        ]
    );
    // The raw text of each broken element is kept as the file has it, without the separator
    // after it; the last element's stolen `]` went back to end the array.
    let raw_of = |name: &str| &found.iter().find(|r| r.0 == name).unwrap().3;
    let file = |name: &str| std::fs::read_to_string(arrays.join(name)).unwrap();
    assert_eq!(
        raw_of("array-broken-start.json"),
        &file("array-broken-start.json")[1..610]
    );
    assert_eq!(
        raw_of("array-broken-middle.json"),
        &file("array-broken-middle.json")[1225..1835]
    );
    let end = file("array-broken-end.json");
    assert_eq!(raw_of("array-broken-end.json"), &end[2437..end.len() - 1]);
    assert_eq!(raw_of("array-extra-brace.json"), "}");
    assert!(
        raw_of("lookup-page-broken.json").starts_with("{\n      \"eventId\": \"hostile-page-1,")
    );
}

#[test]
fn byte_order_marks_are_stripped_and_utf16_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let encoding = corpus("encoding");
    let (code, out) = ingest_cli(&[&encoding], &store, &[]);
    let d = encoding.display();
    assert_eq!(
        out,
        format!(
            "9 files: 11 events read, 11 stored, 0 duplicates, 0 rejected\n\
             \x20 {d}/utf16be-bom.json: UTF-16 text: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)\n\
             \x20 {d}/utf16le-bom.json: UTF-16 text: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)\n\
             \x20 {d}/utf16le-nobom.json: UTF-16LE text without a byte-order mark: convert to UTF-8 (e.g. iconv -f UTF-16LE -t UTF-8)\n"
        )
    );
    assert_eq!(code, 1, "UTF-16 files are problems");
    let stored: HashSet<String> = stored_ids(&store).into_iter().collect();
    for id in [
        ids("bomnd", &[0, 1, 2]),
        ids("bomarr", &[0, 1]),
        ids("bomone", &[0]),
        ids("bomsls", &[0, 1]),
        ids("bomlook", &[0]),
        ids("bomgz", &[0, 1]),
    ]
    .concat()
    {
        assert!(stored.contains(&id), "{id} stored");
    }
    let manifest = Store::open(&store).unwrap().manifest().to_vec();
    let format_of = |name: &str| {
        manifest
            .iter()
            .find(|m| m.path.ends_with(name))
            .map(|m| m.format.clone())
            .unwrap()
    };
    assert_eq!(format_of("bom-ndjson.gz"), "ndjson+gzip");
    assert_eq!(format_of("bom-sls.ndjson"), "sls-ndjson");
    assert_eq!(format_of("bom-lookup.json"), "lookup-events");
    assert_eq!(format_of("utf16le-bom.json"), "utf-16");
}

#[test]
fn special_files_are_named_with_a_reason_and_never_block() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let made = Command::new("mkfifo")
        .arg(input.join("a-fifo.json"))
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    symlink("/dev/zero", input.join("b-zero.json")).unwrap();
    symlink("/dev/null", input.join("c-null.json")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(input.join("d-socket")).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::copy(corpus("encoding/bom.ndjson"), elsewhere.join("x.ndjson")).unwrap();
    symlink(&elsewhere, input.join("e-dir-link")).unwrap();
    symlink(elsewhere.join("x.ndjson"), input.join("f-file-link.ndjson")).unwrap();
    let store = dir.path().join("store");
    let (code, out) = ingest_cli(&[&input], &store, &[]);
    let d = input.display();
    assert_eq!(
        out,
        format!(
            "6 files: 3 events read, 3 stored, 0 duplicates, 0 rejected\n\
             \x20 {d}/a-fifo.json: not a regular file (fifo)\n\
             \x20 {d}/b-zero.json: not a regular file (symlink to a character device)\n\
             \x20 {d}/c-null.json: not a regular file (symlink to a character device)\n\
             \x20 {d}/d-socket: not a regular file (socket)\n\
             \x20 {d}/e-dir-link: not a regular file (symlink to a directory): not followed, pass the directory itself as an input\n"
        )
    );
    assert_eq!(code, 1);
    // An explicit FIFO input is refused the same way (and does not block either).
    let fifo = input.join("a-fifo.json");
    let (code, out) = ingest_cli(&[&fifo], &store, &[]);
    assert_eq!(
        (code, out),
        (
            1,
            format!(
                "1 files: 0 events read, 0 stored, 0 duplicates, 0 rejected\n  {}: not a regular file (fifo)\n",
                fifo.display()
            )
        )
    );
}

#[test]
fn plain_files_are_capped_like_decompressed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let file = corpus("encoding/bom.ndjson");
    let (code, out) = ingest_cli(&[&file], &store, &["--max-decompressed-bytes", "700"]);
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().take(2).collect::<Vec<_>>(),
        [
            "1 files: 1 events read, 1 stored, 0 duplicates, 1 rejected".to_string(),
            format!(
                "  {}: file size exceeds cap of 700 bytes (--max-decompressed-bytes); 1 rejected (line 2: input ends inside this record)",
                file.display()
            )
        ]
    );
}

#[test]
fn a_file_that_differs_from_its_manifest_line_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let file = dir.path().join("events.ndjson");
    let lines: Vec<String> = std::fs::read_to_string(corpus("encoding/bom.ndjson"))
        .unwrap()
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::to_string)
        .collect();
    std::fs::write(&file, format!("{}\n", lines[0])).unwrap();
    let (code, out) = ingest_cli(&[&file], &store, &[]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "1 files: 1 events read, 1 stored, 0 duplicates, 0 rejected\n"
        )
    );
    let (_, out) = ingest_cli(&[&file], &store, &[]);
    assert_eq!(out, "nothing new: all 1 files already ingested\n");
    // The file grows (its manifest line records the old size and hash): it is read again, the
    // event stored before counts as a duplicate.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    writeln!(f, "{}", lines[1]).unwrap();
    let (code, out) = ingest_cli(&[&file], &store, &[]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "1 files: 2 events read, 1 stored, 1 duplicates, 0 rejected\n"
        )
    );
    assert_eq!(stored_ids(&store).len(), 2);
}

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// How long each fuzz loop runs: `KEYTRAIL_FUZZ_SECS` (default 2 seconds).
fn fuzz_budget() -> Duration {
    let secs = std::env::var("KEYTRAIL_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

/// The fuzz seed: `KEYTRAIL_FUZZ_SEED`, or a fixed one.
fn fuzz_seed() -> u64 {
    std::env::var("KEYTRAIL_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6b65_7974_7261_696c)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Applies one random damage to `bytes` at a position in `range`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, range: std::ops::Range<usize>) {
    if range.is_empty() {
        return;
    }
    let at = range.start + rng.below(range.len());
    const STRUCTURAL: &[u8] = b"{}[],:\"\\ \n";
    match rng.below(9) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes.insert(at, STRUCTURAL[rng.below(STRUCTURAL.len())]),
        2 => bytes.insert(at, rng.next() as u8),
        3 => drop(bytes.remove(at)),
        4 => {
            let cut = (at + 1 + rng.below(64)).min(range.end);
            bytes.drain(at..cut);
        }
        5 => {
            // Duplicate or drop a bracket or quote.
            let found = (at..range.end).find(|&i| b"{}[]\"".contains(&bytes[i]));
            if let Some(i) = found {
                match rng.below(2) {
                    0 => bytes.insert(i, bytes[i]),
                    _ => drop(bytes.remove(i)),
                }
            }
        }
        6 => bytes[at] = STRUCTURAL[rng.below(STRUCTURAL.len())],
        7 => bytes
            .splice(at..at, b"\xEF\xBB\xBF".iter().copied())
            .for_each(drop),
        _ => {
            let end = (at + rng.below(40)).min(range.end);
            let copy = bytes[at..end].to_vec();
            bytes.splice(at..at, copy).for_each(drop);
        }
    }
}

/// The committed archives the archive-level fuzz starts from: (name, JSON bytes, was gzip).
fn base_archives() -> Vec<(String, Vec<u8>, bool)> {
    let mut out = Vec::new();
    for root in [
        testdata().join("ingest/archive"),
        corpus("arrays"),
        corpus("encoding"),
    ] {
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut plain = Vec::new();
                let mut dec = flate2::read::MultiGzDecoder::new(&bytes[..]);
                std::io::Read::read_to_end(&mut dec, &mut plain).unwrap();
                out.push((name, plain, true));
            } else {
                out.push((name, bytes, false));
            }
        }
    }
    out
}

fn fuzz_options() -> IngestOptions {
    IngestOptions {
        max_decompressed_bytes: 1 << 20,
        threads: Some(2),
        ..IngestOptions::default()
    }
}

/// Ingests `input` in-process and checks that every record is accounted for: per file, the
/// events read are stored, duplicates or conflicts; the store holds exactly the events stored; the rejects
/// file holds exactly the records rejected; every file written has a report.
fn ingest_and_account(input: &Path, store: &Path, files: usize, what: &str) -> IngestSummary {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ingest::ingest(&[input.to_path_buf()], store, &fuzz_options(), &|_| {})
    }));
    let summary = run
        .unwrap_or_else(|_| panic!("ingest panicked on {what}"))
        .unwrap_or_else(|e| panic!("ingest failed on {what}: {e}"));
    assert_eq!(summary.files.len(), files, "{what}");
    let reject_lines: Vec<serde_json::Value> = match &summary.rejects_file {
        Some(path) => std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        None => Vec::new(),
    };
    for f in &summary.files {
        // An event read but not stored is a duplicate or a conflict (rejected with its reason).
        let conflicts = reject_lines
            .iter()
            .filter(|r| r["file"].as_str() == f.path.to_str())
            .filter(|r| {
                r["reason"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("conflict:"))
            })
            .count() as u64;
        assert_eq!(
            f.stored + f.duplicates + conflicts,
            f.events_read,
            "{what}: {f:?}"
        );
    }
    let held = Store::open(store).unwrap().event_count().unwrap();
    assert_eq!(held, summary.events_stored(), "{what}");
    assert_eq!(reject_lines.len() as u64, summary.rejected(), "{what}");
    summary
}

/// Writes 1 to 3 mutated archives into `dir` (gzipped as they were, sometimes gzipped anyway,
/// sometimes damaged after compression); returns how many.
fn write_mutated_archives(rng: &mut Rng, base: &[(String, Vec<u8>, bool)], dir: &Path) -> usize {
    let count = 1 + rng.below(3);
    for n in 0..count {
        let (name, plain, was_gzip) = &base[rng.below(base.len())];
        let mut bytes = plain.clone();
        for _ in 0..1 + rng.below(3) {
            let len = bytes.len();
            mutate(rng, &mut bytes, 0..len);
        }
        let mut out = match *was_gzip || rng.below(4) == 0 {
            true => gzip(&bytes),
            false => bytes,
        };
        if out.starts_with(&[0x1f, 0x8b]) && rng.below(4) == 0 {
            let len = out.len();
            mutate(rng, &mut out, 10.min(len)..len);
        }
        std::fs::write(dir.join(format!("{n}-{name}")), out).unwrap();
    }
    count
}

#[test]
fn fuzz_mutated_archives_are_accounted_for_without_panic() {
    let base = base_archives();
    let mut rng = Rng(fuzz_seed());
    let started = Instant::now();
    let mut runs = 0;
    while started.elapsed() < fuzz_budget() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let files = write_mutated_archives(&mut rng, &base, &input);
        let what = format!("run {runs} (seed {})", fuzz_seed());
        ingest_and_account(&input, &dir.path().join("store"), files, &what);
        runs += 1;
    }
    assert!(runs > 0);
    eprintln!("fuzz: {runs} mutated archives ingested");
}

/// A generated event with nested objects, arrays of objects and `},{` inside a string.
fn fuzz_event(i: usize) -> serde_json::Value {
    serde_json::json!({
        "eventId": format!("fz-{i}"), "eventVersion": 1, "eventType": "ApiCall",
        "eventName": "Decrypt", "serviceName": "Kms",
        "eventTime": format!("2024-05-02T10:{:02}:00Z", i % 60),
        "userAgent": "aliyun-cli/3.0.204",
        "requestParameters": {"KeyId": "key-a", "List": [{"a": 1}, {"b": [2, {"c": 3}]}]},
        "requestParameterJson": "[{\"KeyId\":\"k1\"},{\"KeyId\":\"k2\"}]",
        "userIdentity": {"type": "ram-user", "userName": "alice"}
    })
}

/// One archive of `n` events in one of the layouts, and the byte range of each event's text.
fn carrier(layout: usize, n: usize) -> (Vec<u8>, Vec<std::ops::Range<usize>>) {
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    let mut push = |out: &mut Vec<u8>, text: &[u8]| {
        ranges.push(out.len()..out.len() + text.len());
        out.extend_from_slice(text);
    };
    let texts: Vec<Vec<u8>> = (0..n)
        .map(|i| match layout {
            1 | 3 => serde_json::to_vec_pretty(&fuzz_event(i)).unwrap(),
            4 => serde_json::to_vec(&serde_json::json!({
                "__time__": 1714644000, "__topic__": "actiontrail_audit_event",
                "event": fuzz_event(i).to_string()}))
            .unwrap(),
            _ => serde_json::to_vec(&fuzz_event(i)).unwrap(),
        })
        .collect();
    let (open, sep, close): (&[u8], &[u8], &[u8]) = match layout {
        0 | 4 => (b"[", b",", b"]"),
        1 => (b"[\n  ", b",\n  ", b"\n]\n"),
        2 => (b"", b"\n", b"\n"),
        _ => (
            b"{\"RequestId\": \"r\", \"Events\": [\n",
            b",\n",
            b"\n], \"NextToken\": \"\"}\n",
        ),
    };
    out.extend_from_slice(open);
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        push(&mut out, text);
    }
    out.extend_from_slice(close);
    (out, ranges)
}

#[test]
fn fuzz_damage_inside_one_record_loses_no_other_record() {
    let mut rng = Rng(fuzz_seed() ^ 0x5eed);
    let started = Instant::now();
    let mut runs = 0;
    let layouts = [
        "one-line array",
        "pretty array",
        "ndjson",
        "lookup page",
        "sls getlogs",
    ];
    while started.elapsed() < fuzz_budget() {
        let layout = rng.below(layouts.len());
        let n = 3 + rng.below(6);
        let (mut bytes, ranges) = carrier(layout, n);
        let broken = rng.below(n);
        let range = ranges[broken].clone();
        let before = bytes.len();
        mutate(&mut rng, &mut bytes, range.clone());
        if rng.below(3) == 0 {
            let shift = bytes.len() as isize - before as isize;
            let end = (range.end as isize + shift).max(range.start as isize + 1) as usize;
            let len = bytes.len();
            mutate(&mut rng, &mut bytes, range.start..end.min(len));
        }
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let gz = rng.below(4) == 0;
        let name = if gz { "archive.gz" } else { "archive.json" };
        let file_bytes = if gz { gzip(&bytes) } else { bytes.clone() };
        std::fs::write(input.join(name), &file_bytes).unwrap();
        let what = format!(
            "run {runs}: {} of {n}, record {broken} damaged: {}",
            layouts[layout],
            String::from_utf8_lossy(&bytes)
        );
        let store = dir.path().join("store");
        ingest_and_account(&input, &store, 1, &what);
        let stored: HashSet<String> = stored_ids(&store).into_iter().collect();
        for other in (0..n).filter(|i| *i != broken) {
            assert!(
                stored.contains(&format!("fz-{other}")),
                "fz-{other} lost in {what}"
            );
        }
        runs += 1;
    }
    eprintln!("fuzz: {runs} archives with one damaged record");
}

/// Runs the binary and returns its exit code and peak resident memory in KiB (wait4, which
/// also reaps the child).
#[allow(clippy::zombie_processes)]
fn run_measured(args: &[&str]) -> (i32, i64) {
    let child = Command::new(env!("CARGO_BIN_EXE_keytrail"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain FFI call with valid pointers to locals; the child is ours and not waited yet.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert!(
        libc::WIFEXITED(status),
        "keytrail {args:?} was killed: status {status}"
    );
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

/// Peak memory of an ingest of damaged inputs stays under this (KiB).
const PEAK_RSS_BOUND_KIB: i64 = 400 * 1024;

#[test]
fn damaged_input_is_read_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let base = base_archives();
    let mut rng = Rng(fuzz_seed() ^ 0xbeef);
    for round in 0..4 {
        let sub = input.join(format!("r{round}"));
        std::fs::create_dir(&sub).unwrap();
        write_mutated_archives(&mut rng, &base, &sub);
    }
    // A 40 MB one-line array whose first element has a cut-off string: the splitter reads the
    // whole rest as that element before recovery finds the next one.
    let (one, _) = carrier(0, 1);
    let element = &one[1..one.len() - 1];
    let mut big = b"[".to_vec();
    big.extend_from_slice(
        &String::from_utf8_lossy(element)
            .replacen("\"Decrypt\"", "\"Decrypt", 1)
            .into_bytes(),
    );
    while big.len() < 40 << 20 {
        big.push(b',');
        big.extend_from_slice(element);
    }
    big.push(b']');
    std::fs::write(input.join("big.json"), &big).unwrap();
    // 8 MB of whitespace: no JSON content.
    std::fs::write(input.join("blank.json"), vec![b' '; 8 << 20]).unwrap();
    let store = dir.path().join("store");
    let (in_arg, store_arg) = (input.display().to_string(), store.display().to_string());
    let (code, peak) = run_measured(&[
        "ingest",
        &in_arg,
        "--store",
        &store_arg,
        "--max-decompressed-bytes",
        "64M",
        "--quiet",
    ]);
    assert_eq!(code, 1, "damaged files are problems");
    eprintln!("peak RSS of the damaged ingest: {} MiB", peak / 1024);
    assert!(peak < PEAK_RSS_BOUND_KIB, "peak {peak} KiB");
}

/// `detect` used as a gate on archives read directly never passes on evidence it could not read:
/// a UTF-16 file (whose events are not read) makes the run exit 1 with the file named.
#[test]
fn a_gate_on_unreadable_archives_never_passes() {
    let file = testdata().join("hostile/input/encoding/utf16le-bom.json");
    let out = keytrail(&["detect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "no findings\n");
    assert_eq!(
        stderr(&out),
        format!(
            "warning: the archive has problems (0 records rejected; 1 files): the result covers \
             what could be read, and the exit status is 1; `keytrail ingest` shows the details\n  \
             {}: UTF-16 text: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)\n",
            file.display()
        )
    );
}
