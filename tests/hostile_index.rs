//! Hostile token indexes (`testdata/hostile/index/`, see its README): an index that is damaged,
//! cut short, another part's, forged to claim absence, or a symlink to a device is never
//! believed by readers on its own (the part is scanned, the index named on stderr); one forged
//! together with its manifest line is named by `keytrail verify`; huge tokens index and match
//! alike with and without the index.

use std::path::{Path, PathBuf};

use crate::index::{run, store_of_single_event_parts};
use crate::util::{stderr, stdout, testdata};

/// The store of the hostile fixture (one part per event, in file order) and its part paths.
fn fixture_store(dir: &Path) -> (PathBuf, Vec<String>) {
    let root = store_of_single_event_parts(&testdata().join("hostile/index/events.ndjson"), dir);
    let manifest = std::fs::read_to_string(root.join("manifest.jsonl")).unwrap();
    let parts = manifest
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == "part")
        .map(|v| v["path"].as_str().unwrap().to_string())
        .collect();
    (root, parts)
}

fn index_of(part: &str) -> String {
    format!("index/{}.tokens", part.strip_prefix("events/").unwrap())
}

/// The query's ndjson output with and without the index, and the indexed run's stderr.
fn both_ways(root: &Path, query: &str) -> (String, String, String) {
    let args = ["query", root.to_str().unwrap(), query, "--format", "ndjson"];
    let (with, without) = (run(&args, false), run(&args, true));
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
    assert_eq!(
        stderr(&without).lines().last(),
        stderr(&with).lines().last()
    );
    let warnings: String = stderr(&with)
        .split_inclusive('\n')
        .filter(|l| !l.ends_with(" matched\n"))
        .collect();
    (stdout(&with), stdout(&without), warnings)
}

/// Replaces the manifest's index line of `part` with one recording `file`'s size and hash.
fn forge_manifest_line(root: &Path, part: &str, file: &Path) {
    let bytes = std::fs::read(file).unwrap();
    let forged = serde_json::json!({"kind": "index", "part": part, "bytes": bytes.len(),
        "blake3": blake3::hash(&bytes).to_hex().to_string()});
    let manifest = root.join("manifest.jsonl");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let is_its = line.contains("\"kind\":\"index\"") && line.contains(&format!("\"{part}\""));
        out.push_str(&if is_its {
            forged.to_string()
        } else {
            line.to_string()
        });
        out.push('\n');
    }
    std::fs::write(manifest, out).unwrap();
}

/// Offset of the first row group's filter in an index file (see `src/index/file.rs`).
const FIRST_FILTER: usize = 8 + 8 + 32 + 4 + 8 + 4;

#[test]
fn damaged_cut_foreign_and_device_indexes_are_named_and_their_parts_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let (root, parts) = fixture_store(dir.path());
    let needle = "\"key-abc123\"";
    let (clean, reference, warnings) = both_ways(&root, needle);
    assert_eq!((clean.lines().count(), warnings.as_str()), (2, ""));
    let target = root.join(index_of(&parts[0]));
    let original = std::fs::read(&target).unwrap();
    let other = std::fs::read(root.join(index_of(&parts[1]))).unwrap();
    let mut emptied = original.clone();
    emptied[FIRST_FILTER..].fill(0);
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "damaged: its filter zeroed, claiming absence",
            emptied.clone(),
            "its content differs from the manifest's record (blake3)".into(),
        ),
        (
            "cut short",
            original[..original.len() / 2].to_vec(),
            format!(
                "{} bytes, the manifest records {}",
                original.len() / 2,
                original.len()
            ),
        ),
        (
            "another part's index",
            other.clone(),
            match other.len() == original.len() {
                true => "its content differs from the manifest's record (blake3)".into(),
                false => format!(
                    "{} bytes, the manifest records {}",
                    other.len(),
                    original.len()
                ),
            },
        ),
    ];
    let shown = index_of(&parts[0]);
    for (what, bytes, reason) in cases {
        std::fs::write(&target, &bytes).unwrap();
        let (with, without, warnings) = both_ways(&root, needle);
        assert_eq!((&with, &without), (&reference, &reference), "{what}");
        assert!(
            warnings.contains(&format!("  {shown}: {reason}\n")),
            "{what}: {warnings}"
        );
        let verified = run(&["verify", root.to_str().unwrap()], false);
        assert_eq!(verified.status.code(), Some(1), "{what}");
        assert!(
            stdout(&verified).contains(&format!("{shown}: token index not believed ({reason})")),
            "{what}: {}",
            stdout(&verified)
        );
    }
    // Another part's index with its manifest line forged to match: made for another part.
    std::fs::write(&target, &other).unwrap();
    forge_manifest_line(&root, &parts[0], &target);
    let (with, _, warnings) = both_ways(&root, needle);
    assert_eq!(with, reference);
    assert!(
        warnings.contains(&format!("  {shown}: made for another part file\n")),
        "{warnings}"
    );
    // A symlink to an endless device is never read.
    std::fs::remove_file(&target).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &target).unwrap();
    let (with, _, warnings) = both_ways(&root, needle);
    assert_eq!(with, reference);
    assert!(
        warnings.contains(&format!(
            "  {shown}: not a regular file (character device)\n"
        )),
        "{warnings}"
    );
    // `keytrail index` rebuilds what is not believed; then all is clean again.
    let rebuilt = run(&["index", root.to_str().unwrap()], false);
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
    assert!(stderr(&rebuilt).contains(&format!("rebuilding the index of {}: ", parts[0])));
    let (with, _, warnings) = both_ways(&root, needle);
    assert_eq!((with.as_str(), warnings.as_str()), (reference.as_str(), ""));
    assert_eq!(
        run(&["verify", root.to_str().unwrap()], false)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn an_index_forged_with_its_manifest_line_to_claim_absence_is_named_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (root, parts) = fixture_store(dir.path());
    let target = root.join(index_of(&parts[0]));
    let mut forged = std::fs::read(&target).unwrap();
    forged[FIRST_FILTER..].fill(0);
    std::fs::write(&target, &forged).unwrap();
    forge_manifest_line(&root, &parts[0], &target);
    let verified = run(&["verify", root.to_str().unwrap()], false);
    assert_eq!(verified.status.code(), Some(1));
    assert!(
        stdout(&verified).contains(&format!(
            "{}: token index not believed (differs from the index of the part's events)",
            index_of(&parts[0])
        )),
        "{}",
        stdout(&verified)
    );
    // An index file no record names is never read and is no difference.
    std::fs::write(root.join("index/date=2024-03-01/stray.tokens"), b"x").unwrap();
    let verified = stdout(&run(&["verify", root.to_str().unwrap()], false));
    assert!(!verified.contains("stray.tokens"), "{verified}");
}

#[test]
fn huge_tokens_index_and_match_alike_with_and_without_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let huge = format!("huge{}", "Ab1".repeat(40_000));
    let events = dir.path().join("huge.ndjson");
    let fixture = std::fs::read_to_string(testdata().join("hostile/index/events.ndjson")).unwrap();
    let extra = serde_json::json!({"eventId": "ix-huge", "eventTime": "2024-03-09T00:00:00Z",
        "eventName": "Decrypt", "userAgent": huge});
    std::fs::write(&events, format!("{fixture}{extra}\n")).unwrap();
    let root = store_of_single_event_parts(&events, &dir.path().join("s"));
    let cut = &huge[..huge.len() - 1];
    for query in [
        format!("\"{huge}\""),
        format!("\"{}\"", huge.to_lowercase()),
        format!("\"{cut}\""),
    ] {
        let (with, without, warnings) = both_ways(&root, &query);
        assert_eq!((with.as_str(), warnings.as_str()), (without.as_str(), ""));
        assert_eq!(
            with.lines().count(),
            usize::from(!query.contains(&format!("{cut}\"")))
        );
    }
}

#[test]
fn an_index_of_the_older_unsalted_format_is_not_believed_and_keytrail_index_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let (root, parts) = fixture_store(dir.path());
    let needle = "\"key-abc123\"";
    let (reference, _, _) = both_ways(&root, needle);
    // Format 1 had the same layout with unsalted keys: an old index, recorded as it is.
    let target = root.join(index_of(&parts[0]));
    let mut old = std::fs::read(&target).unwrap();
    old[..8].copy_from_slice(b"KTTOKIX1");
    std::fs::write(&target, &old).unwrap();
    forge_manifest_line(&root, &parts[0], &target);
    let (with, without, warnings) = both_ways(&root, needle);
    assert_eq!((&with, &without), (&reference, &reference));
    let shown = index_of(&parts[0]);
    assert!(
        warnings.contains(&format!(
            "  {shown}: not a keytrail token index (or another version of one)\n"
        )),
        "{warnings}"
    );
    let rebuilt = run(&["index", root.to_str().unwrap()], false);
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
    assert!(
        stdout(&rebuilt).contains("indexed 1 part files in"),
        "{}",
        stdout(&rebuilt)
    );
    let (with, _, warnings) = both_ways(&root, needle);
    assert_eq!((with.as_str(), warnings.as_str()), (reference.as_str(), ""));
}
