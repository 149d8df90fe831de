//! CSV output that is safe to open in a spreadsheet: a text value starting with `=`, `+`, `-`,
//! `@`, tab or CR is prefixed with `'` so it is not taken as a formula; numbers stay numbers.

use std::io::{self, Write};

use polars::prelude::*;

use super::{cell_text, is_numeric};

/// Writes `df` as CSV: one header row with the column names exactly as aliased.
pub fn frame(df: &DataFrame, out: &mut dyn Write) -> io::Result<()> {
    let headers: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| field(s, false))
        .collect();
    writeln!(out, "{}", headers.join(","))?;
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
pub fn strings(
    headers: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    out: &mut dyn Write,
) -> io::Result<()> {
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

/// One CSV field: formula-escaped unless numeric, quoted when it holds `,`, `"` or a newline.
pub fn field(value: &str, numeric: bool) -> String {
    let escaped = if !numeric && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
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
        assert_eq!(field("=cmd|' /C calc'!A0", false), "'=cmd|' /C calc'!A0");
        assert_eq!(field("-5", true), "-5");
        assert_eq!(field("-5", false), "'-5");
        assert_eq!(field("@SUM(A1)", false), "'@SUM(A1)");
        assert_eq!(field("a,b", false), "\"a,b\"");
        assert_eq!(field("say \"hi\"", false), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain", false), "plain");
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
        frame(&df, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ip,num\n1.2.3.4,3\n'=1+1,-1\n"
        );
    }
}
