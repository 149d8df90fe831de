//! Aligned text tables that fit the terminal: long values are ellipsized, numbers right-aligned.

use std::io::{self, Write};

use comfy_table::{
    CellAlignment, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle, Width,
};
use polars::prelude::*;

use super::{cell_text, is_numeric};

/// A header rule and nothing else: easy to read, easy to copy.
const TABLE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// The width the first column keeps however narrow the terminal.
const PROTECTED_FIRST_COLUMN: usize = 40;

/// The narrowest a column is squeezed to before values are cut.
const MIN_COLUMN: usize = 8;

/// Writes `df` as a table no wider than `width`; an empty frame prints "(no rows)".
pub fn frame(df: &DataFrame, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let headers: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let numeric: Vec<bool> = df.columns().iter().map(|c| is_numeric(c.dtype())).collect();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let row = df
            .columns()
            .iter()
            .map(|c| cell_text(&c.get(i).unwrap_or(AnyValue::Null)));
        rows.push(row.map(|v| v.replace(['\n', '\r', '\t'], " ")).collect());
    }
    strings(&headers, &rows, &numeric, width, out)?;
    if df.height() == 0 {
        writeln!(out, "(no rows)")?;
    }
    Ok(())
}

/// Writes a table of already-formatted strings; `numeric[i]` right-aligns column `i`.
pub fn strings(
    headers: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let limits = column_limits(headers, rows, width);
    let mut table = Table::new();
    table.load_style(TABLE_STYLE);
    table.set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(
        headers
            .iter()
            .map(|h| ellipsize(h, limits[headers.iter().position(|x| x == h).unwrap_or(0)])),
    );
    for row in rows {
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

/// Per-column widths that fit `width`: the widest column is narrowed first.
fn column_limits(headers: &[String], rows: &[Vec<String>], width: usize) -> Vec<usize> {
    let mut limits: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (limit, value) in limits.iter_mut().zip(row) {
            *limit = (*limit).max(value.chars().count());
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

/// Cuts `text` to `limit` characters, marking the cut with `…`.
pub fn ellipsize(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let kept: String = text.chars().take(limit.saturating_sub(1)).collect();
    format!("{kept}…")
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
    fn empty_frame_says_so() {
        let df = DataFrame::new(0, vec![Column::new("n".into(), Vec::<i64>::new())]).unwrap();
        let mut out = Vec::new();
        frame(&df, 80, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("(no rows)"));
    }
}
