//! The report's static charts as inline SVG, drawn from finished numbers: sparklines, bar
//! lists, stacked columns (activity), the coverage strip, lifecycle swimlanes and the
//! hour x weekday heatmap. Every text they hold goes through [`esc`]; each chart is an `<svg
//! class="chart">` with a `<title>`, so it reads without JavaScript and prints crisply.

use std::fmt::Write;

use super::model::{BaselineSeries, Coverage, Lane};

/// Text made safe for HTML and SVG: control and format characters in keytrail's visible
/// notation (line breaks stay line breaks), then `& < > " '` escaped.
pub fn esc(text: &str) -> String {
    let shown = crate::render::escape::visible_lines(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(out: &mut String, class: &str, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart {class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"><title>{}</title>"#,
        esc(title)
    );
}

/// A sparkline of `values` (one point per value), `width` x `height`.
pub fn sparkline(values: &[u64], width: f64, height: f64, title: &str) -> String {
    let mut out = String::new();
    open(&mut out, "sparkline", width, height, title);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = width / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                height - 1.0 - (*v as f64 / max) * (height - 2.0)
            )
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

/// Horizontal bars: one row per (label, value), scaled to the largest.
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

/// Stacked columns of reads, writes and errors per bucket (the static activity chart).
pub fn activity(times: &[i64], series: [&[u64]; 3], title: &str) -> String {
    let (width, height) = (900.0, 160.0);
    let mut out = String::new();
    open(&mut out, "activity", width, height, title);
    let n = times.len().max(1);
    let totals: Vec<u64> = (0..times.len())
        .map(|i| series[0][i] + series[1][i])
        .collect();
    let max = totals
        .iter()
        .chain(series[2])
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let w = width / n as f64;
    let scale = |v: u64| (v as f64 / max) * (height - 10.0);
    let _ = write!(
        out,
        r#"<line x1="0" y1="{0}" x2="{width}" y2="{0}" class="base"/>"#,
        height - 0.5
    );
    for (i, _) in times.iter().enumerate() {
        let x = i as f64 * w;
        let (r, wr, e) = (
            scale(series[0][i]),
            scale(series[1][i]),
            scale(series[2][i]),
        );
        if r > 0.0 {
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="{:.2}" width="{:.2}" height="{r:.2}" class="reads"/>"#,
                height - r,
                w.max(0.5)
            );
        }
        if wr > 0.0 {
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="{:.2}" width="{:.2}" height="{wr:.2}" class="writes"/>"#,
                height - r - wr,
                w.max(0.5)
            );
        }
        if e > 0.0 {
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="{:.2}" width="{:.2}" height="1.5" class="errors"/>"#,
                height - e,
                w.max(0.5)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// The coverage strip: one row per region, one cell per day; empty cells are marked.
pub fn coverage(c: &Coverage) -> String {
    let cell = if c.days.len() > 120 { 3.0 } else { 10.0 };
    let label_w = 110.0;
    let width = label_w + cell * c.days.len().max(1) as f64 + 2.0;
    let height = 14.0 * c.regions.len().max(1) as f64 + 16.0;
    let mut out = String::new();
    open(
        &mut out,
        "coverage",
        width,
        height,
        "Events delivered per day and region; red cells: no event",
    );
    for (r, region) in c.regions.iter().enumerate() {
        let y = r as f64 * 14.0;
        let name = if region.is_empty() {
            "(no region)"
        } else {
            region
        };
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            label_w - 4.0,
            y + 10.0,
            esc(name)
        );
        for (d, day) in c.days.iter().enumerate() {
            let n = c.cells[r][d];
            let class = if n == 0 { "gap" } else { "ok" };
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{y}" width="{:.1}" height="12" class="{class}"><title>{} {}: {n} events</title></rect>"#,
                label_w + d as f64 * cell,
                (cell - 1.0).max(1.0),
                esc(name),
                esc(day)
            );
        }
    }
    if let (Some(first), Some(last)) = (c.days.first(), c.days.last().filter(|_| c.days.len() > 1))
    {
        let y = height - 3.0;
        let _ = write!(
            out,
            r#"<text x="{label_w}" y="{y}" class="axis">{}</text><text x="{:.1}" y="{y}" class="axis" text-anchor="end">{}</text>"#,
            esc(first),
            width - 2.0,
            esc(last)
        );
    } else if let Some(day) = c.days.first() {
        let _ = write!(
            out,
            r#"<text x="{label_w}" y="{}" class="axis">{}</text>"#,
            height - 3.0,
            esc(day)
        );
    }
    out.push_str("</svg>");
    out
}

/// The lifecycle swimlanes of `lanes` over `[start, end)`.
pub fn swimlanes(lanes: &[Lane], start: i64, end: i64) -> String {
    let (label_w, plot_w, lane_h) = (190.0, 700.0, 22.0);
    let width = label_w + plot_w + 10.0;
    let height = lane_h * lanes.len().max(1) as f64 + 6.0;
    let span = (end - start).max(1) as f64;
    let x = |t: i64| label_w + ((t - start).clamp(0, end - start) as f64 / span) * plot_w;
    let mut out = String::new();
    open(
        &mut out,
        "swimlanes",
        width,
        height,
        "Key states over time, with lifecycle markers",
    );
    for (i, lane) in lanes.iter().enumerate() {
        let y = i as f64 * lane_h + 3.0;
        let shown: String = lane.key_id.chars().take(30).collect();
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + 13.0,
            esc(&shown)
        );
        for s in &lane.segments {
            let (x0, x1) = (x(s.start), x(s.end));
            let _ = write!(
                out,
                r#"<rect x="{x0:.1}" y="{y}" width="{:.1}" height="16" class="state-{}"><title>{}</title></rect>"#,
                (x1 - x0).max(1.0),
                esc(&s.state),
                esc(&s.state)
            );
        }
        for m in &lane.markers {
            let mx = x(m.time);
            let _ = write!(
                out,
                r#"<path d="M{mx:.1} {} l4 7 l-4 7 l-4 -7 z" class="marker{}"><title>{} ({})</title></path>"#,
                y + 1.0,
                if m.result == "success" { "" } else { " failed" },
                esc(&m.event),
                esc(&m.result)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// The hour x weekday heatmap (`grid[weekday][hour]`, weekday 0 = Sunday).
pub fn heatmap(grid: &[Vec<u64>], title: &str) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let (label_w, cell) = (34.0, 16.0);
    let mut out = String::new();
    open(
        &mut out,
        "heatmap",
        label_w + 24.0 * cell + 4.0,
        7.0 * cell + 16.0,
        title,
    );
    let max = grid.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    for (d, row) in grid.iter().enumerate().take(7) {
        let y = d as f64 * cell;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            label_w - 4.0,
            y + 12.0,
            DAYS[d]
        );
        for (h, n) in row.iter().enumerate().take(24) {
            let level = if *n == 0 {
                0
            } else {
                1 + ((*n as f64 / max) * 4.0).min(3.999) as u32
            };
            let _ = write!(
                out,
                r#"<rect x="{:.0}" y="{y}" width="{}" height="{}" class="heat{level}"><title>{} {h:02}:00 {n} calls</title></rect>"#,
                label_w + h as f64 * cell,
                cell - 1.0,
                cell - 1.0,
                DAYS[d]
            );
        }
    }
    for h in (0..24).step_by(6) {
        let _ = write!(
            out,
            r#"<text x="{:.0}" y="{}" class="axis">{h:02}</text>"#,
            label_w + h as f64 * cell,
            7.0 * cell + 12.0
        );
    }
    out.push_str("</svg>");
    out
}

/// One baseline series: the band (lower to upper edge) shaded, the median and the flag level as
/// lines, the observed hourly counts as a line, the flagged episodes as marked columns;
/// `labels` are the texts under the first and last hour.
pub fn baseline_band(s: &BaselineSeries, labels: (&str, &str), title: &str) -> String {
    let (label_w, plot_w, plot_h) = (40.0, 840.0, 130.0);
    let (width, height) = (label_w + plot_w + 10.0, plot_h + 18.0);
    let mut out = String::new();
    open(&mut out, "baseline", width, height, title);
    let n = s.observed.len().max(1);
    let top = s
        .observed
        .iter()
        .map(|v| *v as f64)
        .chain(s.upper.iter().flatten().copied())
        .chain(s.flag_at.iter().flatten().copied())
        .fold(1.0, f64::max);
    let step = plot_w / n as f64;
    let x = |i: usize| label_w + (i as f64 + 0.5) * step;
    let y = |v: f64| 2.0 + plot_h - (v / top) * (plot_h - 4.0);
    for &(start, end) in &s.episodes {
        let (a, b) = ((start - s.start) / 3600, (end - s.start + 3599) / 3600);
        let (a, b) = (a.clamp(0, n as i64), b.clamp(0, n as i64));
        if b > a {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="2" width="{:.1}" height="{plot_h}" class="episode"><title>flagged episode</title></rect>"#,
                label_w + a as f64 * step,
                ((b - a) as f64 * step).max(1.0)
            );
        }
    }
    let judged: Vec<usize> = (0..s.observed.len())
        .filter(|&i| s.upper[i].is_some())
        .collect();
    if !judged.is_empty() {
        let upper: Vec<String> = judged
            .iter()
            .map(|&i| format!("{:.1},{:.1}", x(i), y(s.upper[i].unwrap_or(0.0))))
            .collect();
        let lower: Vec<String> = judged
            .iter()
            .rev()
            .map(|&i| format!("{:.1},{:.1}", x(i), y(s.lower[i].unwrap_or(0.0))))
            .collect();
        let _ = write!(
            out,
            r#"<polygon points="{} {}" class="band"/>"#,
            upper.join(" "),
            lower.join(" ")
        );
        for (class, values) in [("median", &s.median), ("flag", &s.flag_at)] {
            let points: Vec<String> = judged
                .iter()
                .map(|&i| format!("{:.1},{:.1}", x(i), y(values[i].unwrap_or(0.0))))
                .collect();
            let _ = write!(
                out,
                r#"<polyline points="{}" class="{class}"/>"#,
                points.join(" ")
            );
        }
    }
    let observed: Vec<String> = (0..s.observed.len())
        .map(|i| format!("{:.1},{:.1}", x(i), y(s.observed[i] as f64)))
        .collect();
    let _ = write!(
        out,
        r#"<line x1="{label_w}" y1="{0}" x2="{1}" y2="{0}" class="base"/><polyline points="{2}" class="observed"/>"#,
        plot_h + 2.0,
        label_w + plot_w,
        observed.join(" ")
    );
    let _ = write!(
        out,
        r#"<text x="{0}" y="10" class="axis" text-anchor="end">{top:.0}</text><text x="{0}" y="{1}" class="axis" text-anchor="end">0</text><text x="{label_w}" y="{2}" class="axis">{3}</text><text x="{4}" y="{2}" class="axis" text-anchor="end">{5}</text>"#,
        label_w - 4.0,
        plot_h + 2.0,
        height - 2.0,
        esc(labels.0),
        label_w + plot_w,
        esc(labels.1)
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("</script><img src=x onerror=alert(1)>"),
            "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert!(!esc("\u{1b}[31mred").contains('\u{1b}'));
    }

    #[test]
    fn bars_hold_escaped_labels() {
        let svg = bars(&[("<b>".into(), 3)], "t");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.starts_with("<svg class=\"chart bars\""));
    }

    #[test]
    fn baseline_band_draws_band_lines_and_episodes() {
        let s = BaselineSeries {
            anchor: "bl-1".into(),
            rule_id: "baseline.key-call-rate".into(),
            entity_kind: "key".into(),
            entity: "<k>".into(),
            metric: "calls".into(),
            start: 0,
            observed: vec![1, 2, 30],
            median: vec![None, Some(1.0), Some(1.5)],
            lower: vec![None, Some(0.0), Some(0.0)],
            upper: vec![None, Some(7.0), Some(7.5)],
            flag_at: vec![None, Some(11.0), Some(11.5)],
            episodes: vec![(7200, 10_800)],
        };
        let svg = baseline_band(&s, ("a", "<b>"), "t <k>");
        for part in [
            "class=\"band\"",
            "class=\"median\"",
            "class=\"flag\"",
            "class=\"observed\"",
            "class=\"episode\"",
        ] {
            assert!(svg.contains(part), "{part}: {svg}");
        }
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>") && !svg.contains("<k>"));
    }
}
