//! The `html` format: a report as one self-contained HTML page (title, metadata, every block in
//! order, notes) through the `page.html` template. minijinja's HTML auto-escaping writes every
//! value, each in its terminal-safe visible form (`escape::visible`, then `escape::html`), so
//! hostile log text is shown as a terminal shows it and can never become markup; a
//! Content-Security-Policy forbids every network access and allows only the page's own styles
//! and scripts by their sha256. Tables, histogram bars and charts are drawn by keytrail (inline
//! SVG, `render::svg`) and read without JavaScript; `@media print` styles make `chromium
//! --headless --print-to-pdf` a clean PDF. A page of two or more sections gets a navigation
//! bar; a page with a chart that zooms (a time series, a band) also carries the vendored uPlot
//! and `page.js` (drag-to-zoom on those charts, sorting and filtering of every table), with the
//! charts' numbers in a `<script type="application/json">` whose `<` are escaped.

use std::io::{self, Write};

use base64::Engine as _;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::chart::{Chart, Figure};
use super::escape::{html, visible, visible_lines};
use super::model::{
    Block, Cells, Code, Counts, Events, Fields, FieldsLayout, Line, Report, Section, Table,
};
use super::table::{cell_strings, code_text, line_text};
use super::{detect, histogram, md, Writer};
use crate::histogram::Histogram;
use crate::time::Zone;

/// The page template.
pub const TEMPLATE: &str = include_str!("../../assets/render/page.html");
/// The page's styles.
pub const CSS: &str = include_str!("../../assets/render/page.css");
/// The script of pages with zooming charts: zoom, sort, filter.
pub const SCRIPT: &str = include_str!("../../assets/render/page.js");
/// uPlot 1.6.32 (MIT), vendored from npm.
pub const UPLOT_JS: &str = include_str!("../../assets/vendor/uplot/uPlot.iife.min.js");
/// uPlot's styles.
pub const UPLOT_CSS: &str = include_str!("../../assets/vendor/uplot/uPlot.min.css");

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
    let blocks = blocks(&report.blocks, report, 2);
    let notes: Vec<String> = report.notes.iter().map(|n| shown(&n.text)).collect();
    let charts = zooming_charts(report);
    let (styles, scripts) = match charts.is_empty() {
        true => (vec![CSS], vec![]),
        false => (vec![CSS, UPLOT_CSS], vec![UPLOT_JS, SCRIPT]),
    };
    let data = (!charts.is_empty()).then(|| {
        let data = json!({ "tz": iana(&report.zone), "charts": charts });
        script_json(&data)
    });
    let page = json!({
        "title": shown(&md::title(report)),
        "csp": csp(&styles, &scripts),
        "styles": styles,
        "scripts": scripts,
        "data": data,
        "nav": navigation(report),
        "meta": meta,
        "blocks": blocks,
        "notes": notes,
    });
    env.get_template("page.html")?
        .render(minijinja::Value::from_serialize(&page))
}

/// Links to the top-level sections, when there are two or more.
fn navigation(report: &Report) -> Vec<(String, String)> {
    let sections: Vec<(String, String)> = report
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Section(s) => Some((shown(&s.name), shown(&s.title))),
            _ => None,
        })
        .collect();
    match sections.len() {
        0 | 1 => Vec::new(),
        _ => sections,
    }
}

/// The numbers of every chart that zooms, for `page.js` (each by its figure's id).
fn zooming_charts(report: &Report) -> Vec<Value> {
    report
        .blocks
        .iter()
        .flat_map(Block::flatten)
        .filter_map(|b| match b {
            Block::Chart(c) if c.figure.zooms() => Some(chart_data(c)),
            _ => None,
        })
        .collect()
}

fn chart_data(c: &Chart) -> Value {
    let mut value = serde_json::to_value(&c.figure).unwrap_or(Value::Null);
    if let (Value::Object(map), Figure::Band(_)) = (&mut value, &c.figure) {
        map.insert("kind".into(), "band".into());
    }
    if let Value::Object(map) = &mut value {
        map.insert("id".into(), shown(&c.name).into());
    }
    value
}

/// JSON for a `<script type="application/json">`: `<`, `>`, `&`, U+2028 and U+2029 escaped, so
/// no text can close the element or start markup.
pub fn script_json(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The IANA name uPlot's time axis is drawn in, when the zone has one.
fn iana(zone: &Zone) -> Option<String> {
    match zone {
        Zone::Named(tz) => Some(tz.name().to_string()),
        Zone::Fixed(o) if o.local_minus_utc() == 0 => Some("Etc/UTC".into()),
        Zone::Fixed(o) if o.local_minus_utc() % 3600 == 0 => {
            Some(format!("Etc/GMT{:+}", -o.local_minus_utc() / 3600))
        }
        Zone::Fixed(_) => None,
    }
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

/// The template's value of each block, sections' headings at `level`. A block's id is its
/// name (the report that nests sections keeps its names unique).
fn blocks(blocks: &[Block], report: &Report, level: usize) -> Vec<Value> {
    blocks
        .iter()
        .filter_map(|b| block(b, report, level))
        .collect()
}

fn id(name: &str) -> String {
    shown(name)
}

fn block(b: &Block, report: &Report, level: usize) -> Option<Value> {
    Some(match b {
        Block::Line(line) => return line_value(line),
        Block::Table(t) => table(t),
        Block::Histogram(h) => histogram_value(&h.histogram, report, &id(&h.name)),
        Block::Events(e) => events(e),
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
                &id(&f.name),
                None,
                (headers, cells.rows, numeric),
                vec![after],
            )
        }
        Block::Fields(f) => fields(f),
        Block::Section(s) => section(s, report, level),
        Block::Code(c) => code(c),
        Block::Chart(c) => json!({
            "kind": "chart",
            "id": id(&c.name),
            "caption": shown(&c.title),
            "zoom": c.figure.zooms(),
            "drawing": super::svg::draw(c, &report.zone),
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

fn table(t: &Table) -> Value {
    let (headers, rows, numeric) = cell_strings(&t.cells);
    let mut after = Vec::new();
    if rows.is_empty() {
        after.extend(t.empty.clone());
    }
    if let Some(Counts { shown, total }) = t.counts.filter(|c| c.shown < c.total) {
        after.push(format!("top {shown} of {total}"));
    }
    let mut value = grid(
        &id(&t.name),
        t.caption.as_deref(),
        (headers, rows, numeric),
        after,
    );
    for link in &t.links {
        let cell = &mut value["rows"][link.row][link.column];
        if let Value::String(text) = cell.take() {
            *cell = json!({ "text": text, "href": id(&link.target) });
        }
    }
    if let Some(Counts { shown, total }) = t.counts {
        value["counts"] = json!([shown, total]);
    }
    value
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
fn events(e: &Events) -> Value {
    let texts = md::stored_texts(&e.frame);
    if texts.is_empty() && e.frame.height() > 0 {
        let cells = cell_strings(&Cells::Frame(e.frame.clone()));
        return grid(&id(&e.name), e.caption.as_deref(), cells, Vec::new());
    }
    json!({
        "kind": "pre",
        "id": id(&e.name),
        "caption": caption(e.caption.as_deref()),
        "texts": texts,
    })
}

fn fields(f: &Fields) -> Value {
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
        "id": id(&f.name),
        "caption": caption(f.caption.as_deref()),
        "pairs": pairs,
    })
}

fn section(s: &Section, report: &Report, level: usize) -> Value {
    json!({
        "kind": "section",
        "id": id(&s.name),
        "title": shown(&s.title),
        "level": level.min(DEEPEST_HEADING),
        "blocks": blocks(&s.blocks, report, level + 1),
    })
}

fn code(c: &Code) -> Value {
    json!({
        "kind": "pre",
        "id": id(&c.name),
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

    #[test]
    fn script_json_cannot_close_its_element() {
        let text = script_json(&json!({"ua": "</script><img src=x onerror=alert(1)>\u{2028}"}));
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["ua"], "</script><img src=x onerror=alert(1)>\u{2028}");
    }

    #[test]
    fn assets_cannot_end_their_elements_early() {
        for body in [CSS, SCRIPT, UPLOT_JS, UPLOT_CSS] {
            assert!(!body.contains("</script") && !body.contains("</style"));
        }
    }

    #[test]
    fn sections_get_a_navigation_links_their_targets_and_zooming_charts_their_scripts() {
        use crate::render::chart::{Chart, Series};
        use crate::render::model::Link;
        let mut cells = TextTable::new(&["event id"], &[]);
        cells.rows = vec![vec!["e\"1".into()]];
        let mut table = Table::new("t", Cells::Text(cells));
        table.links = vec![Link {
            row: 0,
            column: 0,
            target: "ev-1".into(),
        }];
        let chart = Chart {
            name: "over-time".into(),
            title: "calls".into(),
            figure: Figure::TimeSeries {
                times: vec![0, 60],
                series: vec![Series {
                    name: "</script>".into(),
                    values: vec![1, 2],
                    stacked: true,
                }],
            },
        };
        let mut report = Report::new("t", Zone::default());
        for (name, blocks) in [("a", vec![table.into()]), ("b", vec![chart.into()])] {
            report.push(Section {
                name: name.into(),
                title: format!("Section {name}"),
                blocks,
            });
        }
        let page = render(&report).unwrap();
        assert!(page.contains(
            "<nav class=\"toc\"><a href=\"#a\">Section a</a><a href=\"#b\">Section b</a></nav>"
        ));
        assert!(
            page.contains("<td><a href=\"#ev-1\">e&quot;1</a></td>"),
            "{page}"
        );
        assert!(page.contains("<figure class=\"chart zoom\" id=\"over-time\"><div class=\"interactive\"></div><div class=\"static\"><svg"));
        assert!(page.contains(&format!("<script>{SCRIPT}</script>")));
        assert!(page.contains(&csp(&[CSS, UPLOT_CSS], &[UPLOT_JS, SCRIPT]).replace('\'', "&#39;")));
        let data = page.split("id=\"kt-data\">").nth(1).unwrap();
        let data = &data[..data.find("</script>").unwrap()];
        assert!(!data.contains('<'));
        let data: Value = serde_json::from_str(data).unwrap();
        assert_eq!(data["charts"][0]["id"], "over-time");
        assert_eq!(data["charts"][0]["series"][0]["name"], "</script>");
        // Without a zooming chart, no script and no navigation for a single section.
        report.blocks.truncate(1);
        let page = render(&report).unwrap();
        assert!(!page.contains("<script") && !page.contains("<nav"));
    }
}
