//! The report's read of the events, group by group of partitions: each group's small columns
//! ([`frames::SMALL_COLUMNS`]) are read once into memory, the scope, activity and per-key
//! statements run on them and merge into the results so far ([`Merged`]), and the same frame
//! goes on to the key inventory's totals ([`crate::kms::run::keys_in`]); the days holding
//! evidence events are noted on the way. Memory grows with one group and the merged rows, not
//! with the range.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::activity::SeriesCounts;
use super::detections::DAY;
use super::frames::{self, Merged};
use crate::error::Result;
use crate::event::schema::TIME;
use crate::query::{self, sql::SqlContext};

/// What one read computes.
pub struct Pass<'a> {
    ctx: &'a SqlContext,
    /// Statements over the events (scope, then activity).
    pub events: Vec<Merged>,
    /// The activity series.
    pub series: Option<SeriesCounts>,
    /// The statement mapping KMS calls to their keys
    /// ([`super::keys::mapped_statement`]), and the statements over its rows.
    pub calls: Option<(String, Vec<Merged>)>,
    /// Which events are evidence, and the UTC days (unix seconds / 86400) holding one so far.
    pub evidence: Option<(Expr, BTreeSet<i64>)>,
}

impl<'a> Pass<'a> {
    /// A read computing `events`' statements (and the series and per-key statements, when
    /// given).
    pub fn new(
        ctx: &'a SqlContext,
        events: Vec<Merged>,
        series: Option<SeriesCounts>,
        calls: Option<(String, Vec<Merged>)>,
    ) -> Pass<'a> {
        Pass {
            ctx,
            events,
            series,
            calls,
            evidence: None,
        }
    }

    /// Reads one group (in scan order) and returns its small columns, for the inventory.
    pub fn add(&mut self, group: LazyFrame) -> Result<LazyFrame> {
        let small = frames::small_frame(group)?.lazy();
        let mut plans = Vec::new();
        for m in &self.events {
            plans.push(frames::sql(&m.statement, small.clone(), self.ctx)?);
        }
        let series = match &self.series {
            Some(s) => s.frames(&small, self.ctx)?,
            None => Vec::new(),
        };
        let n_series = series.len();
        plans.extend(series);
        if let Some((mapped, statements)) = &self.calls {
            let calls = frames::sql(mapped, small.clone(), self.ctx)?
                .collect()?
                .lazy();
            for m in statements {
                plans.push(frames::sql(&m.statement, calls.clone(), self.ctx)?);
            }
        }
        if let Some((wanted, _)) = &self.evidence {
            plans.push(small.clone().filter(wanted.clone()).select([col(TIME)]));
        }
        let mut results = query::collect_together(plans)?.into_iter();
        for m in &mut self.events {
            m.add(results.next().unwrap_or_default())?;
        }
        let times: Vec<DataFrame> = results.by_ref().take(n_series).collect();
        if let Some(s) = &mut self.series {
            s.add(&times)?;
        }
        for m in self.calls.iter_mut().flat_map(|(_, s)| s) {
            m.add(results.next().unwrap_or_default())?;
        }
        if let Some((_, days)) = &mut self.evidence {
            let found = results.next().unwrap_or_default();
            let times = frames::ints(&found, TIME)?;
            days.extend(times.iter().map(|t| t.div_euclid(DAY)));
        }
        Ok(small)
    }

    /// The events statements' results, the series (an empty one when none was asked for) and
    /// the calls statements' results.
    pub fn finish(self) -> Result<(Vec<DataFrame>, SeriesCounts, Vec<DataFrame>)> {
        let calls = self.calls.map(|(_, s)| s).unwrap_or_default();
        Ok((
            frames::finish_all(self.events)?,
            self.series.unwrap_or_default(),
            frames::finish_all(calls)?,
        ))
    }
}
