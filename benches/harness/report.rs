//! The harness's results: archive sizes, measured rows, target checks, and their tables.

use comfy_table::{presets::ASCII_MARKDOWN, Table};

/// Sizes of a generated archive (also cached in its `params.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub events: u64,
    pub bytes_gz: u64,
    pub bytes_json: u64,
}

impl Stats {
    /// `key=value` lines, read back by [`Stats::parse`].
    pub fn render(&self) -> String {
        format!(
            "files={}\nevents={}\nbytes_gz={}\nbytes_json={}\n",
            self.files, self.events, self.bytes_gz, self.bytes_json
        )
    }

    /// Reads [`Stats::render`]'s output; `None` when a value is missing.
    pub fn parse(text: &str) -> Option<Stats> {
        let get = |key: &str| {
            text.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix('=')?.trim().parse::<u64>().ok())
        };
        Some(Stats { files: get("files")?, events: get("events")?, bytes_gz: get("bytes_gz")?, bytes_json: get("bytes_json")? })
    }
}

/// One tool in one scenario.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: String,
    pub tool: String,
    pub median_s: Option<f64>,
    pub runs: usize,
    pub rss_kib: Option<u64>,
    pub stats: Option<Stats>,
    pub error: Option<String>,
}

impl Row {
    /// A row with a measurement.
    pub fn measured(scenario: &str, tool: &str, median_s: f64, runs: usize, rss_kib: Option<u64>, stats: Stats) -> Row {
        Row {
            scenario: scenario.into(),
            tool: tool.into(),
            median_s: Some(median_s),
            runs,
            rss_kib,
            stats: Some(stats),
            error: None,
        }
    }

    /// A row for a tool that did not run through.
    pub fn failed(scenario: &str, tool: &str, error: String) -> Row {
        Row { scenario: scenario.into(), tool: tool.into(), median_s: None, runs: 0, rss_kib: None, stats: None, error: Some(error) }
    }
}

/// A target (or a plain ratio to report) and how the measurement compares.
#[derive(Debug, Clone)]
pub struct Check {
    pub scenario: String,
    pub what: String,
    pub value: Option<f64>,
    /// `(bound, true = value must be at most bound)`; `None` only reports.
    pub target: Option<(f64, bool)>,
}

impl Check {
    /// `value <= bound` is the target.
    pub fn at_most(scenario: &str, what: &str, value: Option<f64>, bound: f64) -> Check {
        Check { scenario: scenario.into(), what: what.into(), value, target: Some((bound, true)) }
    }

    /// `value >= bound` is the target.
    pub fn at_least(scenario: &str, what: &str, value: Option<f64>, bound: f64) -> Check {
        Check { scenario: scenario.into(), what: what.into(), value, target: Some((bound, false)) }
    }

    /// No target: report the value.
    pub fn report(scenario: &str, what: &str, value: Option<f64>) -> Check {
        Check { scenario: scenario.into(), what: what.into(), value, target: None }
    }

    fn verdict(&self) -> &'static str {
        match (self.value, self.target) {
            (None, _) => "not measured",
            (Some(_), None) => "",
            (Some(v), Some((bound, true))) if v <= bound => "PASS",
            (Some(v), Some((bound, false))) if v >= bound => "PASS",
            _ => "FAIL",
        }
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The measurements as a Markdown table.
pub fn rows_table(rows: &[Row]) -> Table {
    let mut table = Table::new();
    table.load_style(ASCII_MARKDOWN).set_header(vec![
        "scenario", "tool", "wall s (median)", "runs", "events/s", "gz MB/s", "JSON MB/s", "peak RSS MB", "note",
    ]);
    for row in rows {
        let per_s = |x: f64| row.median_s.map(|s| x / s);
        let stats = row.stats.as_ref();
        table.add_row(vec![
            row.scenario.clone(),
            row.tool.clone(),
            row.median_s.map_or("-".into(), |s| format!("{s:.3}")),
            row.runs.to_string(),
            stats.and_then(|st| per_s(st.events as f64)).map_or("-".into(), |v| format!("{v:.0}")),
            stats.and_then(|st| per_s(mb(st.bytes_gz))).map_or("-".into(), |v| format!("{v:.1}")),
            stats.and_then(|st| per_s(mb(st.bytes_json))).map_or("-".into(), |v| format!("{v:.1}")),
            row.rss_kib.map_or("-".into(), |k| format!("{:.0}", k as f64 / 1024.0)),
            row.error.clone().unwrap_or_default(),
        ]);
    }
    table
}

/// The targets as a Markdown table.
pub fn checks_table(checks: &[Check]) -> Table {
    let mut table = Table::new();
    table.load_style(ASCII_MARKDOWN).set_header(vec!["scenario", "ratio / measure", "value", "target", "verdict"]);
    for check in checks {
        let target = match check.target {
            Some((b, true)) => format!("<= {b}"),
            Some((b, false)) => format!(">= {b}"),
            None => String::new(),
        };
        table.add_row(vec![
            check.scenario.clone(),
            check.what.clone(),
            check.value.map_or("-".into(), |v| format!("{v:.2}")),
            target,
            check.verdict().to_string(),
        ]);
    }
    table
}
