//! `keytrail kms lifecycle|usage|keys`: resolve options, run the investigation through the
//! query engine, render the report.

use keytrail::histogram::Interval;
use keytrail::kms::aliases::alias_statement;
use keytrail::kms::inventory::{state_statement, usage_totals_statement};
use keytrail::kms::run::{self, RunOptions};
use keytrail::kms::{
    lifecycle_statement, usage_search, usage_statement, KeyRef, UsageBy, LIFECYCLE_EVENTS,
};
use keytrail::query::exec;
use keytrail::query::sql::SqlContext;
use keytrail::render::escape::visible_lines;
use keytrail::render::model::{Note, NoteKind, Report};
use keytrail::render::{self, output, OutputFormat};
use keytrail::{Error, Result};

use super::geoip::open_geoip;
use super::query::{check_output, resolve_time};
use super::source::Source;
use crate::cli::{KeysArgs, KmsCommand, KmsCommon, LifecycleArgs, UsageArgs};

/// Runs one KMS subcommand.
pub fn run(command: KmsCommand) -> Result<i32> {
    let (common, what) = match &command {
        KmsCommand::Lifecycle(args) => (&args.common, "kms lifecycle"),
        KmsCommand::Usage(args) => (&args.common, "kms usage"),
        KmsCommand::Keys(args) => (&args.common, "kms keys"),
    };
    let _guard = super::query::guard_memory(&common.limits, what);
    match command {
        KmsCommand::Lifecycle(args) => lifecycle(args),
        KmsCommand::Usage(args) => usage(args),
        KmsCommand::Keys(args) => keys(args),
    }
}

/// What every kms subcommand opens before it runs: the source, run options and output choice.
struct KmsSetup {
    source: Source,
    opts: RunOptions,
    format: OutputFormat,
    output: Option<std::path::PathBuf>,
}

fn prepare(common: &KmsCommon, interval: &str) -> Result<KmsSetup> {
    let format = OutputFormat::parse(&common.format).map_err(Error::Usage)?;
    check_output(common.output.as_deref())?;
    let interval = Interval::parse(interval).map_err(Error::Usage)?;
    let time = resolve_time(&common.time)?;
    let source = Source::open(&common.source, &common.damage)?;
    let ctx = SqlContext {
        zone: time.zone,
        now: time.now,
        geoip: open_geoip(&common.geoip)?,
    };
    Ok(KmsSetup {
        source,
        opts: RunOptions {
            ctx,
            range: time.range,
            interval,
        },
        format,
        output: common.output.clone(),
    })
}

fn print_statements(statements: &[String]) -> Result<i32> {
    for s in statements {
        println!("{}", visible_lines(s));
    }
    Ok(0)
}

fn lifecycle(args: LifecycleArgs) -> Result<i32> {
    let events: Vec<&str> = if args.events.is_empty() {
        LIFECYCLE_EVENTS.to_vec()
    } else {
        args.events
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .collect()
    };
    if args.common.explain {
        let geoip = open_geoip(&args.common.geoip)?.is_some();
        return print_statements(&[lifecycle_statement(&events, geoip)]);
    }
    let p = prepare(&args.common, &args.interval)?;
    let result = run::lifecycle(p.source.scan(&p.opts.range)?, &events, args.raw, &p.opts)?;
    show(render::kms::lifecycle(&result, &p.opts.ctx.zone), &p)
}

fn usage(args: UsageArgs) -> Result<i32> {
    let by = UsageBy::parse(&args.by).map_err(Error::Usage)?;
    KeyRef::parse(&args.key).map_err(Error::Usage)?;
    let p = prepare(&args.common, &args.interval)?;
    let geoip = p.opts.ctx.geoip.is_some();
    if by.needs_geoip() && !geoip {
        return Err(Error::Usage(format!(
            "--by {}: needs a GeoIP database; {}",
            args.by,
            keytrail::geoip::HOW_TO_ADD
        )));
    }
    if args.common.explain {
        let (key_ids, aliases) =
            run::resolve_key(p.source.scan(&p.opts.range)?, &args.key, &p.opts)?;
        let mut statements = Vec::new();
        if !aliases.is_empty() {
            statements.push(alias_statement());
        }
        statements.push(usage_statement(&key_ids, &aliases, by, geoip));
        return print_statements(&statements);
    }
    // A key id's events are found through the token index; an alias needs the alias history.
    let events = match KeyRef::parse(&args.key) {
        Ok(KeyRef::Id(id)) => p
            .source
            .scan_for_search(&p.opts.range, &usage_search(&[id], &[])),
        _ => p.source.scan(&p.opts.range),
    };
    let result = run::usage(events?, &args.key, by, &p.opts)?;
    show(render::kms::usage(&result, &p.opts.ctx.zone), &p)
}

/// Adds the provenance of every GeoIP database the views read, and writes the report.
fn show(mut report: Report, p: &KmsSetup) -> Result<i32> {
    for db in p.opts.ctx.geoip.iter().flat_map(|g| &g.databases) {
        report.note(Note::new(NoteKind::Provenance, db.provenance.line()));
    }
    output::emit(&report, p.format, p.output.as_deref())?;
    Ok(0)
}

fn keys(args: KeysArgs) -> Result<i32> {
    let p = prepare(&args.common, "auto")?;
    if args.common.explain {
        let history = run::alias_history(p.source.scan(&p.opts.range)?, &p.opts)?;
        return print_statements(&[
            alias_statement(),
            usage_totals_statement(&history, p.opts.ctx.geoip.is_some()),
            state_statement(&history),
        ]);
    }
    let range = p.opts.range;
    let files = p.source.files(&range);
    let groups = exec::grouped(exec::partitions_of(&files), args.group_bytes);
    let scans = groups.iter().map(|g| p.source.scan_files(&g.files, &range));
    let result = run::keys_in(p.source.scan(&range)?, scans, &p.opts)?;
    show(render::kms::inventory(&result, &p.opts.ctx.zone), &p)
}
