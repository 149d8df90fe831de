//! Issue 17's scenario: every read command on the shared `keytrail sample --days 365` stores
//! of 1M, 3M, 10M and 30M events, timed with `/usr/bin/time -f '%e %M'` (seconds, peak RSS),
//! for a binary and optionally a baseline binary; prints one table row per command and size
//! with µs per event and the ratios (seconds, CPU seconds, peak RSS) to the baseline.
//!
//! ```text
//! cargo bench --bench horizon -- --bin target/release/keytrail \
//!     [--baseline-bin /tmp/horizon/keytrail-c54ad95] [--baseline-sizes 1m,3m] \
//!     [--sizes 1m,3m,10m,30m] [--only query,sql,histogram] [--stores /tmp/horizon]
//! ```
//! The baseline runs only on `--baseline-sizes` (default 1m,3m: today's binary needs more
//! memory than the machine has on the larger stores). Runs alternate binary and baseline per
//! command, so load drifts touch both alike.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The commands of the issue's table: a short name and the arguments after the binary, with
/// `{S}` for the store.
const COMMANDS: &[(&str, &[&str])] = &[
    ("detect", &["detect", "{S}"]),
    ("detect --baselines", &["detect", "{S}", "--baselines"]),
    ("kms keys", &["kms", "keys", "{S}"]),
    (
        "query ndjson",
        &[
            "query",
            "{S}",
            "event.serviceName:Kms",
            "--format",
            "ndjson",
            "--limit",
            "100000000",
        ],
    ),
    (
        "sql",
        &[
            "query",
            "{S}",
            "* | SELECT \"event.userIdentity.userName\" AS u, count(*) AS n, count(DISTINCT \"event.sourceIpAddress\") AS ips GROUP BY u ORDER BY n DESC LIMIT 10",
        ],
    ),
    ("histogram", &["histogram", "{S}", "event.serviceName:Kms"]),
    (
        "report --baselines",
        &["report", "{S}", "--baselines", "--out", "/dev/null"],
    ),
];

/// Events per store size.
fn events(size: &str) -> f64 {
    match size {
        "1m" => 1e6,
        "3m" => 3e6,
        "10m" => 1e7,
        "30m" => 3e7,
        _ => f64::NAN,
    }
}

struct Options {
    bin: PathBuf,
    baseline: Option<PathBuf>,
    baseline_sizes: Vec<String>,
    sizes: Vec<String>,
    only: Option<Vec<String>>,
    stores: PathBuf,
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(|s| s.trim().to_string()).collect()
}

fn options() -> Options {
    let mut o = Options {
        bin: PathBuf::from("target/release/keytrail"),
        baseline: None,
        baseline_sizes: list("1m,3m"),
        sizes: list("1m,3m,10m,30m"),
        only: None,
        stores: PathBuf::from("/tmp/horizon"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--bin" => o.bin = value().into(),
            "--baseline-bin" => o.baseline = Some(value().into()),
            "--baseline-sizes" => o.baseline_sizes = list(&value()),
            "--sizes" => o.sizes = list(&value()),
            "--only" => o.only = Some(list(&value())),
            "--stores" => o.stores = value().into(),
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

/// Seconds, peak RSS in MB and CPU seconds (user + system) of one run, or why it failed.
fn measure(bin: &Path, args: &[&str], store: &Path) -> Result<(f64, f64, f64), String> {
    let store = store.to_string_lossy();
    let args: Vec<String> = args.iter().map(|a| a.replace("{S}", &store)).collect();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %M %U %S"])
        .arg(bin)
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("/usr/bin/time: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap_or("");
    let mut fields = last.split_whitespace().map(str::parse::<f64>);
    match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(Ok(s)), Some(Ok(kb)), Some(Ok(user)), Some(Ok(sys)))
            if out.status.code().is_some_and(|c| c <= 1) =>
        {
            Ok((s, kb / 1024.0, user + sys))
        }
        _ => Err(format!("failed ({}): {last}", out.status)),
    }
}

fn main() {
    let o = options();
    println!("| command | store | seconds | CPU s | peak RSS MB | µs/event | baseline s | baseline CPU s | baseline MB | time ratio | CPU ratio | RSS ratio |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, args) in COMMANDS {
        let short = name.split_whitespace().next().unwrap_or(name);
        if o.only.as_ref().is_some_and(|only| {
            !only
                .iter()
                .any(|w| w == name || w == short || name.starts_with(w.as_str()))
        }) {
            continue;
        }
        for size in &o.sizes {
            let store = o.stores.join(format!("store-{size}"));
            if !store.join(".done").exists() && !store.join("manifest.jsonl").exists() {
                println!("| {name} | {size} | (no store) | | | | | | | | | |");
                continue;
            }
            let new = measure(&o.bin, args, &store);
            let old = match &o.baseline {
                Some(b) if o.baseline_sizes.contains(size) => Some(measure(b, args, &store)),
                _ => None,
            };
            let cell = |r: &Result<(f64, f64, f64), String>| match r {
                Ok((s, mb, cpu)) => (format!("{s:.2}"), format!("{mb:.0}"), format!("{cpu:.2}")),
                Err(e) => (e.clone(), String::new(), String::new()),
            };
            let (s, mb, cpu) = cell(&new);
            let per_event = new
                .as_ref()
                .map(|(s, _, _)| format!("{:.2}", s * 1e6 / events(size)))
                .unwrap_or_default();
            let (bs, bmb, bcpu, ratios) = match (&old, &new) {
                (Some(Ok((os, omb, ocpu))), Ok((ns, nmb, ncpu))) => (
                    format!("{os:.2}"),
                    format!("{omb:.0}"),
                    format!("{ocpu:.2}"),
                    format!("{:.2} | {:.2} | {:.2}", ns / os, ncpu / ocpu, nmb / omb),
                ),
                (Some(r), _) => {
                    let (a, b, c) = cell(r);
                    (a, b, c, " | ".into())
                }
                _ => (String::new(), String::new(), String::new(), " | ".into()),
            };
            println!(
                "| {name} | {size} | {s} | {cpu} | {mb} | {per_event} | {bs} | {bcpu} | {bmb} | {ratios} |"
            );
        }
    }
}
