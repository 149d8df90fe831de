//! Integration tests of the token index: the whole search conformance table run through a store
//! whose every event sits in its own indexed part file, with and without the index; random
//! needles drawn from the stored events give the same output from the binary both ways; the
//! index is built by ingest, by `keytrail index` for a store without one, and reported by
//! `--explain` and `verify`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use keytrail::index::prune::Need;
use keytrail::query::search::parse;
use keytrail::store::Store;
use keytrail::time::TimeRange;
use polars::prelude::*;

use crate::util::{parquet_files, stderr, stdout, testdata};

/// Runs the binary with `KEYTRAIL_NO_INDEX` set when `no_index`.
pub fn run(args: &[&str], no_index: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keytrail"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200");
    if no_index {
        command.env("KEYTRAIL_NO_INDEX", "1");
    } else {
        command.env_remove("KEYTRAIL_NO_INDEX");
    }
    command.output().expect("keytrail binary runs")
}

/// A store holding the lines of `events` (NDJSON; a top-level `__topic__` becomes the SLS
/// envelope's topic), ingested one file per event so each event has its own part and index.
pub fn store_of_single_event_parts(events: &Path, dir: &Path) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let store = dir.join("store");
    let text = std::fs::read_to_string(events).unwrap();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
        let topic = value.as_object_mut().and_then(|m| m.remove("__topic__"));
        let record = match topic {
            Some(topic) => serde_json::json!({"__topic__": topic, "event": value.to_string()}),
            None => value,
        };
        let file = inputs.join(format!("{i:03}.json"));
        std::fs::write(&file, record.to_string()).unwrap();
        let out = run(
            &[
                "ingest",
                file.to_str().unwrap(),
                "--store",
                store.to_str().unwrap(),
            ],
            false,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    store
}

fn ids_of(frame: LazyFrame, search: &str) -> BTreeSet<String> {
    let expr = parse(search).unwrap();
    let frame = match expr.is_match_all() {
        true => frame,
        false => frame.filter(expr.to_expr()),
    };
    let out = frame.select([col("event.eventId")]).collect().unwrap();
    let ids = out.column("event.eventId").unwrap().str().unwrap().clone();
    ids.iter().flatten().map(str::to_string).collect()
}

#[derive(serde::Deserialize)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    expr: String,
}

#[test]
fn the_search_conformance_table_gives_the_same_events_with_and_without_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let root = store_of_single_event_parts(&testdata().join("query/events.ndjson"), dir.path());
    let store = Store::open(&root).unwrap();
    assert_eq!((store.parts().len(), store.index_records().len()), (40, 40));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/search.toml");
    let file: CaseFile = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let range = TimeRange::default();
    let (mut skipped, mut failures) = (0, Vec::new());
    for case in &file.case {
        let Ok(expr) = parse(&case.expr) else {
            continue;
        };
        let need = Need::of(&expr);
        let (files, pruning) = store.files_pruned(&range, &need);
        let pruned = keytrail::store::scan_files(&files, &range).unwrap();
        assert!(pruning.ignored.is_empty(), "{:?}", pruning.ignored);
        assert_eq!(files.len() + pruning.skipped_files, 40);
        skipped += pruning.skipped_files;
        let with = ids_of(pruned, &case.expr);
        let without = ids_of(store.scan(&range).unwrap(), &case.expr);
        if with != without {
            failures.push(format!(
                "{:?}: with {with:?}, without {without:?}",
                case.expr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The index does prune: most cases name a term few events hold.
    assert!(
        skipped > 40 * file.case.len() / 2,
        "only {skipped} files skipped"
    );
}

/// A small deterministic generator (xorshift64*), seeded by `KEYTRAIL_FUZZ_SEED`.
struct Draw(u64);

impl Draw {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % below.max(1)
    }
}

/// Tokens of an event's JSON text that a query can quote as one exact term.
fn quotable_tokens(event: &str) -> Vec<String> {
    event
        .split(|c: char| keytrail::query::search::tokens::is_delimiter(c) || c == '\\')
        .filter(|t| !t.is_empty() && !t.contains('*') && t.chars().all(|c| !c.is_control()))
        .map(str::to_string)
        .collect()
}

#[test]
fn random_needles_from_random_events_give_the_same_output_with_and_without_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = testdata().join("hostile/index/events.ndjson");
    let root = store_of_single_event_parts(&fixture, dir.path());
    let root = root.to_str().unwrap();
    let events: Vec<String> = std::fs::read_to_string(&fixture)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let seed = std::env::var("KEYTRAIL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1dea_u64);
    let mut draw = Draw(seed | 1);
    let fields = [
        "event.eventName",
        "event.userIdentity.userName",
        "event.requestParameters.KeyId",
        "event.sourceIpAddress",
        "keytrail.kmsKeyId",
    ];
    let (mut pruned, mut runs) = (0, 0);
    for round in 0..40 {
        let mut term = || {
            let event = &events[draw.next(events.len())];
            let tokens = quotable_tokens(event);
            let token = tokens[draw.next(tokens.len())].replace('"', "");
            let token = match draw.next(6) {
                0 => token.to_uppercase(),
                1 => format!("{token}x"),
                _ => token,
            };
            match draw.next(4) {
                0 => format!("{}: \"{token}\"", fields[draw.next(fields.len())]),
                _ => format!("\"{token}\""),
            }
        };
        let (a, b, c) = (term(), term(), term());
        let query = match round % 5 {
            0 => a,
            1 => format!("{a} and {b}"),
            2 => format!("{a} or {b}"),
            3 => format!("{a} and not {b}"),
            _ => format!("({a} or {b}) and {c} | SELECT count(*) AS n"),
        };
        let args = [
            "query",
            root,
            query.as_str(),
            "--format",
            "ndjson",
            "--limit",
            "1000",
        ];
        let (with, without) = (run(&args, false), run(&args, true));
        assert_eq!(
            (with.status.code(), stdout(&with)),
            (without.status.code(), stdout(&without)),
            "{query} (seed {seed})"
        );
        let explained = stdout(&run(&["query", root, query.as_str(), "--explain"], false));
        pruned += usize::from(!explained.contains("skipped 0 of"));
        runs += 1;
    }
    assert!(
        pruned > runs / 3,
        "the index pruned in only {pruned} of {runs} queries"
    );
}

/// Asserts that `explained` (the `--explain` of the search `"key-abc123"` on the store of
/// [`store_of_single_event_parts`]) skips the parts that cannot hold the key: at most the 35 that
/// do not (a skipped holder would be a lost record), at least 31 of them. Each filter answers
/// "may hold" for a token it lacks at most 1% of the time (0.14% measured here: 2 in 1,400), and
/// the filters' salts come from each part's hash, which holds the archive's temporary path, so a run
/// may see a false positive (CI did, 34 skipped); P(5 or more) < 1e-4. An index that stopped
/// pruning, or pruned a holder, fails.
fn assert_skips_all_but_the_five_holders(explained: &str) {
    let index = explained
        .split("index:\n")
        .nth(1)
        .unwrap_or_default()
        .trim();
    let number_after = |prefix: &str| -> usize {
        let rest = index
            .split(prefix)
            .nth(1)
            .unwrap_or_else(|| panic!("{explained}"));
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or_else(|_| panic!("{explained}"))
    };
    let (files, groups) = (number_after("skipped "), number_after("in range ("));
    assert_eq!(files, groups, "one row group per part: {explained}");
    assert!((31..=35).contains(&files), "{explained}");
    assert_eq!(
        index.replacen(&files.to_string(), "N", 2),
        "the token index skipped N of 40 part files in range (N of 40 row groups), which \
         cannot hold the search's terms"
    );
}

#[test]
fn ingest_indexes_every_part_and_explain_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = store_of_single_event_parts(&testdata().join("query/events.ndjson"), dir.path());
    let root = root.to_str().unwrap();
    // Five events mention the key: the index may skip only the 35 others.
    let found = run(
        &["query", root, "\"key-abc123\"", "--format", "ndjson"],
        true,
    );
    assert_eq!(stdout(&found).lines().count(), 5, "{}", stdout(&found));
    let out = run(&["query", root, "\"key-abc123\"", "--explain"], false);
    assert_skips_all_but_the_five_holders(&stdout(&out));
    let out = run(&["query", root, "not key-abc123", "--explain"], false);
    assert!(stdout(&out).contains(
        "the search has no term the token index can test: all 40 part files in range are scanned"
    ));
    let out = run(&["verify", root], false);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with(": every part matches the manifest\n"),
        "{}",
        stdout(&out)
    );
}

/// Takes the index out of a store, as one written before the index existed.
pub fn strip_indexes(root: &Path) {
    std::fs::remove_dir_all(root.join("index")).unwrap();
    let manifest = root.join("manifest.jsonl");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !l.contains("\"kind\":\"index\""))
        .collect();
    std::fs::write(&manifest, kept).unwrap();
}

#[test]
fn a_store_without_indexes_reads_the_same_and_keytrail_index_builds_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = store_of_single_event_parts(&testdata().join("query/events.ndjson"), dir.path());
    let with_index = stdout(&run(
        &["query", root.to_str().unwrap(), "kms and decrypt"],
        false,
    ));
    strip_indexes(&root);
    let root = root.to_str().unwrap();
    assert_eq!(
        stdout(&run(&["query", root, "kms and decrypt"], false)),
        with_index
    );
    let explained = stdout(&run(&["query", root, "decrypt", "--explain"], false));
    assert!(explained.contains(
        "skipped 0 of 40 part files in range (0 of 0 row groups), which cannot hold the search's \
         terms; 40 files have no index and are scanned (`keytrail index` builds them)"
    ), "{explained}");
    let verified = run(&["verify", root], false);
    assert_eq!(verified.status.code(), Some(0));
    assert!(stdout(&verified).ends_with(": every part matches the manifest\n"));
    let first = run(&["index", root], false);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stderr(&first).ends_with("indexing: 40 of 40 part files\n"),
        "{}",
        stderr(&first)
    );
    assert!(
        stdout(&first).contains("indexed 40 part files in"),
        "{}",
        stdout(&first)
    );
    let second = run(&["index", root], false);
    assert!(
        stdout(&second).contains("indexed 0 part files in"),
        "{}",
        stdout(&second)
    );
    assert!(stdout(&second).contains("40 were indexed already"));
    assert_eq!(
        stdout(&run(&["query", root, "kms and decrypt"], false)),
        with_index
    );
    let explained = stdout(&run(&["query", root, "\"key-abc123\"", "--explain"], false));
    assert_skips_all_but_the_five_holders(&explained);
    let help = stdout(&run(&["index", "--help"], false));
    assert!(help.contains("keytrail index ./store"), "{help}");
    let not_a_store = run(&["index", dir.path().join("in").to_str().unwrap()], false);
    assert_eq!(not_a_store.status.code(), Some(2));
}

#[test]
fn kms_usage_of_a_key_id_gives_the_same_bytes_through_the_index_and_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = store_of_single_event_parts(&testdata().join("query/events.ndjson"), dir.path());
    let root = root.to_str().unwrap();
    let keys = [
        "key-abc123",
        "key-ghi789",
        "acs:kms:cn-hangzhou:1234567890:key/key-def456",
        "alias/prod-db",
        "key-nowhere",
    ];
    for key in keys {
        for by in ["ip", "user", "ak", "day"] {
            for format in ["csv", "json"] {
                let args = ["kms", "usage", root, key, "--by", by, "--format", format];
                let (with, without) = (run(&args, false), run(&args, true));
                assert_eq!(with.status.code(), Some(0), "{key} {by}: {}", stderr(&with));
                assert_eq!(
                    (stdout(&with), stderr(&with)),
                    (stdout(&without), stderr(&without)),
                    "{key} --by {by} --format {format}"
                );
            }
        }
    }
    // The key's own search skips parts through the index (what kms usage reads).
    let explained = stdout(&run(&["query", root, "\"key-ghi789\"", "--explain"], false));
    assert!(!explained.contains("skipped 0 of"), "{explained}");
    let used = stdout(&run(
        &["kms", "usage", root, "key-ghi789", "--format", "csv"],
        false,
    ));
    assert!(used.lines().count() > 1, "{used}");
}

/// The row counts of the row groups of every part file of the store at `store`, file by file.
fn row_groups_of(store: &Path) -> Vec<Vec<i64>> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    parquet_files(store)
        .iter()
        .map(|f| {
            let reader = SerializedFileReader::new(std::fs::File::open(f).unwrap()).unwrap();
            let meta = reader.metadata();
            meta.row_groups().iter().map(|g| g.num_rows()).collect()
        })
        .collect()
}

#[test]
fn a_dense_day_is_stored_in_row_groups_of_8192_rows_each_with_its_own_filter() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("day.ndjson");
    let lines: Vec<String> = (0..20_000)
        .map(|i| {
            let ip = if i == 19_990 { "198.18.0.99" } else { "10.0.0.1" };
            serde_json::json!({
                "eventId": format!("e{i:05}"),
                "eventTime": format!("2024-03-01T{:02}:{:02}:{:02}Z", i / 3600, i / 60 % 60, i % 60),
                "eventName": "Decrypt",
                "serviceName": "Kms",
                "sourceIpAddress": ip,
            })
            .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let root = dir.path().join("store");
    let (input, root) = (input.to_str().unwrap(), root.to_str().unwrap());
    let out = run(&["ingest", input, "--store", root], false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        row_groups_of(&dir.path().join("store")),
        [[8192, 8192, 3616]]
    );
    let explain_needle = || {
        stdout(&run(
            &["query", root, "\"198.18.0.99\"", "--explain"],
            false,
        ))
    };
    let pruned = "the token index skipped 0 of 1 part files in range (0 of 3 row groups), which \
                  cannot hold the search's terms; 2 more row groups are ruled out but read with \
                  their file";
    assert!(explain_needle().contains(pruned), "{}", explain_needle());
    let found = stdout(&run(
        &["query", root, "\"198.18.0.99\"", "--format", "ndjson"],
        false,
    ));
    assert_eq!(found.lines().count(), 1, "{found}");
    assert!(found.contains("\"e19990\""), "{found}");
    let counted = stdout(&run(
        &["query", root, "* | SELECT count(1) AS n", "--format", "csv"],
        false,
    ));
    assert_eq!(counted, "n\n20000\n");
    // `keytrail index` rebuilds the same per-group filters.
    strip_indexes(Path::new(root));
    assert_eq!(run(&["index", root], false).status.code(), Some(0));
    assert!(explain_needle().contains(pruned), "{}", explain_needle());
    let verified = run(&["verify", root], false);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
}
