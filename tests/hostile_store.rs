//! Integration tests: the store is checked before it is believed. Each case of
//! `testdata/hostile/store/README.md` builds a store from `testdata/ingest/archive` in a temp
//! dir, damages it, and asserts the exact stderr, stdout and exit code of `query`, `detect`,
//! `kms keys`, `ingest` and `verify`, and the repair loop.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{keytrail, stderr, stdout, testdata};

/// Events the archive stores (see `testdata/ingest/README.md`).
const STORED: u64 = 26;
/// Events of the archive on 2024-03-01 and on 2024-03-02.
const DAY1: u64 = 12;
const DAY2: u64 = 14;

/// A store built from the ingest archive, in a temp dir.
struct Built {
    _dir: tempfile::TempDir,
    store: PathBuf,
}

impl Built {
    fn new() -> Built {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let out = run(&["ingest", &archive(), "--store", &show(&store), "-q"]);
        assert_eq!(out.0, 1, "the archive has one count mismatch: {out:?}");
        Built { _dir: dir, store }
    }

    fn s(&self) -> String {
        show(&self.store)
    }

    /// The part file of `date` (each date has one after one ingest), path under the store.
    fn part(&self, date: &str) -> String {
        let dir = self.store.join(format!("events/date={date}"));
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 1, "{names:?}");
        format!("events/date={date}/{}", names[0])
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.store.join(rel)
    }

    /// `SELECT count(*)` over the store, with `extra` flags: (exit code, stdout, stderr).
    fn count(&self, extra: &[&str]) -> (i32, String, String) {
        let s = self.s();
        let mut args = vec!["query", &s, "* | SELECT count(*) AS n", "--format", "csv"];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// The "damaged, not read" error of a reader, for these damage lines.
    fn refused(&self, lines: &[String]) -> String {
        format!(
            "error: store {s}: damaged, not read:\n{}\n  run `keytrail verify {s}` for a full check \
             and `--repair` to fix it, or pass --allow-damaged to read the parts that are present\n",
            indent(lines),
            s = self.s()
        )
    }

    /// The `--allow-damaged` warning of a reader, for these damage lines.
    fn warned(&self, lines: &[String]) -> String {
        format!(
            "warning: store {}: damaged, reading only the recorded parts that are present \
             (results may be incomplete):\n{}\n",
            self.s(),
            indent(lines)
        )
    }

    /// `keytrail verify` stdout for these damage lines.
    fn verify_report(&self, lines: &[String]) -> String {
        let noun = if lines.len() == 1 {
            "difference"
        } else {
            "differences"
        };
        format!(
            "store {s}: 2 parts, {STORED} events, 13 source files: {} {noun} from the manifest:\n{}\n\
             run `keytrail verify {s} --repair` to quarantine damaged and unknown files and list \
             the source files to ingest again\n",
            lines.len(),
            indent(lines),
            s = self.s()
        )
    }

    fn verify(&self, extra: &[&str]) -> (i32, String, String) {
        let s = self.s();
        let mut args = vec!["verify", &s];
        args.extend_from_slice(extra);
        run(&args)
    }

    fn clean_report(&self) -> String {
        format!(
            "store {}: 2 parts, {STORED} events, 13 source files: every part matches the manifest\n",
            self.s()
        )
    }

    /// The quarantine directory a repair made (there is one).
    fn quarantine(&self) -> String {
        let dir = self.store.join("quarantine");
        let names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        format!("quarantine/{}", names[0])
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = keytrail(args);
    (
        out.status.code().expect("exited"),
        stdout(&out),
        stderr(&out),
    )
}

fn show(path: &Path) -> String {
    path.display().to_string()
}

fn archive() -> String {
    show(&testdata().join("ingest/archive"))
}

fn indent(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn counted(n: u64) -> (i32, String, String) {
    (0, format!("n\n{n}\n"), String::new())
}

fn missing(part: &str, rows: u64) -> String {
    format!("{part}: missing (the manifest records {rows} events in it)")
}

fn unknown(path: &str) -> String {
    format!("{path}: a file the manifest does not record (not read)")
}

#[test]
fn a_fresh_store_verifies_clean_and_counts_every_event() {
    let b = Built::new();
    assert_eq!(b.count(&[]), counted(STORED));
    assert_eq!(b.verify(&[]), (0, b.clean_report(), String::new()));
    let manifest = fs::read_to_string(b.path("manifest.jsonl")).unwrap();
    let parts: Vec<serde_json::Value> = manifest
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == "part")
        .collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["path"], b.part("2024-03-01").as_str());
    assert_eq!(parts[0]["rows"], DAY1);
    assert_eq!(parts[1]["rows"], DAY2);
    let size = fs::metadata(b.path(&b.part("2024-03-01"))).unwrap().len();
    assert_eq!(parts[0]["bytes"], size);
    assert_eq!(parts[0]["blake3"].as_str().unwrap().len(), 64);
    assert!(parts[0]["sources"].as_array().unwrap().len() > 1);
}

#[test]
fn a_deleted_part_is_named_by_every_reader_and_the_repair_loop_restores_every_event() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    fs::remove_file(b.path(&part)).unwrap();
    let lines = [missing(&part, DAY1)];
    let refused = (2, String::new(), b.refused(&lines));
    assert_eq!(b.count(&[]), refused);
    let s = b.s();
    assert_eq!(run(&["detect", &s]), refused);
    assert_eq!(run(&["kms", "keys", &s]), refused);
    assert_eq!(run(&["event", &s, "any"]), refused);
    assert_eq!(run(&["histogram", &s]), refused);
    assert_eq!(
        b.count(&["--allow-damaged"]),
        (0, format!("n\n{DAY2}\n"), b.warned(&lines))
    );
    // A rerun of the ingest does not quietly skip the loss: it refuses the damaged store.
    let (code, _, err) = run(&["ingest", &archive(), "--store", &s, "-q"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: store {s}: damaged, not written to:\n  {}\n  run `keytrail verify {s} \
             --repair`, then ingest again\n",
            lines[0]
        )
    );
    assert_eq!(b.verify(&[]), (1, b.verify_report(&lines), String::new()));

    let (code, out, err) = b.verify(&["--repair"]);
    assert_eq!((code, err.as_str()), (1, ""));
    let q = b.quarantine();
    let manifest = fs::read_to_string(b.path(&format!("{q}/manifest-removed.jsonl"))).unwrap();
    let removed: Vec<serde_json::Value> = manifest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut sources: Vec<String> = removed
        .iter()
        .filter(|v| v["kind"] == "source")
        .map(|v| v["path"].as_str().unwrap().to_string())
        .collect();
    sources.sort();
    assert_eq!(removed[0]["path"], part.as_str());
    assert!(!sources.is_empty());
    let mut expected = format!(
        "{}repaired store {s}:\n  removed {} manifest lines (kept in {q}/manifest-removed.jsonl)\n\
         ingest these source files again to restore the lost events (the same `keytrail ingest` \
         command does: files still recorded are skipped):\n",
        b.verify_report(&lines),
        removed.len()
    );
    for source in &sources {
        expected.push_str(&format!("  {source}\n"));
    }
    assert_eq!(out, expected);
    // After the repair the store is consistent again (it holds fewer events until re-ingested).
    assert_eq!(b.count(&[]), counted(DAY2));

    let (code, out, _) = run(&["ingest", &archive(), "--store", &s, "-q"]);
    assert!(code <= 1, "{out}");
    // Exactly the files of the lost part are read again; their 4 events held in the sound part
    // count as duplicates, the 12 lost ones are stored.
    assert_eq!(
        out.lines().next().unwrap(),
        format!(
            "13 files: 16 events read, {DAY1} stored, 4 duplicates, 0 rejected ({} files skipped)",
            13 - sources.len()
        )
    );
    assert_eq!(b.count(&[]), counted(STORED));
    let (code, out, _) = b.verify(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with(": every part matches the manifest\n"),
        "{out}"
    );
}

#[test]
fn a_copied_part_is_unknown_never_read_twice_and_repair_quarantines_it() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    let copy = part.replace(".parquet", "-copy.parquet");
    fs::copy(b.path(&part), b.path(&copy)).unwrap();
    let lines = [unknown(&copy)];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(
        b.count(&["--allow-damaged"]),
        (0, format!("n\n{STORED}\n"), b.warned(&lines)),
        "the copy is not counted"
    );
    let verified = [format!("{}, a copy of {part}", lines[0])];
    assert_eq!(
        b.verify(&[]),
        (1, b.verify_report(&verified), String::new())
    );
    let (code, out, _) = b.verify(&["--repair"]);
    let q = b.quarantine();
    assert_eq!(code, 1);
    assert!(
        out.ends_with(&format!(
            "repaired store {}:\n  moved {copy} to {q}/{copy}\nno events were lost: nothing to ingest again\n",
            b.s()
        )),
        "{out}"
    );
    assert!(
        b.path(&format!("{q}/{copy}")).is_file(),
        "kept, not deleted"
    );
    assert_eq!(b.verify(&[]), (0, b.clean_report(), String::new()));
    assert_eq!(b.count(&[]), counted(STORED));
}

#[test]
fn a_copied_partition_directory_is_unknown() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    let name = part.rsplit('/').next().unwrap();
    for dir in ["events/date=2024-03-05", "events/date=2024-03-01.bak"] {
        fs::create_dir_all(b.path(dir)).unwrap();
        fs::copy(b.path(&part), b.path(&format!("{dir}/{name}"))).unwrap();
    }
    let lines = [
        "events/date=2024-03-01.bak: a directory the manifest does not record (not read)"
            .to_string(),
        unknown(&format!("events/date=2024-03-05/{name}")),
    ];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(
        run(&["kms", "keys", &b.s()]),
        (2, String::new(), b.refused(&lines))
    );
    assert_eq!(
        b.count(&["--allow-damaged"]),
        (0, format!("n\n{STORED}\n"), b.warned(&lines))
    );
}

#[test]
fn a_flipped_byte_is_caught_by_verify_and_a_damaged_footer_is_named_by_readers() {
    let b = Built::new();
    let part = b.part("2024-03-02");
    let path = b.path(&part);
    let mut bytes = fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(&path, &bytes).unwrap();
    let (code, out, _) = b.verify(&[]);
    assert_eq!(code, 1);
    let recorded = recorded_hash(&b, &part);
    let found = blake3::hash(&bytes).to_hex().to_string();
    assert_eq!(
        out,
        b.verify_report(&[format!(
            "{part}: content differs from the manifest (blake3 {}, recorded {})",
            &found[..12],
            &recorded[..12]
        )])
    );
    // A damaged footer: the query engine cannot read the file, and the error names it.
    bytes[middle] ^= 0x01;
    // The footer's length field (the 4 bytes before the closing `PAR1`) now points outside
    // the file.
    let footer_length = bytes.len() - 6;
    bytes[footer_length] ^= 0xff;
    fs::write(&path, &bytes).unwrap();
    let (code, out, err) = b.count(&[]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.starts_with(&format!(
            "error: store {}: {part}: damaged Parquet part, cannot be read: ",
            b.s()
        )),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            "; run `keytrail verify {}` for a full check\n",
            b.s()
        )),
        "{err}"
    );
    let (code, out, err) = run(&["detect", &b.s()]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(&format!(
            "error: store {}: {part}: damaged Parquet part",
            b.s()
        )),
        "{err}"
    );
    // Repair quarantines the altered part and lists its sources; the loop restores it.
    let (code, out, _) = b.verify(&["--repair"]);
    assert_eq!(code, 1);
    assert!(out.contains("\ningest these source files again"), "{out}");
    let (code, _, _) = run(&["ingest", &archive(), "--store", &b.s(), "-q"]);
    assert!(code <= 1);
    assert_eq!(b.count(&[]), counted(STORED));
    assert_eq!(b.verify(&[]).0, 0);
}

fn recorded_hash(b: &Built, part: &str) -> String {
    fs::read_to_string(b.path("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["path"] == part)
        .unwrap()["blake3"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_truncated_part_is_named_by_its_size() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    let path = b.path(&part);
    let size = fs::metadata(&path).unwrap().len();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(size - 100)
        .unwrap();
    let lines = [format!(
        "{part}: {} bytes, the manifest records {size} (altered or truncated)",
        size - 100
    )];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(
        b.count(&["--allow-damaged"]),
        (0, format!("n\n{DAY2}\n"), b.warned(&lines)),
        "a part of the wrong size is not read"
    );
    assert_eq!(b.verify(&[]), (1, b.verify_report(&lines), String::new()));
}

#[test]
fn a_store_without_its_manifest_is_damaged_never_an_empty_archive() {
    let b = Built::new();
    fs::remove_file(b.path("manifest.jsonl")).unwrap();
    let s = b.s();
    let expected = format!(
        "error: store {s}: damaged store: events/ is here but manifest.jsonl is missing, so its \
         files cannot be checked (restore manifest.jsonl, or ingest the sources again into a new \
         store)\n"
    );
    assert_eq!(b.count(&[]), (2, String::new(), expected.clone()));
    assert_eq!(
        run(&["detect", &s]),
        (2, String::new(), expected.clone()),
        "never `no findings`"
    );
    assert_eq!(
        run(&["kms", "keys", &s]),
        (2, String::new(), expected.clone())
    );
    assert_eq!(b.verify(&[]), (2, String::new(), expected));
    let (code, _, err) = run(&["ingest", &archive(), "--store", &s, "-q"]);
    assert_eq!(
        (code, err),
        (
            2,
            format!(
                "error: store {s}: damaged store: events/ holds files but manifest.jsonl is \
                 missing, so they cannot be checked (restore manifest.jsonl, or ingest the \
                 sources again into a new store)\n"
            )
        )
    );
}

#[test]
fn a_truncated_manifest_leaves_parts_unknown() {
    let b = Built::new();
    let text = fs::read_to_string(b.path("manifest.jsonl")).unwrap();
    let first = text.find('\n').unwrap() + 1;
    // Cut in the middle of the second line (the second part's record).
    fs::write(b.path("manifest.jsonl"), &text[..first + 40]).unwrap();
    let lines = [unknown(&b.part("2024-03-02"))];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(
        run(&["detect", &b.s()]),
        (2, String::new(), b.refused(&lines))
    );
    // Cut down to nothing: every part is unknown.
    fs::write(b.path("manifest.jsonl"), "").unwrap();
    let lines = [
        unknown(&b.part("2024-03-01")),
        unknown(&b.part("2024-03-02")),
    ];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
}

#[test]
fn an_unknown_file_is_named_with_its_control_characters_escaped() {
    let b = Built::new();
    let name = "events/date=2024-03-01/evil\u{1b}]0;pwned\u{7}.parquet";
    fs::write(b.path(name), b"PAR1 not really").unwrap();
    fs::write(b.path("events/README.txt"), b"notes").unwrap();
    // A name that would forge a line of the report if its LF reached the terminal.
    let forged = "events/date=2024-03-01/forged\n  run `keytrail verify` to see no damage.parquet";
    fs::write(b.path(forged), b"x").unwrap();
    let lines = [
        unknown("events/README.txt"),
        unknown("events/date=2024-03-01/evil\\x1b]0;pwned\\x07.parquet"),
        unknown("events/date=2024-03-01/forged\\n  run `keytrail verify` to see no damage.parquet"),
    ];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(
        run(&["kms", "keys", &b.s()]),
        (2, String::new(), b.refused(&lines))
    );
    let (code, out, _) = b.verify(&["--repair"]);
    assert_eq!(code, 1);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert_eq!(b.verify(&[]), (0, b.clean_report(), String::new()));
}

#[test]
fn a_part_left_in_tmp_by_a_killed_ingest_is_skipped_and_moved_into_place() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    let name = part.rsplit('/').next().unwrap();
    // The state of an ingest killed after recording its parts, before renaming the first one
    // and before recording its source files.
    let text = fs::read_to_string(b.path("manifest.jsonl")).unwrap();
    let parts_only: String = text
        .lines()
        .filter(|l| l.contains("\"kind\":\"part\""))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(b.path("manifest.jsonl"), parts_only).unwrap();
    fs::rename(b.path(&part), b.path(&format!(".tmp/{name}"))).unwrap();
    assert_eq!(
        b.count(&[]),
        counted(DAY2),
        "sources not recorded: nothing is missing"
    );
    assert_eq!(
        b.verify(&[]),
        (
            0,
            format!(
                "note: 1 recorded parts are still in .tmp/ with their source files not yet \
                 recorded (an ingest is writing, or was killed: the next ingest places them)\n\
                 store {}: 2 parts, {STORED} events, 0 source files: every part matches the \
                 manifest\n",
                b.s()
            ),
            String::new()
        )
    );
    let (code, out, _) = run(&["ingest", &archive(), "--store", &b.s(), "-q"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("13 files: 28 events read, 0 stored, 28 duplicates, 0 rejected\n"),
        "the part was moved into place before the dedup keys were read: {out}"
    );
    assert!(b.path(&part).is_file());
    assert_eq!(b.count(&[]), counted(STORED));
    let (code, out, _) = b.verify(&[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_part_moved_into_tmp_cannot_hide_its_events() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    let name = part.rsplit('/').next().unwrap();
    fs::rename(b.path(&part), b.path(&format!(".tmp/{name}"))).unwrap();
    let lines = [format!(
        "{part}: in .tmp/ instead of its place, though its source files are recorded as \
         ingested (not read; the next ingest or `verify --repair` moves it back)"
    )];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(b.verify(&[]), (1, b.verify_report(&lines), String::new()));
    let (code, out, _) = run(&["ingest", &archive(), "--store", &b.s(), "-q"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "nothing new: all 13 files already ingested\n")
    );
    assert!(b.path(&part).is_file());
    assert_eq!(b.verify(&[]), (0, b.clean_report(), String::new()));
}

#[test]
fn a_store_made_before_part_records_reads_with_a_warning_and_is_adopted() {
    let b = Built::new();
    let text = fs::read_to_string(b.path("manifest.jsonl")).unwrap();
    let legacy: String = text
        .lines()
        .filter(|l| !l.contains("\"kind\":\"part\""))
        .map(|l| format!("{}\n", l.replace("{\"kind\":\"source\",", "{")))
        .collect();
    fs::write(b.path("manifest.jsonl"), legacy).unwrap();
    let s = b.s();
    let warning = format!(
        "warning: store {s}: its manifest records no part files (written by an older keytrail), \
         so they are read unchecked; run `keytrail verify {s} --adopt` to record them\n"
    );
    assert_eq!(b.count(&[]), (0, format!("n\n{STORED}\n"), warning));
    assert_eq!(
        b.verify(&[]),
        (
            1,
            format!(
                "store {s}: its manifest records no part files (written by an older keytrail): 2 \
                 part files unchecked; run `keytrail verify {s} --adopt` to record them\n"
            ),
            String::new()
        )
    );
    let (code, _, err) = run(&["ingest", &archive(), "--store", &s, "-q"]);
    assert_eq!(code, 2);
    assert!(err.contains("run `keytrail verify"), "{err}");
    let (code, out, _) = b.verify(&["--adopt"]);
    assert_eq!(
        (code, out),
        (
            0,
            format!(
                "recorded 2 part files ({STORED} events) in the manifest of {s}\n{}",
                b.clean_report()
            )
        )
    );
    assert_eq!(b.count(&[]), counted(STORED));
    let (code, out, _) = run(&["ingest", &archive(), "--store", &s, "-q"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "nothing new: all 13 files already ingested\n")
    );
}

#[test]
fn a_part_replaced_by_a_symlink_to_an_endless_device_is_never_read() {
    let b = Built::new();
    let part = b.part("2024-03-01");
    fs::remove_file(b.path(&part)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", b.path(&part)).unwrap();
    let lines = [format!("{part}: not a regular file")];
    assert_eq!(b.count(&[]), (2, String::new(), b.refused(&lines)));
    assert_eq!(
        b.count(&["--allow-damaged"]),
        (0, format!("n\n{DAY2}\n"), b.warned(&lines))
    );
    assert_eq!(b.verify(&[]), (1, b.verify_report(&lines), String::new()));
    let (code, out, _) = b.verify(&["--repair"]);
    assert_eq!(code, 1);
    let q = b.quarantine();
    assert!(
        out.contains(&format!("\n  moved {part} to {q}/{part}\n")),
        "{out}"
    );
    assert!(fs::symlink_metadata(b.path(&format!("{q}/{part}")))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_garbled_manifest_line_is_named_by_its_number() {
    let b = Built::new();
    let text = fs::read_to_string(b.path("manifest.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "\u{1b}[2J not json";
    fs::write(b.path("manifest.jsonl"), lines.join("\n") + "\n").unwrap();
    let expected = format!(
        "error: store {}: manifest.jsonl line 3: expected value at line 1 column 1\n",
        b.path("manifest.jsonl").display()
    );
    assert_eq!(b.count(&[]), (2, String::new(), expected.clone()));
    assert_eq!(
        run(&["detect", &b.s()]),
        (2, String::new(), expected.clone())
    );
    assert_eq!(b.verify(&[]), (2, String::new(), expected));
}

/// An archive of `files` plain JSON array files of `per_file` events each, over two days.
fn generated_archive(dir: &Path, files: usize, per_file: usize) -> PathBuf {
    let root = dir.join("generated");
    fs::create_dir_all(&root).unwrap();
    for f in 0..files {
        let events: Vec<serde_json::Value> = (0..per_file)
            .map(|i| {
                let second = (f * per_file + i) % 86_400;
                serde_json::json!({
                    "eventId": format!("gen-{f:04}-{i:05}"), "eventName": "Decrypt",
                    "eventTime": format!("2024-04-0{}T{:02}:{:02}:{:02}Z", 1 + f % 2,
                        second / 3600, second / 60 % 60, second % 60),
                    "requestParameters": {"KeyId": "key-1", "Padding": "x".repeat(300)}
                })
            })
            .collect();
        fs::write(
            root.join(format!("f{f:03}.json")),
            serde_json::to_vec(&events).unwrap(),
        )
        .unwrap();
    }
    root
}

#[test]
fn readers_during_and_after_a_killed_ingest_see_no_damage() {
    let dir = tempfile::tempdir().unwrap();
    let (files, per_file) = (30, 1000);
    let input = show(&generated_archive(dir.path(), files, per_file));
    let store = dir.path().join("store");
    let s = show(&store);
    let count = || run(&["query", &s, "* | SELECT count(*) AS n", "--format", "csv"]);
    for delay_ms in [150, 250, 350, 450, 600] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_keytrail"))
            .args(["ingest", &input, "--store", &s, "--threads", "2", "-q"])
            .args(["--chunk-bytes", "500000"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(delay_ms) {
            if store.join("manifest.jsonl").exists() {
                let (code, _, err) = count();
                assert_eq!(
                    (code, err.as_str()),
                    (0, ""),
                    "a reader while ingest writes"
                );
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        if store.join("manifest.jsonl").exists() {
            let (code, _, err) = count();
            assert_eq!((code, err.as_str()), (0, ""), "a reader after a kill");
            let (code, out, _) = run(&["verify", &s]);
            assert_eq!(code, 0, "after a kill at {delay_ms} ms: {out}");
        }
    }
    let (code, _, err) = run(&["ingest", &input, "--store", &s, "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        count(),
        (0, format!("n\n{}\n", files * per_file), String::new())
    );
    assert_eq!(run(&["verify", &s]).0, 0);
}

/// Runs keytrail under `timeout 20`, so that a command that blocks fails the test (exit 124)
/// instead of hanging it.
fn run_bounded(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new("timeout")
        .arg("20")
        .arg(env!("CARGO_BIN_EXE_keytrail"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("timeout runs");
    (
        out.status.code().expect("exited"),
        stdout(&out),
        stderr(&out),
    )
}

fn mkfifo(path: &Path) {
    let _ = fs::remove_file(path);
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_manifest_or_lock_that_is_not_a_regular_file_never_blocks_or_exhausts_memory() {
    let b = Built::new();
    let s = b.s();
    let manifest = b.path("manifest.jsonl");
    mkfifo(&manifest);
    let fifo = format!("error: {}: not a regular file (fifo)\n", show(&manifest));
    assert_eq!(
        run_bounded(&["query", &s, "*"]),
        (2, String::new(), fifo.clone())
    );
    assert_eq!(
        run_bounded(&["verify", &s]),
        (2, String::new(), fifo.clone())
    );
    assert_eq!(
        run_bounded(&["ingest", &archive(), "--store", &s, "-q"]).0,
        2
    );

    fs::remove_file(&manifest).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &manifest).unwrap();
    let device = format!(
        "error: {}: not a regular file (character device)\n",
        show(&manifest)
    );
    assert_eq!(run_bounded(&["detect", &s]), (2, String::new(), device));

    // A manifest grown to gigabytes of zeros (sparse: no disk is used) is one endless line.
    fs::remove_file(&manifest).unwrap();
    fs::File::create(&manifest)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let (code, out, err) = run_bounded(&["kms", "keys", &s]);
    assert_eq!((code, out), (2, String::new()));
    assert!(
        err.ends_with("manifest.jsonl line 1 is longer than 64 MiB: the manifest is damaged\n"),
        "{err}"
    );
}

#[test]
fn a_lock_planted_as_a_fifo_stops_ingest_at_once() {
    let b = Built::new();
    let s = b.s();
    mkfifo(&b.path(".lock"));
    assert_eq!(
        run_bounded(&["ingest", &archive(), "--store", &s, "-q"]),
        (
            2,
            String::new(),
            format!(
                "error: store {}: the lock is not a regular file (fifo): the store is damaged\n",
                show(&b.path(".lock"))
            )
        )
    );
}
