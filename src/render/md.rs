//! The `md` format: a report as one GitHub Markdown document, for tickets. A `#` title, the
//! metadata as a list, then every block in order (sections as headings, tables as GFM tables,
//! histograms as a table with bars, events and preformatted text in code fences no line can
//! close), then the notes. Every text goes through `escape::markdown` (its visible form, then
//! Markdown's special characters escaped), so hostile log text stays inert text: it can form
//! no markup, link, emphasis, table cell or control code.

use std::io::{self, Write};

use polars::prelude::DataFrame;

use super::escape::{json_text, markdown, markdown_fence, markdown_shown, visible_lines};
use super::model::{
    Block, Cells, Code, Counts, Events, Fields, FieldsLayout, Line, Report, Section,
    Table as TableBlock, TextForm,
};
use super::table::{cell_strings, code_text, line_text};
use super::{detect, histogram, Writer};
use crate::histogram::Histogram;

/// The longest bar of a histogram, in characters.
const BAR_WIDTH: usize = 30;

/// The deepest heading Markdown has.
const DEEPEST_HEADING: usize = 6;

/// The `md` format.
pub struct MdWriter;

impl Writer for MdWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut chunks = vec![format!("# {}\n", markdown(&title(report)))];
        chunks.extend(meta(report));
        for block in &report.blocks {
            chunks.extend(block_chunks(block, report, 2));
        }
        if !report.notes.is_empty() {
            chunks.push("## Notes\n".to_string());
            let items: Vec<String> = report
                .notes
                .iter()
                .map(|n| format!("- {}\n", markdown(&n.text)))
                .collect();
            chunks.push(items.concat());
        }
        out.write_all(chunks.join("\n").as_bytes())
    }

    fn is_human(&self) -> bool {
        true
    }
}

/// The document's title: the report's own, else `keytrail <command>`.
pub fn title(report: &Report) -> String {
    report
        .title
        .clone()
        .unwrap_or_else(|| format!("keytrail {}", report.command))
}

/// The metadata as one list (nothing when there is none).
fn meta(report: &Report) -> Option<String> {
    if report.meta.is_empty() {
        return None;
    }
    let items: Vec<String> = report
        .meta
        .iter()
        .map(|(key, value)| match value {
            // A list (the statements a command ran): one item each.
            serde_json::Value::Array(values) if !values.is_empty() => {
                let inner: Vec<String> = values
                    .iter()
                    .map(|v| format!("  - {}\n", markdown(&crate::query::value::json_text(v))))
                    .collect();
                format!("- {}:\n{}", markdown(key), inner.concat())
            }
            _ => {
                let text = crate::query::value::json_text(value);
                format!("- {}: {}\n", markdown(key), markdown(&text))
            }
        })
        .collect();
    Some(items.concat())
}

/// The chunks (each ending in a line break, separated by a blank line) of one block, its
/// headings at level `depth`.
fn block_chunks(block: &Block, report: &Report, depth: usize) -> Vec<String> {
    match block {
        Block::Line(line) => line_chunk(line).into_iter().collect(),
        Block::Table(t) => table(t),
        Block::Histogram(h) => histogram_chunks(&h.histogram, report),
        Block::Events(e) => events(e),
        Block::Findings(f) => {
            if f.items.is_empty() {
                return vec!["no findings\n".to_string()];
            }
            let cells = detect::findings_cells(&f.items, &report.zone);
            vec![
                grid(&cells.headers(), &cells.rows, &cells.numeric()),
                format!("{} findings\n", f.items.len()),
            ]
        }
        Block::Fields(f) => fields(f),
        Block::Section(s) => section(s, report, depth),
        Block::Code(c) => code(c),
        Block::Chart(c) => {
            let mut lines = super::chart::text_lines(c, &report.zone).into_iter();
            let title = lines.next().unwrap_or_default();
            let drawing = lines.collect::<Vec<_>>().join("\n");
            vec![
                format!("{}\n", markdown_shown(&title)),
                fenced(&drawing, Some("text")),
            ]
        }
    }
}

fn paragraph(text: &str) -> String {
    format!("{}\n", markdown(text))
}

fn caption(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.is_empty()).map(paragraph)
}

/// A line as a paragraph; an empty line (a terminal's spacer) as nothing.
fn line_chunk(line: &Line) -> Option<String> {
    if line.text.is_empty() {
        return None;
    }
    Some(match line.form {
        TextForm::Raw => paragraph(&line.text),
        TextForm::Visible => format!("{}\n", markdown_shown(&line_text(line))),
    })
}

fn table(t: &TableBlock) -> Vec<String> {
    let mut chunks: Vec<String> = caption(t.caption.as_deref()).into_iter().collect();
    let (headers, rows, numeric) = cell_strings(&t.cells);
    if !headers.is_empty() {
        chunks.push(grid(&headers, &rows, &numeric));
    }
    if rows.is_empty() {
        chunks.extend(t.empty.as_deref().map(paragraph));
    }
    if let Some(Counts { shown, total }) = t.counts.filter(|c| c.shown < c.total) {
        chunks.push(format!("(top {shown} of {total})\n"));
    }
    chunks
}

/// A GFM table of raw cells; number columns right-aligned.
pub fn grid(headers: &[String], rows: &[Vec<String>], numeric: &[bool]) -> String {
    let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut text = row(headers.iter().map(|h| markdown(h)).collect());
    let rule = (0..headers.len())
        .map(|i| match numeric.get(i) {
            Some(true) => "---:".to_string(),
            _ => "---".to_string(),
        })
        .collect();
    text.push_str(&row(rule));
    for cells in rows {
        let mut shown: Vec<String> = cells.iter().map(|c| markdown(c)).collect();
        shown.resize(headers.len(), String::new());
        text.push_str(&row(shown));
    }
    text
}

fn histogram_chunks(h: &Histogram, report: &Report) -> Vec<String> {
    let mut chunks = vec![paragraph(&histogram::summary(h))];
    if h.total == 0 {
        return chunks;
    }
    let max = histogram::largest(h);
    let rows: Vec<Vec<String>> = h
        .buckets
        .iter()
        .map(|b| {
            vec![
                histogram::start_label(h, b.start, &report.zone),
                b.count.to_string(),
                "█".repeat(histogram::bar_length(b.count, max, BAR_WIDTH)),
            ]
        })
        .collect();
    let headers = ["start", "count", "bar"].map(String::from);
    chunks.push(grid(&headers, &rows, &[false, true, false]));
    chunks
}

/// Stored events: each as its stored JSON laid out, in a code fence; a frame without stored
/// texts as a table.
fn events(e: &Events) -> Vec<String> {
    let mut chunks: Vec<String> = caption(e.caption.as_deref()).into_iter().collect();
    let texts = stored_texts(&e.frame);
    if texts.is_empty() && e.frame.height() > 0 {
        let (headers, rows, numeric) = cell_strings(&Cells::Frame(e.frame.clone()));
        chunks.push(grid(&headers, &rows, &numeric));
        return chunks;
    }
    if texts.is_empty() {
        chunks.push("(no events)\n".to_string());
    }
    chunks.extend(texts.iter().map(|t| fenced(t, Some("json"))));
    chunks
}

/// Each stored event of `frame` laid out as `keytrail event` shows it (numbers as stored),
/// terminal-safe.
pub fn stored_texts(frame: &DataFrame) -> Vec<String> {
    super::json::event_texts(frame)
        .map(|t| json_text(&crate::event::rawjson::pretty(t)).into_owned())
        .collect()
}

/// Terminal-safe text in a code fence no line of it can close.
fn fenced(shown: &str, language: Option<&str>) -> String {
    let fence = markdown_fence(shown);
    let body = if shown.ends_with('\n') || shown.is_empty() {
        shown.to_string()
    } else {
        format!("{shown}\n")
    };
    format!("{fence}{}\n{body}{fence}\n", language.unwrap_or(""))
}

fn fields(f: &Fields) -> Vec<String> {
    let mut chunks: Vec<String> = caption(f.caption.as_deref()).into_iter().collect();
    let items: Vec<String> = f
        .pairs
        .iter()
        .map(|(key, value)| {
            let text = crate::query::value::json_text(value);
            let shown = match f.layout {
                FieldsLayout::Inline => markdown(&text),
                // A value's own lines stay lines: hard breaks inside the list item.
                FieldsLayout::Record => visible_lines(&text)
                    .split('\n')
                    .map(markdown_shown)
                    .collect::<Vec<_>>()
                    .join("  \n  "),
            };
            format!("- {}: {shown}\n", markdown(key))
        })
        .collect();
    if !items.is_empty() {
        chunks.push(items.concat());
    }
    chunks
}

fn section(s: &Section, report: &Report, depth: usize) -> Vec<String> {
    let level = "#".repeat(depth.min(DEEPEST_HEADING));
    let mut chunks = vec![format!("{level} {}\n", markdown(&s.title))];
    for block in &s.blocks {
        chunks.extend(block_chunks(block, report, depth + 1));
    }
    chunks
}

fn code(c: &Code) -> Vec<String> {
    let mut chunks: Vec<String> = caption(c.caption.as_deref()).into_iter().collect();
    chunks.push(fenced(&code_text(c), c.language.as_deref()));
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::model::{Section, TextTable};

    fn written(report: &Report) -> String {
        let mut out = Vec::new();
        MdWriter.write(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn blocks_become_headings_tables_lists_and_fences() {
        let mut cells = TextTable::new(&["ip", "n"], &["n"]);
        cells.rows = vec![vec!["10.0.0.1|x".into(), "7".into()]];
        let mut table = TableBlock::new("ips", Cells::Text(cells));
        table.counts = Some(Counts { shown: 1, total: 3 });
        let mut report = Report::new("report", crate::time::Zone::default());
        report.meta("statement", "* | select 1");
        report.line("");
        report.push(Section {
            name: "activity".into(),
            title: "Activity".into(),
            blocks: vec![
                Fields::new("scope", vec![("events".into(), 40.into())]).into(),
                table.into(),
                Code {
                    language: Some("sql".into()),
                    ..Code::new("q", Some("query:"), "a ``` b\nselect 1")
                }
                .into(),
            ],
        });
        assert_eq!(
            written(&report),
            "# keytrail report\n\n- statement: \\* \\| select 1\n\n## Activity\n\n- events: 40\n\n\
             | ip | n |\n| --- | ---: |\n| 10.0.0.1\\|x | 7 |\n\n(top 1 of 3)\n\nquery:\n\n\
             ````sql\na ``` b\nselect 1\n````\n"
        );
    }

    #[test]
    fn hostile_text_cannot_form_markup_rows_or_fences() {
        let mut cells = TextTable::new(&["ua"], &[]);
        cells.rows = vec![vec![
            "</script><img src=x onerror=alert(1)>\n| forged |".into()
        ]];
        let mut report = Report::new("t", crate::time::Zone::default());
        report.push(TableBlock::new("t", Cells::Text(cells)));
        report.line("mallory\x1b]0;pwned\x07[x](javascript:alert(5))");
        let text = written(&report);
        assert_eq!(
            text,
            "# keytrail t\n\n| ua |\n| --- |\n\
             | &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;\\\\n\\| forged \\| |\n\n\
             mallory\\\\x1b\\]0;pwned\\\\x07\\[x\\](javascript:alert(5))\n"
        );
        assert!(!text.contains('\x1b') && !text.contains("<img"));
    }
}
