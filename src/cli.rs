//! The command line: clap definitions of every subcommand and its options. Nothing here runs
//! anything; `commands` turns these into calls into the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// keytrail: what happened to our KMS keys, who did it, and from where, answered offline from
/// Alibaba Cloud ActionTrail archives.
#[derive(Debug, Parser)]
#[command(name = "keytrail", version, about, long_about = None, after_help = QUICK_HELP)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

const QUICK_HELP: &str = "Typical use:
  keytrail ingest ./oss-archive --store ./store        # archives -> Parquet store (incremental)
  keytrail query ./store 'event.serviceName:Kms AND event.eventName:DisableKey'
  keytrail query ./store '\"key-abc123\" | SELECT \"event.eventName\" as op, count(*) as n GROUP BY op'
  keytrail histogram ./store 'event.serviceName:Kms' --interval 1h
  keytrail verify ./store                              # check every stored file against the manifest
Exit status: 0 success, 1 ingest problems or findings, 2 usage or query error.";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read ActionTrail archives (OSS .gz, SLS exports, LookupEvents JSON, plain JSON/NDJSON)
    /// into a date-partitioned Parquet store. Incremental: files already ingested are skipped,
    /// events already stored are counted as duplicates, never stored twice.
    Ingest(IngestArgs),
    /// Run an SLS query (`search` or `search | SQL`) and print the raw logs it matches or the
    /// SQL result table.
    Query(QueryArgs),
    /// Print one event's full JSON (the console's "view event details").
    Event(EventArgs),
    /// Count the events a search matches per time bucket, as a bar chart, CSV or JSON.
    Histogram(HistogramArgs),
    /// KMS investigations: key lifecycle, usage of one key, inventory of every key.
    #[command(subcommand)]
    Kms(KmsCommand),
    /// Run detection rules (built-in KMS pack and your own) and offline baselines; print the
    /// findings. Exit 0 with none, 1 with findings, 2 on error.
    Detect(DetectArgs),
    /// List, show or check detection rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a realistic synthetic archive in the OSS layout (deterministic for a seed).
    Sample(SampleArgs),
    /// Build the bundled sample archive, ingest it, and show what the store holds.
    Demo(DemoArgs),
    /// Check a store against its manifest: every part file re-hashed and its rows counted;
    /// missing, unknown, altered parts named. Exit 0 when it matches, 1 on any difference.
    Verify(VerifyArgs),
    /// Build the token index of every part of a store that lacks one (stores written before
    /// the index, or whose index is not believed), so needle searches skip files. Idempotent.
    Index(IndexArgs),
    /// Write one self-contained evidence report (HTML, Markdown or JSON): scope, summary,
    /// activity, KMS keys, lifecycle, usage, detections, baselines, evidence appendix.
    Report(ReportArgs),
    /// Print the Spark SQL or Trino SQL of an SLS statement over the store's table, to run the
    /// same question on a cluster. Refuses what has no faithful equivalent, naming it.
    Translate(TranslateArgs),
    /// Print the DDL that registers a store as a table of Spark, Trino or Athena.
    #[command(name = "export-sql")]
    ExportSql(ExportSqlArgs),
}

impl Command {
    /// The read options of a command that takes them (`query`, `histogram`).
    pub fn limit_args(&self) -> Option<&LimitArgs> {
        match self {
            Command::Query(args) => Some(&args.read.limits),
            Command::Histogram(args) => Some(&args.read.limits),
            Command::Detect(args) => Some(&args.limits),
            Command::Report(args) => Some(&args.limits),
            Command::Kms(KmsCommand::Lifecycle(args)) => Some(&args.common.limits),
            Command::Kms(KmsCommand::Usage(args)) => Some(&args.common.limits),
            Command::Kms(KmsCommand::Keys(args)) => Some(&args.common.limits),
            _ => None,
        }
    }
}

/// `keytrail translate`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  keytrail translate --to spark 'event.serviceName:Kms | SELECT \"event.eventName\" AS op, count(*) AS n GROUP BY op'
  keytrail translate --to trino '\"key-abc123\"' --from 2024-03-01 --until 2024-04-01 --tz Asia/Shanghai
Prints the session settings (SET lines), then one statement over --table.")]
pub struct TranslateArgs {
    /// The engine: spark or trino (trino also serves presto and athena).
    #[arg(long = "to", value_name = "ENGINE")]
    pub engine: String,
    /// The SLS statement: `search` or `search | SQL`.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// Start of the range (inclusive), as for `query`.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// End of the range (exclusive), as for `query`.
    #[arg(long = "until", alias = "end", value_name = "TIME")]
    pub until: Option<String>,
    /// The session time zone, as for `query` (default UTC; SLS uses Asia/Shanghai).
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub tz: String,
    /// The table holding the store (see `keytrail export-sql`).
    #[arg(long, default_value = "keytrail_events", value_name = "NAME")]
    pub table: String,
}

/// `keytrail export-sql`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  keytrail export-sql --to spark --location /data/store
  keytrail export-sql --to athena --location s3://bucket/keytrail/store --table audit.keytrail_events")]
pub struct ExportSqlArgs {
    /// The engine: spark, trino or athena.
    #[arg(long = "to", value_name = "ENGINE")]
    pub engine: String,
    /// The store's location as the engine reaches it (a path, hdfs://, oss://, s3:// URI); the
    /// table reads <LOCATION>/events.
    #[arg(long, value_name = "URI")]
    pub location: String,
    /// The table name.
    #[arg(long, default_value = "keytrail_events", value_name = "NAME")]
    pub table: String,
}

/// `keytrail verify`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  keytrail verify ./store                 # report; exit 1 on any difference
  keytrail verify ./store --repair        # quarantine damaged and unknown files, forget the
                                          # sources of lost parts, print what to ingest again
  keytrail verify ./store --adopt         # record the parts of a store made before part records")]
pub struct VerifyArgs {
    /// The store directory.
    #[arg(value_name = "STORE")]
    pub store: PathBuf,
    /// Move damaged and unknown files into <STORE>/quarantine/, drop the manifest lines of
    /// damaged parts and of their source files, and print the inputs to ingest again.
    #[arg(long, conflicts_with = "adopt")]
    pub repair: bool,
    /// Record every part file of a store whose manifest records none (made by an older keytrail).
    #[arg(long)]
    pub adopt: bool,
}

/// `keytrail index`.
#[derive(Debug, Args)]
#[command(after_help = "Example:
  keytrail index ./store        # index the parts that have no index yet; a second run does nothing
Progress goes to stderr; the summary (parts indexed, index size) to stdout.")]
pub struct IndexArgs {
    /// The store directory.
    #[arg(value_name = "STORE")]
    pub store: PathBuf,
}

/// The flag every reading command takes for a damaged store.
#[derive(Debug, Args, Clone)]
pub struct DamageArgs {
    /// Read a store that differs from its manifest: warn on stderr and read the recorded parts
    /// that are present with their recorded size (unknown files are never read).
    #[arg(long = "allow-damaged")]
    pub allow_damaged: bool,
}

/// `keytrail ingest`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  keytrail ingest ~/trail-export/AliyunLogs --store ./store\n\
Formats are detected from file contents, not extensions. Damaged files are reported with a \
reason and position; their valid records are still stored and the raw rejects are kept under \
<store>/rejects/. Exits 1 when anything was rejected."
)]
pub struct IngestArgs {
    /// Files or directories (walked recursively) to read.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The store directory (created if missing).
    #[arg(long, short = 's', value_name = "DIR")]
    pub store: PathBuf,
    /// Largest decompressed size accepted per file (gzip bomb guard), e.g. 4G, 512M.
    #[arg(long = "max-decompressed-bytes", alias = "max-decompressed", default_value = "4G",
          value_name = "SIZE", value_parser = parse_size)]
    pub max_decompressed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Do not show a progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Format of the summary: table (lines), json (the totals), html or md.
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// Write the summary to a file instead, in the format its extension names (.html, .md,
    /// .json).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Estimated JSON bytes read per chunk (default 32M); hidden, for tests that interrupt a
    /// run and need many small chunks.
    #[arg(long = "chunk-bytes", hide = true, value_name = "SIZE", value_parser = parse_size)]
    pub chunk_bytes: Option<u64>,
}

/// Options shared by every query command.
#[derive(Debug, Args, Clone)]
pub struct TimeArgs {
    /// Start of the range (inclusive): RFC 3339, a date (2024-03-01), a relative age (90d, 12h)
    /// or @unix-seconds. Dates without a zone are read in --tz.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// End of the range (exclusive), same forms as --from.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Time zone for showing and reading times: an IANA name (Asia/Shanghai) or an offset
    /// (+08:00). The SLS console shows Asia/Shanghai by default; keytrail defaults to UTC.
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub tz: String,
}

/// Options of every command that reads a store: memory limit and threads.
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Stop with an error (exit 3) when the process's resident memory passes SIZE (e.g. 2G,
    /// 512M) instead of letting the machine run out; default: half of physical memory.
    #[arg(long = "max-memory", value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Worker threads of the query engine (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Options of the commands that read a store with a progress bar: [`LimitArgs`] and quiet.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub limits: LimitArgs,
    /// Do not show read progress on stderr (shown only when stderr is a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Options of the commands that run SQL or show IPs: the GeoIP/ASN databases.
#[derive(Debug, Args, Clone)]
pub struct GeoArgs {
    /// A MaxMind-format database (.mmdb: GeoIP2/GeoLite2, DB-IP, ip-location-db, ASN) or a
    /// directory of them, for ip_to_country, ip_to_province, ip_to_city, ip_to_provider and
    /// ip_to_geo (repeatable; asked in order). Default: the files in $KEYTRAIL_GEOIP
    /// (separated like PATH; empty for none), else $XDG_DATA_HOME/keytrail/geoip/*.mmdb
    /// (~/.local/share/keytrail/geoip/).
    #[arg(long = "geoip", value_name = "FILE.mmdb")]
    pub geoip: Vec<PathBuf>,
    /// Language of the names ip_to_country/province/city return: zh-CN (SLS's default) or en.
    #[arg(long = "geoip-lang", default_value = "zh-CN", value_name = "LANG")]
    pub geoip_lang: String,
}

/// `keytrail query`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  keytrail query ./store 'event.serviceName:Kms AND (event.eventName:CreateKey OR event.eventName:DisableKey)'
  keytrail query ./store '\"key-abc123\"' --format ndjson          # full events mentioning a key
  keytrail query ./store '* | SELECT \"event.sourceIpAddress\" AS ip, count(*) AS n GROUP BY ip ORDER BY n DESC' --from 30d
SOURCE is a store made by `keytrail ingest`, or archive files/directories read directly (for large
archives run `keytrail ingest` once and query the store).")]
pub struct QueryArgs {
    /// A store directory, or archive files/directories to read directly.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The SLS statement: `search` or `search | SQL`.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// Raw logs: how many matching events to show (newest first).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub limit: usize,
    /// Output format: table, csv, json, ndjson (raw logs in json/ndjson are the full events),
    /// html (one self-contained page) or md (Markdown).
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// Write the result to a file instead (.parquet, .csv, .json, .ndjson, .html or .md by
    /// extension).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show how the query was understood (parsed search tree, polars plan) and do not run it.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub geoip: GeoArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub read: ReadArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub damage: DamageArgs,
}

/// `keytrail event`.
#[derive(Debug, Args)]
pub struct EventArgs {
    /// A store directory, or archive files/directories to read directly.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The eventId to show.
    #[arg(value_name = "EVENT_ID")]
    pub event_id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub damage: DamageArgs,
}

/// `keytrail histogram`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  keytrail histogram ./store 'event.serviceName:Kms' --interval 1h --tz Asia/Shanghai"
)]
pub struct HistogramArgs {
    /// A store directory, or archive files/directories to read directly.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The SLS search statement (a `| SQL` part is ignored, as in the console's histogram).
    #[arg(value_name = "QUERY", default_value = "*")]
    pub query: String,
    /// Bucket width: auto (about 60 round buckets over the range) or 30s, 5m, 1h, 1d, 1w...
    #[arg(long, short = 'i', default_value = "auto", value_name = "WIDTH")]
    pub interval: String,
    /// Output format: table (bar chart), csv, json, html or md.
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// Write the output to a file instead, in the format its extension names (.csv, .json,
    /// .ndjson, .html, .md).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub read: ReadArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub damage: DamageArgs,
}

/// `keytrail sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The directory to write the archive into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of events.
    #[arg(long, default_value_t = 20_000)]
    pub events: u64,
    /// Number of days covered.
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// Random seed (same seed, same bytes).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Events per .gz file.
    #[arg(long, default_value_t = 286)]
    pub events_per_file: u32,
    /// Plant the documented incidents (unusual deletion, denied-call burst, Decrypt spike).
    #[arg(long)]
    pub incidents: bool,
}

/// `keytrail demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's archive and store in this directory (default: a temporary one).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Parses a byte size such as `4G`, `512M`, `100k` or `1024`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("bad size {text:?}: use e.g. 4G, 512M"))?;
    let scale: u64 = match unit.to_ascii_lowercase().trim_end_matches(['b', 'i']) {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return Err(format!("bad size unit in {text:?}: use k, M, G or T")),
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("size {text:?} is too large"))
}

/// `keytrail kms ...`.
#[derive(Debug, Subcommand)]
pub enum KmsCommand {
    /// Every lifecycle event of every key (create, enable/disable, deletion scheduled or
    /// cancelled, key material, rotation, deletion protection, aliases): time, event, user,
    /// identity type, key id, source IP, result; then a histogram of them.
    #[command(after_help = "Examples:
  keytrail kms lifecycle ./store --from 90d
  keytrail kms lifecycle ./store --events CreateKey,ScheduleKeyDeletion,EnableKey,DisableKey   # the seed's scenario 1
  keytrail kms lifecycle ./store --raw --format json")]
    Lifecycle(LifecycleArgs),
    /// Who used one key, with which operations, from which IPs, how often (the seed's scenario
    /// 2), and a histogram. KEY is a key id, a key ARN, or an alias (resolved through the
    /// archive's CreateAlias/UpdateAlias events).
    #[command(after_help = "Examples:
  keytrail kms usage ./store key-hzz62f1cb66fa42qo1234
  keytrail kms usage ./store alias/prod-db --by user
  keytrail kms usage ./store acs:kms:cn-hangzhou:1234567890:key/key-hzz62f1cb66fa42qo1234 --by day")]
    Usage(UsageArgs),
    /// Inventory of every key seen: aliases, region, creation, current state as the events show
    /// it, first/last seen, calls by operation, distinct callers and IPs, errors.
    #[command(after_help = "Example:\n  keytrail kms keys ./store --format csv > keys.csv")]
    Keys(KeysArgs),
}

/// Options shared by the KMS commands.
#[derive(Debug, Args, Clone)]
pub struct KmsCommon {
    /// A store directory, or archive files/directories to read directly.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// Output format: table, csv, json, ndjson, html or md.
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// Write the output to a file instead, in the format its extension names (.csv, .json,
    /// .ndjson, .html, .md).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show the SLS statements the command runs, and do not run them.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub limits: LimitArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub geoip: GeoArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub damage: DamageArgs,
}

/// `keytrail kms lifecycle`.
#[derive(Debug, Args)]
pub struct LifecycleArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: KmsCommon,
    /// Only these events (comma-separated), e.g. CreateKey,ScheduleKeyDeletion,EnableKey,DisableKey.
    #[arg(long, value_delimiter = ',', value_name = "EVENTS")]
    pub events: Vec<String>,
    /// Also show the raw logs (newest first).
    #[arg(long)]
    pub raw: bool,
    /// Histogram bucket width: auto, 1h, 1d...
    #[arg(long, short = 'i', default_value = "auto", value_name = "WIDTH")]
    pub interval: String,
}

/// `keytrail kms usage`.
#[derive(Debug, Args)]
pub struct UsageArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: KmsCommon,
    /// The key: id, ARN, or alias (alias/name).
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Group by event name and: ip (default; with --geoip also each IP's country), user, ak,
    /// region, day, country or asn (these two need --geoip databases).
    #[arg(long, default_value = "ip", value_name = "GROUPING")]
    pub by: String,
    /// Histogram bucket width: auto, 1h, 1d...
    #[arg(long, short = 'i', default_value = "auto", value_name = "WIDTH")]
    pub interval: String,
}

/// `keytrail kms keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: KmsCommon,
    /// Part-file bytes the per-key totals read at a time (default 512M); hidden, for tests
    /// that cut small stores into one group per day.
    #[arg(long = "group-bytes", hide = true, value_name = "SIZE", value_parser = parse_size,
          default_value_t = keytrail::query::exec::NARROW_GROUP_BYTES)]
    pub group_bytes: u64,
}

/// `keytrail detect`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  keytrail detect ./store --from 30d
  keytrail detect ./store --rules ./my-rules --no-builtin --format json
  keytrail detect ./store --baselines --baseline-days 28 --min-severity medium
Rules are TOML files of [[rule]] tables (see `keytrail rules show <ID>` for examples).")]
pub struct DetectArgs {
    /// A store directory, or archive files/directories to read directly.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// Rule files, or directories of *.toml rule files (repeatable).
    #[arg(long = "rules", value_name = "DIR|FILE")]
    pub rules: Vec<PathBuf>,
    /// Run the built-in rules (the default).
    #[arg(long, overrides_with = "no_builtin")]
    pub builtin: bool,
    /// Do not run the built-in rules.
    #[arg(long = "no-builtin")]
    pub no_builtin: bool,
    /// Only findings of at least this severity: info, low, medium, high, critical.
    #[arg(long = "min-severity", default_value = "info", value_name = "S")]
    pub min_severity: String,
    /// Also run the baselines: per-key and per-principal call and error rates against their
    /// own history, and first-seen (key, IP), (key, principal), (AccessKey, IP) pairs.
    #[arg(long)]
    pub baselines: bool,
    /// Days of history each hourly rate is compared with.
    #[arg(long = "baseline-days", default_value_t = 14, value_name = "N")]
    pub baseline_days: u32,
    /// Output format: table, csv, json, ndjson, html or md.
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// Write the output to a file instead, in the format its extension names (.csv, .json,
    /// .ndjson, .html, .md).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Events a detect chunk holds at most; hidden, for tests that cut small stores into
    /// many chunks.
    #[arg(long = "chunk-events", hide = true, value_name = "N",
          default_value_t = keytrail::detect::chunked::CHUNK_EVENTS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub chunk_events: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub limits: LimitArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub geoip: GeoArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub damage: DamageArgs,
}

/// `keytrail rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List rules: id, severity, title, window.
    List(RulesListArgs),
    /// Show every field of one rule.
    Show(RulesShowArgs),
    /// Validate a rule file: TOML, fields, query (search and SQL), condition and entity columns.
    Check(RulesCheckArgs),
}

/// `keytrail rules list`.
#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Rule files or directories to list as well (repeatable).
    #[arg(long = "rules", value_name = "DIR|FILE")]
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in rules.
    #[arg(long = "no-builtin")]
    pub no_builtin: bool,
    /// Output format: table, csv, json, ndjson, html or md.
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
}

/// `keytrail rules show`.
#[derive(Debug, Args)]
pub struct RulesShowArgs {
    /// The rule id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Rule files or directories to search as well (repeatable).
    #[arg(long = "rules", value_name = "DIR|FILE")]
    pub rules: Vec<PathBuf>,
    /// Output format: table (field by field), json, html or md.
    #[arg(long, short = 'f', default_value = "table", value_name = "FORMAT")]
    pub format: String,
}

/// `keytrail rules check`.
#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    /// The rule file to validate.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `keytrail report`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  keytrail report ./store --out report.html
  keytrail report ./store --from 2024-03-01 --to 2024-04-01 --baselines --key alias/prod --out march.html
  keytrail report ./store --format md --out report.md       # for tickets
  chromium --headless --no-sandbox --print-to-pdf=report.pdf report.html")]
pub struct ReportArgs {
    /// A store directory, or archive files/directories to read directly.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The file to write (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Narrow the KMS sections to this key (id, ARN or alias; repeatable).
    #[arg(long = "key", value_name = "KEY")]
    pub keys: Vec<String>,
    /// Also run the baselines (as `detect --baselines`).
    #[arg(long)]
    pub baselines: bool,
    /// Days of history each hourly rate is compared with.
    #[arg(long = "baseline-days", default_value_t = 14, value_name = "N")]
    pub baseline_days: u32,
    /// A previous period to compare with: <FROM>..<TO> (same forms as --from).
    #[arg(long = "compare-to", value_name = "FROM..TO")]
    pub compare_to: Option<String>,
    /// The report's title.
    #[arg(long)]
    pub title: Option<String>,
    /// The time the report says it was made (for reproducible output; default: now).
    #[arg(long = "generated-at", value_name = "TIME")]
    pub generated_at: Option<String>,
    /// Output format: html (default), md or json.
    #[arg(long, short = 'f', default_value = "html", value_name = "FORMAT")]
    pub format: String,
    /// Rule files, or directories of *.toml rule files, to run besides the built-in ones.
    #[arg(long = "rules", value_name = "DIR|FILE")]
    pub rules: Vec<PathBuf>,
    /// Do not run the built-in rules.
    #[arg(long = "no-builtin")]
    pub no_builtin: bool,
    /// Events a detect chunk holds at most; hidden, for tests that cut small stores into
    /// many chunks.
    #[arg(long = "chunk-events", hide = true, value_name = "N",
          default_value_t = keytrail::detect::chunked::CHUNK_EVENTS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub chunk_events: u64,
    /// Part-file bytes the report reads at a time (default 96M); hidden, for tests that cut
    /// small stores into one group per day.
    #[arg(long = "group-bytes", hide = true, value_name = "SIZE", value_parser = parse_size,
          default_value_t = keytrail::report::GROUP_BYTES)]
    pub group_bytes: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub limits: LimitArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub geoip: GeoArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub damage: DamageArgs,
}
