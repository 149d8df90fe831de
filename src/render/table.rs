//! Aligned text tables that fit the terminal: every header and cell in its terminal-safe
//! visible form (`escape::visible`: no control character, newline or bidi override reaches the
//! terminal, so no cell can forge or hide a row), long values ellipsized by display width,
//! numbers right-aligned. [`TableWriter`] is the `table` format: every block of a report in
//! order, for people.

use std::io::{self, Write};

use comfy_table::{
    CellAlignment, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle, Width,
};
use polars::prelude::*;
use unicode_width::UnicodeWidthStr;

use super::escape::{pieces, visible, visible_lines};
use super::model::{
    Block, Cells, Code, Counts, Fields, FieldsLayout, Line, Report, Section, Table as TableBlock,
    TextForm,
};
use super::{cell_text, detect, histogram, is_numeric, Writer};

/// A header rule and nothing else: easy to read, easy to copy.
const TABLE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// The width the first column keeps however narrow the terminal.
const PROTECTED_FIRST_COLUMN: usize = 40;

/// The narrowest a column is squeezed to before values are cut.
const MIN_COLUMN: usize = 8;

/// The `table` format: each block in order, tables no wider than `width`.
pub struct TableWriter {
    /// The width tables fit.
    pub width: usize,
}

impl Writer for TableWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for block in &report.blocks {
            self.block(block, report, out)?;
        }
        Ok(())
    }

    fn is_human(&self) -> bool {
        true
    }
}

impl TableWriter {
    fn block(&self, block: &Block, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        match block {
            Block::Line(line) => writeln!(out, "{}", line_text(line)),
            Block::Table(t) => self.table(t, out),
            Block::Histogram(h) => histogram::bars(&h.histogram, &report.zone, out),
            Block::Events(e) => {
                caption(e.caption.as_deref(), out)?;
                frame(&e.frame, self.width, out)
            }
            Block::Findings(f) => {
                if f.items.is_empty() {
                    return writeln!(out, "no findings");
                }
                let cells = detect::findings_cells(&f.items, &report.zone);
                strings(
                    &cells.headers(),
                    &cells.rows,
                    &cells.numeric(),
                    self.width,
                    out,
                )?;
                writeln!(out, "{} findings", f.items.len())
            }
            Block::Fields(f) => fields(f, out),
            Block::Section(s) => self.section(s, report, out),
            Block::Code(c) => code(c, out),
            Block::Chart(c) => {
                for line in super::chart::text_lines(c, &report.zone) {
                    writeln!(out, "{line}")?;
                }
                Ok(())
            }
        }
    }

    fn table(&self, t: &TableBlock, out: &mut dyn Write) -> io::Result<()> {
        caption(t.caption.as_deref(), out)?;
        let (headers, rows, numeric) = cell_strings(&t.cells);
        strings(&headers, &rows, &numeric, self.width, out)?;
        if rows.is_empty() {
            if let Some(empty) = &t.empty {
                writeln!(out, "{}", visible(empty))?;
            }
        }
        match t.counts {
            Some(Counts { shown, total }) if shown < total => {
                writeln!(out, "(top {shown} of {total})")
            }
            _ => Ok(()),
        }
    }

    fn section(&self, s: &Section, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", visible(&s.title))?;
        for block in &s.blocks {
            self.block(block, report, out)?;
        }
        Ok(())
    }
}

/// A line as people see it.
pub fn line_text(line: &Line) -> std::borrow::Cow<'_, str> {
    match line.form {
        TextForm::Raw => visible(&line.text),
        TextForm::Visible => line.text.as_str().into(),
    }
}

fn caption(text: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    match text {
        Some(text) => writeln!(out, "{}", visible(text)),
        None => Ok(()),
    }
}

fn fields(f: &Fields, out: &mut dyn Write) -> io::Result<()> {
    caption(f.caption.as_deref(), out)?;
    let keys: Vec<String> = f
        .pairs
        .iter()
        .map(|(k, _)| format!("{}:", visible(k)))
        .collect();
    let width = keys.iter().map(|k| k.width()).max().unwrap_or(0) + 1;
    for (key, (_, value)) in keys.iter().zip(&f.pairs) {
        let text = crate::query::value::json_text(value);
        match f.layout {
            FieldsLayout::Inline => writeln!(out, "{key} {}", visible(&text))?,
            FieldsLayout::Record => {
                let pad = " ".repeat(width - key.width());
                writeln!(out, "{key}{pad}{}", visible_lines(&text))?
            }
        }
    }
    Ok(())
}

/// Preformatted text in its visible form, line by line; under a caption, indented by two.
fn code(c: &Code, out: &mut dyn Write) -> io::Result<()> {
    let text = code_text(c);
    let Some(title) = &c.caption else {
        return writeln!(out, "{text}");
    };
    writeln!(out, "{}", visible(title))?;
    if text.is_empty() {
        return writeln!(out);
    }
    for line in text.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// The text of a code block in its terminal-safe form (line breaks kept).
pub fn code_text(c: &Code) -> std::borrow::Cow<'_, str> {
    match c.form {
        TextForm::Raw => visible_lines(&c.text),
        TextForm::Visible => c.text.as_str().into(),
    }
}

/// The headers, rows and number flags of `cells`, as text (before escaping).
pub fn cell_strings(cells: &Cells) -> (Vec<String>, Vec<Vec<String>>, Vec<bool>) {
    match cells {
        Cells::Text(t) => (t.headers(), t.rows.clone(), t.numeric()),
        Cells::Frame(df) => {
            let headers: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|s| s.to_string())
                .collect();
            let numeric: Vec<bool> = df.columns().iter().map(|c| is_numeric(c.dtype())).collect();
            let rows = (0..df.height())
                .map(|i| {
                    df.columns()
                        .iter()
                        .map(|c| cell_text(&c.get(i).unwrap_or(AnyValue::Null)))
                        .collect()
                })
                .collect();
            (headers, rows, numeric)
        }
    }
}

/// Writes `df` as a table no wider than `width`; an empty frame prints "(no rows)".
pub fn frame(df: &DataFrame, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let (headers, rows, numeric) = cell_strings(&Cells::Frame(df.clone()));
    strings(&headers, &rows, &numeric, width, out)?;
    if df.height() == 0 {
        writeln!(out, "(no rows)")?;
    }
    Ok(())
}

/// Writes a table of already-formatted strings; `numeric[i]` right-aligns column `i`. Headers
/// and cells are raw text: they are shown in their visible form here.
pub fn strings(
    headers: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown =
        |line: &[String]| -> Vec<String> { line.iter().map(|v| visible(v).into_owned()).collect() };
    let headers = shown(headers);
    let rows: Vec<Vec<String>> = rows.iter().map(|r| shown(r)).collect();
    let limits = column_limits(&headers, &rows, width);
    let mut table = Table::new();
    table.load_style(TABLE_STYLE);
    table.set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(headers.iter().zip(&limits).map(|(h, l)| ellipsize(h, *l)));
    for row in &rows {
        table.add_row(row.iter().zip(&limits).map(|(v, l)| ellipsize(v, *l)));
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(
            limits[i] as u16 + 2,
        )));
        if numeric.get(i).copied().unwrap_or(false) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")
}

/// Per-column display widths that fit `width`: the widest column is narrowed first.
fn column_limits(headers: &[String], rows: &[Vec<String>], width: usize) -> Vec<usize> {
    let mut limits: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (limit, value) in limits.iter_mut().zip(row) {
            *limit = (*limit).max(value.width());
        }
    }
    // The first column names the row (a time, a key, an event): it keeps up to this width.
    let protected = limits
        .first()
        .map_or(0, |w| (*w).min(PROTECTED_FIRST_COLUMN));
    let overhead = 3 * limits.len() + 1;
    let budget = width.saturating_sub(overhead);
    while limits.iter().sum::<usize>() > budget {
        let (widest, w) = limits
            .iter()
            .enumerate()
            .filter(|(i, w)| *i > 0 || **w > protected)
            .max_by_key(|(_, w)| **w)
            .map(|(i, w)| (i, *w))
            .unwrap_or((0, 0));
        if w <= MIN_COLUMN {
            break;
        }
        limits[widest] -= 1;
    }
    limits
}

/// Cuts visible text to `limit` terminal columns, marking the cut with `…`. An escape sequence
/// is kept whole or cut away whole, and a wide character is never split.
pub fn ellipsize(shown: &str, limit: usize) -> String {
    if shown.width() <= limit {
        return shown.to_string();
    }
    let room = limit.saturating_sub(1);
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for piece in pieces(shown) {
        let w = piece.width();
        if used + w > room {
            break;
        }
        used += w;
        kept.push(piece);
    }
    let mut text = kept.concat();
    // Sequences (an emoji and its variation selector) may be wider than their pieces.
    while text.width() > room && kept.pop().is_some() {
        text = kept.concat();
    }
    text.push('…');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_to_fit() {
        let headers = vec!["id".to_string(), "a".to_string(), "b".to_string()];
        let rows = vec![vec![
            "key-abc123".to_string(),
            "x".repeat(100),
            "short".to_string(),
        ]];
        let mut out = Vec::new();
        strings(&headers, &rows, &[false, false, false], 40, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        assert!(
            text.contains(" key-abc123 "),
            "the first column is kept whole: {text}"
        );
        assert!(text.contains("x…"), "{text}");
        assert_eq!(ellipsize("abcdef", 4), "abc…");
    }

    #[test]
    fn hostile_cells_are_escaped_and_cannot_forge_rows() {
        let headers = vec!["user\x1b".to_string(), "agent\u{202e}".to_string()];
        let rows = vec![vec![
            "bob\r\n forged row".to_string(),
            "\x1b]0;pwned\x07\x1b[2J\u{9b}\u{202e}".to_string(),
        ]];
        let mut out = Vec::new();
        strings(&headers, &rows, &[false, false], 200, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(
            lines[0],
            r" user\x1b             agent\u{202e}                         "
        );
        assert_eq!(
            lines[2],
            r" bob\r\n forged row   \x1b]0;pwned\x07\x1b[2J\u{9b}\u{202e} "
        );
    }

    #[test]
    fn widths_are_display_widths_and_cuts_keep_escapes_whole() {
        assert_eq!(ellipsize("张三李四", 5), "张三…");
        assert_eq!(ellipsize(r"ab\x1bcd", 5), "ab…");
        assert_eq!(ellipsize(r"ab\x1bcd", 7), r"ab\x1b…");
        assert_eq!(ellipsize(r"a\u{202e}bcdefg", 8), "a…");
        let headers = vec!["user".to_string(), "n".to_string()];
        let rows = vec![
            vec!["张三".to_string(), "1".to_string()],
            vec!["bob".to_string(), "2".to_string()],
        ];
        let mut out = Vec::new();
        strings(&headers, &rows, &[false, true], 200, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], " 张三   1 ");
        assert_eq!(lines[3], " bob    2 ");
    }

    #[test]
    fn the_writer_shows_sections_captions_counts_and_facts_in_order() {
        use crate::render::model::{Fields, Line, Section, TextTable};
        let mut cells = TextTable::new(&["ip", "n"], &["n"]);
        cells.rows = vec![vec!["10.0.0.1".into(), "7".into()]];
        let mut table = TableBlock::new("ips", Cells::Text(cells));
        table.caption = Some("top IPs\x1b".into());
        table.counts = Some(Counts { shown: 1, total: 3 });
        let mut report = Report::new("report", crate::time::Zone::default());
        report.push(Section {
            name: "activity".into(),
            title: "Activity".into(),
            blocks: vec![
                Fields::new(
                    "scope",
                    vec![("events".into(), 40.into()), ("from".into(), "x\ny".into())],
                )
                .into(),
                table.into(),
                Line::status("3 IPs").into(),
                Line::shown(r"already \x1b shown").into(),
            ],
        });
        let mut out = Vec::new();
        TableWriter { width: 80 }.write(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Activity\nevents: 40\nfrom: x\\ny\ntop IPs\\x1b\n ip         n \n────────── ───\n 10.0.0.1   7 \n(top 1 of 3)\n3 IPs\nalready \\x1b shown\n"
        );
    }

    #[test]
    fn empty_frame_says_so() {
        let df = DataFrame::new(0, vec![Column::new("n".into(), Vec::<i64>::new())]).unwrap();
        let mut out = Vec::new();
        frame(&df, 80, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("(no rows)"));
    }
}
