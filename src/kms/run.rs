//! Runs the KMS investigations on a frame of events through the query engine and returns
//! render-ready reports. Each report carries the statements it ran, for `--explain`.

use polars::prelude::*;

use super::aliases::{alias_statement, AliasHistory, ALIAS_EVENTS};
use super::inventory::{self, KeyRecord};
use super::totals::Totals;
use super::{kms_events_search, lifecycle_statement, quote, usage_statement, KeyRef, UsageBy};
use crate::error::{Error, Result};
use crate::event::schema;
use crate::histogram::{self, Histogram, Interval};
use crate::query::{self, sql::SqlContext};
use crate::time::TimeRange;

/// How a report's statements run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// SQL session settings (zone, now).
    pub ctx: SqlContext,
    /// The time range, which bounds the histogram.
    pub range: TimeRange,
    /// Histogram bucket width.
    pub interval: Interval,
}

/// `kms lifecycle`: the table of lifecycle events, their histogram, and optionally the raw logs.
pub struct LifecycleReport {
    /// The statement run (search | SQL).
    pub statement: String,
    /// time, eventName, user, identity, keyId, ip, result.
    pub table: DataFrame,
    /// The lifecycle events per time bucket.
    pub histogram: Histogram,
    /// The matched events, newest first, when asked for.
    pub raw: Option<DataFrame>,
    /// The planner's notes.
    pub notes: Vec<String>,
}

/// `kms usage`: who used a key, how, from where.
pub struct UsageReport {
    /// What the user asked for (id, ARN or alias).
    pub requested: String,
    /// The key ids searched for (an alias resolves to every key it pointed to).
    pub key_ids: Vec<String>,
    /// Aliases searched for as the key of a call.
    pub aliases: Vec<String>,
    /// The statement run.
    pub statement: String,
    /// eventName, <grouping>, num: most frequent first.
    pub table: DataFrame,
    /// The key's events per time bucket.
    pub histogram: Histogram,
    /// The planner's notes (which GeoIP databases answered, with their provenance).
    pub notes: Vec<String>,
}

/// `kms keys`: every key seen.
pub struct InventoryReport {
    /// The statements run.
    pub statements: Vec<String>,
    /// One record per key, ordered by key id.
    pub keys: Vec<KeyRecord>,
    /// The planner's notes.
    pub notes: Vec<String>,
}

/// Runs the lifecycle statement for `events` (the event names to include).
pub fn lifecycle(
    source: LazyFrame,
    events: &[&str],
    raw: bool,
    opts: &RunOptions,
) -> Result<LifecycleReport> {
    let statement = lifecycle_statement(events, opts.ctx.geoip.is_some());
    let compiled = query::compile(&statement, source, &opts.ctx)?;
    let plan = compiled
        .sql
        .ok_or_else(|| Error::Other("lifecycle statement has no SQL part".into()))?;
    let notes = plan.notes;
    let mut frames = vec![
        plan.frame,
        compiled
            .matched
            .clone()
            .select([col(crate::event::schema::TIME)]),
    ];
    if raw {
        frames.push(newest_first(compiled.matched));
    }
    let mut results = query::collect_together(frames)?.into_iter();
    let table = results.next().unwrap_or_default();
    let times = results.next().unwrap_or_default();
    let histogram = histogram_of(times, opts)?;
    Ok(LifecycleReport {
        statement,
        table,
        histogram,
        raw: results.next(),
        notes,
    })
}

/// The text columns a usage statement reads, whatever its grouping.
const USAGE_COLUMNS: &[&str] = &[
    schema::EVENT_NAME,
    schema::SOURCE_IP,
    schema::USER_NAME,
    schema::PRINCIPAL_ID,
    schema::ACCESS_KEY_ID,
    schema::REGION,
];

/// Runs the usage statement for `key`; an alias is resolved through the archive's alias events.
pub fn usage(source: LazyFrame, key: &str, by: UsageBy, opts: &RunOptions) -> Result<UsageReport> {
    let (key_ids, aliases) = resolve_key(source.clone(), key, opts)?;
    let statement = usage_statement(&key_ids, &aliases, by, opts.ctx.geoip.is_some());
    let compiled = query::compile(&statement, source, &opts.ctx)?;
    // The key's events (the columns any grouping reads), read in one streaming pass: memory
    // follows the key's events, not the range's.
    let mut columns: Vec<Expr> = vec![col(schema::TIME)];
    columns.extend(USAGE_COLUMNS.iter().map(|c| query::compacted(col(*c))));
    let matched = compiled
        .matched
        .select(columns)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single()
        .lazy();
    let plan = query::plan_sql_part(&statement, matched.clone(), &opts.ctx)?
        .ok_or_else(|| Error::Other("usage statement has no SQL part".into()))?;
    let notes = plan.notes;
    let frames = vec![plan.frame, matched.select([col(schema::TIME)])];
    let mut results = query::collect_together(frames)?.into_iter();
    let table = results.next().unwrap_or_default();
    let histogram = histogram_of(results.next().unwrap_or_default(), opts)?;
    Ok(UsageReport {
        requested: key.to_string(),
        key_ids,
        aliases,
        statement,
        table,
        histogram,
        notes,
    })
}

/// The key ids `key` stands for, and the aliases to search for as a call's key: an id or ARN is
/// itself; an alias resolves through the archive's alias events to every key it pointed to.
pub fn resolve_key(
    source: LazyFrame,
    key: &str,
    opts: &RunOptions,
) -> Result<(Vec<String>, Vec<String>)> {
    Ok(match KeyRef::parse(key).map_err(Error::Usage)? {
        KeyRef::Id(id) => (vec![id], Vec::new()),
        KeyRef::Alias(alias) => (alias_history(source, opts)?.resolve(&alias), vec![alias]),
    })
}

/// Runs the inventory statements over `source` in one group: [`keys_in`] with the whole
/// source as its only group.
pub fn keys(source: LazyFrame, opts: &RunOptions) -> Result<InventoryReport> {
    keys_in(source.clone(), std::iter::once(Ok(source)), opts)
}

/// Runs the inventory statements. The alias and state statements select only alias and
/// state events, so one selective scan of `source` reads those events ([`key_changes`]) and
/// both run on that small frame. The totals statement, whose SQL needs the alias history, is
/// computed group by group of `groups` (the source's part files in scan order, each scanned
/// over the range) in memory bounded by a group ([`totals::Totals`]): the same frame as the
/// statement over the whole source.
pub fn keys_in(
    source: LazyFrame,
    groups: impl IntoIterator<Item = Result<LazyFrame>>,
    opts: &RunOptions,
) -> Result<InventoryReport> {
    let changes = key_changes(source.clone(), opts)?;
    let history = alias_history(changes.clone().lazy(), opts)?;
    let geoip = opts.ctx.geoip.is_some();
    let totals_statement = inventory::usage_totals_statement(&history, geoip);
    let state_statement = inventory::state_statement(&history);
    // Planned once over the whole source for the planner's notes, as the statement runs.
    let (_, mut notes) = sql_plan(&totals_statement, source, opts)?;
    let (states, state_notes) = sql_plan(&state_statement, changes.lazy(), opts)?;
    notes.extend(
        state_notes
            .into_iter()
            .filter(|n| !notes.contains(n))
            .collect::<Vec<_>>(),
    );
    let mut totals = Totals::new(geoip);
    for group in groups {
        totals.add_group(group?, &history, &opts.ctx)?;
    }
    let totals = totals.into_frame()?;
    let states = states.collect()?;
    let keys = inventory::build(&totals, &states, &history)?;
    Ok(InventoryReport {
        statements: vec![alias_statement(), totals_statement, state_statement],
        keys,
        notes,
    })
}

/// The alias and state events of the source (a superset of the rows the alias and state
/// statements select) with the columns those statements read. Few events, so the
/// request-parameters text is compacted batch by batch instead of keeping the per-file decode
/// buffers it was filtered from.
fn key_changes(source: LazyFrame, opts: &RunOptions) -> Result<DataFrame> {
    let search = kms_events_search(&[ALIAS_EVENTS, inventory::STATE_EVENTS].concat());
    let mut columns: Vec<Expr> = inventory::CHANGE_COLUMNS.iter().map(|c| col(*c)).collect();
    columns.push(query::compacted(col(schema::REQUEST_PARAMETER_JSON)));
    Ok(query::compile(&search, source, &opts.ctx)?
        .matched
        .select(columns)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single())
}

/// The alias history of the source.
pub fn alias_history(source: LazyFrame, opts: &RunOptions) -> Result<AliasHistory> {
    let df = sql_plan(&alias_statement(), source, opts)?.0.collect()?;
    Ok(AliasHistory::from_frame(&df)?)
}

/// The plan of `statement` over `source`, and the planner's notes.
fn sql_plan(
    statement: &str,
    source: LazyFrame,
    opts: &RunOptions,
) -> Result<(LazyFrame, Vec<String>)> {
    let compiled = query::compile(statement, source, &opts.ctx)?;
    compiled
        .sql
        .map(|p| (p.frame, p.notes))
        .ok_or_else(|| Error::Other(format!("statement has no SQL part: {statement}")))
}

fn newest_first(matched: LazyFrame) -> LazyFrame {
    matched.sort(
        [crate::event::schema::TIME],
        SortMultipleOptions::default().with_order_descending(true),
    )
}

fn histogram_of(times: DataFrame, opts: &RunOptions) -> Result<Histogram> {
    histogram::compute(
        times.lazy(),
        opts.range.from,
        opts.range.to,
        opts.interval,
        &opts.ctx.zone,
    )
}

/// The search term of a key id as `kms usage` writes it (for messages).
pub fn key_term(key_id: &str) -> String {
    quote(key_id)
}
