//! Chart blocks drawn as inline SVG for the HTML writer (cards as plain HTML): static, drawn
//! from the numbers, readable without JavaScript and printable. Every label is shown in its
//! visible form and escaped (`escape::html`), so a label can never become markup.

use std::fmt::Write as _;

use super::chart::{Card, Chart, Figure, Lane, Series};
use super::escape::{html, visible};

/// A label, title or class, escaped for SVG and HTML.
pub fn esc(text: &str) -> String {
    html(&visible(text))
}

/// The markup of `chart`.
pub fn draw(chart: &Chart) -> String {
    let title = &chart.title;
    match &chart.figure {
        Figure::TimeSeries { times, series } => time_series(times.len(), series, title),
        Figure::Sparkline { values } => sparkline(values, 120.0, 22.0, title),
        Figure::Bars { rows } => bars(rows, title),
        Figure::Heatmap {
            rows,
            columns,
            cells,
        } => heatmap(rows, columns, cells, title),
        Figure::Swimlanes { start, end, lanes } => swimlanes(lanes, *start, *end, title),
        Figure::Cards { cards } => cards_html(cards),
    }
}

fn open(out: &mut String, class: &str, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart {class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"><title>{}</title>"#,
        esc(title)
    );
}

/// A sparkline of `values`, `width` x `height`.
pub fn sparkline(values: &[u64], width: f64, height: f64, title: &str) -> String {
    let mut out = String::new();
    open(&mut out, "sparkline", width, height, title);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = width / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = height - 1.0 - (*v as f64 / max) * (height - 2.0);
            format!("{:.1},{y:.1}", i as f64 * step)
        })
        .collect();
    let _ = write!(
        out,
        r#"<line x1="0" y1="{0}" x2="{width}" y2="{0}" class="base"/>"#,
        height - 0.5
    );
    if !points.is_empty() {
        let _ = write!(
            out,
            r#"<polyline points="{}" class="line"/>"#,
            points.join(" ")
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one row per (label, value), scaled to the largest.
pub fn bars(rows: &[(String, u64)], title: &str) -> String {
    let (width, row_h, label_w) = (420.0, 18.0, 170.0);
    let height = (rows.len().max(1) as f64) * row_h + 4.0;
    let mut out = String::new();
    open(&mut out, "bars", width, height, title);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 2.0;
        let w = ((*value as f64 / max) * (width - label_w - 60.0)).max(1.0);
        let shown: String = label.chars().take(26).collect();
        let _ = write!(
            out,
            r#"<text x="{0}" y="{1}" class="label" text-anchor="end">{2}</text><rect x="{3}" y="{4}" width="{w:.1}" height="{5}" class="bar"/><text x="{6:.1}" y="{1}" class="value">{value}</text>"#,
            label_w - 6.0,
            y + 12.0,
            esc(&shown),
            label_w,
            y + 2.0,
            row_h - 5.0,
            label_w + w + 4.0
        );
    }
    out.push_str("</svg>");
    out
}

/// Columns per bucket: stacked series on each other, the others as thin marks over them.
pub fn time_series(buckets: usize, series: &[Series], title: &str) -> String {
    let (width, height) = (900.0, 160.0);
    let mut out = String::new();
    open(&mut out, "activity", width, height, title);
    let value = |s: &Series, i: usize| s.values.get(i).copied().unwrap_or(0);
    let stack = |i: usize| -> u64 {
        series
            .iter()
            .filter(|s| s.stacked)
            .map(|s| value(s, i))
            .sum()
    };
    let max = (0..buckets)
        .map(stack)
        .chain(series.iter().flat_map(|s| s.values.iter().copied()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let w = width / buckets.max(1) as f64;
    let scale = |v: u64| (v as f64 / max) * (height - 10.0);
    let _ = write!(
        out,
        r#"<line x1="0" y1="{0}" x2="{width}" y2="{0}" class="base"/>"#,
        height - 0.5
    );
    for i in 0..buckets {
        let x = i as f64 * w;
        let mut top = height;
        for s in series {
            let h = scale(value(s, i));
            if h <= 0.0 {
                continue;
            }
            let (y, h) = match s.stacked {
                true => {
                    top -= h;
                    (top, h)
                }
                false => (height - h, 1.5),
            };
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="{y:.2}" width="{:.2}" height="{h:.2}" class="{}"/>"#,
                w.max(0.5),
                esc(&s.name)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// A grid of counts, one row per label; zero cells marked as gaps, others in four shades.
pub fn heatmap(rows: &[String], columns: &[String], cells: &[Vec<u64>], title: &str) -> String {
    let cell = if columns.len() > 120 { 3.0 } else { 14.0 };
    let label_w = 110.0;
    let width = label_w + cell * columns.len().max(1) as f64 + 4.0;
    let height = (cell + 2.0) * rows.len().max(1) as f64 + 16.0;
    let mut out = String::new();
    open(&mut out, "heatmap", width, height, title);
    let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    for (r, label) in rows.iter().enumerate() {
        let y = r as f64 * (cell + 2.0);
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            label_w - 4.0,
            y + cell - 2.0,
            esc(label)
        );
        for (c, column) in columns.iter().enumerate() {
            let n = cells
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0);
            let level = match n {
                0 => 0,
                n => (n * 4).div_ceil(max).clamp(1, 4),
            };
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{y}" width="{:.1}" height="{cell}" class="heat{level}"><title>{} {}: {n}</title></rect>"#,
                label_w + c as f64 * cell,
                (cell - 1.0).max(1.0),
                esc(label),
                esc(column)
            );
        }
    }
    if let (Some(first), Some(last)) = (columns.first(), columns.last()) {
        let y = height - 3.0;
        let _ = write!(
            out,
            r#"<text x="{label_w}" y="{y}" class="axis">{}</text><text x="{:.1}" y="{y}" class="axis" text-anchor="end">{}</text>"#,
            esc(first),
            width - 2.0,
            esc(last)
        );
    }
    out.push_str("</svg>");
    out
}

/// One lane per key over `[start, end)`: a rectangle per state, a diamond per marker.
pub fn swimlanes(lanes: &[Lane], start: i64, end: i64, title: &str) -> String {
    let (label_w, plot_w, lane_h) = (190.0, 700.0, 22.0);
    let width = label_w + plot_w + 10.0;
    let height = lane_h * lanes.len().max(1) as f64 + 6.0;
    let span = (end - start).max(1) as f64;
    let x = |t: i64| label_w + ((t - start).clamp(0, (end - start).max(0)) as f64 / span) * plot_w;
    let mut out = String::new();
    open(&mut out, "swimlanes", width, height, title);
    for (i, lane) in lanes.iter().enumerate() {
        let y = i as f64 * lane_h + 3.0;
        let shown: String = lane.label.chars().take(30).collect();
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + 13.0,
            esc(&shown)
        );
        for s in &lane.spans {
            let (x0, x1) = (x(s.start), x(s.end));
            let _ = write!(
                out,
                r#"<rect x="{x0:.1}" y="{y}" width="{:.1}" height="16" class="state-{}"><title>{}</title></rect>"#,
                (x1 - x0).max(1.0),
                esc(&s.state),
                esc(&s.state)
            );
        }
        for m in &lane.marks {
            let _ = write!(
                out,
                r#"<path d="M{:.1} {} l4 7 l-4 7 l-4 -7 z" class="marker{}"><title>{}</title></path>"#,
                x(m.time),
                y + 1.0,
                if m.failed { " failed" } else { "" },
                esc(&m.label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Cards as HTML: the number large, the label under it.
pub fn cards_html(cards: &[Card]) -> String {
    let mut out = String::from(r#"<div class="cards">"#);
    for c in cards {
        let _ = write!(
            out,
            r#"<div class="card {0}"><div class="n">{1}</div><div>{0}</div></div>"#,
            esc(&c.label),
            c.value
        );
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_text() {
        let svg = bars(&[("<b>\x1b".into(), 3)], "t</title>");
        assert!(svg.contains("&lt;b&gt;\\x1b") && !svg.contains("<b>"));
        assert!(svg.contains("<title>t&lt;/title&gt;</title>"));
        let cards = cards_html(&[Card {
            label: "\"><script>".into(),
            value: 2,
        }]);
        assert!(!cards.contains("<script") && cards.contains("&quot;&gt;&lt;script&gt;"));
    }
}
