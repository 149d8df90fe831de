//! The benchmark harness: generates synthetic archives with `keytrail::sample`, then times the
//! release `keytrail` binary and its competitors (parallel `gzip -dc`, DuckDB via Python) as
//! child processes and prints medians, throughput, peak RSS and the ratios the targets name.
//!
//! `cargo bench --bench harness -- <scenario>... [--runs N] [--work DIR] [--bin PATH]`;
//! scenarios: `ingest-1m`, `ingest-4m`, `ingest-17k`, `query`, `gen`, `all`.
//! See `benches/README.md`.

#[path = "harness/measure.rs"]
mod measure;
#[path = "harness/report.rs"]
mod report;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use keytrail::sample::{write_sample, SampleOptions};

use measure::{median, run_once, shell_quote};
use report::{Check, Row, Stats};

/// Bump when the generator's output changes, so cached archives are regenerated.
const GENERATOR_VERSION: &str = "sample-v1";

/// Every command line the harness runs, by tool. Placeholders in braces are substituted
/// (shell-quoted, except `{format}`). Adjust here when the CLI changes.
const COMMANDS: &[(&str, &str)] = &[
    ("keytrail ingest", "{bin} ingest --quiet {archive} --store {store}"),
    ("gzip -dc x2", "find {archive} -name '*.gz' -print0 | xargs -0 -P2 -n 200 gzip -dc > /dev/null"),
    ("duckdb ingest", "{python} {script} ingest {archive} {parquet} {threads} {schema}"),
    ("keytrail query", "{bin} query {store} {query} {format} > /dev/null"),
    ("duckdb query", "{python} {script} query {store} {sql} {threads}"),
    ("duckdb startup", "{python} {script} startup"),
];

/// One query of the `query` scenario: the keytrail statement and DuckDB's equivalent SQL over
/// the view `events` (the keytrail store's Parquet files).
struct QueryCase {
    name: &'static str,
    keytrail: &'static str,
    /// Extra keytrail flags (raw, not quoted).
    format: &'static str,
    duckdb: &'static str,
}

/// SLS full-text token boundary for DuckDB: `-`, `_`, `.` are not delimiters in SLS.
const QUERIES: &[QueryCase] = &[
    QueryCase {
        name: "search Kms Decrypt (raw)",
        keytrail: "event.serviceName:Kms AND event.eventName:Decrypt",
        format: "--format ndjson --limit 100000000",
        duckdb: r#"SELECT "event" FROM events WHERE "event.serviceName" = 'Kms' AND "event.eventName" = 'Decrypt'"#,
    },
    QueryCase {
        name: "full-text key-abc123 (raw)",
        keytrail: r#""key-abc123""#,
        format: "--format ndjson --limit 100000000",
        duckdb: r#"SELECT "event" FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])key-abc123([^A-Za-z0-9_.-]|$)')"#,
    },
    QueryCase {
        name: "full-text prod key (raw)",
        keytrail: r#""key-hzz62f1cb66fa42qo8xk1""#,
        format: "--format ndjson --limit 100000000",
        duckdb: r#"SELECT "event" FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])key-hzz62f1cb66fa42qo8xk1([^A-Za-z0-9_.-]|$)')"#,
    },
    QueryCase {
        name: "seed SQL 1: key lifecycle",
        keytrail: r#"event.serviceName:Kms AND (event.eventName:CreateKey OR event.eventName:ScheduleKeyDeletion OR event.eventName:EnableKey OR event.eventName:DisableKey) | SELECT date_format(__time__, '%Y-%m-%d %H:%i:%s') as time,"event.eventName" as eventName,"event.userIdentity.userName" as user,"event.resourceName" as keyId"#,
        format: "",
        duckdb: r#"SELECT strftime(to_timestamp("__time__"), '%Y-%m-%d %H:%M:%S') AS time, "event.eventName" AS eventName, "event.userIdentity.userName" AS "user", "event.resourceName" AS keyId FROM events WHERE "event.serviceName" = 'Kms' AND "event.eventName" IN ('CreateKey', 'ScheduleKeyDeletion', 'EnableKey', 'DisableKey')"#,
    },
    QueryCase {
        name: "seed SQL 2: key usage by ip",
        keytrail: r#""key-abc123" | SELECT DISTINCT "event.eventName" as eventName,"event.sourceIpAddress" as ip,count(*) as num GROUP BY eventName,ip ORDER BY count(*) DESC"#,
        format: "",
        duckdb: r#"SELECT "event.eventName" AS eventName, "event.sourceIpAddress" AS ip, count(*) AS num FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])key-abc123([^A-Za-z0-9_.-]|$)') GROUP BY ALL ORDER BY num DESC"#,
    },
];

/// The DuckDB side, run with the Python `duckdb` package (`pip install duckdb`).
const DUCKDB_SCRIPT: &str = r#"import sys
import duckdb

SCALARS = ["eventId", "eventVersion", "eventTime", "eventType", "eventCategory", "eventRW",
           "eventSource", "eventName", "serviceName", "apiVersion", "acsRegion", "isGlobal",
           "requestId", "sourceIpAddress", "userAgent", "requestParameterJson", "resourceType",
           "resourceName", "errorCode", "errorMessage", "vpcId", "recipientAccountId"]
OBJECTS = ["userIdentity", "requestParameters", "responseElements", "additionalEventData",
           "referencedResources", "eventAttributes"]

def lit(s):
    return "'" + s.replace("'", "''") + "'"

mode = sys.argv[1]
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
if mode == "ingest":
    archive, out, threads, schema = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    con.execute(f"SET threads={threads}")
    options = "format='array'"
    if schema == "columns":
        columns = [f"'{c}': 'VARCHAR'" for c in SCALARS] + [f"'{c}': 'JSON'" for c in OBJECTS]
        options += ", columns={" + ", ".join(columns) + "}"
    con.execute(
        "COPY (SELECT * FROM read_json(" + lit(archive + "/**/*.gz") + ", " + options +
        ")) TO " + lit(out) + " (FORMAT parquet)"
    )
elif mode == "query":
    store, sql, threads = sys.argv[2], sys.argv[3], int(sys.argv[4])
    con.execute(f"SET threads={threads}")
    con.execute(
        "CREATE VIEW events AS SELECT * FROM read_parquet(" +
        lit(store + "/events/*/*.parquet") + ", hive_partitioning=true)"
    )
    rows = con.execute(sql).fetchall()
    print(len(rows))
"#;

#[derive(Parser, Debug)]
#[command(about = "keytrail benchmark harness")]
struct Cli {
    /// Scenarios: ingest-1m, ingest-4m, ingest-17k, query, gen (archives only), all.
    #[arg(default_value = "ingest-1m")]
    scenarios: Vec<String>,
    /// Timed runs per tool; the table shows the median.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Work directory: archives, stores and outputs (archives are reused when unchanged).
    #[arg(long, default_value = "/tmp/keytrail-bench")]
    work: PathBuf,
    /// The keytrail binary (default: `keytrail` next to this harness's target directory).
    #[arg(long)]
    bin: Option<PathBuf>,
    /// The Python interpreter with the `duckdb` package.
    #[arg(long, default_value = "python3")]
    python: String,
    /// Threads for DuckDB.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Only these tools (comma-separated substrings of the tool names, e.g. `keytrail,gzip`).
    #[arg(long)]
    only: Option<String>,
    /// How DuckDB gets the schema: `columns` (given: top-level scalars as VARCHAR, objects as
    /// JSON, like keytrail's store) or `auto` (DuckDB samples the files; fails on the
    /// one-event-per-file archive).
    #[arg(long, default_value = "columns")]
    duckdb_schema: String,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// An archive the scenarios run on.
struct ArchiveSpec {
    name: &'static str,
    opts: SampleOptions,
}

fn archive_spec(name: &str) -> Option<ArchiveSpec> {
    let (name, events, per_file) = match name {
        "ingest-1m" | "query" => ("archive-1m", 1_000_000, 286),
        "ingest-4m" => ("archive-4m", 4_000_000, 286),
        "ingest-17k" => ("archive-17k", 17_000, 1),
        _ => return None,
    };
    let opts = SampleOptions { events, days: 30, seed: 1, events_per_file: per_file, incidents: true, ..Default::default() };
    Some(ArchiveSpec { name, opts })
}

/// An archive on disk with its sizes.
struct Prepared {
    root: PathBuf,
    dir: PathBuf,
    stats: Stats,
}

/// Generates the archive unless `<work>/<name>/params.txt` says an identical one is there.
fn prepare(work: &Path, spec: &ArchiveSpec) -> Result<Prepared, String> {
    let root = work.join(spec.name);
    let dir = root.join("archive");
    let stamp = root.join("params.txt");
    let wanted = format!("{GENERATOR_VERSION}\n{:?}\n", spec.opts);
    if let Ok(text) = fs::read_to_string(&stamp) {
        if let Some(stats) = text.strip_prefix(&wanted).and_then(Stats::parse) {
            eprintln!("reusing {} ({} files, {} events)", dir.display(), stats.files, stats.events);
            return Ok(Prepared { root, dir, stats });
        }
    }
    if root.exists() {
        fs::remove_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    }
    eprintln!("generating {} events into {} ...", spec.opts.events, dir.display());
    let started = Instant::now();
    let summary = write_sample(&dir, &spec.opts).map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let stats = Stats {
        files: summary.files,
        events: summary.events,
        bytes_gz: summary.bytes_gz,
        bytes_json: summary.bytes_json,
    };
    eprintln!(
        "generated {} files, {} events, {:.1} MB gz, {:.1} MB JSON in {:.1} s ({:.0} events/s)",
        stats.files,
        stats.events,
        stats.bytes_gz as f64 / 1e6,
        stats.bytes_json as f64 / 1e6,
        seconds,
        stats.events as f64 / seconds
    );
    fs::write(&stamp, format!("{wanted}{}", stats.render())).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(Prepared { root, dir, stats })
}

/// The harness's settings and the rows and checks it has gathered.
struct Bench {
    cli: Cli,
    bin: PathBuf,
    script: PathBuf,
    rows: Vec<Row>,
    checks: Vec<Check>,
}

impl Bench {
    fn wants(&self, tool: &str) -> bool {
        match &self.cli.only {
            None => true,
            Some(list) => list.split(',').any(|t| !t.trim().is_empty() && tool.contains(t.trim())),
        }
    }

    /// The command line of `tool` with placeholders filled.
    fn command(&self, tool: &str, vars: &[(&str, &str)]) -> String {
        let template = COMMANDS.iter().find(|(t, _)| *t == tool).map(|(_, c)| *c).unwrap_or("false");
        let mut line = template.to_string();
        let fixed = [
            ("bin", self.bin.to_string_lossy().into_owned()),
            ("python", self.cli.python.clone()),
            ("script", self.script.to_string_lossy().into_owned()),
            ("threads", self.cli.threads.to_string()),
            ("schema", self.cli.duckdb_schema.clone()),
        ];
        for (key, value) in fixed.iter().map(|(k, v)| (*k, v.as_str())).chain(vars.iter().copied()) {
            let replacement = if key == "format" { value.to_string() } else { shell_quote(value) };
            line = line.replace(&format!("{{{key}}}"), &replacement);
        }
        line
    }

    /// Times `script` `runs` times (running `before` untimed ahead of each run) into a row.
    fn time(&mut self, scenario: &str, tool: &str, script: &str, stats: &Stats, before: &dyn Fn()) -> Option<f64> {
        eprintln!("[{scenario}] {tool}: {script}");
        let scratch = self.cli.work.clone();
        let mut seconds = Vec::new();
        let mut rss = None::<u64>;
        for _ in 0..self.cli.runs.max(1) {
            before();
            match run_once(script, &scratch) {
                Ok(run) => {
                    eprintln!("  {:.2} s, peak RSS {:?} KiB", run.seconds, run.max_rss_kib);
                    seconds.push(run.seconds);
                    rss = rss.max(run.max_rss_kib);
                }
                Err(message) => {
                    eprintln!("  failed: {message}");
                    self.rows.push(Row::failed(scenario, tool, message));
                    return None;
                }
            }
        }
        let m = median(&seconds);
        self.rows.push(Row::measured(scenario, tool, m, seconds.len(), rss, stats.clone()));
        Some(m)
    }

    fn rss_of(&self, scenario: &str, tool: &str) -> Option<u64> {
        self.rows.iter().find(|r| r.scenario == scenario && r.tool == tool).and_then(|r| r.rss_kib)
    }

    fn ingest_keytrail(&mut self, scenario: &str, prepared: &Prepared) -> Option<f64> {
        let store = prepared.root.join("store-keytrail");
        let line = self.command(
            "keytrail ingest",
            &[("archive", &prepared.dir.to_string_lossy()), ("store", &store.to_string_lossy())],
        );
        if !self.bin.exists() {
            self.rows.push(Row::failed(scenario, "keytrail ingest", format!("{} not built (cargo build --release)", self.bin.display())));
            return None;
        }
        let clear = || {
            let _ = fs::remove_dir_all(&store);
        };
        let seconds = self.time(scenario, "keytrail ingest", &line, &prepared.stats, &clear)?;
        if !store.join("events").is_dir() {
            let row = self.rows.last_mut().expect("time() pushed a row");
            row.error = Some(format!("no {}/events after the run: is this the real binary?", store.display()));
            return None;
        }
        Some(seconds)
    }

    fn ingest(&mut self, scenario: &str, prepared: &Prepared) {
        let keytrail = if self.wants("keytrail") { self.ingest_keytrail(scenario, prepared) } else { None };
        let archive = prepared.dir.to_string_lossy().into_owned();
        let gzip = if self.wants("gzip") && scenario != "ingest-17k" {
            let line = self.command("gzip -dc x2", &[("archive", &archive)]);
            self.time(scenario, "gzip -dc x2", &line, &prepared.stats, &|| {})
        } else {
            None
        };
        let duckdb = if self.wants("duckdb") {
            let parquet = prepared.root.join("duckdb.parquet");
            let line = self.command("duckdb ingest", &[("archive", &archive), ("parquet", &parquet.to_string_lossy())]);
            let clear = || {
                let _ = fs::remove_file(&parquet);
            };
            self.time(scenario, "duckdb ingest", &line, &prepared.stats, &clear)
        } else {
            None
        };
        let rss = self.rss_of(scenario, "keytrail ingest");
        match scenario {
            "ingest-1m" => {
                self.checks.push(Check::at_most(scenario, "keytrail / gzip -dc x2 wall", ratio(keytrail, gzip), 3.0));
                self.checks.push(Check::at_least(scenario, "duckdb / keytrail wall", ratio(duckdb, keytrail), 3.0));
                self.checks.push(Check::at_most(scenario, "keytrail peak RSS MB", rss.map(|k| k as f64 / 1024.0), 512.0));
            }
            "ingest-4m" => {
                self.checks.push(Check::at_most(scenario, "keytrail peak RSS MB", rss.map(|k| k as f64 / 1024.0), 512.0));
                let small = self.rss_of("ingest-1m", "keytrail ingest");
                let growth = rss.zip(small).map(|(big, small)| big as f64 / small as f64);
                self.checks.push(Check::at_most(scenario, "keytrail RSS 4m / RSS 1m", growth, 1.5));
            }
            "ingest-17k" => {
                self.checks.push(Check::at_least(scenario, "duckdb / keytrail wall", ratio(duckdb, keytrail), 20.0));
            }
            _ => {}
        }
    }

    fn query(&mut self, prepared: &Prepared) {
        let store = prepared.root.join("store-keytrail");
        if !store.exists() && self.bin.exists() {
            eprintln!("[query] building the store once (untimed)");
            let line = self.command(
                "keytrail ingest",
                &[("archive", &prepared.dir.to_string_lossy()), ("store", &store.to_string_lossy())],
            );
            if let Err(message) = run_once(&line, &self.cli.work) {
                self.rows.push(Row::failed("query", "keytrail ingest", message));
                return;
            }
        }
        let store_text = store.to_string_lossy().into_owned();
        if self.wants("duckdb") {
            let line = self.command("duckdb startup", &[]);
            self.time("query", "duckdb startup", &line, &prepared.stats, &|| {});
        }
        for case in QUERIES {
            let keytrail = if self.wants("keytrail") {
                let line = self.command("keytrail query", &[("store", &store_text), ("query", case.keytrail), ("format", case.format)]);
                self.time("query", &format!("keytrail: {}", case.name), &line, &prepared.stats, &|| {})
            } else {
                None
            };
            let duckdb = if self.wants("duckdb") {
                let line = self.command("duckdb query", &[("store", &store_text), ("sql", case.duckdb)]);
                self.time("query", &format!("duckdb: {}", case.name), &line, &prepared.stats, &|| {})
            } else {
                None
            };
            self.checks.push(Check::report("query", &format!("duckdb / keytrail: {}", case.name), ratio(duckdb, keytrail)));
        }
    }
}

fn ratio(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    numerator.zip(denominator).map(|(n, d)| n / d)
}

/// `keytrail` in the same target directory as this harness binary (`target/release/deps/..`).
fn default_bin() -> PathBuf {
    if let Ok(path) = std::env::var("KEYTRAIL_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let release = exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    release.join("keytrail")
}

fn expand(scenarios: &[String]) -> Vec<String> {
    let all = ["ingest-1m", "ingest-4m", "ingest-17k", "query"];
    let mut out: Vec<String> = Vec::new();
    for s in scenarios {
        let names: Vec<&str> = if s == "all" { all.to_vec() } else { vec![s.as_str()] };
        for n in names {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
    }
    out
}

fn main() {
    let cli = Cli::parse();
    let bin = cli.bin.clone().unwrap_or_else(default_bin);
    if let Err(e) = fs::create_dir_all(&cli.work) {
        eprintln!("{}: {e}", cli.work.display());
        std::process::exit(2);
    }
    let script = cli.work.join("duckdb_bench.py");
    if let Err(e) = fs::write(&script, DUCKDB_SCRIPT) {
        eprintln!("{}: {e}", script.display());
        std::process::exit(2);
    }
    if !measure::rss_available() {
        eprintln!("note: /usr/bin/time not found (Debian package `time`): peak RSS is not measured");
    }
    let scenarios = expand(&cli.scenarios);
    let mut bench = Bench { cli, bin, script, rows: Vec::new(), checks: Vec::new() };
    for scenario in &scenarios {
        if scenario == "gen" {
            for name in ["ingest-1m", "ingest-4m", "ingest-17k"] {
                let spec = archive_spec(name).expect("known archive");
                if let Err(e) = prepare(&bench.cli.work, &spec) {
                    eprintln!("{name}: {e}");
                }
            }
            continue;
        }
        let Some(spec) = archive_spec(scenario) else {
            eprintln!("unknown scenario `{scenario}` (ingest-1m, ingest-4m, ingest-17k, query, gen, all)");
            std::process::exit(2);
        };
        let prepared = match prepare(&bench.cli.work, &spec) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{scenario}: cannot generate the archive: {e}");
                std::process::exit(1);
            }
        };
        if scenario == "query" {
            bench.query(&prepared);
        } else {
            bench.ingest(scenario, &prepared);
        }
    }
    println!("{}", report::rows_table(&bench.rows));
    if !bench.checks.is_empty() {
        println!("{}", report::checks_table(&bench.checks));
    }
}
