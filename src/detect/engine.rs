//! Runs rules: scans once (each rule's search part as a filter over one shared scan), cuts each
//! rule's matched events into windows, runs the rule's SQL per window, keeps the rows that pass
//! the condition, and turns them into findings with sample event ids.

use std::collections::HashMap;

use polars::prelude::*;
use regex::Regex;

use super::condition;
use super::rule::Rule;
use super::window::{slices, WindowSlice};
use super::Finding;
use crate::error::{Error, Result};
use crate::query::sql::SqlContext;
use crate::query::{self, search};
use crate::render::cell_text;
use crate::schema::{self, FieldRef, EVENT_ID, TIME};

/// How many sample event ids a finding carries.
pub const SAMPLE_IDS: usize = 5;

/// A rule ready to run: its search filter, condition and entity columns resolved.
pub struct Prepared {
    /// The rule.
    pub rule: Rule,
    filter: Option<Expr>,
    condition: Option<Expr>,
    /// Entity result column -> stored column it copies, when it is a plain event field.
    entity_fields: Vec<(String, Option<String>)>,
    /// The stored columns the rule's SQL may read (None: all). Leaving out the large `event`
    /// column when it is not needed makes collecting the matched events cheap.
    columns: Option<Vec<String>>,
}

/// Parses a rule's search part and condition (its SQL is planned per window).
pub fn prepare(rule: &Rule) -> Result<Prepared> {
    let statement = query::split(&rule.query);
    let search = search::parse(statement.search).map_err(|e| Error::Query {
        query: rule.query.clone(),
        position: statement.search_offset + e.position,
        message: format!("rule {}: {}", rule.id, e.message),
    })?;
    let filter = (!search.is_match_all()).then(|| search.to_expr());
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
        condition,
        entity_fields,
        columns: needed_columns(statement.sql.unwrap_or("")),
    })
}

/// The stored columns a SQL text may refer to: `__time__` and the event id always, every
/// column whose name (or last dotted part) occurs in the text, and `event` only when it occurs
/// on its own (`"event"`, `event,`). None when the text selects `*`.
fn needed_columns(sql: &str) -> Option<Vec<String>> {
    let lower = sql.to_ascii_lowercase();
    let star = Regex::new(r"(?i)(select|,)\s*\*|\.\*").expect("static regex");
    if star.is_match(&lower) {
        return None;
    }
    let columns = schema::columns()
        .into_iter()
        .filter(|c| {
            let name = c.to_ascii_lowercase();
            if name == TIME || c == EVENT_ID {
                return true;
            }
            if c == schema::EVENT {
                return mentions_whole_event(&lower);
            }
            let last = name.rsplit('.').next().unwrap_or(&name);
            lower.contains(&name) || lower.contains(last)
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
        let mut frame = match &self.filter {
            Some(f) => events.filter(f.clone()),
            None => events,
        };
        if let Some(columns) = &self.columns {
            frame = frame.select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>());
        }
        frame.sort([TIME], SortMultipleOptions::default())
    }

    /// Runs the rule window by window over its collected `matched` events.
    pub fn findings(&self, matched: &DataFrame, ctx: &SqlContext) -> Result<Vec<Finding>> {
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
mod tests {
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
}
