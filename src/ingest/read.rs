//! Reading the files of a chunk, in parallel: each file is hashed exactly as it is parsed,
//! skipped when its content is already ingested, and normalized into rows and rejects.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Cursor, Read};

use rayon::prelude::*;

use super::plan::Planned;
use super::rejects::RejectLine;
use super::{FileReport, IngestOptions, Progress, REJECT_EXAMPLES};
use crate::event::normalize::{normalize, normalize_compact, Envelope};
use crate::source::open::{changed_while_read, open_regular, FileStamp, HashingReader};
use crate::source::{
    read_reader, truncate_raw, EventBody, FileRead, RawEvent, ReadOptions, Record,
};
use crate::store::batch::{RowBatch, RowBuilder};
use crate::store::Store;

/// Files up to this size are read whole into memory first, so that a copy of a file already
/// ingested is skipped before it is parsed; larger ones are parsed as they are read. Either way
/// each byte is read once, and hashed as it is read.
const READ_WHOLE_MAX: u64 = 64 * 1024 * 1024;

/// The result of reading one planned file.
pub(super) struct Outcome {
    pub(super) planned: Planned,
    pub(super) report: FileReport,
    pub(super) rows: Vec<RowBatch>,
    pub(super) rejects: Vec<RejectLine>,
    /// blake3 of the file, when it was read whole and did not change while it was read (only
    /// then is it recorded in the manifest).
    pub(super) hash: Option<String>,
}

/// (blake3, size) → run, for every file in the manifest or read in this run.
pub(super) type KnownFiles = HashMap<(String, u64), String>;

/// The files the store's manifest holds, by content.
pub(super) fn known_files(store: &Store) -> KnownFiles {
    store
        .manifest()
        .iter()
        .filter(|m| m.size > 0)
        .map(|m| ((m.blake3.clone(), m.size), m.run.clone()))
        .collect()
}

/// Reads the files of one chunk in parallel.
pub(super) fn read_chunk(
    chunk: &[Planned],
    known: &KnownFiles,
    opts: &IngestOptions,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Vec<Outcome> {
    chunk
        .par_iter()
        .map(|p| read_planned(p, known, opts, on_progress))
        .collect()
}

/// Reads one file (see [`read_outcome`]) and tells `on_progress` it is done.
fn read_planned(
    planned: &Planned,
    known: &KnownFiles,
    opts: &IngestOptions,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Outcome {
    let outcome = read_outcome(planned, known, opts);
    on_progress(&Progress::FileDone {
        path: planned.path.clone(),
        events: outcome.report.events_read as usize,
    });
    outcome
}

/// Reads one file, hashing exactly the bytes it parses (unless its content is already in the
/// manifest). A file that changed since it was listed, or while it was read, keeps the events
/// read but gets no hash, so no manifest line: the next run reads it again.
fn read_outcome(planned: &Planned, known: &KnownFiles, opts: &IngestOptions) -> Outcome {
    let mut outcome = Outcome {
        planned: planned.clone(),
        report: FileReport {
            path: planned.path.clone(),
            ..Default::default()
        },
        rows: Vec::new(),
        rejects: Vec::new(),
        hash: None,
    };
    let mut hashing = match open_regular(&planned.path) {
        Ok(file) => HashingReader::new(file),
        Err(e) => {
            outcome.report.problems.push(format!("cannot read: {e}"));
            return outcome;
        }
    };
    let head = match read_head(planned, known, &mut hashing) {
        Ok(Head::Bytes(head)) => head,
        Ok(Head::Skipped(skipped)) => {
            outcome.report.skipped = Some(skipped);
            return outcome;
        }
        Err(problem) => {
            outcome.report.problems.push(problem);
            return outcome;
        }
    };
    let (rows, rejects, read) =
        parse_file(planned, Cursor::new(&head[..]).chain(&mut hashing), opts);
    drop(head);
    outcome.report = read_report(planned, read, rows.len(), &rejects);
    match file_hash_after_read(planned, &mut hashing) {
        Ok(hash) => match already_ingested(known, &hash, planned.size) {
            // A large file is known only once read: what it held is stored already.
            Some(skipped) => {
                outcome.report = FileReport {
                    path: planned.path.clone(),
                    skipped: Some(skipped),
                    ..Default::default()
                };
                return outcome;
            }
            None => outcome.hash = Some(hash),
        },
        Err(problem) => outcome.report.problems.push(problem),
    }
    outcome.rows = rows.finish();
    outcome.rejects = rejects;
    outcome
}

/// What is read of a file before it is parsed.
enum Head {
    /// Its bytes read so far (all of a file of modest size, nothing of a large one).
    Bytes(Vec<u8>),
    /// Why it is skipped: its content is already ingested.
    Skipped(String),
}

/// A file of modest size is read whole first, so that a copy of a file already ingested is
/// skipped before it is parsed. One byte more than listed is asked for, to see a file that
/// grew. Err is the problem that stops the read.
fn read_head(
    planned: &Planned,
    known: &KnownFiles,
    hashing: &mut HashingReader<File>,
) -> std::result::Result<Head, String> {
    let mut head = Vec::new();
    if planned.size <= READ_WHOLE_MAX {
        head.reserve_exact(planned.size as usize + 1);
        if let Err(e) = hashing
            .by_ref()
            .take(planned.size + 1)
            .read_to_end(&mut head)
        {
            return Err(format!("cannot read: {e}"));
        }
        if head.len() as u64 == planned.size {
            if let Some(skipped) = already_ingested(known, &hashing.hash(), planned.size) {
                return Ok(Head::Skipped(skipped));
            }
        }
    }
    Ok(Head::Bytes(head))
}

/// The report of a file parsed into `events` rows and `rejects`.
fn read_report(
    planned: &Planned,
    read: FileRead,
    events: usize,
    rejects: &[RejectLine],
) -> FileReport {
    FileReport {
        path: planned.path.clone(),
        format: read.format,
        problems: read.problems,
        events_read: events as u64,
        rejected: rejects.len() as u64,
        reject_examples: rejects
            .iter()
            .take(REJECT_EXAMPLES)
            .map(|r| format!("{}: {}", r.position, r.reason))
            .collect(),
        ..Default::default()
    }
}

/// Why a file of this content is skipped, if the store (or this run) holds it already.
pub(super) fn already_ingested(known: &KnownFiles, hash: &str, size: u64) -> Option<String> {
    if size == 0 {
        return None;
    }
    let run = known.get(&(hash.to_string(), size))?;
    Some(format!("already ingested (same content, run {run})"))
}

/// After parsing: reads the rest of the file into the hash (what the parser left, up to one
/// byte more than listed) and checks that the file is still what was listed. The hash, or the
/// problem that keeps the file out of the manifest.
fn file_hash_after_read(
    planned: &Planned,
    hashing: &mut HashingReader<File>,
) -> std::result::Result<String, String> {
    let cannot = |e: std::io::Error| format!("cannot read the rest of the file: {e}");
    hashing.drain(planned.size + 1).map_err(cannot)?;
    let now = hashing.get_ref().metadata().map_err(cannot)?;
    match changed_while_read(planned.listed, hashing.bytes_read(), FileStamp::of(&now)) {
        Some(problem) => Err(problem),
        None => Ok(hashing.hash()),
    }
}

/// Parses the bytes of `source` (the file of `planned`) into normalized rows and rejects.
fn parse_file(
    planned: &Planned,
    source: impl Read,
    opts: &IngestOptions,
) -> (RowBuilder, Vec<RejectLine>, FileRead) {
    let read_opts = ReadOptions {
        max_decompressed_bytes: opts.max_decompressed_bytes,
    };
    let origin_width = planned.absolute.len() + "#index 1000 (byte 1000000)".len();
    let mut rows = RowBuilder::with_capacity(planned.estimate as usize, origin_width);
    let (mut rejects, mut scratch) = (Vec::new(), Vec::new());
    let mut envelope = Envelope::default();
    let mut sink = |record: Record| match record {
        Record::Event(raw) => {
            let origin = &planned.absolute;
            if let Some(reject) =
                normalize_event(raw, origin, &mut envelope, &mut scratch, &mut rows)
            {
                rejects.push(reject);
            }
        }
        Record::Reject(r) => rejects.push(RejectLine {
            position: r.position,
            reason: r.reason,
            raw: r.raw,
        }),
    };
    let read = read_reader(&planned.path, source, &read_opts, &mut sink);
    (rows, rejects, read)
}

/// Normalizes one event read from the file at `file` into `rows`, or says why it is rejected.
fn normalize_event(
    raw: RawEvent<'_>,
    file: &str,
    envelope: &mut Envelope,
    scratch: &mut Vec<u8>,
    rows: &mut RowBuilder,
) -> Option<RejectLine> {
    envelope.topic = raw.topic;
    envelope.time = raw.time;
    envelope.origin.clear();
    envelope.origin.push_str(file);
    envelope.origin.push('#');
    envelope.origin.push_str(&raw.position);
    // A reader's JSON text is checked already; a value serializes to valid JSON.
    let (text, normalized) = match raw.body {
        EventBody::Compact { raw, text, fields } => (
            Cow::Borrowed(raw),
            normalize_compact(text, fields, envelope).map(|row| rows.push(&row)),
        ),
        EventBody::Json(bytes) => {
            let done = normalize(&bytes, envelope, scratch).map(|row| rows.push(&row));
            (bytes, done)
        }
        EventBody::Value(value) => {
            let bytes = value.to_string().into_bytes();
            let done = normalize(&bytes, envelope, scratch).map(|row| rows.push(&row));
            (Cow::Owned(bytes), done)
        }
    };
    normalized.err().map(|e| RejectLine {
        position: raw.position,
        reason: e.to_string(),
        raw: truncate_raw(&text),
    })
}

#[cfg(test)]
mod tests {
    use std::fs::OpenOptions;
    use std::io::Write;

    use super::*;
    use crate::ingest::plan::plan_inputs;

    #[test]
    fn a_file_that_changes_after_it_was_listed_keeps_its_events_but_no_manifest_line() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create_or_open(&dir.path().join("store")).unwrap();
        let file = dir.path().join("events.ndjson");
        let line = r#"{"eventId":"E1","eventName":"Decrypt","eventTime":"2024-03-01T10:00:00Z"}"#;
        std::fs::write(&file, format!("{line}\n")).unwrap();
        let size = line.len() as u64 + 1;
        let (planned, early) = plan_inputs(std::slice::from_ref(&file), &store).unwrap();
        assert!(early.is_empty());
        let read =
            |p: &Planned| read_planned(p, &KnownFiles::new(), &IngestOptions::default(), &|_| {});

        let unchanged = read(&planned[0]);
        let whole = std::fs::read(&file).unwrap();
        assert_eq!(
            unchanged.hash,
            Some(blake3::hash(&whole).to_hex().to_string())
        );
        assert!(unchanged.report.problems.is_empty());

        // It grows after it was listed, as a delivery still being written does.
        let mut f = OpenOptions::new().append(true).open(&file).unwrap();
        writeln!(f, "{}", line.replace("E1", "E2")).unwrap();
        let grown = read(&planned[0]);
        assert_eq!(
            grown.hash, None,
            "no manifest line: the next run reads it again"
        );
        assert_eq!(grown.report.events_read, 2, "what was read is kept");
        assert_eq!(
            grown.report.problems,
            [format!(
                "file changed while it was read ({size} bytes when listed, {} bytes read, {} bytes now): \
                 not recorded as ingested, the next run reads it again",
                2 * size,
                2 * size
            )]
        );
        // The streaming path (files above READ_WHOLE_MAX) checks the same way.
        let big = Planned {
            size: READ_WHOLE_MAX + 1,
            listed: FileStamp {
                size: READ_WHOLE_MAX + 1,
                ..planned[0].listed
            },
            ..planned[0].clone()
        };
        let streamed = read(&big);
        assert_eq!((streamed.hash, streamed.report.events_read), (None, 2));
        assert!(streamed.report.problems[0].contains(&format!(
            "{} bytes when listed, {} bytes read",
            READ_WHOLE_MAX + 1,
            2 * size
        )));

        // It shrinks: the part read is kept, nothing is recorded.
        std::fs::write(&file, &line.as_bytes()[..10]).unwrap();
        let shrunk = read(&planned[0]);
        assert_eq!(shrunk.hash, None);
        assert!(shrunk.report.problems.iter().any(|p| p.contains(&format!(
            "({size} bytes when listed, 10 bytes read, 10 bytes now)"
        ))));
    }
}
