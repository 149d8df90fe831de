//! Renders the ingest summary: a totals line, then one line per file that was skipped, had a
//! problem or had records rejected, and where the rejected records were written. File names
//! (from their bytes), reasons and reject examples are shown in their visible form.

use std::io::{self, Write};

use super::escape::{visible, visible_path};
use super::model::{Line, Report};
use super::table::TableWriter;
use super::Writer;
use crate::time::Zone;

use crate::ingest::{FileReport, IngestSummary};

/// Above this many, files skipped as already ingested are summarized in one line.
const LIST_SKIPPED_UP_TO: usize = 20;

/// Writes the summary of an ingest run to `out`, as the `table` format does.
pub fn render_ingest_summary(summary: &IngestSummary, out: &mut dyn Write) -> io::Result<()> {
    let writer = TableWriter { width: usize::MAX };
    writer.write(&summary_report(summary), out)
}

/// The summary of an ingest run as a report of lines (already in visible form), its totals
/// as metadata (JSON members, a document's header).
pub fn summary_report(summary: &IngestSummary) -> Report {
    let mut report = Report::new("ingest", Zone::default());
    report
        .meta("files", summary.files.len())
        .meta("files_skipped", summary.skipped())
        .meta("events_read", summary.events_read())
        .meta("events_stored", summary.events_stored())
        .meta("duplicates", summary.duplicates())
        .meta("rejected", summary.rejected());
    if let Some(path) = &summary.rejects_file {
        report.meta("rejects_file", visible_path(path).into_owned());
    }
    for line in summary_lines(summary) {
        report.push(Line::shown(line));
    }
    report
}

/// The summary's lines: totals, one per file with something to say, the rejects file.
fn summary_lines(summary: &IngestSummary) -> Vec<String> {
    let files = summary.files.len();
    let skipped = summary.skipped();
    if files > 0 && skipped == files {
        return vec![format!("nothing new: all {files} files already ingested")];
    }
    let mut totals = format!(
        "{files} files: {} events read, {} stored, {} duplicates, {} rejected",
        summary.events_read(),
        summary.events_stored(),
        summary.duplicates(),
        summary.rejected()
    );
    if skipped > 0 {
        totals.push_str(&format!(" ({skipped} files skipped)"));
    }
    let mut lines = vec![totals];
    let already = |f: &FileReport| {
        f.skipped
            .as_deref()
            .is_some_and(|s| s.starts_with("already ingested"))
    };
    let list_already = summary.files.iter().filter(|f| already(f)).count() <= LIST_SKIPPED_UP_TO;
    for file in &summary.files {
        if already(file) && !list_already {
            continue;
        }
        if let Some(line) = file_line(file) {
            lines.push(format!("  {line}"));
        }
    }
    if !list_already {
        let n = summary.files.iter().filter(|f| already(f)).count();
        lines.push(format!("  {n} files skipped: already ingested"));
    }
    if let Some(path) = &summary.rejects_file {
        lines.push(format!("rejected records: {}", visible_path(path)));
    }
    lines
}

/// The line for one file, if it has anything to say.
fn file_line(file: &FileReport) -> Option<String> {
    let path = visible_path(&file.path);
    if let Some(reason) = &file.skipped {
        return Some(format!("{path}: skipped: {}", visible(reason)));
    }
    let mut parts: Vec<String> = file
        .problems
        .iter()
        .map(|p| visible(p).into_owned())
        .collect();
    if file.rejected > 0 {
        let examples: Vec<_> = file.reject_examples.iter().map(|e| visible(e)).collect();
        parts.push(format!(
            "{} rejected ({})",
            file.rejected,
            examples.join("; ")
        ));
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!("{path}: {}", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn render(summary: &IngestSummary) -> String {
        let mut out = Vec::new();
        render_ingest_summary(summary, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn ok(path: &str, read: u64, stored: u64) -> FileReport {
        FileReport {
            path: PathBuf::from(path),
            format: "oss".into(),
            events_read: read,
            stored,
            duplicates: read - stored,
            ..Default::default()
        }
    }

    #[test]
    fn totals_and_problem_lines() {
        let bad = FileReport {
            path: "b.json".into(),
            format: "ndjson".into(),
            events_read: 2,
            stored: 2,
            rejected: 1,
            reject_examples: vec!["line 2: invalid JSON: EOF".into()],
            ..Default::default()
        };
        let cut = FileReport {
            problems: vec!["empty file".into()],
            ..ok("e.json", 0, 0)
        };
        let skipped = FileReport {
            skipped: Some("already ingested (run r1)".into()),
            ..ok("s.gz", 0, 0)
        };
        let summary = IngestSummary {
            run_id: "r2".into(),
            files: vec![ok("a.gz", 5, 4), bad, cut, skipped],
            rejects_file: Some("/s/rejects/r2.ndjson".into()),
        };
        assert_eq!(
            render(&summary),
            "4 files: 7 events read, 6 stored, 1 duplicates, 1 rejected (1 files skipped)\n\
             \x20 b.json: 1 rejected (line 2: invalid JSON: EOF)\n\
             \x20 e.json: empty file\n\
             \x20 s.gz: skipped: already ingested (run r1)\n\
             rejected records: /s/rejects/r2.ndjson\n"
        );
    }

    #[test]
    fn hostile_names_and_reasons_are_visible() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"in/\x1b]0;pwned\x07\xff\r.json");
        let bad = FileReport {
            path: PathBuf::from(name),
            rejected: 1,
            reject_examples: vec!["line 1: invalid JSON near \"\x1b[2J\u{202e}\"".into()],
            problems: vec!["cut\nforged line".into()],
            ..ok("x", 1, 0)
        };
        let summary = IngestSummary {
            run_id: "r".into(),
            files: vec![bad],
            rejects_file: Some(PathBuf::from("/s/rejects/\u{9b}r.ndjson")),
        };
        assert_eq!(
            render(&summary),
            "1 files: 1 events read, 0 stored, 1 duplicates, 1 rejected\n\
             \x20 in/\\x1b]0;pwned\\x07\\xff\\r.json: cut\\nforged line; 1 rejected \
             (line 1: invalid JSON near \"\\x1b[2J\\u{202e}\")\n\
             rejected records: /s/rejects/\\u{9b}r.ndjson\n"
        );
    }

    #[test]
    fn nothing_new() {
        let skipped = FileReport {
            skipped: Some("already ingested (run r1)".into()),
            ..ok("s.gz", 0, 0)
        };
        let summary = IngestSummary {
            run_id: "r".into(),
            files: vec![skipped.clone(), skipped],
            rejects_file: None,
        };
        assert_eq!(
            render(&summary),
            "nothing new: all 2 files already ingested\n"
        );
    }
}
