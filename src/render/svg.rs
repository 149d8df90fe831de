//! Chart blocks drawn as inline SVG for the HTML writer (cards as plain HTML): static, drawn
//! from the numbers, readable without JavaScript and printable. Every label is shown in its
//! visible form and escaped (`escape::html`), so a label can never become markup.

use std::fmt::Write as _;

use super::chart::{Band, Card, Chart, Figure, Lane, Series};
use super::escape::{html, visible};
use crate::time::Zone;

/// A label, title or class, escaped for SVG and HTML.
pub fn esc(text: &str) -> String {
    html(&visible(text))
}

/// How the ends of a time axis show their time.
const AXIS_TIME: &str = "%Y-%m-%d %H:%M";

/// The markup of `chart`, times on its axes in `zone`.
pub fn draw(chart: &Chart, zone: &Zone) -> String {
    let title = &chart.title;
    match &chart.figure {
        Figure::TimeSeries { times, series } => {
            let ends = (times.first(), times.last());
            let labels = ends
                .0
                .zip(ends.1)
                .map(|(a, b)| (zone.format(*a, AXIS_TIME), zone.format(*b, AXIS_TIME)));
            time_series(times.len(), series, title, labels)
        }
        Figure::Sparkline { values } => sparkline(values, 120.0, 22.0, title),
        Figure::Bars { rows } => bars(rows, title),
        Figure::Heatmap {
            rows,
            columns,
            cells,
        } => heatmap(rows, columns, cells, title),
        Figure::Swimlanes { start, end, lanes } => swimlanes(
            lanes,
            (*start, *end),
            title,
            (
                &zone.format(*start, AXIS_TIME),
                &zone.format(*end, AXIS_TIME),
            ),
        ),
        Figure::Cards { cards } => cards_html(cards),
        Figure::Band(band) => band_svg(band, title, zone),
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

/// Columns per bucket: stacked series on each other, the others as thin marks over them; the
/// first and last bucket's time (`labels`) under the axis.
pub fn time_series(
    buckets: usize,
    series: &[Series],
    title: &str,
    labels: Option<(String, String)>,
) -> String {
    let (width, height) = (900.0, 160.0);
    let mut out = String::new();
    open(&mut out, "activity", width, height + 14.0, title);
    if let Some((first, last)) = &labels {
        axis(&mut out, (0.0, width), height + 12.0, (first, last));
    }
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

/// One lane per key over `[start, end)`: a rectangle per state, a diamond per marker, the
/// times `labels` under both ends of the axis.
pub fn swimlanes(
    lanes: &[Lane],
    (start, end): (i64, i64),
    title: &str,
    labels: (&str, &str),
) -> String {
    let (label_w, plot_w, lane_h) = (250.0, 700.0, 22.0);
    let width = label_w + plot_w + 10.0;
    let height = lane_h * lanes.len().max(1) as f64 + 20.0;
    let span = (end - start).max(1) as f64;
    let x = |t: i64| label_w + ((t - start).clamp(0, (end - start).max(0)) as f64 / span) * plot_w;
    let mut out = String::new();
    open(&mut out, "swimlanes", width, height, title);
    for (i, lane) in lanes.iter().enumerate() {
        let y = i as f64 * lane_h + 3.0;
        let shown: String = lane.label.chars().take(38).collect();
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
    axis(&mut out, (label_w, label_w + plot_w), height - 2.0, labels);
    out.push_str("</svg>");
    out
}

/// The texts under the left and right end of a time axis at `y`.
fn axis(out: &mut String, (left, right): (f64, f64), y: f64, (first, last): (&str, &str)) {
    let _ = write!(
        out,
        r#"<text x="{left}" y="{y}" class="axis">{}</text><text x="{right}" y="{y}" class="axis" text-anchor="end">{}</text>"#,
        esc(first),
        esc(last)
    );
}

/// Points `x,y` of the buckets `indexes` of `values` (`None` drawn at 0).
fn points(indexes: &[usize], values: &[Option<f64>], at: &dyn Fn(usize, f64) -> String) -> String {
    indexes
        .iter()
        .map(|&i| at(i, values.get(i).copied().flatten().unwrap_or(0.0)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The flagged episodes of `band` as shaded columns over a plot of `plot` (left, width,
/// height) with `n` buckets.
fn episodes(out: &mut String, band: &Band, n: usize, (left, step, plot_h): (f64, f64, f64)) {
    let step_s = band.step.max(1);
    for &(start, end) in &band.episodes {
        let a = ((start - band.start) / step_s).clamp(0, n as i64);
        let b = ((end - band.start + step_s - 1) / step_s).clamp(0, n as i64);
        if b > a {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="2" width="{:.1}" height="{plot_h}" class="episode"><title>flagged episode</title></rect>"#,
                left + a as f64 * step,
                ((b - a) as f64 * step).max(1.0)
            );
        }
    }
}

/// A band chart: the band (lower to upper edge) shaded, the median and the flag level as
/// lines, the observed counts as a line, the flagged episodes as shaded columns; the highest
/// value and 0 on the left, the first and last bucket's time (in `zone`) under it.
pub fn band_svg(band: &Band, title: &str, zone: &Zone) -> String {
    let (left, plot_w, plot_h) = (40.0, 840.0, 130.0);
    let (width, height) = (left + plot_w + 10.0, plot_h + 18.0);
    let mut out = String::new();
    open(&mut out, "baseline", width, height, title);
    let n = band.observed.len().max(1);
    let top = band
        .observed
        .iter()
        .map(|v| *v as f64)
        .chain(band.upper.iter().flatten().copied())
        .chain(band.flag_at.iter().flatten().copied())
        .fold(1.0, f64::max);
    let step = plot_w / n as f64;
    let at = |i: usize, v: f64| {
        let y = 2.0 + plot_h - (v / top) * (plot_h - 4.0);
        format!("{:.1},{y:.1}", left + (i as f64 + 0.5) * step)
    };
    episodes(&mut out, band, n, (left, step, plot_h));
    let judged: Vec<usize> = (0..band.observed.len())
        .filter(|&i| band.upper.get(i).copied().flatten().is_some())
        .collect();
    if !judged.is_empty() {
        let back: Vec<usize> = judged.iter().rev().copied().collect();
        let _ = write!(
            out,
            r#"<polygon points="{} {}" class="band"/>"#,
            points(&judged, &band.upper, &at),
            points(&back, &band.lower, &at)
        );
        for (class, values) in [("median", &band.median), ("flag", &band.flag_at)] {
            let line = points(&judged, values, &at);
            let _ = write!(out, r#"<polyline points="{line}" class="{class}"/>"#);
        }
    }
    let all: Vec<usize> = (0..band.observed.len()).collect();
    let observed: Vec<Option<f64>> = band.observed.iter().map(|v| Some(*v as f64)).collect();
    let _ = write!(
        out,
        r#"<line x1="{left}" y1="{0}" x2="{1}" y2="{0}" class="base"/><polyline points="{2}" class="observed"/>"#,
        plot_h + 2.0,
        left + plot_w,
        points(&all, &observed, &at)
    );
    let _ = write!(
        out,
        r#"<text x="{0}" y="10" class="axis" text-anchor="end">{top:.0}</text><text x="{0}" y="{1}" class="axis" text-anchor="end">0</text>"#,
        left - 4.0,
        plot_h + 2.0
    );
    let last = band.start + band.step * (band.observed.len() as i64 - 1).max(0);
    let (first, last) = (
        zone.format(band.start, AXIS_TIME),
        zone.format(last, AXIS_TIME),
    );
    axis(
        &mut out,
        (left, left + plot_w),
        height - 2.0,
        (&first, &last),
    );
    out.push_str("</svg>");
    out
}

/// Cards as HTML: the number large, the label under it.
pub fn cards_html(cards: &[Card]) -> String {
    let mut out = String::from(r#"<div class="cards">"#);
    for c in cards {
        let previous = c.previous.map_or(String::new(), |p| {
            format!(r#" <span class="previous">(previous {p})</span>"#)
        });
        let _ = write!(
            out,
            r#"<div class="card {0}"><div class="n">{1}</div><div>{0}{previous}</div></div>"#,
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
            previous: Some(1),
        }]);
        assert!(cards.contains(r#"<span class="previous">(previous 1)</span>"#));
        assert!(!cards.contains("<script") && cards.contains("&quot;&gt;&lt;script&gt;"));
    }

    #[test]
    fn a_band_draws_its_band_lines_episodes_and_escaped_axis() {
        let band = Band {
            start: 0,
            step: 3600,
            observed: vec![1, 2, 30],
            median: vec![None, Some(1.0), Some(1.5)],
            lower: vec![None, Some(0.0), Some(0.0)],
            upper: vec![None, Some(7.0), Some(7.5)],
            flag_at: vec![None, Some(11.0), Some(11.5)],
            episodes: vec![(7200, 10_800)],
        };
        let svg = band_svg(&band, "t <k>", &Zone::default());
        for part in ["band", "median", "flag", "observed", "episode"] {
            assert!(svg.contains(&format!("class=\"{part}\"")), "{part}: {svg}");
        }
        assert!(svg.starts_with("<svg class=\"chart baseline\""));
        assert!(svg.contains(">1970-01-01 02:00</text>") && !svg.contains("<k>"));
    }
}
