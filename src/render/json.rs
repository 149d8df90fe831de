//! JSON output: a frame as an array of objects or as one object per line, and raw events as
//! their original JSON. Always valid JSON carrying the exact values, and terminal-safe wherever
//! it is written (a pipe often ends on a terminal: `| head`, `| less -R`): serde_json escapes
//! the C0 controls, and `escape::json_text` also writes DEL, the C1 controls and the invisible
//! format characters as `\uXXXX` escapes, which denote the same strings.

use std::io::{self, Write};

use polars::prelude::*;
use serde_json::{Map, Value};

use super::escape::json_text;
use super::model::{Block, Cells, EventLayout, Events, Report, Table, TextTable};
use super::{detect, histogram, Writer};

/// The `json` format.
pub struct JsonWriter;

impl Writer for JsonWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{")?;
        let mut first = true;
        let mut member = |name: &str, out: &mut dyn Write| -> io::Result<()> {
            out.write_all(if first { b"\n  " } else { b",\n  " })?;
            first = false;
            write_text(&format!("{}: ", Value::from(name)), out)
        };
        member("command", out)?;
        write_value(&Value::from(report.command.as_str()), 1, out)?;
        for (key, value) in &report.meta {
            member(key, out)?;
            write_value(value, 1, out)?;
        }
        for block in &report.blocks {
            if let Some(name) = block.name() {
                member(name, out)?;
                write_block(block, report, 1, out)?;
            }
        }
        member("notes", out)?;
        let notes: Vec<Value> = report
            .notes
            .iter()
            .map(|n| Value::from(n.text.as_str()))
            .collect();
        write_value(&Value::Array(notes), 1, out)?;
        out.write_all(b"\n}\n")
    }
}

/// Writes `value` pretty-printed as if it sat at nesting `depth` of a document.
fn write_value(value: &Value, depth: usize, out: &mut dyn Write) -> io::Result<()> {
    let text = format!("{value:#}");
    write_text(&text.replace('\n', &format!("\n{}", indent(depth))), out)
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// Writes one named block's value at nesting `depth`.
fn write_block(
    block: &Block,
    report: &Report,
    depth: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    match block {
        Block::Events(e) => write_events(e, depth, out),
        Block::Section(s) => {
            out.write_all(b"{")?;
            let mut first = true;
            for inner in &s.blocks {
                let Some(name) = inner.name() else { continue };
                let sep = if first { "\n" } else { ",\n" };
                first = false;
                write_text(
                    &format!("{sep}{}{}: ", indent(depth + 1), Value::from(name)),
                    out,
                )?;
                write_block(inner, report, depth + 1, out)?;
            }
            let close = if first {
                "}".to_string()
            } else {
                format!("\n{}}}", indent(depth))
            };
            out.write_all(close.as_bytes())
        }
        other => write_value(
            &block_value(other, report).unwrap_or(Value::Null),
            depth,
            out,
        ),
    }
}

/// The JSON value of a block (events excepted: they are written as stored).
pub fn block_value(block: &Block, report: &Report) -> Option<Value> {
    match block {
        Block::Table(t) => Some(Value::Array(table_rows(t))),
        Block::Histogram(h) => Some(histogram::json_value(&h.histogram, &report.zone)),
        Block::Findings(f) => Some(Value::Array(
            f.items
                .iter()
                .map(|x| detect::finding_value(x, &report.zone))
                .collect(),
        )),
        Block::Fields(f) => Some(Value::Object(f.pairs.iter().cloned().collect())),
        Block::Line(_) | Block::Events(_) | Block::Section(_) => None,
    }
}

/// The rows of a table as JSON: its JSON form, else its cells as objects by column name.
pub fn table_rows(t: &Table) -> Vec<Value> {
    if let Some(rows) = &t.json {
        return rows.clone();
    }
    match &t.cells {
        Cells::Frame(df) => rows(df),
        Cells::Text(text) => text_rows(text),
    }
}

/// Text cells as objects by column name; a number column's cells as numbers when they read.
fn text_rows(t: &TextTable) -> Vec<Value> {
    t.rows
        .iter()
        .map(|row| {
            let obj: Map<String, Value> = t
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| {
                    let number = c
                        .numeric
                        .then(|| serde_json::from_str::<serde_json::Number>(v).ok())
                        .flatten();
                    (
                        c.name.clone(),
                        number.map_or_else(|| Value::from(v.as_str()), Value::Number),
                    )
                })
                .collect();
            Value::Object(obj)
        })
        .collect()
}

/// Writes the stored events of `e` as an array at nesting `depth`: compact, or laid out as
/// `serde_json` pretty-prints with every number as stored.
fn write_events(e: &Events, depth: usize, out: &mut dyn Write) -> io::Result<()> {
    let inner = format!("\n{}", indent(depth + 1));
    let mut any = false;
    out.write_all(b"[")?;
    for (i, event) in event_texts(&e.frame).enumerate() {
        out.write_all(if i == 0 { b"" } else { b"," })?;
        write_text(&inner, out)?;
        match e.layout {
            EventLayout::Compact => write_text(event, out)?,
            EventLayout::Pretty => write_text(&event_layout(event).replace('\n', &inner), out)?,
        }
        any = true;
    }
    let close = if any {
        format!("\n{}]", indent(depth))
    } else {
        "]".to_string()
    };
    out.write_all(close.as_bytes())
}

/// The stored texts of a frame's `event` column (none when it has no such column).
pub fn event_texts(df: &DataFrame) -> impl Iterator<Item = &str> {
    df.column(crate::event::schema::EVENT)
        .ok()
        .and_then(|c| c.str().ok())
        .into_iter()
        .flat_map(|c| c.iter().flatten())
}

/// Writes `df` as a JSON array of objects (`lines == false`) or as NDJSON.
pub fn frame(df: &DataFrame, lines: bool, out: &mut dyn Write) -> io::Result<()> {
    values(rows(df).into_iter(), lines, out)
}

/// Writes JSON text, made terminal-safe (`escape::json_text`).
pub fn write_text(text: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(json_text(text).as_bytes())
}

/// Writes one JSON document (pretty-printed) and a newline.
pub fn document(doc: &Value, out: &mut dyn Write) -> io::Result<()> {
    write_text(&format!("{doc:#}\n"), out)
}

/// The rows of `df` as JSON objects keyed by column name.
pub fn rows(df: &DataFrame) -> Vec<Value> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    (0..df.height())
        .map(|i| {
            let mut obj = Map::new();
            for (name, column) in names.iter().zip(df.columns()) {
                obj.insert(
                    name.clone(),
                    value(&column.get(i).unwrap_or(AnyValue::Null)),
                );
            }
            Value::Object(obj)
        })
        .collect()
}

/// Writes one JSON document like [`document`], with a last member `key` holding the stored
/// events of `df` (its `event` column) as they are stored: each event's text is laid out, not
/// parsed, so its numbers keep their text (`1e400`, 30 digits). A text that is not JSON is
/// written as a string. The whole is made terminal-safe.
pub fn document_with_events(
    doc: &Value,
    key: &str,
    df: &DataFrame,
    out: &mut dyn Write,
) -> io::Result<()> {
    let head = format!("{doc:#}");
    let mut text = head
        .strip_suffix('}')
        .unwrap_or(&head)
        .trim_end()
        .to_string();
    if text.len() > 1 {
        text.push(',');
    }
    text.push_str("\n  ");
    text.push_str(&Value::from(key).to_string());
    text.push_str(": [");
    let events = df
        .column(crate::event::schema::EVENT)
        .and_then(|c| c.str().cloned())
        .ok();
    let texts = events.iter().flat_map(|e| e.iter().flatten());
    let mut any = false;
    for (i, event) in texts.enumerate() {
        text.push_str(if i == 0 { "\n    " } else { ",\n    " });
        text.push_str(&event_layout(event).replace('\n', "\n    "));
        any = true;
    }
    text.push_str(if any { "\n  ]\n}\n" } else { "]\n}\n" });
    write_text(&text, out)
}

/// One stored event laid out as `serde_json::to_string_pretty` lays out its value, but with
/// every number as written; a text that is not JSON as a JSON string.
fn event_layout(event: &str) -> String {
    let mut compact = Vec::with_capacity(event.len());
    let valid = serde_json::from_str::<serde::de::IgnoredAny>(event).is_ok()
        && crate::event::rawjson::minify_canonical(event.as_bytes(), 0, &mut compact).is_ok();
    match String::from_utf8(compact) {
        Ok(compact) if valid => crate::event::rawjson::pretty(&compact),
        _ => {
            let value = serde_json::from_str(event).unwrap_or_else(|_| Value::from(event));
            format!("{value:#}")
        }
    }
}

/// Writes JSON values as an array or as lines.
pub fn values(
    items: impl Iterator<Item = Value>,
    lines: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if lines {
        for item in items {
            write_text(&format!("{item}\n"), out)?;
        }
        return Ok(());
    }
    write!(out, "[")?;
    for (i, item) in items.enumerate() {
        write!(out, "{}\n  ", if i == 0 { "" } else { "," })?;
        write_text(&item.to_string(), out)?;
    }
    writeln!(out, "\n]")
}

/// Writes stored events (their `event` JSON text) as an array or as lines, unchanged. The store
/// holds each event as compact JSON written by `serde_json`, so its text is written as it is,
/// without being parsed again (only made terminal-safe).
pub fn raw_events<'a>(
    events: impl Iterator<Item = &'a str>,
    lines: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if lines {
        for event in events {
            write_text(event, out)?;
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    out.write_all(b"[")?;
    for (i, event) in events.enumerate() {
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        write_text(event, out)?;
    }
    out.write_all(b"\n]\n")
}

/// The JSON value of one cell.
pub fn value(v: &AnyValue) -> Value {
    crate::query::value::json(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_and_lines() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("a".into(), vec![Some("x"), None]),
                Column::new("n".into(), vec![1i64, 2]),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        frame(&df, true, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a\":\"x\",\"n\":1}\n{\"a\":null,\"n\":2}\n"
        );
        let mut out = Vec::new();
        frame(&df, false, &mut out).unwrap();
        let parsed: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), 2);
    }

    #[test]
    fn documents_embed_events_as_serde_json_lays_them_out_but_numbers_as_stored() {
        let ordinary = r#"{"a":{"b":[1,"x\u007f",{}],"c":[]},"d":null,"e":true}"#;
        let df = DataFrame::new(
            2,
            vec![Column::new(
                crate::event::schema::EVENT.into(),
                vec![ordinary, "not json"],
            )],
        )
        .unwrap();
        let doc = serde_json::json!({"command": "c", "rows": [{"n": 1}]});
        let mut expected_doc = doc.clone();
        let parsed: Value = serde_json::from_str(ordinary).unwrap();
        expected_doc["raw_events"] = Value::Array(vec![parsed, Value::from("not json")]);
        let (mut out, mut expected) = (Vec::new(), Vec::new());
        document_with_events(&doc, "raw_events", &df, &mut out).unwrap();
        document(&expected_doc, &mut expected).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(expected).unwrap()
        );

        let big = r#"{"n":[123456789012345678901234567890,1e400,1E5]}"#;
        let df = DataFrame::new(
            1,
            vec![Column::new(crate::event::schema::EVENT.into(), vec![big])],
        )
        .unwrap();
        let mut out = Vec::new();
        document_with_events(&serde_json::json!({}), "raw", &df, &mut out).unwrap();
        let expected = "{\n  \"raw\": [\n    {\n      \"n\": [\n        123456789012345678901234567890,\n        1e400,\n        1E5\n      ]\n    }\n  ]\n}\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        let empty = DataFrame::new(
            0,
            vec![Column::new(
                crate::event::schema::EVENT.into(),
                Vec::<&str>::new(),
            )],
        )
        .unwrap();
        let (mut out, mut expected) = (Vec::new(), Vec::new());
        document_with_events(&doc, "raw_events", &empty, &mut out).unwrap();
        expected_doc["raw_events"] = Value::Array(Vec::new());
        document(&expected_doc, &mut expected).unwrap();
        assert_eq!(out, expected);
    }

    #[test]
    fn raw_events_are_written_as_stored() {
        let events = [r#"{"b":1,"a":"x\ny"}"#, r#"{"c":[1.5,null]}"#];
        let mut out = Vec::new();
        raw_events(events.iter().copied(), true, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"b\":1,\"a\":\"x\\ny\"}\n{\"c\":[1.5,null]}\n"
        );
        let mut out = Vec::new();
        raw_events(events.iter().copied(), false, &mut out).unwrap();
        let expected = "[\n  {\"b\":1,\"a\":\"x\\ny\"},\n  {\"c\":[1.5,null]}\n]\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        let mut out = Vec::new();
        raw_events(std::iter::empty(), false, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[\n]\n");
    }

    #[test]
    fn invisible_characters_are_written_as_json_escapes() {
        let events = ["{\"ua\":\"\u{9b}2J\u{202e}\u{7f}\\u001b\"}"];
        let mut out = Vec::new();
        raw_events(events.iter().copied(), true, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "{\"ua\":\"\\u009b2J\\u202e\\u007f\\u001b\"}\n");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["ua"], "\u{9b}2J\u{202e}\u{7f}\u{1b}");
    }
}
