//! CSV output that is safe to open in a spreadsheet: a text value starting with `=`, `+`, `-`
//! or `@` (also after leading whitespace or invisible characters), or with a tab, CR or LF, is
//! prefixed with `'` so it is not taken as a formula; numbers stay numbers. To a file or a pipe
//! every value is otherwise a faithful copy; to a terminal each value is shown in its visible
//! form (`escape::visible`), so no control character reaches the terminal. [`CsvWriter`] is
//! the `csv` format: the report's primary block as one CSV table.

use std::io::{self, Write};

use polars::prelude::*;

use super::escape::{is_unsafe, visible};
use super::model::{Block, MoreEvents, Report};
use super::{cell_text, detect, histogram, is_numeric, table, write_then_stream_rows, Writer};

/// The `csv` format: the primary block of a report (a table's complete cells, findings, a
/// histogram's buckets, events' columns); nothing when the report has none.
pub struct CsvWriter {
    /// Whether a terminal shows the output (values in their visible form).
    pub terminal: bool,
}

impl Writer for CsvWriter {
    fn write_streamed(
        &self,
        report: &Report,
        more: &mut MoreEvents<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let rows = |df: &DataFrame, out: &mut dyn Write| frame_rows(df, self.terminal, out);
        write_then_stream_rows(self, report, more, out, rows)
    }

    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let strings = |(headers, rows, numeric): (Vec<String>, Vec<Vec<String>>, Vec<bool>),
                       out: &mut dyn Write| {
            strings(&headers, &rows, &numeric, self.terminal, out)
        };
        match report.primary() {
            Some(Block::Table(t)) => {
                strings(table::cell_strings(t.csv.as_ref().unwrap_or(&t.cells)), out)
            }
            Some(Block::Findings(f)) => {
                let cells = detect::findings_cells(&f.items, &report.zone);
                strings((cells.headers(), cells.rows.clone(), cells.numeric()), out)
            }
            Some(Block::Histogram(h)) => histogram::csv(&h.histogram, &report.zone, out),
            Some(Block::Events(e)) => frame(&e.frame, self.terminal, out),
            _ => Ok(()),
        }
    }
}

/// Writes `df` as CSV: one header row with the column names exactly as aliased. `terminal`
/// shows every value in its visible form.
pub fn frame(df: &DataFrame, terminal: bool, out: &mut dyn Write) -> io::Result<()> {
    let field = |value: &str, numeric: bool| field(value, numeric, terminal);
    let headers: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| field(s, false))
        .collect();
    writeln!(out, "{}", headers.join(","))?;
    frame_rows(df, terminal, out)
}

/// Writes the rows of `df` as CSV, without a header.
fn frame_rows(df: &DataFrame, terminal: bool, out: &mut dyn Write) -> io::Result<()> {
    let field = |value: &str, numeric: bool| field(value, numeric, terminal);
    let numeric: Vec<bool> = df.columns().iter().map(|c| is_numeric(c.dtype())).collect();
    for i in 0..df.height() {
        let row: Vec<String> = df
            .columns()
            .iter()
            .zip(&numeric)
            .map(|(c, num)| field(&cell_text(&c.get(i).unwrap_or(AnyValue::Null)), *num))
            .collect();
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

/// Writes rows of already-formatted strings as CSV (`numeric[i]` marks number columns).
/// `terminal` shows every value in its visible form.
pub fn strings(
    headers: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    terminal: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let field = |value: &str, numeric: bool| field(value, numeric, terminal);
    let head: Vec<String> = headers.iter().map(|h| field(h, false)).collect();
    writeln!(out, "{}", head.join(","))?;
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, v)| field(v, numeric.get(i).copied().unwrap_or(false)))
            .collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// Whether a spreadsheet could take text `value` as a formula: it starts with a tab, CR or LF,
/// or its first character after any whitespace and invisible characters is `=`, `+`, `-`, `@`.
pub fn looks_like_formula(value: &str) -> bool {
    value.starts_with(['\t', '\r', '\n'])
        || value
            .trim_start_matches(|c: char| c.is_whitespace() || is_unsafe(c))
            .starts_with(['=', '+', '-', '@'])
}

/// One CSV field: formula-guarded unless numeric, in visible form when `terminal`, quoted when
/// it holds `,`, `"`, CR or LF.
pub fn field(value: &str, numeric: bool, terminal: bool) -> String {
    let shown = if terminal {
        visible(value)
    } else {
        value.into()
    };
    let escaped = if !numeric && looks_like_formula(value) {
        format!("'{shown}")
    } else {
        shown.into_owned()
    };
    if escaped.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", escaped.replace('"', "\"\""))
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_numbers_are_not() {
        let field = |value: &str, numeric: bool| field(value, numeric, false);
        assert_eq!(field("=cmd|' /C calc'!A0", false), "'=cmd|' /C calc'!A0");
        assert_eq!(field("-5", true), "-5");
        assert_eq!(field("-5", false), "'-5");
        assert_eq!(field("@SUM(A1)", false), "'@SUM(A1)");
        assert_eq!(field("a,b", false), "\"a,b\"");
        assert_eq!(field("say \"hi\"", false), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain", false), "plain");
    }

    #[test]
    fn formulas_after_whitespace_are_neutralized_too() {
        let field = |value: &str| field(value, false, false);
        assert_eq!(field("\n=1+1"), "\"'\n=1+1\"");
        assert_eq!(field(" =HYPERLINK(\"x\")"), "\"' =HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("  +1"), "'  +1");
        assert_eq!(field("\u{a0}-2"), "'\u{a0}-2");
        assert_eq!(field("\u{200b}@x"), "'\u{200b}@x");
        assert_eq!(field("\r\n@SUM(A1)"), "\"'\r\n@SUM(A1)\"");
        assert_eq!(field("a -b"), "a -b");
        assert_eq!(field(" plain"), " plain");
    }

    #[test]
    fn to_a_terminal_values_are_visible_to_a_file_faithful() {
        let hostile = "\x1b]0;pwned\x07\u{202e}a,b\nc";
        assert_eq!(
            field(hostile, false, false),
            "\"\x1b]0;pwned\x07\u{202e}a,b\nc\""
        );
        assert_eq!(
            field(hostile, false, true),
            "\"\\x1b]0;pwned\\x07\\u{202e}a,b\\nc\""
        );
        assert_eq!(field("\n=1", false, true), "'\\n=1");
    }

    #[test]
    fn frame_has_header_and_rows() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("ip".into(), vec!["1.2.3.4", "=1+1"]),
                Column::new("num".into(), vec![3i64, -1]),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        frame(&df, false, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ip,num\n1.2.3.4,3\n'=1+1,-1\n"
        );
    }
}
