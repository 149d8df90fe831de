//! Runs rules over their matched events: cuts them into windows, runs the rule's SQL once over
//! all windows (planned per window by the SQL planner, see [`sql::Parsed::plan_windowed`];
//! window by window when the statement's shape does not allow it), keeps the rows that pass
//! the condition, and turns them into findings with sample event ids.

use std::collections::HashMap;

use polars::prelude::*;

use super::condition;
use super::rule::Rule;
use super::window::{slices, WindowSlice};
use super::Finding;
use crate::error::{Error, Result};
use crate::event::schema::{self, FieldRef, EVENT_ID, TIME};
use crate::query::search::{SearchExpr, Target};
use crate::query::sql::{self, PlanFacts, SqlContext, SqlError, SqlPlan, WINDOW_COLUMN};
use crate::query::{self, search};
use crate::render::cell_text;

/// How many sample event ids a finding carries.
pub const SAMPLE_IDS: usize = 5;

/// A rule compiled to run: its search filter, condition and parsed SQL, with the stored
/// columns they read and the stored columns its entity columns copy.
pub struct CompiledRule {
    /// The rule.
    pub rule: Rule,
    filter: Option<Expr>,
    /// The stored columns the search part reads; None when it reads the `event` text.
    filter_columns: Option<Vec<String>>,
    condition: Option<Expr>,
    /// Entity result column -> stored column it copies, when it is a plain event field.
    entity_fields: Vec<(String, Option<String>)>,
    /// The stored columns the rule's SQL reads (None: all). Leaving out the large `event`
    /// column when it is not needed makes collecting the matched events cheap.
    columns: Option<Vec<String>>,
    /// The SQL part, if the rule has one.
    sql: Option<RuleSql>,
}

/// A rule's SQL part.
struct RuleSql {
    /// Where it starts in the rule's query.
    offset: usize,
    /// The statement, or why it does not parse (reported when the rule runs on events).
    parsed: std::result::Result<sql::Parsed, SqlError>,
}

/// The session a rule's SQL is planned in to learn what it reads and gives: which columns a
/// statement resolves does not depend on the zone, the clock or the GeoIP databases.
fn facts_context() -> SqlContext {
    SqlContext {
        zone: Default::default(),
        now: 0,
        geoip: None,
    }
}

/// Parses a rule's search part, condition and SQL, and plans the SQL over no events to learn
/// the columns it reads and what its entity columns copy (it is planned again when it runs).
pub fn prepare(rule: &Rule) -> Result<CompiledRule> {
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
    let sql = statement.sql.map(|text| RuleSql {
        offset: statement.sql_offset,
        parsed: sql::parse(text),
    });
    let facts = match &sql {
        Some(RuleSql { parsed: Ok(p), .. }) => p.facts(&facts_context()).ok(),
        _ => None,
    };
    let entity_fields = rule
        .entity
        .iter()
        .map(|e| (e.clone(), facts.as_ref().and_then(|f| stored_column(e, f))))
        .collect();
    let columns = match (&sql, &facts) {
        (None, _) => Some(stored_columns_of(&[])),
        (Some(_), Some(facts)) => Some(stored_columns_of(&facts.columns_read)),
        (Some(_), None) => None,
    };
    Ok(CompiledRule {
        rule: rule.clone(),
        filter,
        filter_columns,
        condition,
        entity_fields,
        columns,
        sql,
    })
}

/// The stored columns to read for SQL that reads `read`: those and `__time__` and the event
/// id (windows and samples need them), in store order.
fn stored_columns_of(read: &[String]) -> Vec<String> {
    schema::columns()
        .into_iter()
        .filter(|c| c == TIME || c == EVENT_ID || read.contains(c))
        .collect()
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

impl CompiledRule {
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
        let Some(sql) = &self.sql else {
            return Ok(Pending::Counted(windows));
        };
        // The planned window start is `t - t % width`, the epoch-aligned one only for t >= 0.
        let (Ok(parsed), Some(&first)) = (&sql.parsed, times.first()) else {
            return Ok(Pending::PerWindow);
        };
        if first < 0 {
            return Ok(Pending::PerWindow);
        }
        Ok(
            match parsed.plan_windowed(matched.clone().lazy(), ctx, self.rule.window) {
                Ok(Some(plan)) => Pending::Windowed {
                    frame: Box::new(plan.frame),
                    windows,
                },
                Ok(None) | Err(_) => Pending::PerWindow,
            },
        )
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
        let result = match &self.sql {
            Some(sql) => self.plan_sql(sql, window.lazy(), ctx)?.frame,
            None => df!("cnt" => [window.height() as i64])?.lazy(),
        };
        Ok(match &self.condition {
            Some(c) => result.filter(c.clone()),
            None => result,
        })
    }

    /// Plans the SQL part over `events`; errors point into the rule's query.
    fn plan_sql(&self, sql: &RuleSql, events: LazyFrame, ctx: &SqlContext) -> Result<SqlPlan> {
        let planned = match &sql.parsed {
            Ok(parsed) => parsed.plan(events, ctx),
            Err(e) => Err(e.clone()),
        };
        planned.map_err(|e| Error::Query {
            query: self.rule.query.clone(),
            position: sql.offset + e.position,
            message: e.message,
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
            .map(|c| Ok(format!("{}={}", c.name(), cell_text(&c.get(row)?))))
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
            detail: details.join(", "),
        })
    }
}

/// How one rule's windows are evaluated.
enum Pending {
    /// No event matched.
    Empty,
    /// The statement, planned over all windows at once.
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
/// windowed statements of all rules in one polars execution. A rule whose statement fails
/// there runs again window by window, which reports its error.
pub fn run_all(
    prepared: &[CompiledRule],
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
                Some(result) => match p.finish(m, &windows, result) {
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

/// The stored column an entity result column copies, if any.
fn stored_column(entity: &str, facts: &PlanFacts) -> Option<String> {
    let source = facts.output(entity)?.source.stored()?;
    (source != TIME).then(|| source.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn entity_fields(query: &str, entity: &[&str]) -> Vec<(String, Option<String>)> {
        prepare(&rule(query, None, entity)).unwrap().entity_fields
    }

    fn columns(query: &str) -> Option<Vec<String>> {
        prepare(&rule(query, None, &[]))
            .unwrap()
            .columns()
            .map(<[String]>::to_vec)
    }

    #[test]
    fn entity_columns_map_to_the_stored_columns_they_copy() {
        let found = entity_fields(
            r#"* | select "event.userIdentity.accountId" as account_id, "event.sourceIpAddress" AS "source_ip", COALESCE("event.userAgent", "event.eventName") as x, count(1) as cnt, "event.eventName" group by 1, 2, 3, 5"#,
            &["account_id", "source_ip", "x", "cnt", "event.eventName"],
        );
        let stored = |c: &str| Some(c.to_string());
        assert_eq!(
            found,
            vec![
                ("account_id".into(), stored("event.userIdentity.accountId")),
                ("source_ip".into(), stored(schema::SOURCE_IP)),
                ("x".into(), None),
                ("cnt".into(), None),
                ("event.eventName".into(), stored("event.eventName")),
            ]
        );
        // Through a subquery and an alias of the relation; a JSON leaf and `__time__` are not
        // stored copies; an unknown entity copies nothing.
        let found = entity_fields(
            r#"* | select t.ip as ip, k, tm, count(1) as cnt from (select "event.sourceIpAddress" as ip, "event.requestParameters.KeyId" as k, __time__ as tm from log) t group by 1, 2, 3"#,
            &["ip", "k", "tm", "nope"],
        );
        assert_eq!(
            found,
            vec![
                ("ip".into(), stored(schema::SOURCE_IP)),
                ("k".into(), None),
                ("tm".into(), None),
                ("nope".into(), None),
            ]
        );
    }

    #[test]
    fn only_the_columns_a_query_reads_are_read() {
        let cols = columns(
            r#"* | select "event.sourceIpAddress" as ip, count(1) as cnt where "event.eventName" <> 'event.userAgent' group by ip"#,
        )
        .unwrap();
        assert_eq!(
            cols,
            vec![
                TIME.to_string(),
                EVENT_ID.to_string(),
                "event.eventName".to_string(),
                schema::SOURCE_IP.to_string()
            ]
        );
        let cols = columns(r#"* | select json_extract_scalar("event", '$.a') as a"#).unwrap();
        assert!(cols.contains(&schema::EVENT.to_string()));
        let all = columns("* | select * from log").unwrap();
        assert_eq!(all, schema::columns());
        let cols = columns(r#"* | select count(1) as c where "event" like '%x%'"#).unwrap();
        assert!(cols.contains(&schema::EVENT.to_string()));
        // A JSON leaf reads `event`; `key_id` does not name `keytrail.key`.
        let cols = columns(
            r#"* | select "keytrail.kmsKeyId" as key_id, "event.requestParameters.KeyId" as k"#,
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
        // No SQL: the time and the id; SQL that does not plan: everything.
        assert_eq!(
            columns("event.eventName: Decrypt").unwrap(),
            vec![TIME.to_string(), EVENT_ID.to_string()]
        );
        assert_eq!(columns("* | select nosuchfunc(1) as c"), None);
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
        found.sort_by_key(|f| (f.start, format!("{:?}", f.entity), f.detail.clone()));
        found
    }

    fn ctx() -> SqlContext {
        SqlContext {
            zone: crate::time::Zone::default(),
            now: 0,
            geoip: None,
        }
    }

    /// Whether the rule's SQL runs once over all windows of the test events.
    fn runs_windowed(rule: &Rule) -> bool {
        let p = prepare(rule).unwrap();
        let matched = p.matched(events().lazy()).collect().unwrap();
        matches!(
            p.pending(&matched, &ctx()).unwrap(),
            Pending::Windowed { .. }
        )
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
                    f.detail
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
        assert!(runs_windowed(&r));
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
        assert!(runs_windowed(&r));
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
    fn a_global_aggregate_gives_no_row_for_windows_its_having_rejects() {
        // Window 60 has three events: its count fails the HAVING, which the count over no
        // events (0) passes; windows 0 and 120 have one and two.
        let r = rule(
            "* | select count(1) as cnt where __time__ < 200 having count(1) < 3",
            None,
            &[],
        );
        assert!(runs_windowed(&r));
        assert_eq!(
            summary(&both_ways(&r)),
            vec!["0 [] 1 cnt=1", "120 [] 2 cnt=2", "300 [] 3 cnt=0"]
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
        assert!(!runs_windowed(&r));
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
    fn a_statement_that_fails_reports_its_error() {
        let r = rule("* | select nosuchfunc(1) as cnt", None, &[]);
        let p = prepare(&r).unwrap();
        let matched = p.matched(events().lazy()).collect().unwrap();
        let err = run_all(std::slice::from_ref(&p), &[matched], &ctx()).unwrap_err();
        assert!(err.to_string().contains("nosuchfunc"), "{err}");
    }
}
