//! Runs rules over their matched events: cuts them into windows, runs the rule's SQL once over
//! all windows (rewritten to group by window, see [`super::windowed`]; window by window when
//! the statement's shape does not allow it), keeps the rows that pass the condition, and turns
//! them into findings with sample event ids.

use std::collections::HashMap;

use polars::prelude::*;
use regex::Regex;

use super::condition;
use super::rule::Rule;
use super::window::{slices, WindowSlice};
use super::windowed::{self, Windowed, WINDOW_COLUMN};
use super::Finding;
use crate::error::{Error, Result};
use crate::event::schema::{self, FieldRef, EVENT_ID, TIME};
use crate::query::search::{SearchExpr, Target};
use crate::query::sql::{self, SqlContext};
use crate::query::value::{json as cell_json, text as cell_text};
use crate::query::{self, search};

/// How many sample event ids a finding carries.
pub const SAMPLE_IDS: usize = 5;

/// A rule ready to run: its search filter, condition and entity columns resolved.
pub struct Prepared {
    /// The rule.
    pub rule: Rule,
    filter: Option<Expr>,
    /// The stored columns the search part reads; None when it reads the `event` text.
    filter_columns: Option<Vec<String>>,
    condition: Option<Expr>,
    /// Entity result column -> stored column it copies, when it is a plain event field.
    entity_fields: Vec<(String, Option<String>)>,
    /// The stored columns the rule's SQL may read (None: all). Leaving out the large `event`
    /// column when it is not needed makes collecting the matched events cheap.
    columns: Option<Vec<String>>,
    /// The SQL rewritten to run once over all windows, when its shape allows.
    windowed: Option<Windowed>,
}

/// Parses a rule's search part and condition, and rewrites its SQL to run over all windows at
/// once (it is planned when the rule runs).
pub fn prepare(rule: &Rule) -> Result<Prepared> {
    let statement = query::split(&rule.query);
    let search = search::parse(statement.search).map_err(|e| Error::Query {
        query: rule.query.clone(),
        position: statement.search_offset + e.position,
        message: format!("rule {}: {}", rule.id, e.message),
    })?;
    let filter = (!search.is_match_all()).then(|| search.to_expr());
    let filter_columns = search_columns(&search);
    let condition = rule
        .condition
        .as_deref()
        .map(condition::parse)
        .transpose()
        .map_err(|e| Error::Usage(format!("rule {}: condition: {e}", rule.id)))?;
    let aliases = statement.sql.map(select_aliases).unwrap_or_default();
    let entity_fields = rule
        .entity
        .iter()
        .map(|e| (e.clone(), stored_column(e, &aliases)))
        .collect();
    Ok(Prepared {
        rule: rule.clone(),
        filter,
        filter_columns,
        condition,
        entity_fields,
        columns: needed_columns(statement.sql.unwrap_or("")),
        windowed: statement
            .sql
            .and_then(|sql| windowed::rewrite(sql, rule.window)),
    })
}

/// The stored columns a search statement reads, or None when it reads the `event` JSON text
/// (full-text terms, JSON leaves).
fn search_columns(search: &SearchExpr) -> Option<Vec<String>> {
    fn walk(e: &SearchExpr, out: &mut Vec<String>) -> bool {
        match e {
            SearchExpr::All => true,
            SearchExpr::And(operands) | SearchExpr::Or(operands) => {
                operands.iter().all(|o| walk(o, out))
            }
            SearchExpr::Not(a) => walk(a, out),
            SearchExpr::Cond(c) => match &c.target {
                Target::FullText => false,
                Target::Field(name) => match schema::resolve_field(name) {
                    FieldRef::Column(column) if column == schema::EVENT => false,
                    FieldRef::Column(column) => {
                        if !out.contains(&column) {
                            out.push(column);
                        }
                        true
                    }
                    FieldRef::JsonLeaf(_) => false,
                    FieldRef::Unknown => true,
                },
            },
        }
    }
    let mut out = Vec::new();
    walk(search, &mut out).then_some(out)
}

/// The stored columns a SQL text may refer to: `__time__` and the event id always, every
/// column whose full name occurs in the text (the SQL planner resolves stored fields by full
/// name only), and `event` when it occurs on its own (`"event"`, `event,`) or as the root of a
/// JSON leaf (`"event.requestParameters.KeyId"`). None when the text selects `*`.
fn needed_columns(sql: &str) -> Option<Vec<String>> {
    let lower = sql.to_ascii_lowercase();
    let star = Regex::new(r"(?i)(select|,)\s*\*|\.\*").expect("static regex");
    if star.is_match(&lower) {
        return None;
    }
    let mut named = schema::columns();
    named.sort_by_key(|c| std::cmp::Reverse(c.len()));
    let mut rest = lower.clone();
    let mut found = Vec::new();
    for c in named.iter().filter(|c| *c != schema::EVENT) {
        let name = c.to_ascii_lowercase();
        if rest.contains(&name) {
            found.push(c.clone());
            rest = rest.replace(&name, " ");
        }
    }
    let reads_event = mentions_whole_event(&lower) || rest.contains("event.");
    let columns = schema::columns()
        .into_iter()
        .filter(|c| {
            c == TIME || c == EVENT_ID || found.contains(c) || (c == schema::EVENT && reads_event)
        })
        .collect();
    Some(columns)
}

/// Whether `event` occurs as a name of its own, not as the start of `event.<field>`.
fn mentions_whole_event(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    lower.match_indices("event").any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 5).copied();
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

impl Prepared {
    /// The rule's matched events over `events`, sorted by time.
    pub fn matched(&self, events: LazyFrame) -> LazyFrame {
        let frame = match &self.filter {
            Some(f) => events.filter(f.clone()),
            None => events,
        };
        self.shape(frame)
    }

    /// The rule's matched events given as `rows` (already filtered by the search part): the
    /// columns its SQL may read, sorted by time.
    pub fn shape(&self, rows: LazyFrame) -> LazyFrame {
        let frame = match &self.columns {
            Some(columns) => {
                rows.select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>())
            }
            None => rows,
        };
        frame.sort([TIME], SortMultipleOptions::default())
    }

    /// The search filter (None: every event).
    pub fn filter(&self) -> Option<&Expr> {
        self.filter.as_ref()
    }

    /// The stored columns the search part reads (None: the `event` text).
    pub fn filter_columns(&self) -> Option<&[String]> {
        self.filter_columns.as_deref()
    }

    /// The stored columns the SQL part may read (None: all).
    pub fn columns(&self) -> Option<&[String]> {
        self.columns.as_deref()
    }

    /// Whether the SQL part may read the large `event` column.
    pub fn reads_event(&self) -> bool {
        self.columns
            .as_ref()
            .is_none_or(|c| c.iter().any(|n| n == schema::EVENT))
    }

    /// Runs the rule window by window over its collected `matched` events (the way for SQL
    /// whose shape cannot be rewritten to run over all windows at once).
    pub fn findings_per_window(
        &self,
        matched: &DataFrame,
        ctx: &SqlContext,
    ) -> Result<Vec<Finding>> {
        let times = time_values(matched)?;
        let windows = slices(&times, self.rule.window);
        let mut frames = Vec::with_capacity(windows.len());
        for w in &windows {
            frames.push(self.window_result(matched.slice(w.offset as i64, w.len), ctx)?);
        }
        let results = query::collect_together(frames).map_err(|e| self.context(e))?;
        let mut out = Vec::new();
        for (w, result) in windows.iter().zip(&results) {
            let window = matched.slice(w.offset as i64, w.len);
            for row in 0..result.height() {
                out.push(self.finding(w, &window, result, row)?);
            }
        }
        Ok(out)
    }

    /// What running the rule over its collected `matched` events takes.
    fn pending(&self, matched: &DataFrame, ctx: &SqlContext) -> Result<Pending> {
        let times = time_values(matched)?;
        let windows = slices(&times, self.rule.window);
        if windows.is_empty() {
            return Ok(Pending::Empty);
        }
        if query::split(&self.rule.query).sql.is_none() {
            return Ok(Pending::Counted(windows));
        }
        // The rewritten window start is `t - t % width`, the epoch-aligned one only for t >= 0.
        let (Some(w), Some(&first)) = (&self.windowed, times.first()) else {
            return Ok(Pending::PerWindow);
        };
        if first < 0 {
            return Ok(Pending::PerWindow);
        }
        Ok(match sql::plan(&w.sql, matched.clone().lazy(), ctx) {
            Ok(plan) => Pending::Windowed {
                frame: Box::new(plan.frame),
                windows,
            },
            Err(_) => Pending::PerWindow,
        })
    }

    /// Findings of a rule without SQL: each window with matches is one row with `cnt`.
    fn counted_findings(
        &self,
        matched: &DataFrame,
        windows: &[WindowSlice],
    ) -> Result<Vec<Finding>> {
        let counts: Vec<i64> = windows.iter().map(|w| w.len as i64).collect();
        let starts: Vec<i64> = windows.iter().map(|w| w.start).collect();
        let result = df!("cnt" => counts, WINDOW_COLUMN => starts)?;
        self.finish(matched, windows, result)
    }

    /// Findings from the rewritten statement's result over all windows: the rows of windows
    /// whose WHERE kept nothing are added for a global aggregate, the LIMIT is applied per
    /// window, then the condition.
    fn windowed_findings(
        &self,
        matched: &DataFrame,
        windows: &[WindowSlice],
        mut result: DataFrame,
        ctx: &SqlContext,
    ) -> Result<Vec<Finding>> {
        let Some(w) = &self.windowed else {
            return self.findings_per_window(matched, ctx);
        };
        if w.global {
            result = self.fill_empty_windows(matched, windows, result, ctx)?;
        }
        if let Some(limit) = w.limit {
            let keep = windowed::limit_mask(&window_values(&result)?, limit);
            result = result.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
        }
        self.finish(matched, windows, result)
    }

    /// Adds, for each window without a result row, the rows the statement gives when its WHERE
    /// keeps no event (a global aggregate's one row: counts 0, other aggregates NULL).
    fn fill_empty_windows(
        &self,
        matched: &DataFrame,
        windows: &[WindowSlice],
        result: DataFrame,
        ctx: &SqlContext,
    ) -> Result<DataFrame> {
        let present: std::collections::HashSet<i64> = window_values(&result)?.into_iter().collect();
        let missing: Vec<i64> = windows
            .iter()
            .map(|w| w.start)
            .filter(|s| !present.contains(s))
            .collect();
        if missing.is_empty() {
            return Ok(result);
        }
        let Some(plan) = query::plan_sql_part(&self.rule.query, matched.clear().lazy(), ctx)?
        else {
            return Ok(result);
        };
        let empty = plan.frame.collect()?;
        match empty.height() {
            0 => Ok(result),
            1 => {
                let mut rows = empty.new_from_index(0, missing.len());
                rows.with_column(Column::new(WINDOW_COLUMN.into(), missing))?;
                let mut out = result;
                out.vstack_mut(&rows)?;
                Ok(out)
            }
            n => Err(Error::Other(format!(
                "a global aggregate gave {n} rows over no events"
            ))),
        }
    }

    /// Applies the condition to `result` (rows of all windows, each naming its window in
    /// [`WINDOW_COLUMN`]) and turns the rows into findings.
    fn finish(
        &self,
        matched: &DataFrame,
        windows: &[WindowSlice],
        result: DataFrame,
    ) -> Result<Vec<Finding>> {
        let result = match &self.condition {
            Some(c) => result
                .lazy()
                .filter(c.clone())
                .collect()
                .map_err(|e| self.context(e.into()))?,
            None => result,
        };
        let starts = window_values(&result)?;
        let result = result.drop(WINDOW_COLUMN)?;
        let by_start: HashMap<i64, &WindowSlice> = windows.iter().map(|w| (w.start, w)).collect();
        let mut out = Vec::with_capacity(starts.len());
        for (row, start) in starts.iter().enumerate() {
            let w = by_start.get(start).ok_or_else(|| {
                self.context(Error::Other(format!(
                    "a result row names window {start}, which has no events"
                )))
            })?;
            let window = matched.slice(w.offset as i64, w.len);
            out.push(self.finding(w, &window, &result, row)?);
        }
        Ok(out)
    }

    fn window_result(&self, window: DataFrame, ctx: &SqlContext) -> Result<LazyFrame> {
        let result = match query::plan_sql_part(&self.rule.query, window.clone().lazy(), ctx)? {
            Some(plan) => plan.frame,
            None => df!("cnt" => [window.height() as i64])?.lazy(),
        };
        Ok(match &self.condition {
            Some(c) => result.filter(c.clone()),
            None => result,
        })
    }

    fn context(&self, e: Error) -> Error {
        Error::Other(format!(
            "rule {} ({}:{}): {e}",
            self.rule.id, self.rule.origin, self.rule.line
        ))
    }

    fn finding(
        &self,
        w: &WindowSlice,
        window: &DataFrame,
        result: &DataFrame,
        row: usize,
    ) -> Result<Finding> {
        let mut entity = Vec::new();
        let mut filters = Vec::new();
        for (name, stored) in &self.entity_fields {
            let value = result
                .column(name)
                .map_err(|_| {
                    self.context(Error::Other(format!(
                        "entity column {name:?} is not in the result"
                    )))
                })?
                .get(row)?;
            let text = cell_text(&value);
            if let Some(stored) = stored {
                let wanted = (!matches!(value, AnyValue::Null)).then(|| text.clone());
                filters.push((stored.as_str(), wanted));
            }
            entity.push((name.clone(), text));
        }
        let rows = entity_rows(window, &filters)?;
        let details = result
            .columns()
            .iter()
            .filter(|c| !self.rule.entity.iter().any(|e| e == c.name().as_str()))
            .map(|c| Ok((c.name().to_string(), cell_json(&c.get(row)?))))
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(Finding {
            severity: self.rule.severity,
            rule_id: self.rule.id.clone(),
            title: self.rule.title.clone(),
            start: w.start,
            end: w.end,
            entity,
            count: rows.len() as u64,
            sample_ids: sample_ids(window, &rows)?,
            detail: details,
            summary: None,
        })
    }
}

/// How one rule's windows are evaluated.
enum Pending {
    /// No event matched.
    Empty,
    /// The rewritten statement, planned over all windows.
    Windowed {
        frame: Box<LazyFrame>,
        windows: Vec<WindowSlice>,
    },
    /// No SQL part: one row per window.
    Counted(Vec<WindowSlice>),
    /// Window by window.
    PerWindow,
}

/// Runs every rule over its collected matched events (`matched[i]` for `prepared[i]`), the
/// rewritten statements of all rules in one polars execution. A rule whose statement fails
/// there runs again window by window (which reports its error as before).
pub fn run_all(
    prepared: &[Prepared],
    matched: &[DataFrame],
    ctx: &SqlContext,
) -> Result<Vec<Finding>> {
    let pending: Vec<Pending> = prepared
        .iter()
        .zip(matched)
        .map(|(p, m)| p.pending(m, ctx))
        .collect::<Result<_>>()?;
    let frames: Vec<LazyFrame> = pending
        .iter()
        .filter_map(|x| match x {
            Pending::Windowed { frame, .. } => Some(frame.as_ref().clone()),
            _ => None,
        })
        .collect();
    let results: Vec<Option<DataFrame>> = match query::collect_together(frames.clone()) {
        Ok(dfs) => dfs.into_iter().map(Some).collect(),
        Err(_) => frames.into_iter().map(|f| f.collect().ok()).collect(),
    };
    let mut results = results.into_iter();
    let mut out = Vec::new();
    for ((p, m), x) in prepared.iter().zip(matched).zip(pending) {
        out.extend(match x {
            Pending::Empty => Vec::new(),
            Pending::Counted(windows) => p.counted_findings(m, &windows)?,
            Pending::Windowed { windows, .. } => match results.next().flatten() {
                Some(result) => match p.windowed_findings(m, &windows, result, ctx) {
                    Ok(found) => found,
                    Err(_) => p.findings_per_window(m, ctx)?,
                },
                None => p.findings_per_window(m, ctx)?,
            },
            Pending::PerWindow => p.findings_per_window(m, ctx)?,
        });
    }
    Ok(out)
}

/// The window start of each result row.
fn window_values(result: &DataFrame) -> Result<Vec<i64>> {
    let column = result.column(WINDOW_COLUMN)?.cast(&DataType::Int64)?;
    Ok(column
        .i64()?
        .iter()
        .map(|v| v.unwrap_or(i64::MIN))
        .collect())
}

/// The rows of `window` whose stored columns equal the wanted values (None = null).
fn entity_rows(window: &DataFrame, filters: &[(&str, Option<String>)]) -> Result<Vec<usize>> {
    let mut keep: Vec<bool> = vec![true; window.height()];
    for (column, wanted) in filters {
        let values = window.column(column)?.str()?.clone();
        for (k, v) in keep.iter_mut().zip(values.iter()) {
            *k &= v == wanted.as_deref();
        }
    }
    Ok(keep
        .iter()
        .enumerate()
        .filter(|(_, k)| **k)
        .map(|(i, _)| i)
        .collect())
}

fn sample_ids(window: &DataFrame, rows: &[usize]) -> Result<Vec<String>> {
    let ids = window.column(EVENT_ID)?.str()?.clone();
    Ok(rows
        .iter()
        .filter_map(|&r| ids.get(r).map(str::to_string))
        .take(SAMPLE_IDS)
        .collect())
}

/// The `__time__` column as plain integers (nulls cannot occur in a store).
pub fn time_values(df: &DataFrame) -> Result<Vec<i64>> {
    let times = df.column(TIME)?.cast(&DataType::Int64)?;
    Ok(times.i64()?.iter().map(|t| t.unwrap_or(i64::MIN)).collect())
}

/// `"stored.field" AS alias` pairs of a SQL text (lowercased aliases).
fn select_aliases(sql: &str) -> HashMap<String, String> {
    let re =
        Regex::new(r#"(?i)"([^"]+)"\s+as\s+"?([A-Za-z_][A-Za-z0-9_]*)"?"#).expect("static regex");
    re.captures_iter(sql)
        .map(|c| (c[2].to_ascii_lowercase(), c[1].to_string()))
        .collect()
}

/// The stored column an entity result column copies, if any.
fn stored_column(entity: &str, aliases: &HashMap<String, String>) -> Option<String> {
    let source = aliases
        .get(&entity.to_ascii_lowercase())
        .map(String::as_str)
        .unwrap_or(entity);
    match schema::resolve_field(source) {
        FieldRef::Column(c) if c != schema::TIME => Some(c),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn entity_columns_map_through_select_aliases() {
        let aliases = select_aliases(
            r#"select "event.userIdentity.accountId" as account_id, "event.sourceIpAddress" AS "source_ip", COALESCE("a", "b") as x, count(1) as cnt"#,
        );
        assert_eq!(
            stored_column("account_id", &aliases).as_deref(),
            Some("event.userIdentity.accountId")
        );
        assert_eq!(
            stored_column("source_ip", &aliases).as_deref(),
            Some("event.sourceIpAddress")
        );
        assert_eq!(stored_column("x", &aliases), None);
        assert_eq!(stored_column("cnt", &aliases), None);
        assert_eq!(
            stored_column("event.eventName", &aliases).as_deref(),
            Some("event.eventName")
        );
    }

    #[test]
    fn only_the_columns_a_query_names_are_read() {
        let cols =
            needed_columns(r#"select "event.sourceIpAddress" as ip, count(1) as cnt group by ip"#)
                .unwrap();
        assert!(cols.contains(&"event.sourceIpAddress".to_string()));
        assert!(cols.contains(&TIME.to_string()) && cols.contains(&EVENT_ID.to_string()));
        assert!(!cols.contains(&"event".to_string()));
        assert!(!cols.contains(&"event.userIdentity.userName".to_string()));
        let cols = needed_columns(r#"select json_extract_scalar("event", '$.a') as a"#).unwrap();
        assert!(cols.contains(&"event".to_string()));
        assert!(needed_columns("select * from log").is_none());
        assert!(mentions_whole_event("where event like '%x%'"));
        // A JSON leaf needs `event`; `key_id` does not name `keytrail.key`.
        let cols = needed_columns(
            r#"select "keytrail.kmsKeyId" as key_id, "event.requestParameters.KeyId" as k"#,
        )
        .unwrap();
        assert_eq!(
            cols,
            vec![
                TIME.to_string(),
                schema::EVENT.to_string(),
                EVENT_ID.to_string(),
                schema::KMS_KEY_ID.to_string()
            ]
        );
        assert!(!mentions_whole_event(r#""event.eventname" = 'x'"#));
    }

    #[test]
    fn entity_rows_match_values_and_nulls() {
        let df = df!(
            "a" => [Some("x"), Some("y"), None, Some("x")],
            "b" => ["1", "1", "1", "2"]
        )
        .unwrap();
        assert_eq!(
            entity_rows(&df, &[("a", Some("x".into()))]).unwrap(),
            vec![0, 3]
        );
        assert_eq!(
            entity_rows(&df, &[("a", Some("x".into())), ("b", Some("1".into()))]).unwrap(),
            vec![0]
        );
        assert_eq!(entity_rows(&df, &[("a", None)]).unwrap(), vec![2]);
        assert_eq!(entity_rows(&df, &[]).unwrap(), vec![0, 1, 2, 3]);
    }

    /// Test events around the edges of 1-minute windows.
    pub(crate) fn events() -> DataFrame {
        let rows: [(i64, &str, &str, &str, Option<&str>); 9] = [
            (59, "e1", "Decrypt", "1.1.1.1", None),
            (60, "e2", "Decrypt", "1.1.1.1", Some("Forbidden")),
            (61, "e3", "Decrypt", "2.2.2.2", Some("Forbidden")),
            (119, "e4", "Encrypt", "1.1.1.1", None),
            (120, "e5", "Decrypt", "1.1.1.1", Some("Forbidden")),
            (121, "e6", "Decrypt", "2.2.2.2", Some("")),
            (300, "e7", "Encrypt", "3.3.3.3", Some("Forbidden")),
            (301, "e8", "Decrypt", "3.3.3.3", None),
            (302, "e9", "Decrypt", "3.3.3.3", None),
        ];
        let mut columns = Vec::new();
        for name in schema::columns() {
            let column = match name.as_str() {
                TIME => Column::new(name.into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
                EVENT_ID => Column::new(name.into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
                "event.eventName" => {
                    Column::new(name.into(), rows.iter().map(|r| r.2).collect::<Vec<_>>())
                }
                schema::SOURCE_IP => {
                    Column::new(name.into(), rows.iter().map(|r| r.3).collect::<Vec<_>>())
                }
                schema::ERROR_CODE => {
                    Column::new(name.into(), rows.iter().map(|r| r.4).collect::<Vec<_>>())
                }
                schema::EVENT => Column::new(
                    name.into(),
                    rows.iter()
                        .map(|r| format!(r#"{{"eventId":"{}","mfa":"{}"}}"#, r.1, r.0 % 2 == 0))
                        .collect::<Vec<_>>(),
                ),
                _ => Column::full_null(name.into(), rows.len(), &DataType::String),
            };
            columns.push(column);
        }
        DataFrame::new(rows.len(), columns).unwrap()
    }

    /// A rule over 1-minute windows.
    pub(crate) fn rule(query: &str, condition: Option<&str>, entity: &[&str]) -> Rule {
        let condition = condition
            .map(|c| format!("condition = \"{c}\"\n"))
            .unwrap_or_default();
        let entity: Vec<String> = entity.iter().map(|e| format!("\"{e}\"")).collect();
        let text = format!(
            "[[rule]]\nid = \"t\"\ntitle = \"t\"\nseverity = \"low\"\nwindow = \"1m\"\nquery = '''{query}'''\n{condition}entity = [{}]\n",
            entity.join(", ")
        );
        crate::detect::parse_rules(&text, "test").unwrap().remove(0)
    }

    fn sorted(mut found: Vec<Finding>) -> Vec<Finding> {
        found.sort_by_key(|f| (f.start, format!("{:?}", f.entity), f.detail_text()));
        found
    }

    fn ctx() -> SqlContext {
        SqlContext {
            zone: crate::time::Zone::default(),
            now: 0,
            geoip: None,
        }
    }

    /// Findings of one run over all windows, checked against running each window alone.
    fn both_ways(rule: &Rule) -> Vec<Finding> {
        let p = prepare(rule).unwrap();
        let matched = p.matched(events().lazy()).collect().unwrap();
        let once = run_all(
            std::slice::from_ref(&p),
            std::slice::from_ref(&matched),
            &ctx(),
        )
        .unwrap();
        let alone = p.findings_per_window(&matched, &ctx()).unwrap();
        assert_eq!(sorted(once.clone()), sorted(alone), "{}", rule.query);
        sorted(once)
    }

    fn summary(found: &[Finding]) -> Vec<String> {
        found
            .iter()
            .map(|f| {
                let entity: Vec<String> = f.entity.iter().map(|(_, v)| v.clone()).collect();
                format!(
                    "{} [{}] {} {}",
                    f.start,
                    entity.join(" "),
                    f.count,
                    f.detail_text()
                )
            })
            .collect()
    }

    #[test]
    fn own_group_by_order_by_and_limit_apply_per_window() {
        let r = rule(
            r#"event.eventName: Decrypt | select "event.sourceIpAddress" as ip, count(1) as cnt group by ip order by cnt desc limit 1"#,
            None,
            &["ip"],
        );
        assert!(prepare(&r).unwrap().windowed.is_some());
        assert_eq!(
            summary(&both_ways(&r)),
            vec![
                "0 [1.1.1.1] 1 cnt=1",
                "60 [1.1.1.1] 1 cnt=1",
                "120 [1.1.1.1] 1 cnt=1",
                "300 [3.3.3.3] 2 cnt=2"
            ]
        );
    }

    #[test]
    fn a_global_aggregate_gives_a_row_for_windows_its_where_empties() {
        let r = rule(
            r#"* | select count(1) as cnt, arbitrary("event.sourceIpAddress") as ip where "event.errorCode" = 'Forbidden'"#,
            None,
            &[],
        );
        assert!(prepare(&r).unwrap().windowed.as_ref().unwrap().global);
        assert_eq!(
            summary(&both_ways(&r)),
            vec![
                "0 [] 1 cnt=0, ip=",
                "60 [] 3 cnt=2, ip=1.1.1.1",
                "120 [] 2 cnt=1, ip=1.1.1.1",
                "300 [] 3 cnt=1, ip=3.3.3.3"
            ]
        );
    }

    #[test]
    fn rules_without_sql_count_each_window() {
        let r = rule("event.eventName: Decrypt", Some("cnt > 1"), &[]);
        assert_eq!(
            summary(&both_ways(&r)),
            vec!["60 [] 2 cnt=2", "120 [] 2 cnt=2", "300 [] 2 cnt=2"]
        );
    }

    #[test]
    fn plain_selects_with_an_offset_and_conditions() {
        let r = rule(
            r#"* | select "event.eventId" as id, "event.sourceIpAddress" as ip limit 1, 2"#,
            Some("ip <> '2.2.2.2'"),
            &["ip"],
        );
        assert_eq!(
            summary(&both_ways(&r)),
            vec![
                "60 [1.1.1.1] 2 id=e4",
                "300 [3.3.3.3] 3 id=e8",
                "300 [3.3.3.3] 3 id=e9"
            ]
        );
    }

    #[test]
    fn shapes_that_cannot_be_rewritten_run_window_by_window() {
        let r = rule(
            r#"* | select count(1) as cnt from (select "event.eventName" as n from log) where n = 'Decrypt'"#,
            Some("cnt > 0"),
            &[],
        );
        assert!(prepare(&r).unwrap().windowed.is_none());
        assert_eq!(
            summary(&both_ways(&r)),
            vec![
                "0 [] 1 cnt=1",
                "60 [] 3 cnt=2",
                "120 [] 2 cnt=2",
                "300 [] 3 cnt=2"
            ]
        );
    }

    #[test]
    fn a_statement_that_fails_reports_its_error_as_before() {
        let r = rule("* | select nosuchfunc(1) as cnt", None, &[]);
        let p = prepare(&r).unwrap();
        let matched = p.matched(events().lazy()).collect().unwrap();
        let err = run_all(std::slice::from_ref(&p), &[matched], &ctx()).unwrap_err();
        assert!(err.to_string().contains("nosuchfunc"), "{err}");
    }
}
