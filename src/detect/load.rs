//! Reads what the rules and the baselines need from the events, scanning the large `event`
//! JSON column only for the few events of rules whose SQL reads it.
//!
//! 1. One scan reads the small columns of every event: those the search parts test, those
//!    the rules' SQL reads, and those the baselines group by. Each search part is then
//!    evaluated once per distinct combination of the values it tests ([`super::codes`]),
//!    not once per event. (A search part that reads the `event` text runs in this same pass
//!    as a filter of its own scan.)
//! 2. For the rules whose SQL reads `event`, one more scan reads it only for their events:
//!    it keeps the events whose tested columns hold values that the rule's events hold in
//!    step 1 (hash lookups), and the rule's search part then picks its events among those.

use polars::prelude::*;

use super::baseline;
use super::codes::{filter_rows, values_filter};
use super::engine::CompiledRule;
use crate::error::{Error, Result};
use crate::event::schema::{EVENT, EVENT_ID, TIME};
use crate::query;

/// The first and last `__time__` of the events, if any.
pub type Bounds = (Option<i64>, Option<i64>);

/// How a rule's events are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// Search part over the small columns, SQL without `event`.
    Small,
    /// Search part over the small columns, SQL reads `event`.
    WithEvent,
    /// The search part reads the `event` text: its own filtered scan.
    Scan,
}

fn way(p: &CompiledRule) -> Way {
    match (p.filter_columns(), p.reads_event()) {
        (None, _) => Way::Scan,
        (Some(_), false) => Way::Small,
        (Some(_), true) => Way::WithEvent,
    }
}

/// Loads each rule's matched events from `events` (the columns its SQL may read, sorted by
/// time; in the order of `prepared`). With `baselines`, it is called on the baselines' events
/// (at least [`baseline::COLUMNS`], from `history` or else `events`) and the bounds of
/// `events`, on a thread of its own while the `event` column is read; its result is returned.
pub fn load<R, F>(
    events: LazyFrame,
    history: Option<LazyFrame>,
    prepared: &[CompiledRule],
    baselines: Option<F>,
) -> Result<(Vec<DataFrame>, Option<R>)>
where
    R: Send,
    F: FnOnce(&DataFrame, Bounds) -> R + Send,
{
    let ways: Vec<Way> = prepared.iter().map(way).collect();
    let small = small_columns(prepared, &ways, baselines.is_some() && history.is_none());
    let read_small = ways.iter().any(|w| *w != Way::Scan) || baselines.is_some();

    // Pass 1: the small columns of every event, the own scans, the history.
    let mut frames = Vec::new();
    if read_small {
        frames.push(select(events.clone(), &small));
    }
    let history_frame = history.filter(|_| baselines.is_some());
    if let Some(h) = &history_frame {
        let columns: Vec<String> = baseline::COLUMNS.iter().map(|c| c.to_string()).collect();
        frames.push(select(h.clone(), &columns));
    }
    for (p, w) in prepared.iter().zip(&ways) {
        if *w == Way::Scan {
            frames.push(p.matched(events.clone()));
        }
    }
    let mut pass1 = collect_streaming(frames)?.into_iter();
    let small_df = if read_small { pass1.next() } else { None };
    let history_df = if history_frame.is_some() {
        pass1.next()
    } else {
        None
    };
    let own: Vec<Option<DataFrame>> = ways
        .iter()
        .map(|w| if *w == Way::Scan { pass1.next() } else { None })
        .collect();

    let Some(small_df) = small_df else {
        return Ok((
            own.into_iter().map(Option::unwrap_or_default).collect(),
            None,
        ));
    };

    // The rows each search part keeps.
    let filters: Vec<(Expr, Option<Vec<String>>)> = prepared
        .iter()
        .zip(&ways)
        .filter(|(_, w)| **w != Way::Scan)
        .map(|(p, _)| {
            (
                p.filter().cloned().unwrap_or_else(|| lit(true)),
                p.filter_columns().map(<[String]>::to_vec),
            )
        })
        .collect();
    let rows = filter_rows(&small_df, &filters)?.into_iter();

    let history_df = history_df.unwrap_or_else(|| small_df.clone());
    let bounds = time_bounds(&small_df)?;
    std::thread::scope(|scope| {
        let meanwhile = baselines.map(|f| scope.spawn(|| f(&history_df, bounds)));
        let matched = event_passes(&events, prepared, &ways, &small_df, rows, own)?;
        let result = match meanwhile {
            Some(handle) => Some(
                handle
                    .join()
                    .map_err(|_| Error::Other("the baselines' thread panicked".into()))?,
            ),
            None => None,
        };
        Ok((matched, result))
    })
}

/// Passes 2 and 3: the rules' events from the small columns (`rows` kept by the search parts
/// evaluated over them), and one scan of the `event` column for the rules that read it.
fn event_passes(
    events: &LazyFrame,
    prepared: &[CompiledRule],
    ways: &[Way],
    small_df: &DataFrame,
    mut rows: impl Iterator<Item = IdxCa>,
    mut own: Vec<Option<DataFrame>>,
) -> Result<Vec<DataFrame>> {
    let mut frames = Vec::new();
    let mut event_filters = Vec::new();
    for (p, w) in prepared.iter().zip(ways) {
        match w {
            Way::Small => {
                let kept = rows.next().unwrap_or_default();
                frames.push(p.shape(small_df.take(&kept)?.lazy()));
            }
            Way::WithEvent => {
                let kept = rows.next().unwrap_or_default();
                event_filters.push(event_scan_filter(small_df, p, &kept)?);
            }
            Way::Scan => {}
        }
    }
    let with_event = (!event_filters.is_empty()).then(|| {
        let any = event_filters
            .into_iter()
            .reduce(|a, b| a.or(b))
            .unwrap_or_else(|| lit(false));
        let frame = events.clone().filter(any);
        match event_columns(prepared, ways) {
            Some(columns) => select(frame, &columns),
            None => frame,
        }
    });
    if let Some(f) = &with_event {
        frames.push(f.clone());
    }
    let mut pass2 = collect_streaming(frames)?;
    let event_df = with_event.and_then(|_| pass2.pop()).map(|mut df| {
        // One chunk, so each search part's regexes are compiled once, not once per file.
        df.rechunk_mut_par();
        df
    });
    let mut pass2 = pass2.into_iter();

    // Pass 3 (in memory): each event-reading rule's own events.
    let mut frames = Vec::new();
    for (p, w) in prepared.iter().zip(ways) {
        if let (Way::WithEvent, Some(df)) = (w, &event_df) {
            let rows = df.clone().lazy();
            frames.push(p.shape(match p.filter() {
                Some(f) => rows.filter(f.clone()),
                None => rows,
            }));
        }
    }
    let mut pass3 = query::collect_together(frames)?.into_iter();
    Ok(ways
        .iter()
        .zip(own.iter_mut())
        .map(|(w, own)| match w {
            Way::Small => pass2.next().unwrap_or_default(),
            Way::WithEvent => pass3.next().unwrap_or_default(),
            Way::Scan => own.take().unwrap_or_default(),
        })
        .collect())
}

/// The small columns: what the search parts test, what the SQL of rules not reading `event`
/// reads, the time and event id, and the baselines' columns when they read `events`.
fn small_columns(prepared: &[CompiledRule], ways: &[Way], baselines: bool) -> Vec<String> {
    let mut out: Vec<String> = vec![TIME.to_string(), EVENT_ID.to_string()];
    let mut add = |c: &str| {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    };
    for (p, w) in prepared.iter().zip(ways) {
        if *w == Way::Scan {
            continue;
        }
        p.filter_columns()
            .unwrap_or_default()
            .iter()
            .for_each(|c| add(c));
        if *w == Way::Small {
            p.columns().unwrap_or_default().iter().for_each(|c| add(c));
        }
    }
    if baselines {
        baseline::COLUMNS.iter().for_each(|c| add(c));
    }
    out
}

/// The columns the second scan reads: `event` and what the event-reading rules' search parts
/// and SQL read; None when one of them reads every column.
fn event_columns(prepared: &[CompiledRule], ways: &[Way]) -> Option<Vec<String>> {
    let mut out: Vec<String> = vec![TIME.to_string(), EVENT_ID.to_string(), EVENT.to_string()];
    for (p, w) in prepared.iter().zip(ways) {
        if *w != Way::WithEvent {
            continue;
        }
        let columns = p.columns()?;
        for c in columns.iter().chain(p.filter_columns().unwrap_or_default()) {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    Some(out)
}

/// The second scan's filter for a rule whose search part kept `kept` (rows of the small
/// columns `small`): a superset by value lookups when the columns it tests are text, else the
/// search part itself.
fn event_scan_filter(small: &DataFrame, p: &CompiledRule, kept: &IdxCa) -> Result<Expr> {
    let columns = p.filter_columns().unwrap_or_default();
    let text = columns.iter().all(|c| {
        small
            .column(c)
            .is_ok_and(|s| matches!(s.dtype(), DataType::String))
    });
    let by_values = if text {
        values_filter(small, columns, kept)?
    } else {
        p.filter().cloned().unwrap_or_else(|| lit(true))
    };
    Ok(by_values.and(time_spans(small, kept)?))
}

/// How many time spans [`time_spans`] keeps at most. The reader evaluates the spans against
/// the statistics of every row group it opens, and that costs more than the decoding that
/// finer spans save: with 32, 27% of `detect --baselines`' instructions on a 1M-event store
/// went into those evaluations; 8 cut `detect`'s instructions by 29% there (same findings).
const MAX_SPANS: usize = 8;

/// A filter on `__time__` keeping at least `rows` of `small`: a few spans covering their
/// times. The Parquet reader skips the row groups whose time statistics fall outside, so a
/// rule with rare events does not decode the `event` column of every file.
fn time_spans(small: &DataFrame, rows: &IdxCa) -> Result<Expr> {
    let times = small.column(TIME)?.cast(&DataType::Int64)?;
    let mut times: Vec<i64> = times.i64()?.take(rows)?.iter().flatten().collect();
    times.sort_unstable();
    times.dedup();
    Ok(spans(&times, MAX_SPANS)
        .into_iter()
        .map(|(a, b)| col(TIME).gt_eq(lit(a)).and(col(TIME).lt_eq(lit(b))))
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false)))
}

/// At most `max` closed spans covering the ascending `times`: the widest gaps separate them.
fn spans(times: &[i64], max: usize) -> Vec<(i64, i64)> {
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return Vec::new();
    };
    let mut gaps: Vec<(i64, usize)> = times
        .windows(2)
        .enumerate()
        .map(|(i, w)| (w[1] - w[0], i))
        .collect();
    gaps.sort_unstable_by(|a, b| b.cmp(a));
    let mut cuts: Vec<usize> = gaps
        .iter()
        .take(max.saturating_sub(1))
        .map(|(_, i)| *i)
        .collect();
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = first;
    for i in cuts {
        out.push((start, times[i]));
        start = times[i + 1];
    }
    out.push((start, last));
    out
}

/// Runs the scans in one execution of the streaming engine (shared scans done once): it
/// decodes the Parquet files morsel by morsel, so a chunk's peak does not follow the size of
/// its files' row groups.
fn collect_streaming(frames: Vec<LazyFrame>) -> Result<Vec<DataFrame>> {
    let plans = frames.into_iter().map(|f| f.logical_plan).collect();
    Ok(LazyFrame::collect_all_with_engine(
        plans,
        Engine::Streaming,
        OptFlags::default(),
    )?)
}

fn select(frame: LazyFrame, columns: &[String]) -> LazyFrame {
    frame.select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>())
}

/// The first and last `__time__` of a frame.
fn time_bounds(df: &DataFrame) -> Result<(Option<i64>, Option<i64>)> {
    let times = df.column(TIME)?.cast(&DataType::Int64)?;
    let times = times.i64()?;
    Ok((times.min(), times.max()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cut_at_the_widest_gaps() {
        let times = [1, 2, 3, 100, 101, 500, 1000];
        assert_eq!(spans(&times, 1), vec![(1, 1000)]);
        assert_eq!(spans(&times, 2), vec![(1, 500), (1000, 1000)]);
        assert_eq!(
            spans(&times, 4),
            vec![(1, 3), (100, 101), (500, 500), (1000, 1000)]
        );
        assert_eq!(spans(&times, 99).len(), 7);
        assert!(spans(&[], 4).is_empty());
    }
}
