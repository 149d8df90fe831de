//! The `html` format: a report as one self-contained HTML page (title, metadata, every block in
//! order, notes) through the `page.html` template. minijinja's HTML auto-escaping writes every
//! value, each in its terminal-safe visible form (`escape::visible`, then `escape::html`), so
//! hostile log text is shown as a terminal shows it and can never become markup; a
//! Content-Security-Policy forbids every network access and allows only the page's own styles
//! (and scripts, when a page has any) by their sha256. Histogram bars are inline SVG, `@media
//! print` styles make `chromium --headless --print-to-pdf` a clean PDF.

use std::io::{self, Write};

use base64::Engine as _;
use minijinja::{AutoEscape, Environment};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::escape::{html, visible, visible_lines};
use super::model::{
    Block, Cells, Code, Counts, Events, Fields, FieldsLayout, Line, Report, Section, Table,
};
use super::table::{cell_strings, code_text, line_text};
use super::{detect, histogram, md, Writer};
use crate::histogram::Histogram;

/// The page template.
pub const TEMPLATE: &str = include_str!("../../assets/render/page.html");
/// The page's styles.
pub const CSS: &str = include_str!("../../assets/render/page.css");

/// The longest histogram bar, in CSS pixels.
const BAR_WIDTH: usize = 240;

/// The deepest heading HTML has.
const DEEPEST_HEADING: usize = 6;

/// The `html` format.
pub struct HtmlWriter;

impl Writer for HtmlWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let page = render(report).map_err(io::Error::other)?;
        out.write_all(page.as_bytes())
    }

    fn is_human(&self) -> bool {
        true
    }
}

/// The page of `report`.
pub fn render(report: &Report) -> Result<String, minijinja::Error> {
    let env = environment();
    let meta: Vec<(String, String)> = report
        .meta
        .iter()
        .map(|(k, v)| (shown(k), meta_text(v)))
        .collect();
    let blocks = blocks(&report.blocks, report, "", 2);
    let notes: Vec<String> = report.notes.iter().map(|n| shown(&n.text)).collect();
    let page = json!({
        "title": shown(&md::title(report)),
        "csp": csp(&[CSS], &[]),
        "css": CSS,
        "meta": meta,
        "blocks": blocks,
        "notes": notes,
    });
    env.get_template("page.html")?
        .render(minijinja::Value::from_serialize(&page))
}

/// The template environment: `.html` templates auto-escaped by [`escape::html`](html).
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|name| match name.ends_with(".html") {
        true => AutoEscape::Html,
        false => AutoEscape::None,
    });
    env.set_formatter(|out, state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let text = value.to_string();
        let written = match (value.is_safe(), state.auto_escape()) {
            (false, AutoEscape::Html) => html(&text),
            _ => text,
        };
        out.write_str(&written)
            .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed"))
    });
    env.add_template("page.html", TEMPLATE)
        .expect("the page template parses");
    env
}

/// `'sha256-<base64>'` of a script or style body, as CSP wants it.
pub fn csp_hash(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// A Content-Security-Policy that allows nothing from any network, images only as `data:`
/// URLs, and only the given style and script bodies, by hash (no script at all without one).
pub fn csp(styles: &[&str], scripts: &[&str]) -> String {
    let hashes = |bodies: &[&str]| bodies.iter().map(|b| csp_hash(b)).collect::<Vec<_>>();
    let mut policy = format!(
        "default-src 'none'; img-src data:; style-src {}",
        hashes(styles).join(" ")
    );
    if !scripts.is_empty() {
        policy.push_str(&format!("; script-src {}", hashes(scripts).join(" ")));
    }
    policy.push_str("; base-uri 'none'; form-action 'none'");
    policy
}

/// A metadata value as shown: a list (the statements a command ran) one item a line.
fn meta_text(value: &Value) -> String {
    let text = |v: &Value| shown(&crate::query::value::json_text(v));
    match value {
        Value::Array(values) if !values.is_empty() => {
            values.iter().map(text).collect::<Vec<_>>().join("\n")
        }
        other => text(other),
    }
}

/// Raw text in its visible form (the template escapes it for HTML).
fn shown(text: &str) -> String {
    visible(text).into_owned()
}

/// The template's value of each block, ids prefixed by `path`, sections' headings at `level`.
fn blocks(blocks: &[Block], report: &Report, path: &str, level: usize) -> Vec<Value> {
    blocks
        .iter()
        .filter_map(|b| block(b, report, path, level))
        .collect()
}

fn id(path: &str, name: &str) -> String {
    match path {
        "" => shown(name),
        _ => format!("{path}-{}", shown(name)),
    }
}

fn block(b: &Block, report: &Report, path: &str, level: usize) -> Option<Value> {
    Some(match b {
        Block::Line(line) => return line_value(line),
        Block::Table(t) => table(t, path),
        Block::Histogram(h) => histogram_value(&h.histogram, report, &id(path, &h.name)),
        Block::Events(e) => events(e, path),
        Block::Findings(f) => {
            let cells = detect::findings_cells(&f.items, &report.zone);
            let after = match f.items.len() {
                0 => "no findings".to_string(),
                n => format!("{n} findings"),
            };
            let headers = if f.items.is_empty() {
                Vec::new()
            } else {
                cells.headers()
            };
            let numeric = cells.numeric();
            grid(
                &id(path, &f.name),
                None,
                (headers, cells.rows, numeric),
                vec![after],
            )
        }
        Block::Fields(f) => fields(f, path),
        Block::Section(s) => section(s, report, path, level),
        Block::Code(c) => code(c, path),
        Block::Chart(c) => json!({
            "kind": "chart",
            "id": id(path, &c.name),
            "caption": shown(&c.title),
            "drawing": super::svg::draw(c),
        }),
    })
}

fn line_value(line: &Line) -> Option<Value> {
    if line.text.is_empty() {
        return None;
    }
    Some(json!({
        "kind": "line",
        "text": line_text(line),
        "status": line.role == super::model::LineRole::Status,
    }))
}

fn caption(text: Option<&str>) -> Value {
    text.filter(|t| !t.is_empty())
        .map_or(Value::Null, |t| Value::from(shown(t)))
}

/// A table's value: raw cells in visible form, number columns marked, lines shown after it.
fn grid(
    id: &str,
    caption_text: Option<&str>,
    (headers, rows, numeric): (Vec<String>, Vec<Vec<String>>, Vec<bool>),
    after: Vec<String>,
) -> Value {
    let line = |cells: &[String]| cells.iter().map(|c| shown(c)).collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| line(r)).collect();
    json!({
        "kind": "table",
        "id": id,
        "caption": caption(caption_text),
        "headers": line(&headers),
        "numeric": numeric,
        "rows": rows,
        "after": after.iter().map(|a| shown(a)).collect::<Vec<_>>(),
    })
}

fn table(t: &Table, path: &str) -> Value {
    let (headers, rows, numeric) = cell_strings(&t.cells);
    let mut after = Vec::new();
    if rows.is_empty() {
        after.extend(t.empty.clone());
    }
    if let Some(Counts { shown, total }) = t.counts.filter(|c| c.shown < c.total) {
        after.push(format!("top {shown} of {total}"));
    }
    grid(
        &id(path, &t.name),
        t.caption.as_deref(),
        (headers, rows, numeric),
        after,
    )
}

fn histogram_value(h: &Histogram, report: &Report, id: &str) -> Value {
    let max = histogram::largest(h);
    let rows: Vec<Value> = match h.total {
        0 => Vec::new(),
        _ => h
            .buckets
            .iter()
            .map(|b| {
                json!({
                    "start": histogram::start_label(h, b.start, &report.zone),
                    "count": b.count,
                    "length": histogram::bar_length(b.count, max, BAR_WIDTH),
                })
            })
            .collect(),
    };
    json!({
        "kind": "histogram",
        "id": id,
        "summary": histogram::summary(h),
        "width": BAR_WIDTH,
        "rows": rows,
    })
}

/// Stored events as their laid-out JSON, one `<pre>` each; a frame without stored texts as a
/// table.
fn events(e: &Events, path: &str) -> Value {
    let texts = md::stored_texts(&e.frame);
    if texts.is_empty() && e.frame.height() > 0 {
        let cells = cell_strings(&Cells::Frame(e.frame.clone()));
        return grid(&id(path, &e.name), e.caption.as_deref(), cells, Vec::new());
    }
    json!({
        "kind": "pre",
        "id": id(path, &e.name),
        "caption": caption(e.caption.as_deref()),
        "texts": texts,
    })
}

fn fields(f: &Fields, path: &str) -> Value {
    let pairs: Vec<(String, String)> = f
        .pairs
        .iter()
        .map(|(k, v)| {
            let text = crate::query::value::json_text(v);
            let value = match f.layout {
                FieldsLayout::Inline => shown(&text),
                FieldsLayout::Record => visible_lines(&text).into_owned(),
            };
            (shown(k), value)
        })
        .collect();
    json!({
        "kind": "fields",
        "id": id(path, &f.name),
        "caption": caption(f.caption.as_deref()),
        "pairs": pairs,
    })
}

fn section(s: &Section, report: &Report, path: &str, level: usize) -> Value {
    let own = id(path, &s.name);
    json!({
        "kind": "section",
        "id": own,
        "title": shown(&s.title),
        "level": level.min(DEEPEST_HEADING),
        "blocks": blocks(&s.blocks, report, &own, level + 1),
    })
}

fn code(c: &Code, path: &str) -> Value {
    json!({
        "kind": "pre",
        "id": id(path, &c.name),
        "caption": caption(c.caption.as_deref()),
        "texts": [code_text(c)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::model::TextTable;

    #[test]
    fn the_policy_allows_hashed_bodies_only() {
        let policy = csp(&[CSS], &[]);
        assert_eq!(
            policy,
            format!(
                "default-src 'none'; img-src data:; style-src {}; base-uri 'none'; form-action 'none'",
                csp_hash(CSS)
            )
        );
        assert!(csp(&[CSS], &["x"]).contains(&format!("; script-src {};", csp_hash("x"))));
        assert!(!CSS.contains("</style") && !CSS.contains("url("));
    }

    #[test]
    fn hostile_cells_stay_text() {
        let mut cells = TextTable::new(&["ua<"], &[]);
        cells.rows = vec![vec![
            "</script><img src=x onerror=alert(1)>\x1b[31m\"'".into()
        ]];
        let mut report = Report::new("t", crate::time::Zone::default());
        report.title = Some("{{ 7*7 }}</title>".into());
        report.push(Table::new("t", Cells::Text(cells)));
        let page = render(&report).unwrap();
        assert!(
            page.contains("<title>{{ 7*7 }}&lt;/title&gt;</title>"),
            "{page}"
        );
        assert!(page.contains(
            "<td>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;\\x1b[31m&quot;&#39;</td>"
        ));
        assert!(page.contains("<th>ua&lt;</th>"));
        assert!(!page.contains("<img") && !page.contains('\x1b'));
    }
}
