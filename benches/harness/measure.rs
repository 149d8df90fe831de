//! Runs one shell command line as a child process and measures its wall time and peak RSS.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// GNU time, which reports the child's peak RSS (`%M`, KiB) over its whole process tree.
const GNU_TIME: &str = "/usr/bin/time";

/// One run of a command.
#[derive(Debug, Clone)]
pub struct Run {
    /// Wall-clock seconds from spawn to exit.
    pub seconds: f64,
    /// Peak resident set size in KiB, when GNU time is installed.
    pub max_rss_kib: Option<u64>,
}

/// Whether peak RSS can be measured here.
pub fn rss_available() -> bool {
    Path::new(GNU_TIME).exists()
}

/// Runs `sh -c <script>` once; an exit status other than 0 is an error carrying stderr's tail.
pub fn run_once(script: &str, scratch: &Path) -> Result<Run, String> {
    let rss_file = scratch.join("maxrss.txt");
    let _ = std::fs::remove_file(&rss_file);
    let mut command = if rss_available() {
        let mut c = Command::new(GNU_TIME);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_file)
            .arg("sh")
            .arg("-c")
            .arg(script);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot start `{script}`: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: String = stderr
            .lines()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(" | ");
        return Err(format!("exit {}: {}", output.status, tail));
    }
    let max_rss_kib = std::fs::read_to_string(&rss_file).ok().and_then(|text| {
        text.lines()
            .rev()
            .find_map(|l| l.trim().parse::<u64>().ok())
    });
    Ok(Run {
        seconds,
        max_rss_kib,
    })
}

/// The median of `values` (mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Quotes `s` for `sh`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
