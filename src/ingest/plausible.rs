//! Implausible event times: events dated before ActionTrail existed or after the ingest's
//! clock are stored anyway, and their file reports one problem naming the first.

use crate::store::batch::{RowBatch, EVENT_TIME_COLUMN, ORIGIN_COLUMN};

/// The events of one file whose time is implausible: how many, and the first one's origin,
/// `eventTime` text and time.
#[derive(Default)]
pub(super) struct Implausible {
    count: u64,
    first: Option<(String, Option<String>, i64)>,
}

impl Implausible {
    /// Notes row `row` of `batch`, whose time is implausible.
    pub(super) fn see(&mut self, batch: &RowBatch, row: usize) {
        self.count += 1;
        if self.first.is_none() {
            let origin = batch
                .text(ORIGIN_COLUMN, row)
                .unwrap_or_default()
                .to_string();
            let event_time = batch.text(EVENT_TIME_COLUMN, row).map(str::to_string);
            self.first = Some((origin, event_time, batch.time(row)));
        }
    }

    /// The problem line of the file at `file`, if any of its events had an implausible time
    /// (`latest` is the latest plausible one).
    pub(super) fn problem(&self, file: &str, latest: i64) -> Option<String> {
        let (origin, event_time, time) = self.first.as_ref()?;
        let position = origin
            .strip_prefix(file)
            .and_then(|p| p.strip_prefix('#'))
            .unwrap_or(origin);
        let shown = match event_time {
            Some(text) => format!("{text:?}"),
            None => format!("__time__ {time}"),
        };
        let latest = chrono::DateTime::from_timestamp(latest, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| latest.to_string());
        let events = match self.count {
            1 => "1 event".to_string(),
            n => format!("{n} events"),
        };
        Some(format!(
            "{events} with an implausible eventTime (before 2010-01-01 or after {latest}), \
             stored anyway; first at {position}: {shown}"
        ))
    }
}
