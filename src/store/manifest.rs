//! The store manifest `manifest.jsonl`: one JSON line per ingested source file
//! (`"kind":"source"`) and one per Parquet part file (`"kind":"part"`). Lines are appended whole;
//! a torn last line (a crash mid-append) is ignored on read and cut by the writer.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::source::open::open_regular;
use crate::{Error, Result};

/// The longest manifest line read: a part line names its source files, so it can be long, but a
/// longer one (a file of zeros, a manifest linked to a device) is damage, not a line to hold.
const MAX_LINE_BYTES: u64 = 64 << 20;

/// What one ingest run did with one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRecord {
    /// Absolute path of the source file.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// blake3 hash of its bytes, hex.
    pub blake3: String,
    /// The format detected.
    pub format: String,
    /// Events read.
    pub events_read: u64,
    /// Events stored (new).
    pub stored: u64,
    /// Events already in the store.
    pub duplicates: u64,
    /// Records rejected.
    pub rejects: u64,
    /// File-level problems.
    pub problems: Vec<String>,
    /// The ingest run id.
    pub run: String,
    /// When the file was committed (RFC 3339, UTC).
    pub time: String,
}

/// One Parquet part file of the store, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    /// Its path under the store root, `/`-separated: `events/date=YYYY-MM-DD/<name>`.
    pub path: String,
    /// Rows (events) it holds.
    pub rows: u64,
    /// Its size in bytes.
    pub bytes: u64,
    /// blake3 hash of its bytes, hex.
    pub blake3: String,
    /// The ingest run that wrote it.
    pub run: String,
    /// The absolute paths of the source files its events were read from (sorted; a superset is
    /// allowed): what to ingest again if the part is lost.
    pub sources: Vec<String>,
}

impl PartRecord {
    /// The partition date (`YYYY-MM-DD`) of the part, from its path.
    pub fn date(&self) -> Option<&str> {
        self.path
            .strip_prefix("events/date=")?
            .split_once('/')
            .map(|(date, _)| date)
    }

    /// The file name of the part.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The token index file of one part (`index/date=…/<part>.tokens`, see [`crate::index`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRecord {
    /// The path of the part it indexes, as its part record names it.
    pub part: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// blake3 hash of its bytes, hex.
    pub blake3: String,
}

/// One line of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Line {
    /// A source file an ingest read.
    Source(ManifestRecord),
    /// A Parquet part file an ingest wrote.
    Part(PartRecord),
    /// The token index of a part.
    Index(IndexRecord),
}

/// The manifest's lines, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Source-file lines, oldest first.
    pub sources: Vec<ManifestRecord>,
    /// Part lines, oldest first.
    pub parts: Vec<PartRecord>,
    /// Index lines, oldest first (a later line for the same part replaces an earlier one).
    pub indexes: Vec<IndexRecord>,
    /// Source lines without a `kind` (written by keytrail before part records existed).
    pub untagged: usize,
    /// The paths of the parts whose chunk was committed: a source line of one of their source
    /// files follows their part line (such a part must be in place under `events/`).
    pub committed: HashSet<String>,
}

impl Manifest {
    /// Whether the manifest comes from a keytrail that did not record part files: it has source
    /// lines without a `kind` and no part line.
    pub fn is_legacy(&self) -> bool {
        self.untagged > 0 && self.parts.is_empty()
    }
}

/// What [`load`] keeps of the manifest's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every line whole: what ingest, verify and the report read.
    All,
    /// Part and index lines without their source lists, and no source record (only their
    /// count, in [`Manifest::untagged`] for untagged ones): what scans need. A year of a busy
    /// account has a hundred thousand source files; their records would be the largest thing a
    /// query holds.
    Parts,
}

/// Reads every whole line of the manifest at `path`; a torn last line is ignored. With
/// `cut_torn_tail` (the writer, holding the lock), a torn last line is also cut off the file.
pub fn load(path: &Path, cut_torn_tail: bool) -> Result<Manifest> {
    load_keeping(path, cut_torn_tail, Keep::All)
}

/// As [`load`], keeping what `keep` says.
pub fn load_keeping(path: &Path, cut_torn_tail: bool, keep: Keep) -> Result<Manifest> {
    if cut_torn_tail {
        repair_torn_tail(path)?;
    }
    let file = open_regular(path).map_err(|e| Error::io(path, e))?;
    let mut manifest = Manifest::default();
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut commits = Commits::default();
    for number in 1usize.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_line(&mut line)
            .map_err(|e| Error::io(path, e))?;
        if read as u64 > MAX_LINE_BYTES {
            return Err(Error::Store {
                path: path.to_path_buf(),
                message: format!(
                    "manifest.jsonl line {number} is longer than {} MiB: the manifest is damaged",
                    MAX_LINE_BYTES >> 20
                ),
            });
        }
        if read == 0 || !line.ends_with('\n') {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fail = |message| Error::Store {
            path: path.to_path_buf(),
            message: format!("manifest.jsonl line {number}: {message}"),
        };
        match parse(&line).map_err(fail)? {
            (Line::Source(record), untagged) => {
                manifest.untagged += usize::from(untagged);
                commits.source(&record.path, &manifest.parts, &mut manifest.committed);
                if keep == Keep::All {
                    manifest.sources.push(record);
                }
            }
            (Line::Part(mut part), _) => {
                commits.part(manifest.parts.len(), &part.sources);
                if keep == Keep::Parts {
                    part.sources = Vec::new();
                }
                manifest.parts.push(part);
            }
            (Line::Index(index), _) => manifest.indexes.push(index),
        }
    }
    Ok(manifest)
}

/// Which parts' chunks are committed, found in one pass: a part is committed when a source line
/// of one of its source files follows its part line. Only parts still waiting for such a line
/// are held (in a manifest an ingest wrote, the source lines of a chunk follow its parts at
/// once, so this stays one chunk small whatever the manifest's length).
#[derive(Default)]
struct Commits {
    /// Source path -> the parts (indexes of part lines) that name it and wait for its line.
    waiting: HashMap<String, Vec<usize>>,
}

impl Commits {
    /// The part line `index` names `sources`.
    fn part(&mut self, index: usize, sources: &[String]) {
        for source in sources {
            self.waiting.entry(source.clone()).or_default().push(index);
        }
    }

    /// A source line of `path`: the parts waiting for it are committed.
    fn source(&mut self, path: &str, parts: &[PartRecord], committed: &mut HashSet<String>) {
        for index in self.waiting.remove(path).unwrap_or_default() {
            committed.insert(parts[index].path.clone());
        }
    }
}

/// One manifest line, and whether it is a source line without a `kind`: a tagged line is read
/// straight into its record (a store's manifest holds a line per source file and per part,
/// tens of MB read on every open); any other line, or one that does not read so, goes through
/// a JSON value, which gives the exact reason it is not a line.
fn parse(line: &str) -> std::result::Result<(Line, bool), String> {
    parse_tagged(line).map_or_else(|| parse_value(line), Ok)
}

/// The `kind` of a line (its other fields skipped).
#[derive(Deserialize)]
struct Tag {
    kind: String,
}

/// A line whose `kind` is a known string, read into its record; `None` for anything else.
fn parse_tagged(line: &str) -> Option<(Line, bool)> {
    let tag: Tag = serde_json::from_str(line).ok()?;
    let parsed = match tag.kind.as_str() {
        "source" => Line::Source(serde_json::from_str(line).ok()?),
        "part" => Line::Part(serde_json::from_str(line).ok()?),
        "index" => Line::Index(serde_json::from_str(line).ok()?),
        _ => return None,
    };
    Some((parsed, false))
}

/// [`parse`] through a JSON value.
fn parse_value(line: &str) -> std::result::Result<(Line, bool), String> {
    let mut value: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let kind = match value.as_object_mut().map(|o| o.remove("kind")) {
        Some(kind) => kind,
        None => return Err("not a JSON object".into()),
    };
    let source = |value| serde_json::from_value(value).map_err(|e| e.to_string());
    match kind.as_ref().map(|k| k.as_str()) {
        None => Ok((Line::Source(source(value)?), true)),
        Some(Some("source")) => Ok((Line::Source(source(value)?), false)),
        Some(Some("part")) => Ok((
            Line::Part(serde_json::from_value(value).map_err(|e| e.to_string())?),
            false,
        )),
        Some(Some("index")) => Ok((
            Line::Index(serde_json::from_value(value).map_err(|e| e.to_string())?),
            false,
        )),
        Some(other) => Err(format!("unknown kind {}", kind_text(other))),
    }
}

/// Rewrites the manifest at `path` without the lines `drop` picks (called on each whole line
/// in order); kept lines stay byte for byte, dropped ones are appended to `dropped`. Goes
/// through `tmp` (see [`replace`]). Returns the number of lines dropped.
pub fn rewrite(
    path: &Path,
    tmp: &Path,
    dropped: &Path,
    drop: &mut dyn FnMut(&Line) -> bool,
) -> Result<usize> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let (mut kept, mut gone) = (String::new(), String::new());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if !line.ends_with('\n') {
            break;
        }
        let target = match line.trim().is_empty() {
            true => &mut kept,
            false => {
                let (parsed, _) = parse(line).map_err(|message| Error::Store {
                    path: path.to_path_buf(),
                    message: format!("manifest.jsonl line {}: {message}", i + 1),
                })?;
                if drop(&parsed) {
                    &mut gone
                } else {
                    &mut kept
                }
            }
        };
        target.push_str(line);
    }
    if gone.is_empty() {
        return Ok(0);
    }
    let mut out = OpenOptions::new()
        .append(true)
        .create(true)
        .open(dropped)
        .map_err(|e| Error::io(dropped, e))?;
    out.write_all(gone.as_bytes())
        .and_then(|_| out.sync_all())
        .map_err(|e| Error::io(dropped, e))?;
    let mut file = File::create(tmp).map_err(|e| Error::io(tmp, e))?;
    file.write_all(kept.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(tmp, e))?;
    std::fs::rename(tmp, path).map_err(|e| Error::io(path, e))?;
    if let Some(dir) = path.parent() {
        // The rename is durable once the directory is synced (best effort where unsupported).
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(gone.lines().count())
}

fn kind_text(kind: Option<&str>) -> String {
    kind.map_or_else(|| "(not a string)".into(), |k| format!("{k:?}"))
}

/// Cuts everything after the last newline: the remains of an append a crash interrupted.
fn repair_torn_tail(path: &Path) -> Result<()> {
    let mut file = open_regular(path).map_err(|e| Error::io(path, e))?;
    let keep = complete_length(&mut file).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if keep == len {
        return Ok(());
    }
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.set_len(keep).map_err(|e| Error::io(path, e))?;
    Ok(())
}

/// The length of `file` up to and including its last line break, found by reading backwards
/// from the end in blocks (a manifest is never read whole into memory for this).
fn complete_length(file: &mut File) -> std::io::Result<u64> {
    const BLOCK: u64 = 64 * 1024;
    let mut end = file.seek(SeekFrom::End(0))?;
    let mut block = vec![0u8; BLOCK as usize];
    let mut first = true;
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let bytes = &mut block[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(bytes)?;
        if first && bytes.last() == Some(&b'\n') {
            return file.seek(SeekFrom::End(0));
        }
        first = false;
        if let Some(i) = bytes.iter().rposition(|b| *b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// The text of `lines`, one JSON line each.
pub fn to_text(lines: &[Line]) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(&serde_json::to_string(line).expect("a manifest line serializes"));
        text.push('\n');
    }
    text
}

/// Appends `lines` whole in one write, then syncs.
pub fn append(path: &Path, lines: &[Line]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.write_all(to_text(lines).as_bytes())
        .map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_lines_read_straight_as_through_a_value() {
        let part = r#"{"kind":"part","path":"events/date=2024-03-01/p.parquet","rows":2,"bytes":9,"blake3":"ab","run":"r","sources":["/a","/b\u0000"]}"#;
        let index =
            r#"{"kind":"index","part":"events/date=2024-03-01/p.parquet","bytes":1,"blake3":"c"}"#;
        let source = r#"{"kind":"source","path":"/a","size":1,"blake3":"d","format":"f","events_read":1,"stored":1,"duplicates":0,"rejects":0,"problems":[],"run":"r","time":"t"}"#;
        let untagged = source.replace(r#""kind":"source","#, "");
        let twice = part.replace(r#""rows":2"#, r#""rows":2,"rows":3"#);
        let lines = [
            part.to_string(),
            index.to_string(),
            source.to_string(),
            untagged,
            twice,
            part.replace(r#""kind":"part""#, r#""kind":"part","kind":"index""#),
            part.replace(r#""kind":"part""#, r#""kind":null"#),
            part.replace(r#""kind":"part""#, r#""kind":5"#),
            part.replace(r#""kind":"part""#, r#""kind":"parts""#),
            part.replace(r#""rows":2"#, r#""rows":-2"#),
            "[1]".to_string(),
            "{".to_string(),
        ];
        for line in &lines {
            assert_eq!(parse(line), parse_value(line), "{line}");
        }
        assert!(parse_tagged(&lines[0]).is_some() && parse_tagged(&lines[4]).is_none());
    }

    fn record(path: &str) -> ManifestRecord {
        ManifestRecord {
            path: path.into(),
            size: 10,
            blake3: "ab".into(),
            format: "oss".into(),
            events_read: 3,
            stored: 2,
            duplicates: 1,
            rejects: 0,
            problems: vec![],
            run: "r1".into(),
            time: "2024-01-01T00:00:00Z".into(),
        }
    }

    fn part(name: &str) -> PartRecord {
        PartRecord {
            path: format!("events/date=2024-03-01/{name}"),
            rows: 2,
            bytes: 100,
            blake3: "cd".into(),
            run: "r1".into(),
            sources: vec!["/a".into()],
        }
    }

    #[test]
    fn torn_tail_is_ignored_by_readers_and_cut_by_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        std::fs::write(&path, b"").unwrap();
        append(&path, &[Line::Source(record("/a"))]).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"path\":\"/b\",\"si");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(load(&path, false).unwrap().sources, vec![record("/a")]);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "a reader leaves it");
        assert_eq!(load(&path, true).unwrap().sources, vec![record("/a")]);
        append(&path, &[Line::Source(record("/c"))]).unwrap();
        assert_eq!(
            load(&path, false).unwrap().sources,
            vec![record("/a"), record("/c")]
        );
    }

    #[test]
    fn kinds_round_trip_and_untagged_lines_are_legacy_sources() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let legacy = serde_json::to_string(&record("/old")).unwrap();
        std::fs::write(&path, format!("{legacy}\n")).unwrap();
        let loaded = load(&path, false).unwrap();
        assert!(loaded.is_legacy());
        append(&path, &[Line::Part(part("p.parquet"))]).unwrap();
        append(&path, &[Line::Source(record("/new"))]).unwrap();
        let loaded = load(&path, false).unwrap();
        assert_eq!(loaded.sources, vec![record("/old"), record("/new")]);
        assert_eq!(loaded.parts, vec![part("p.parquet")]);
        assert_eq!((loaded.untagged, loaded.is_legacy()), (1, false));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("{\"kind\":\"part\",\"path\":\"events/date=2024-03-01/p.parquet\""));
        assert!(text.contains("{\"kind\":\"source\",\"path\":\"/new\""));
        assert_eq!(part("p.parquet").date(), Some("2024-03-01"));
        assert_eq!(part("p.parquet").name(), "p.parquet");
    }

    #[test]
    fn a_bad_line_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        std::fs::write(&path, "{\"kind\":\"part\",\"path\":1}\n").unwrap();
        let err = load(&path, false).unwrap_err().to_string();
        assert!(err.contains("manifest.jsonl line 1: invalid type"), "{err}");
        std::fs::write(&path, "{\"kind\":\"other\"}\n").unwrap();
        let err = load(&path, false).unwrap_err().to_string();
        assert!(err.contains("line 1: unknown kind \"other\""), "{err}");
    }

    #[test]
    fn rewrite_drops_picked_lines_keeps_the_rest_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let legacy = serde_json::to_string(&record("/old")).unwrap();
        std::fs::write(&path, format!("{legacy}\n")).unwrap();
        append(&path, &[Line::Part(part("x")), Line::Source(record("/a"))]).unwrap();
        let dropped = dir.path().join("dropped.jsonl");
        let mut drop = |line: &Line| matches!(line, Line::Part(p) if p.name() == "x");
        let n = rewrite(&path, &dir.path().join("new"), &dropped, &mut drop).unwrap();
        assert_eq!(n, 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(&format!("{legacy}\n{{\"kind\":\"source\"")),
            "{text}"
        );
        assert!(std::fs::read_to_string(&dropped)
            .unwrap()
            .contains("\"kind\":\"part\""));
        let loaded = load(&path, false).unwrap();
        assert_eq!((loaded.sources.len(), loaded.parts.len()), (2, 0));
    }
}
