//! Bounded execution over a store: its partitions one by one (newest or oldest first), a scan
//! of one partition's files, and a memory guard that stops the process with a named error
//! before the machine runs out of memory.
//!
//! A store is date-partitioned (one UTC day of `eventTime` per partition, see
//! [`crate::store`]), and events of the same second always share a partition, so a result
//! ordered by time can be produced partition by partition, and counts and other mergeable
//! aggregates can be computed per partition and added up: memory then grows with one day of
//! events, not with the range.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use polars::prelude::*;

use crate::store::Store;
use crate::time::TimeRange;
use crate::Result;

/// The files of one partition that a scan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// Its date, `YYYY-MM-DD` (the `date=` directory's name without the prefix).
    pub date: String,
    /// Its part files, sorted by name (the order a whole-store scan reads them in).
    pub files: Vec<PathBuf>,
}

/// The partitions of `files` (part files under `events/date=YYYY-MM-DD/`), oldest first, each
/// with its files sorted by name. A file outside a `date=` directory is a partition of its own
/// directory's name, so nothing given is left out.
pub fn partitions_of(files: &[PathBuf]) -> Vec<Partition> {
    let mut sorted: Vec<&PathBuf> = files.iter().collect();
    sorted.sort();
    let mut partitions: Vec<Partition> = Vec::new();
    for file in sorted {
        let date = partition_date(file);
        match partitions.last_mut() {
            Some(last) if last.date == date => last.files.push(file.clone()),
            _ => partitions.push(Partition {
                date,
                files: vec![file.clone()],
            }),
        }
    }
    partitions.sort_by(|a, b| a.date.cmp(&b.date));
    partitions
}

/// Consecutive `partitions` (oldest first) joined into groups of at most about `max_bytes` of
/// part files each (a partition larger than that is a group of its own), oldest first: one
/// query per group instead of one per partition, so a year of small days costs a few dozen
/// queries, while memory still grows with a group, not with the range. A group's date is
/// `first..last` when it joins several partitions. Events of one second stay in one group.
pub fn grouped(partitions: Vec<Partition>, max_bytes: u64) -> Vec<Partition> {
    let mut groups: Vec<(Partition, String, u64)> = Vec::new();
    for partition in partitions {
        let bytes: u64 = partition
            .files
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum();
        match groups.last_mut() {
            Some((group, last, size)) if *size + bytes <= max_bytes => {
                group.files.extend(partition.files);
                *last = partition.date;
                *size += bytes;
            }
            _ => {
                let date = partition.date.clone();
                groups.push((partition, date, bytes));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut group, last, _)| {
            if last != group.date {
                group.date = format!("{}..{last}", group.date);
            }
            group
        })
        .collect()
}

/// Part-file bytes up to which a SQL statement runs on polars' in-memory engine (its whole input
/// then fits in memory easily, and that engine is about a third cheaper on aggregates); past
/// them it runs on the streaming engine, whose memory does not grow with the rows read. Both
/// give the same results (every SQL test and the DuckDB check pass on each).
pub const IN_MEMORY_SQL_BYTES: u64 = 512 << 20;

/// The engine for a SQL statement over `files` (see [`IN_MEMORY_SQL_BYTES`]).
pub fn engine_for(files: &[PathBuf]) -> Engine {
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    match bytes <= IN_MEMORY_SQL_BYTES {
        true => Engine::InMemory,
        false => Engine::Streaming,
    }
}

/// Part-file bytes per group for reads that keep only the times or a count of each row.
pub const NARROW_GROUP_BYTES: u64 = 512 << 20;

/// Part-file bytes per group for reads that keep whole matching rows (raw logs).
pub const WIDE_GROUP_BYTES: u64 = 32 << 20;

/// The partitions a scan of `range` reads from `store`, oldest first ([`Store::files_in`]).
pub fn partitions(store: &Store, range: &TimeRange) -> Vec<Partition> {
    partitions_of(&store.files_in(range))
}

fn partition_date(file: &Path) -> String {
    let dir = file
        .parent()
        .and_then(|d| d.file_name())
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.strip_prefix("date=").map(str::to_string).unwrap_or(dir)
}

pub use crate::store::scan_files;

/// The rows of `frame` counted (its filters applied, no column but those they read decoded).
pub fn count(frame: LazyFrame) -> Result<usize> {
    let counted = frame
        .select([len().alias("n")])
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let n = counted.column("n")?.idx()?.get(0).unwrap_or(0);
    Ok(n as usize)
}

/// The positions of the `limit` newest rows of `times`, newest first; rows of the same second
/// keep their order in `times` (a stable sort, as polars sorts a whole column).
pub fn newest_first(times: &Int64Chunked, limit: usize) -> Vec<IdxSize> {
    let mut order: Vec<(i64, IdxSize)> = times
        .iter()
        .enumerate()
        .map(|(i, t)| (t.unwrap_or(i64::MIN), i as IdxSize))
        .collect();
    order.sort_by_key(|&(t, _)| std::cmp::Reverse(t));
    order.truncate(limit);
    order.into_iter().map(|(_, i)| i).collect()
}

/// What the memory of running the SQL statement `query` grows with, one line per clause that
/// holds state (empty: every operator streams, and memory stays that of one batch whatever the
/// range). The engine streams scans, filters, projections and LIMITs; what is listed here it
/// must hold, and `--max-memory` stops the run when that state outgrows the limit.
pub fn memory_growth(query: &sqlparser::ast::Query) -> Vec<String> {
    use sqlparser::ast::Visit;
    let mut growth = Growth::default();
    let _ = query.visit(&mut growth);
    growth.lines.dedup();
    growth.lines
}

#[derive(Default)]
struct Growth {
    lines: Vec<String>,
    depth: usize,
}

impl Growth {
    fn say(&mut self, line: &str) {
        if !self.lines.iter().any(|l| l == line) {
            self.lines.push(line.to_string());
        }
    }
}

impl sqlparser::ast::Visitor for Growth {
    type Break = ();

    fn pre_visit_query(&mut self, query: &sqlparser::ast::Query) -> std::ops::ControlFlow<()> {
        use sqlparser::ast::{GroupByExpr, SetExpr};
        let limited = query.limit_clause.is_some() || self.depth == 0;
        if query.order_by.is_some() {
            self.say(match limited {
                true => "ORDER BY ... LIMIT n: the n first rows (a top-n), SLS's default LIMIT 100 when none is given",
                false => "ORDER BY without LIMIT in a subquery: every row it sorts",
            });
        }
        if let SetExpr::Select(select) = query.body.as_ref() {
            if select.distinct.is_some() {
                self.say(
                    "SELECT DISTINCT: every distinct row (unbounded for a column of unique values)",
                );
            }
            let grouped = match &select.group_by {
                GroupByExpr::All(_) => true,
                GroupByExpr::Expressions(keys, _) => !keys.is_empty(),
            };
            if grouped {
                self.say("GROUP BY: one entry per group (the distinct keys)");
            }
            if select.from.iter().any(|t| !t.joins.is_empty()) {
                self.say("JOIN: the rows of the joined side");
            }
        }
        if matches!(query.body.as_ref(), SetExpr::SetOperation { .. }) {
            self.say("UNION/INTERSECT/EXCEPT: the distinct rows of each side");
        }
        self.depth += 1;
        std::ops::ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &sqlparser::ast::Query) -> std::ops::ControlFlow<()> {
        self.depth -= 1;
        std::ops::ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &sqlparser::ast::Expr) -> std::ops::ControlFlow<()> {
        use sqlparser::ast::{DuplicateTreatment, Expr, FunctionArguments};
        let Expr::Function(f) = expr else {
            return std::ops::ControlFlow::Continue(());
        };
        let name = f.name.to_string().to_ascii_lowercase();
        let distinct = matches!(&f.args, FunctionArguments::List(list)
            if list.duplicate_treatment == Some(DuplicateTreatment::Distinct));
        if f.over.is_some() {
            self.say("window function (OVER): every row of the window partitions");
        } else if distinct || name == "approx_distinct" {
            self.say("count(DISTINCT)/approx_distinct: every distinct value of each group");
        } else if matches!(
            name.as_str(),
            "array_agg" | "map_agg" | "histogram" | "approx_percentile" | "mode" | "median"
        ) {
            self.say(&format!("{name}: every value aggregated"));
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// The memory a command may use, and how it is watched: a thread reads the process's resident
/// set size every few milliseconds and, past the limit, stops the process with
/// [`MEMORY_EXIT_CODE`] and a message naming the limit, before the kernel's OOM killer would.
#[derive(Debug, Clone)]
pub struct MemoryGuard {
    limit: u64,
    peak: Arc<AtomicU64>,
}

/// The exit status of a command stopped at its memory limit.
pub const MEMORY_EXIT_CODE: i32 = 3;

/// How often the guard reads the resident set size.
const GUARD_PERIOD: Duration = Duration::from_millis(10);

impl MemoryGuard {
    /// Starts watching this process against `limit` bytes of resident memory. `what` names the
    /// command in the message. The watch lasts as long as the process.
    pub fn start(limit: u64, what: &str) -> MemoryGuard {
        let guard = MemoryGuard {
            limit,
            peak: Arc::new(AtomicU64::new(0)),
        };
        let watched = guard.clone();
        let what = what.to_string();
        let started = std::thread::Builder::new()
            .name("memory-guard".into())
            .spawn(move || loop {
                let rss = resident_bytes().unwrap_or(0);
                watched.peak.fetch_max(rss, Ordering::Relaxed);
                if rss > watched.limit {
                    watched.stop(rss, &what);
                }
                std::thread::sleep(GUARD_PERIOD);
            });
        if started.is_err() {
            crate::render::stderr::warning(
                "the memory guard could not start; --max-memory is not enforced",
            );
        }
        guard
    }

    /// The limit in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The highest resident set size seen so far, in bytes.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    fn stop(&self, rss: u64, what: &str) -> ! {
        use std::io::Write;
        let message = format!(
            "error: {what} stopped at its memory limit: {} MB resident, over --max-memory {} MB; \
             the statement needs memory that grows with the data (see `--explain`): narrow \
             --from/--to or the search, add a LIMIT, or raise --max-memory\n",
            rss >> 20,
            self.limit >> 20
        );
        let _ = std::io::stderr().write_all(message.as_bytes());
        std::process::exit(MEMORY_EXIT_CODE)
    }
}

/// The resident set size of this process in bytes (`/proc/self/statm`), if it can be read.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

/// The physical memory of the machine in bytes, if it can be read.
pub fn physical_memory() -> Option<u64> {
    // SAFETY: `sysconf` takes an integer name and returns a long; it reads no memory of ours.
    let pages = unsafe { libc::sysconf(libc::_SC_PHYS_PAGES) };
    (pages > 0).then(|| pages as u64 * page_size())
}

fn page_size() -> u64 {
    // SAFETY: as in `physical_memory`.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as u64
    } else {
        4096
    }
}

/// The default `--max-memory`: half of physical memory (4 GB when it cannot be read).
pub fn default_memory_limit() -> u64 {
    physical_memory().map_or(4 << 30, |m| m / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_group_into_partitions_oldest_first_with_sorted_files() {
        let files: Vec<PathBuf> = [
            "s/events/date=2024-03-02/part-b.parquet",
            "s/events/date=2024-03-01/part-z.parquet",
            "s/events/date=2024-03-02/part-a.parquet",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let parts = partitions_of(&files);
        let dates: Vec<&str> = parts.iter().map(|p| p.date.as_str()).collect();
        assert_eq!(dates, ["2024-03-01", "2024-03-02"]);
        assert_eq!(
            parts[1].files,
            [
                PathBuf::from("s/events/date=2024-03-02/part-a.parquet"),
                PathBuf::from("s/events/date=2024-03-02/part-b.parquet")
            ]
        );
        assert!(partitions_of(&[]).is_empty());
        let groups = grouped(parts, u64::MAX);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].date, "2024-03-01..2024-03-02");
        assert_eq!(groups[0].files.len(), 3);
    }

    #[test]
    fn newest_first_keeps_ties_in_input_order() {
        let times = Int64Chunked::from_slice("t".into(), &[5, 7, 5, 7, 1]);
        assert_eq!(newest_first(&times, 10), [1, 3, 0, 2, 4]);
        assert_eq!(newest_first(&times, 3), [1, 3, 0]);
        assert_eq!(newest_first(&times, 0), Vec::<IdxSize>::new());
    }

    #[test]
    fn memory_growth_names_the_clauses_that_hold_state() {
        let growth = |sql: &str| {
            let parsed = crate::query::sql::parse(sql).unwrap();
            memory_growth(parsed.query())
        };
        assert!(growth("select \"event.eventName\" where __time__ > 0 limit 10").is_empty());
        assert_eq!(
            growth("select distinct \"event.requestId\""),
            ["SELECT DISTINCT: every distinct row (unbounded for a column of unique values)"]
        );
        assert_eq!(
            growth("select a, count(distinct b) as n group by a"),
            [
                "GROUP BY: one entry per group (the distinct keys)",
                "count(DISTINCT)/approx_distinct: every distinct value of each group"
            ]
        );
        assert_eq!(
            growth("select * from (select a from log order by a) limit 5"),
            ["ORDER BY without LIMIT in a subquery: every row it sorts"]
        );
    }

    #[test]
    fn resident_memory_and_the_default_limit_are_read() {
        let rss = resident_bytes().unwrap();
        assert!(rss > 1 << 20, "{rss}");
        assert!(default_memory_limit() > rss);
    }
}
