//! JSON output: a report as one document, its blocks as JSON values (a frame's rows as objects,
//! stored events as their original text). Always valid JSON carrying the exact values, and terminal-safe wherever
//! it is written (a pipe often ends on a terminal: `| head`, `| less -R`): serde_json escapes
//! the C0 controls, and `escape::json_text` also writes DEL, the C1 controls and the invisible
//! format characters as `\uXXXX` escapes, which denote the same strings.

use std::io::{self, Write};

use polars::prelude::*;
use serde_json::{Map, Value};

use super::escape::json_text;
use super::model::{Block, Cells, EventLayout, Events, MoreEvents, Report, Table, TextTable};
use super::{detect, histogram, Writer};

/// The `json` format.
pub struct JsonWriter;

impl Writer for JsonWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        document(report, None, out)
    }

    fn write_streamed(
        &self,
        report: &Report,
        more: &mut MoreEvents<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        document(report, Some(more), out)
    }
}

/// Writes `report` as one document; `more` events follow those of its primary events block.
fn document(
    report: &Report,
    mut more: Option<&mut MoreEvents<'_>>,
    out: &mut dyn Write,
) -> io::Result<()> {
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
    let primary = report.primary();
    for block in &report.blocks {
        if let Some(name) = block.name() {
            member(name, out)?;
            match (block, more.as_deref_mut()) {
                (Block::Events(e), Some(more))
                    if primary.is_some_and(|p| std::ptr::eq(p, block)) =>
                {
                    write_events(e, Some(more), 1, out)?
                }
                _ => write_block(block, report, 1, out)?,
            }
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
        Block::Events(e) => write_events(e, None, depth, out),
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
        Block::Code(c) => Some(Value::from(c.text.as_str())),
        Block::Chart(c) => serde_json::to_value(&c.figure).ok(),
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

/// Writes the stored events of `e`, then those of `more`, as an array at nesting `depth`:
/// compact, or laid out as `serde_json` pretty-prints with every number as stored.
fn write_events(
    e: &Events,
    mut more: Option<&mut MoreEvents<'_>>,
    depth: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let inner = format!("\n{}", indent(depth + 1));
    let mut any = false;
    out.write_all(b"[")?;
    let mut frame = Some(e.frame.clone());
    while let Some(df) = frame {
        for event in event_texts(&df) {
            out.write_all(if any { b"," } else { b"" })?;
            write_text(&inner, out)?;
            match e.layout {
                EventLayout::Compact => write_text(event, out)?,
                EventLayout::Pretty => write_text(&event_layout(event).replace('\n', &inner), out)?,
            }
            any = true;
        }
        frame = match more.as_deref_mut() {
            Some(next) => next()?,
            None => None,
        };
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

/// Writes JSON text, made terminal-safe (`escape::json_text`).
pub fn write_text(text: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(json_text(text).as_bytes())
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

/// The JSON value of one cell.
pub fn value(v: &AnyValue) -> Value {
    crate::query::value::json(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_block(block: impl Into<Block>) -> Report {
        let mut report = Report::new("t", crate::time::Zone::default());
        report.push(block);
        report
    }

    fn written(writer: &dyn Writer, report: &Report) -> String {
        let mut out = Vec::new();
        writer.write(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn events_block(texts: &[&str], layout: EventLayout) -> Events {
        let frame = DataFrame::new(
            texts.len(),
            vec![Column::new(
                crate::event::schema::EVENT.into(),
                texts.to_vec(),
            )],
        )
        .unwrap();
        Events {
            name: "events".into(),
            caption: None,
            frame,
            layout,
            primary: true,
        }
    }

    #[test]
    fn frames_as_rows_in_documents_and_lines() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("a".into(), vec![Some("x"), None]),
                Column::new("n".into(), vec![1i64, 2]),
            ],
        )
        .unwrap();
        let report = one_block(Table::new("rows", Cells::Frame(df)));
        assert_eq!(
            written(&crate::render::ndjson::NdjsonWriter, &report),
            "{\"a\":\"x\",\"n\":1}\n{\"a\":null,\"n\":2}\n"
        );
        let doc: Value = serde_json::from_str(&written(&JsonWriter, &report)).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({"command": "t", "rows": [{"a": "x", "n": 1}, {"a": null, "n": 2}], "notes": []})
        );
    }

    #[test]
    fn documents_embed_events_as_serde_json_lays_them_out_but_numbers_as_stored() {
        let ordinary = r#"{"a":{"b":[1,"x\u007f",{}],"c":[]},"d":null,"e":true}"#;
        let report = one_block(events_block(&[ordinary, "not json"], EventLayout::Pretty));
        let parsed: Value = serde_json::from_str(ordinary).unwrap();
        let expected = serde_json::json!({
            "command": "t",
            "events": [parsed, "not json"],
            "notes": [],
        });
        assert_eq!(
            written(&JsonWriter, &report),
            json_text(&format!("{expected:#}\n"))
        );

        let big = r#"{"n":[123456789012345678901234567890,1e400,1E5]}"#;
        let report = one_block(events_block(&[big], EventLayout::Pretty));
        let expected = "{\n  \"command\": \"t\",\n  \"events\": [\n    {\n      \"n\": [\n        123456789012345678901234567890,\n        1e400,\n        1E5\n      ]\n    }\n  ],\n  \"notes\": []\n}\n";
        assert_eq!(written(&JsonWriter, &report), expected);
        let report = one_block(events_block(&[], EventLayout::Pretty));
        assert_eq!(
            written(&JsonWriter, &report),
            "{\n  \"command\": \"t\",\n  \"events\": [],\n  \"notes\": []\n}\n"
        );
    }

    fn report_with_a_section() -> Report {
        use crate::render::model::{Fields, Line, Note, NoteKind, Section};
        let events = DataFrame::new(
            1,
            vec![Column::new(
                crate::event::schema::EVENT.into(),
                vec![r#"{"n":1e400,"s":"x"}"#],
            )],
        )
        .unwrap();
        let mut report = Report::new("report", crate::time::Zone::default());
        report.meta("title", "t");
        report.line("ignored by JSON");
        report.push(Section {
            name: "scope".into(),
            title: "Scope".into(),
            blocks: vec![
                Line::text("also ignored").into(),
                Fields::new("facts", vec![("events".into(), 1.into())]).into(),
                Events {
                    name: "evidence".into(),
                    caption: None,
                    frame: events,
                    layout: EventLayout::Pretty,
                    primary: false,
                }
                .into(),
            ],
        });
        report.push(Section {
            name: "empty".into(),
            title: "Empty".into(),
            blocks: Vec::new(),
        });
        report.note(Note::new(NoteKind::Planner, "n1"));
        report.note(Note::new(NoteKind::Provenance, "n1"));
        report
    }

    #[test]
    fn documents_nest_sections_and_write_events_as_stored_with_notes_last() {
        let mut out = Vec::new();
        JsonWriter
            .write(&report_with_a_section(), &mut out)
            .unwrap();
        let expected = r#"{
  "command": "report",
  "title": "t",
  "scope": {
    "facts": {
      "events": 1
    },
    "evidence": [
      {
        "n": 1e400,
        "s": "x"
      }
    ]
  },
  "empty": {},
  "notes": [
    "n1"
  ]
}
"#;
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn raw_events_are_written_as_stored() {
        let events = [r#"{"b":1,"a":"x\ny"}"#, r#"{"c":[1.5,null]}"#];
        let report = one_block(events_block(&events, EventLayout::Compact));
        assert_eq!(
            written(&crate::render::ndjson::NdjsonWriter, &report),
            "{\"b\":1,\"a\":\"x\\ny\"}\n{\"c\":[1.5,null]}\n"
        );
        let expected = "{\n  \"command\": \"t\",\n  \"events\": [\n    {\"b\":1,\"a\":\"x\\ny\"},\n    {\"c\":[1.5,null]}\n  ],\n  \"notes\": []\n}\n";
        assert_eq!(written(&JsonWriter, &report), expected);
    }

    #[test]
    fn invisible_characters_are_written_as_json_escapes() {
        let events = ["{\"ua\":\"\u{9b}2J\u{202e}\u{7f}\\u001b\"}"];
        let report = one_block(events_block(&events, EventLayout::Compact));
        let text = written(&crate::render::ndjson::NdjsonWriter, &report);
        assert_eq!(text, "{\"ua\":\"\\u009b2J\\u202e\\u007f\\u001b\"}\n");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["ua"], "\u{9b}2J\u{202e}\u{7f}\u{1b}");
    }
}
