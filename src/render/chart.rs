//! Chart blocks: the numbers of a figure (a time series, a sparkline, bars, a heatmap, lifecycle
//! swimlanes, cards) in the report model, and their drawing as text for terminals and
//! Markdown (block characters, one line per series, lane or row). The HTML writer draws the
//! same data as SVG (`render::svg`); JSON writes the data itself. Labels are raw text: the
//! drawings show them in their visible form.

use serde::Serialize;

use super::escape::visible;
use crate::time::Zone;

/// A chart: a figure and its title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// The JSON member name and html anchor.
    pub name: String,
    /// What it shows (the caption, an SVG's title).
    pub title: String,
    /// The numbers.
    pub figure: Figure,
}

/// The numbers of one chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Figure {
    /// Counts per time bucket: stacked series (reads, writes) and overlaid ones (errors).
    TimeSeries {
        /// Bucket starts, unix seconds.
        times: Vec<i64>,
        /// The series, one value per bucket.
        series: Vec<Series>,
    },
    /// One small series (calls per day).
    Sparkline {
        /// The values, in order.
        values: Vec<u64>,
    },
    /// Labelled counts as horizontal bars.
    Bars {
        /// (label, count), in the order shown.
        rows: Vec<(String, u64)>,
    },
    /// A grid of counts (regions × days, weekdays × hours); zero cells are marked.
    Heatmap {
        /// Row labels.
        rows: Vec<String>,
        /// Column labels.
        columns: Vec<String>,
        /// `cells[row][column]`.
        cells: Vec<Vec<u64>>,
    },
    /// One lane per key: its states over `[start, end)` and point markers.
    Swimlanes {
        /// Start of the time axis, unix seconds.
        start: i64,
        /// End of the time axis.
        end: i64,
        /// The lanes.
        lanes: Vec<Lane>,
    },
    /// Big numbers with labels (findings per severity).
    Cards {
        /// The cards, in order.
        cards: Vec<Card>,
    },
    /// An hourly series judged against a band (the baselines): the observed counts, the band's
    /// median and edges and the flag level per hour (`None`: too little history to judge),
    /// and the flagged episodes.
    Band(Band),
}

/// The numbers of a [`Figure::Band`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    /// Start of the first bucket, unix seconds.
    pub start: i64,
    /// Bucket width, seconds.
    pub step: i64,
    /// Observed count per bucket.
    pub observed: Vec<u64>,
    /// The band's median per bucket.
    pub median: Vec<Option<f64>>,
    /// The band's lower edge per bucket.
    pub lower: Vec<Option<f64>>,
    /// The band's upper edge per bucket.
    pub upper: Vec<Option<f64>>,
    /// The count at which a bucket is flagged.
    pub flag_at: Vec<Option<f64>>,
    /// Flagged episodes `[start, end)`, unix seconds.
    pub episodes: Vec<(i64, i64)>,
}

impl Figure {
    /// Whether a page with script draws the figure interactively (drag to zoom) as well.
    pub fn zooms(&self) -> bool {
        matches!(self, Figure::TimeSeries { .. } | Figure::Band(_))
    }
}

/// One series of a time series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    /// Its name (`reads`).
    pub name: String,
    /// One value per bucket.
    pub values: Vec<u64>,
    /// Whether it is stacked on the series before it (else drawn over them).
    pub stacked: bool,
}

/// One lane of swimlanes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lane {
    /// The lane's label (a key id).
    pub label: String,
    /// The states, in time order.
    pub spans: Vec<Span>,
    /// Point events on the lane.
    pub marks: Vec<Mark>,
}

/// A state over a time span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The state (`Enabled`).
    pub state: String,
    /// From, unix seconds.
    pub start: i64,
    /// To (exclusive).
    pub end: i64,
}

/// A point event on a lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// When.
    pub time: i64,
    /// What (`UpdateAlias`).
    pub label: String,
    /// Whether the call failed.
    pub failed: bool,
}

/// One card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The label (`high`).
    pub label: String,
    /// The number.
    pub value: u64,
    /// The number of the compared period, when there is one.
    pub previous: Option<u64>,
}

/// Block characters of a sparkline, lowest to highest (a zero is a space).
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Shades of a heatmap cell, lowest to highest (a zero is `·`).
const SHADES: [char; 4] = ['░', '▒', '▓', '█'];

/// The widest a text drawing gets, in characters.
pub const TEXT_WIDTH: usize = 60;

/// `values` summed into at most `width` groups of consecutive values.
fn fit(values: &[u64], width: usize) -> Vec<u64> {
    let per = values.len().div_ceil(width.max(1)).max(1);
    values.chunks(per).map(|c| c.iter().sum()).collect()
}

/// A sparkline of `values` in block characters, at most `width` wide.
pub fn sparkline(values: &[u64], width: usize) -> String {
    let values = fit(values, width);
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|&v| match v {
            0 => ' ',
            v => LEVELS[((v * 8).div_ceil(max) as usize).clamp(1, 8) - 1],
        })
        .collect()
}

/// The chart drawn as text lines (each in visible form), times in `zone`.
pub fn text_lines(chart: &Chart, zone: &Zone) -> Vec<String> {
    let mut lines = vec![visible(&chart.title).into_owned()];
    match &chart.figure {
        Figure::TimeSeries { times, series } => lines.extend(time_series(times, series, zone)),
        Figure::Sparkline { values } => lines.push(sparkline(values, TEXT_WIDTH)),
        Figure::Bars { rows } => lines.extend(bars(rows)),
        Figure::Heatmap {
            rows,
            columns,
            cells,
        } => lines.extend(heatmap(rows, columns, cells)),
        Figure::Swimlanes { lanes, .. } => lines.extend(swimlanes(lanes, zone)),
        Figure::Cards { cards } => lines.push(cards_text(cards)),
        Figure::Band(band) => lines.extend(band_text(band, zone)),
    }
    lines
}

fn cards_text(cards: &[Card]) -> String {
    cards
        .iter()
        .map(|c| match c.previous {
            Some(p) => format!("{} {} (previous {p})", visible(&c.label), c.value),
            None => format!("{} {}", visible(&c.label), c.value),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn band_text(band: &Band, zone: &Zone) -> Vec<String> {
    let fmt = "%Y-%m-%d %H:%M";
    let end = band.start + band.step * band.observed.len() as i64;
    let highest = band.observed.iter().copied().max().unwrap_or(0);
    let mut lines = vec![
        sparkline(&band.observed, TEXT_WIDTH),
        format!(
            "{} .. {} ({} buckets, highest {highest})",
            zone.format(band.start, fmt),
            zone.format(end, fmt),
            band.observed.len()
        ),
    ];
    for (from, to) in &band.episodes {
        lines.push(format!(
            "  flagged {} .. {}",
            zone.format(*from, fmt),
            zone.format(*to, fmt)
        ));
    }
    lines
}

/// Labels in visible form, padded to the longest.
fn labels<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let shown: Vec<String> = names.map(|n| visible(n).into_owned()).collect();
    let width = shown.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    shown.into_iter().map(|s| format!("{s:<width$}")).collect()
}

fn time_series(times: &[i64], series: &[Series], zone: &Zone) -> Vec<String> {
    let names = labels(series.iter().map(|s| s.name.as_str()));
    let mut lines: Vec<String> = names
        .iter()
        .zip(series)
        .map(|(name, s)| {
            let total: u64 = s.values.iter().sum();
            format!("{name}  {} {total}", sparkline(&s.values, TEXT_WIDTH))
        })
        .collect();
    if let (Some(first), Some(last)) = (times.first(), times.last()) {
        let fmt = "%Y-%m-%d %H:%M";
        lines.push(format!(
            "{} .. {} ({} buckets)",
            zone.format(*first, fmt),
            zone.format(*last, fmt),
            times.len()
        ));
    }
    lines
}

fn bars(rows: &[(String, u64)]) -> Vec<String> {
    let names = labels(rows.iter().map(|r| r.0.as_str()));
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let count_width = max.to_string().len();
    names
        .iter()
        .zip(rows)
        .map(|(name, (_, n))| {
            let len = super::histogram::bar_length(*n, max, TEXT_WIDTH / 2);
            format!("{name}  {n:>count_width$}  {}", "█".repeat(len))
        })
        .collect()
}

fn heatmap(rows: &[String], columns: &[String], cells: &[Vec<u64>]) -> Vec<String> {
    let names = labels(rows.iter().map(String::as_str));
    let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut lines: Vec<String> = names
        .iter()
        .zip(cells)
        .map(|(name, row)| {
            let shaded: String = row
                .iter()
                .map(|&n| match n {
                    0 => '·',
                    n => SHADES[((n * 4).div_ceil(max) as usize).clamp(1, 4) - 1],
                })
                .collect();
            format!("{name}  {shaded}")
        })
        .collect();
    if let (Some(first), Some(last)) = (columns.first(), columns.last()) {
        let pad = names.first().map_or(0, |n| n.chars().count()) + 2;
        lines.push(format!(
            "{}{} .. {}",
            " ".repeat(pad),
            visible(first),
            visible(last)
        ));
    }
    lines
}

fn swimlanes(lanes: &[Lane], zone: &Zone) -> Vec<String> {
    let fmt = "%Y-%m-%d %H:%M";
    let mut lines = Vec::new();
    for lane in lanes {
        lines.push(visible(&lane.label).into_owned());
        for s in &lane.spans {
            lines.push(format!(
                "  {} {} .. {}",
                visible(&s.state),
                zone.format(s.start, fmt),
                zone.format(s.end, fmt)
            ));
        }
        for m in &lane.marks {
            let failed = if m.failed { " (failed)" } else { "" };
            lines.push(format!(
                "  ◆ {} {}{failed}",
                zone.format(m.time, fmt),
                visible(&m.label)
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_largest_and_fit_their_width() {
        assert_eq!(sparkline(&[0, 1, 4, 8], 10), " ▁▄█");
        assert_eq!(sparkline(&[1, 1, 0, 0, 8, 8], 3), "▁ █");
        assert_eq!(sparkline(&[], 10), "");
    }

    #[test]
    fn text_drawings_show_labels_in_visible_form() {
        let zone = Zone::default();
        let chart = Chart {
            name: "c".into(),
            title: "by region\x1b".into(),
            figure: Figure::Heatmap {
                rows: vec!["cn\x1b[2J".into(), "us".into()],
                columns: vec!["d1".into(), "d2".into()],
                cells: vec![vec![0, 4], vec![1, 2]],
            },
        };
        assert_eq!(
            text_lines(&chart, &zone),
            [
                "by region\\x1b",
                "cn\\x1b[2J  ·█",
                "us         ░▒",
                "           d1 .. d2"
            ]
        );
        let lanes = Chart {
            name: "l".into(),
            title: "lanes".into(),
            figure: Figure::Swimlanes {
                start: 0,
                end: 7200,
                lanes: vec![Lane {
                    label: "key-1".into(),
                    spans: vec![Span {
                        state: "Enabled".into(),
                        start: 0,
                        end: 3600,
                    }],
                    marks: vec![Mark {
                        time: 60,
                        label: "UpdateAlias".into(),
                        failed: true,
                    }],
                }],
            },
        };
        assert_eq!(
            text_lines(&lanes, &zone),
            [
                "lanes",
                "key-1",
                "  Enabled 1970-01-01 00:00 .. 1970-01-01 01:00",
                "  ◆ 1970-01-01 00:01 UpdateAlias (failed)"
            ]
        );
    }
}
