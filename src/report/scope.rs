//! Section 0 (header and scope): the events' time span, the accounts and regions seen, and the
//! per-day, per-region delivery coverage, each one SLS statement run through the query engine
//! (the span streaming over the range; the others group by group of partitions, merged).

use polars::prelude::*;

use super::frames::{counts, ints, strings, Fold, Merge, Merged, FAILED_SQL};
use super::model::{Count, Coverage};
use super::{Methods, ReportOptions};
use crate::error::Result;
use crate::kms::ALL_ROWS;

/// The span and size of the events in range.
pub struct Span {
    /// First event time.
    pub first: Option<i64>,
    /// Last event time.
    pub last: Option<i64>,
    /// Events.
    pub events: u64,
}

const SPAN_STATEMENT: &str =
    "* | SELECT min(__time__) as first, max(__time__) as last, count(*) as events";

/// The first and last event time and the number of events, in one streaming pass over
/// `__time__` (memory does not grow with the range).
pub fn span(events: &LazyFrame, opts: &ReportOptions, methods: &mut Methods) -> Result<Span> {
    methods.add("Events in range, first and last event", SPAN_STATEMENT);
    let df = super::frames::sql(SPAN_STATEMENT, events.clone(), &opts.ctx)?
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let events_n = counts(&df, "events")?.first().copied().unwrap_or(0);
    let first = df.column("first")?.cast(&DataType::Int64)?.i64()?.get(0);
    let last = df.column("last")?.cast(&DataType::Int64)?.i64()?.get(0);
    Ok(Span {
        first: first.filter(|_| events_n > 0),
        last: last.filter(|_| events_n > 0),
        events: events_n,
    })
}

/// `{search} | SELECT {expr} as value, count(*) as events, failed as errors GROUP BY value`,
/// most events first: the statement of every "by X" table.
pub fn grouping_statement(search: &str, expr: &str, filter: Option<&str>) -> String {
    let filter = filter.map(|f| format!(" WHERE {f}")).unwrap_or_default();
    format!(
        "{search} | SELECT {expr} as value, count(*) as events, count_if({FAILED_SQL}) as errors\
         {filter} GROUP BY value ORDER BY events DESC, value LIMIT {ALL_ROWS}"
    )
}

/// How a grouping statement's rows merge across groups: counts add up; most events first.
pub fn grouping_merge() -> Merge {
    Merge::new(&["value"], &[("events", Fold::Sum), ("errors", Fold::Sum)])
        .ordered(&[("events", true), ("value", false)])
}

/// The rows of a grouping statement's result.
pub fn count_rows(df: &DataFrame) -> Result<Vec<Count>> {
    let values = strings(df, "value")?;
    let events = counts(df, "events")?;
    let errors = counts(df, "errors")?;
    Ok(values
        .into_iter()
        .zip(events.into_iter().zip(errors))
        .map(|(value, (events, errors))| Count {
            value,
            events,
            errors,
            previous: None,
        })
        .collect())
}

/// SQL of the account an event belongs to.
pub const ACCOUNT_SQL: &str =
    r#"coalesce(nullif("event.recipientAccountId", ''), "event.userIdentity.accountId")"#;

/// The statement of the coverage strip: events per day and region.
pub fn coverage_statement() -> String {
    format!(
        "* | SELECT date_format(__time__, '%Y-%m-%d') as day, \"event.acsRegion\" as region, \
         count(*) as events GROUP BY day, region ORDER BY day, region LIMIT {ALL_ROWS}"
    )
}

/// The statements of the accounts, the regions and the coverage strip, in that order.
pub fn statements(methods: &mut Methods) -> Vec<Merged> {
    let accounts = grouping_statement("*", ACCOUNT_SQL, None);
    let regions = grouping_statement("*", "\"event.acsRegion\"", None);
    let coverage = coverage_statement();
    methods.add("Accounts seen", &accounts);
    methods.add("Regions seen", &regions);
    methods.add("Coverage strip (events per day and region)", &coverage);
    let by_day = Merge::new(&["day", "region"], &[("events", Fold::Sum)])
        .ordered(&[("day", false), ("region", false)]);
    vec![
        Merged::new(accounts, grouping_merge()),
        Merged::new(regions, grouping_merge()),
        Merged::new(coverage, by_day),
    ]
}

/// Accounts seen, regions seen and the coverage grid over `days`, from the results of
/// [`statements`].
pub fn accounts_and_coverage(
    frames: Vec<DataFrame>,
    days: Vec<String>,
) -> Result<(Vec<Count>, Vec<Count>, Coverage)> {
    let mut frames = frames.into_iter();
    let accounts = count_rows(&frames.next().unwrap_or_default())?;
    let regions = count_rows(&frames.next().unwrap_or_default())?;
    let grid = coverage_grid(&frames.next().unwrap_or_default(), days, &regions)?;
    Ok((accounts, regions, grid))
}

fn coverage_grid(df: &DataFrame, days: Vec<String>, regions: &[Count]) -> Result<Coverage> {
    let mut names: Vec<String> = regions.iter().map(|r| r.value.clone()).collect();
    names.sort();
    let mut cells = vec![vec![0u64; days.len()]; names.len()];
    let (day, region, n) = (
        strings(df, "day")?,
        strings(df, "region")?,
        ints(df, "events")?,
    );
    for ((d, r), n) in day.iter().zip(&region).zip(n) {
        if let (Ok(ri), Ok(di)) = (names.binary_search(r), days.binary_search(d)) {
            cells[ri][di] += u64::try_from(n).unwrap_or(0);
        }
    }
    let empty_days = days
        .iter()
        .enumerate()
        .filter(|(i, _)| cells.iter().all(|row| row[*i] == 0))
        .map(|(_, d)| d.clone())
        .collect::<Vec<_>>();
    let busy_days: Vec<usize> = (0..days.len())
        .filter(|i| cells.iter().any(|row| row[*i] > 0))
        .collect();
    let gaps = cells
        .iter()
        .map(|row| busy_days.iter().filter(|&&i| row[i] == 0).count() as u64)
        .sum();
    Ok(Coverage {
        days,
        regions: names,
        cells,
        empty_days,
        gaps,
    })
}

/// Every day (`YYYY-MM-DD` in the zone) from `first` to `last`, at most `limit` days (the
/// last ones).
pub fn days_between(first: i64, last: i64, zone: &crate::time::Zone, limit: usize) -> Vec<String> {
    let mut days = Vec::new();
    let mut t = crate::histogram::bucket_start(first, 86_400, zone);
    while t <= last {
        let day = zone.format(t, "%Y-%m-%d");
        if days.last() != Some(&day) {
            days.push(day);
        }
        // Step by a day plus a margin, re-aligned, so zone offset changes never skip a day.
        t = crate::histogram::bucket_start(t + 86_400 + 7_200, 86_400, zone);
    }
    let skip = days.len().saturating_sub(limit);
    days.split_off(skip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Zone;

    #[test]
    fn days_cover_first_to_last() {
        let zone = Zone::default();
        let days = days_between(1_714_521_600 + 3600, 1_714_521_600 + 2 * 86_400, &zone, 100);
        assert_eq!(days, vec!["2024-05-01", "2024-05-02", "2024-05-03"]);
        assert_eq!(days_between(0, 10 * 86_400, &zone, 3).len(), 3);
    }

    #[test]
    fn grouping_statement_counts_errors() {
        let s = grouping_statement("*", "\"event.acsRegion\"", None);
        assert!(s.starts_with("* | SELECT \"event.acsRegion\" as value, count(*) as events"));
    }
}
