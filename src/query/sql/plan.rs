//! Clauses: WITH, FROM (implicit `log`, subqueries, CTEs), WHERE, GROUP BY (columns, aliases,
//! ordinals), HAVING, SELECT [DISTINCT], ORDER BY (names, aliases, ordinals, aggregates) and
//! LIMIT, each applied to a polars LazyFrame.

use polars::prelude::*;
use sqlparser::ast::{self, SetExpr, TableFactor};

use super::args::{call_args, Arg};
use super::errors::{at, at_location, at_start, PResult};
use super::expr::{
    canon, has_aggregate, ColumnInfo, Compiler, Env, GroupKey, Grouping, Scope, SeriesPad,
};
use super::facts::Source;
use super::syntax::{default_name, function_name, integer_literal, limit_offset};
use super::types::{SqlType, Typed};
use crate::event::schema::{resolve_field, FieldRef};

/// A planned relation: its frame and the columns visible to an enclosing query.
pub struct Relation {
    /// The frame.
    pub frame: LazyFrame,
    /// What names resolve against.
    pub scope: Scope,
}

/// Plans queries over the matched events.
pub struct Planner<'a> {
    /// Settings and notes.
    pub env: &'a Env,
    /// The matched events (the table `log`).
    pub events: LazyFrame,
    ctes: Vec<(String, Vec<ColumnInfo>, LazyFrame)>,
}

/// One output column being built.
struct Output {
    name: String,
    typed: Typed,
    canon: Option<String>,
}

/// How an ORDER BY item reaches the frame.
struct SortKey {
    column: String,
    descending: bool,
    nulls_last: bool,
}

/// Unique frame names for the output columns (polars needs distinct names).
fn unique_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let mut candidate = n.clone();
        let mut k = 1;
        while out.iter().any(|o| o == &candidate) {
            k += 1;
            candidate = format!("{n}_{k}");
        }
        out.push(candidate);
    }
    out
}

impl<'a> Planner<'a> {
    /// A planner over `events`.
    pub fn new(env: &'a Env, events: LazyFrame) -> Planner<'a> {
        Planner {
            env,
            events,
            ctes: Vec::new(),
        }
    }

    /// Plans a query; returns the relation and whether it had its own LIMIT.
    pub fn query(&mut self, q: &ast::Query) -> PResult<(Relation, bool)> {
        let saved = self.ctes.len();
        if let Some(with) = &q.with {
            if with.recursive {
                return Err(at_location(
                    with.with_token.0.span.start,
                    "WITH RECURSIVE is not supported",
                ));
            }
            for cte in &with.cte_tables {
                let (rel, _) = self.query(&cte.query)?;
                let columns = match rel.scope {
                    Scope::Columns { columns, .. } => columns,
                    Scope::Events => Vec::new(),
                };
                self.ctes
                    .push((cte.alias.name.value.to_lowercase(), columns, rel.frame));
            }
        }
        let result = match q.body.as_ref() {
            SetExpr::Select(select) => {
                self.select(select, q.order_by.as_ref(), q.limit_clause.as_ref())
            }
            SetExpr::Query(inner) if q.order_by.is_none() && q.limit_clause.is_none() => {
                self.query(inner).map(|(r, _)| r)
            }
            other => Err(at(
                other,
                "only SELECT statements are supported (no UNION/INTERSECT/VALUES)",
            )),
        };
        self.ctes.truncate(saved);
        let has_limit = q.limit_clause.is_some();
        result.map(|r| (r, has_limit))
    }

    fn from(&mut self, from: &[ast::TableWithJoins]) -> PResult<Relation> {
        let Some(first) = from.first() else {
            return Ok(Relation {
                frame: self.events.clone(),
                scope: Scope::Events,
            });
        };
        if from.len() > 1 || !first.joins.is_empty() {
            return Err(at(&first.relation, "joins are not supported"));
        }
        match &first.relation {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let table = name.to_string().trim_matches('"').to_lowercase();
                if let Some((_, columns, frame)) =
                    self.ctes.iter().rev().find(|(n, _, _)| *n == table)
                {
                    let alias = alias
                        .as_ref()
                        .map(|a| a.name.value.clone())
                        .or(Some(table.clone()));
                    return Ok(Relation {
                        frame: frame.clone(),
                        scope: Scope::Columns {
                            columns: columns.clone(),
                            alias,
                        },
                    });
                }
                if table == "log" {
                    return Ok(Relation {
                        frame: self.events.clone(),
                        scope: Scope::Events,
                    });
                }
                Err(at(
                    name,
                    format!("Table '{table}' not found: use FROM log, a WITH name or a subquery"),
                ))
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let (rel, _) = self.query(subquery)?;
                let columns = match rel.scope {
                    Scope::Columns { columns, .. } => columns,
                    Scope::Events => Vec::new(),
                };
                let alias = alias.as_ref().map(|a| a.name.value.clone());
                Ok(Relation {
                    frame: rel.frame,
                    scope: Scope::Columns { columns, alias },
                })
            }
            other => Err(at(
                other,
                "unsupported FROM item: use FROM log or FROM (SELECT ...)",
            )),
        }
    }

    fn select(
        &mut self,
        select: &ast::Select,
        order_by: Option<&ast::OrderBy>,
        limit: Option<&ast::LimitClause>,
    ) -> PResult<Relation> {
        let input = self.from(&select.from)?;
        let scope = input.scope;
        let frame = self.filter(input.frame, select.selection.as_ref(), &scope)?;
        let clauses = self.clauses(select, order_by, &scope)?;
        let aggregated = clauses.aggregated;
        let mut grouping = Grouping::default();
        let pre_keys = match aggregated {
            true => self.group_keys(&clauses, &scope, &mut grouping)?,
            false => Vec::new(),
        };
        let mut outputs = self.outputs(&clauses.items, &scope, aggregated, &mut grouping)?;
        let having = match &select.having {
            Some(h) if !aggregated => return Err(at(h, "HAVING needs GROUP BY or aggregates")),
            Some(h) => Some(Compiler::new(self.env, &scope, Some(&mut grouping)).boolean(h)?),
            None => None,
        };
        let visible = outputs.len();
        let names = unique_names(&outputs.iter().map(|o| o.name.clone()).collect::<Vec<_>>());
        let sort_keys = self.sort_keys(&clauses, &scope, &mut grouping, &mut outputs, &names)?;
        if !aggregated {
            outputs.extend(row_anchor(&scope));
        }
        let mut frame = match aggregated {
            true => self.aggregate(frame, pre_keys, &grouping, having),
            false => frame,
        };
        frame = frame.select(frame_exprs(&outputs, &names));
        let hidden = outputs.len() > visible;
        frame = order_and_cut(frame, &names, clauses.distinct, &sort_keys, hidden, limit)?;
        let columns = outputs[..visible]
            .iter()
            .zip(&names)
            .zip(&clauses.items)
            .map(|((o, n), (x, _))| ColumnInfo {
                name: o.name.clone(),
                frame_name: n.clone(),
                ty: o.typed.ty.clone(),
                source: column_source(x, &scope),
            })
            .collect();
        Ok(Relation {
            frame,
            scope: Scope::Columns {
                columns,
                alias: None,
            },
        })
    }

    /// Applies WHERE.
    fn filter(
        &self,
        frame: LazyFrame,
        predicate: Option<&ast::Expr>,
        scope: &Scope,
    ) -> PResult<LazyFrame> {
        let Some(predicate) = predicate else {
            return Ok(frame);
        };
        if has_aggregate(predicate) {
            return Err(at(
                predicate,
                "aggregate functions are not allowed in WHERE; use HAVING",
            ));
        }
        let cond = Compiler::rows(self.env, scope).boolean(predicate)?;
        Ok(frame.filter(crate::query::shield_conjunctions(cond)))
    }

    /// Reads the GROUP BY, ORDER BY, select list and DISTINCT of a SELECT.
    fn clauses<'q>(
        &self,
        select: &'q ast::Select,
        order_by: Option<&'q ast::OrderBy>,
        scope: &Scope,
    ) -> PResult<Clauses<'q>> {
        let group_exprs: &[ast::Expr] = match &select.group_by {
            ast::GroupByExpr::Expressions(exprs, _) => exprs,
            ast::GroupByExpr::All(_) => return Err(at_start("GROUP BY ALL is not supported")),
        };
        let order_items = order_items(order_by)?;
        let items = self.projection(select, scope)?;
        let aggregated = aggregates(select, &order_items);
        let distinct = match &select.distinct {
            None | Some(ast::Distinct::All) => false,
            Some(ast::Distinct::Distinct) => true,
            Some(ast::Distinct::On(_)) => return Err(at_start("DISTINCT ON is not supported")),
        };
        Ok(Clauses {
            group_exprs,
            order_items,
            items,
            aggregated,
            distinct,
        })
    }

    /// Compiles the GROUP BY keys into `grouping`; returns the key columns to add before
    /// aggregating.
    fn group_keys(
        &self,
        clauses: &Clauses,
        scope: &Scope,
        grouping: &mut Grouping,
    ) -> PResult<Vec<Expr>> {
        grouping.global = clauses.group_exprs.is_empty();
        grouping.aliases = clauses
            .items
            .iter()
            .filter_map(|(x, alias)| alias.clone().map(|a| (a, x.clone())))
            .collect();
        let mut pre_keys = Vec::new();
        for (i, g) in clauses.group_exprs.iter().enumerate() {
            let target = self.group_target(g, &clauses.items)?;
            if has_aggregate(target) {
                return Err(at(g, "GROUP BY cannot contain aggregate functions"));
            }
            let name = format!("__g{i}");
            let mut compiler = Compiler::rows(self.env, scope);
            if let Some(args) = time_series_args(target) {
                let spec = super::scalar::datetime::time_series_spec(&mut compiler, &args, target)?;
                pre_keys.push(spec.seconds.alias(name.as_str()));
                let label = super::scalar::datetime::time_series_label(
                    col(name.as_str()),
                    spec.fmt,
                    self.env.zone,
                );
                grouping.series = Some(SeriesPad {
                    key: name.clone(),
                    window: spec.window,
                    padding: spec.padding,
                });
                grouping.keys.push(GroupKey {
                    canon: canon(target),
                    name,
                    ty: SqlType::Bigint,
                    display: Some(Typed::new(label, SqlType::Varchar)),
                });
                continue;
            }
            let t = compiler.compile(target)?;
            pre_keys.push(t.expr.alias(name.as_str()));
            grouping.keys.push(GroupKey {
                canon: canon(target),
                name,
                ty: t.ty,
                display: None,
            });
        }
        Ok(pre_keys)
    }

    /// Compiles the select items.
    fn outputs(
        &self,
        items: &[(ast::Expr, Option<String>)],
        scope: &Scope,
        aggregated: bool,
        grouping: &mut Grouping,
    ) -> PResult<Vec<Output>> {
        let mut compiler = Compiler::new(self.env, scope, aggregated.then_some(grouping));
        let mut outputs = Vec::with_capacity(items.len());
        for (index, (x, alias)) in items.iter().enumerate() {
            let typed = compiler.compile(x)?;
            let name = alias.clone().unwrap_or_else(|| default_name(x, index));
            outputs.push(Output {
                name,
                typed,
                canon: Some(canon(x)),
            });
        }
        Ok(outputs)
    }

    /// The ORDER BY keys: output columns, or hidden columns appended to `outputs`.
    fn sort_keys(
        &self,
        clauses: &Clauses,
        scope: &Scope,
        grouping: &mut Grouping,
        outputs: &mut Vec<Output>,
        names: &[String],
    ) -> PResult<Vec<SortKey>> {
        let visible = outputs.len();
        let mut sort_keys = Vec::new();
        for item in &clauses.order_items {
            let descending = matches!(item.options.sort, Some(ast::OrderBySort::Desc));
            let nulls_last = !item.options.nulls_first.unwrap_or(false);
            let column = match self.order_target(&item.expr, &outputs[..visible], names)? {
                Some(i) => names[i].clone(),
                None => {
                    if clauses.distinct {
                        return Err(at(&item.expr, "for SELECT DISTINCT, ORDER BY expressions must appear in the select list"));
                    }
                    let grouped = clauses.aggregated.then_some(&mut *grouping);
                    let typed = Compiler::new(self.env, scope, grouped).compile(&item.expr)?;
                    let name = format!("__o{}", outputs.len());
                    outputs.push(Output {
                        name: name.clone(),
                        typed,
                        canon: None,
                    });
                    name
                }
            };
            sort_keys.push(SortKey {
                column,
                descending,
                nulls_last,
            });
        }
        Ok(sort_keys)
    }

    /// Groups (or aggregates globally) `frame` by the keys, pads a `time_series` key and
    /// applies HAVING.
    fn aggregate(
        &self,
        frame: LazyFrame,
        pre_keys: Vec<Expr>,
        grouping: &Grouping,
        having: Option<Expr>,
    ) -> LazyFrame {
        let pre = frame.with_columns(
            pre_keys
                .into_iter()
                .chain(grouping.args.iter().cloned())
                .collect::<Vec<_>>(),
        );
        let aggs: Vec<Expr> = grouping.aggs.iter().map(|(_, a, _)| a.clone()).collect();
        let aggs = match aggs.is_empty() {
            true => vec![len().alias("__len")],
            false => aggs,
        };
        let mut frame = if grouping.global {
            pre.select(aggs)
        } else {
            let keys: Vec<Expr> = grouping.keys.iter().map(|k| col(k.name.as_str())).collect();
            pre.group_by_stable(keys).agg(aggs)
        };
        if let Some(pad) = grouping
            .series
            .as_ref()
            .filter(|_| grouping.keys.len() == 1)
        {
            let value_types: Vec<(String, SqlType)> = grouping
                .aggs
                .iter()
                .enumerate()
                .map(|(i, (_, _, t))| (format!("__a{i}"), t.ty.clone()))
                .collect();
            frame = pad_series(frame, pad, &value_types);
            self.env
                .note("time_series: missing buckets between the first and the last one are padded");
        }
        match having {
            Some(h) => frame.filter(crate::query::shield_conjunctions(h)),
            None => frame,
        }
    }

    /// The select items as (expression, alias), with `*` expanded.
    fn projection(
        &self,
        select: &ast::Select,
        scope: &Scope,
    ) -> PResult<Vec<(ast::Expr, Option<String>)>> {
        let mut items = Vec::new();
        for item in &select.projection {
            match item {
                ast::SelectItem::UnnamedExpr(x) => items.push((x.clone(), None)),
                ast::SelectItem::ExprWithAlias { expr, alias } => {
                    items.push((expr.clone(), Some(alias.value.clone())))
                }
                ast::SelectItem::Wildcard(_) => {
                    let names: Vec<String> = match scope {
                        Scope::Events => crate::event::schema::columns(),
                        Scope::Columns { columns, .. } => {
                            columns.iter().map(|c| c.name.clone()).collect()
                        }
                    };
                    for n in names {
                        let ident = ast::Ident::with_quote('"', n.clone());
                        items.push((ast::Expr::Identifier(ident), Some(n)));
                    }
                }
                other => return Err(at(other, "unsupported select item")),
            }
        }
        Ok(items)
    }

    /// What a GROUP BY item means: an ordinal, a select alias (SLS), or an expression.
    fn group_target<'x>(
        &self,
        g: &'x ast::Expr,
        items: &'x [(ast::Expr, Option<String>)],
    ) -> PResult<&'x ast::Expr> {
        if let Some(n) = integer_literal(g) {
            return match items.get((n - 1).max(0) as usize).filter(|_| n >= 1) {
                Some((x, _)) if !has_aggregate(x) => Ok(x),
                Some(_) => Err(at(g, format!("GROUP BY position {n} is an aggregate"))),
                None => Err(at(
                    g,
                    format!(
                        "GROUP BY position {n} is not in the select list (1..{})",
                        items.len()
                    ),
                )),
            };
        }
        if let ast::Expr::Identifier(ident) = g {
            let by_alias = items.iter().find(|(x, alias)| {
                alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&ident.value))
                    && !has_aggregate(x)
            });
            if let Some((x, _)) = by_alias {
                return Ok(x);
            }
        }
        Ok(g)
    }

    /// Which output column an ORDER BY item names, if any.
    fn order_target(
        &self,
        e: &ast::Expr,
        outputs: &[Output],
        names: &[String],
    ) -> PResult<Option<usize>> {
        if let Some(n) = integer_literal(e) {
            if n < 1 || n as usize > outputs.len() {
                return Err(at(
                    e,
                    format!(
                        "ORDER BY position {n} is not in the select list (1..{})",
                        outputs.len()
                    ),
                ));
            }
            return Ok(Some(n as usize - 1));
        }
        if let ast::Expr::Identifier(ident) = e {
            if let Some(i) = outputs
                .iter()
                .position(|o| o.name.eq_ignore_ascii_case(&ident.value))
            {
                return Ok(Some(i));
            }
            if let Some(i) = names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(&ident.value))
            {
                return Ok(Some(i));
            }
        }
        let key = canon(e);
        Ok(outputs
            .iter()
            .position(|o| o.canon.as_deref() == Some(key.as_str())))
    }
}

/// The clauses of one SELECT, as the planner reads them.
struct Clauses<'q> {
    group_exprs: &'q [ast::Expr],
    order_items: Vec<&'q ast::OrderByExpr>,
    /// The select items as (expression, alias), `*` expanded.
    items: Vec<(ast::Expr, Option<String>)>,
    aggregated: bool,
    distinct: bool,
}

/// The ORDER BY items.
pub(crate) fn order_items(order_by: Option<&ast::OrderBy>) -> PResult<Vec<&ast::OrderByExpr>> {
    match order_by.map(|o| &o.kind) {
        Some(ast::OrderByKind::Expressions(items)) => Ok(items.iter().collect()),
        Some(ast::OrderByKind::All(_)) => Err(at_start("ORDER BY ALL is not supported")),
        None => Ok(Vec::new()),
    }
}

/// Whether a SELECT aggregates: it has GROUP BY keys or HAVING, or calls an aggregate in its
/// select list or ORDER BY.
pub(crate) fn aggregates(select: &ast::Select, order_items: &[&ast::OrderByExpr]) -> bool {
    let grouped =
        matches!(&select.group_by, ast::GroupByExpr::Expressions(keys, _) if !keys.is_empty());
    let in_items = select.projection.iter().any(|item| match item {
        ast::SelectItem::UnnamedExpr(x) | ast::SelectItem::ExprWithAlias { expr: x, .. } => {
            has_aggregate(x)
        }
        _ => false,
    });
    grouped
        || in_items
        || select.having.is_some()
        || order_items.iter().any(|o| has_aggregate(&o.expr))
}

/// Where a select item's values come from: a stored column when it names one (directly, or
/// a subquery column that copies one), else computed.
fn column_source(e: &ast::Expr, scope: &Scope) -> Source {
    let computed = || Source::Computed(e.to_string());
    let name = match e {
        ast::Expr::Nested(inner) => return column_source(inner, scope),
        ast::Expr::Identifier(ident) => ident.value.clone(),
        ast::Expr::CompoundIdentifier(parts) => {
            let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            match scope {
                Scope::Columns {
                    alias: Some(alias), ..
                } if names.len() > 1 && names[0].eq_ignore_ascii_case(alias) => {
                    names[1..].join(".")
                }
                _ => names.join("."),
            }
        }
        _ => return computed(),
    };
    match scope {
        Scope::Events => match resolve_field(&name) {
            FieldRef::Column(c) => Source::Stored(c),
            _ => computed(),
        },
        Scope::Columns { columns, .. } => columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&name))
            .map_or_else(computed, |c| c.source.clone()),
    }
}

/// A hidden column that keeps one row per input row in a SELECT without aggregates (a plain
/// SELECT of constants still yields one row per input row).
fn row_anchor(scope: &Scope) -> Option<Output> {
    let anchor = match scope {
        Scope::Events => Some(col(crate::event::schema::TIME)),
        Scope::Columns { columns, .. } => columns.first().map(|c| col(c.frame_name.as_str())),
    }?;
    Some(Output {
        name: "__keep".to_string(),
        typed: Typed::new(anchor, SqlType::Unknown),
        canon: None,
    })
}

/// The output expressions under their frame names (`names` for the visible ones).
fn frame_exprs(outputs: &[Output], names: &[String]) -> Vec<Expr> {
    let hidden = outputs[names.len()..].iter().map(|o| &o.name);
    outputs
        .iter()
        .zip(names.iter().chain(hidden))
        .map(|(o, n)| o.typed.expr.clone().alias(n.as_str()))
        .collect()
}

/// Applies DISTINCT, ORDER BY, drops the hidden columns and applies LIMIT.
fn order_and_cut(
    mut frame: LazyFrame,
    names: &[String],
    distinct: bool,
    sort_keys: &[SortKey],
    hidden: bool,
    limit: Option<&ast::LimitClause>,
) -> PResult<LazyFrame> {
    let visible_cols: Vec<Expr> = names.iter().map(|n| col(n.as_str())).collect();
    if distinct {
        frame = frame.unique_stable_generic(Some(visible_cols.clone()), UniqueKeepStrategy::First);
    }
    if !sort_keys.is_empty() {
        let by: Vec<Expr> = sort_keys.iter().map(|k| col(k.column.as_str())).collect();
        let options = SortMultipleOptions::default()
            .with_order_descending_multi(sort_keys.iter().map(|k| k.descending))
            .with_nulls_last_multi(sort_keys.iter().map(|k| k.nulls_last))
            .with_maintain_order(true);
        frame = frame.sort_by_exprs(by, options);
    }
    if hidden {
        frame = frame.select(visible_cols);
    }
    if let Some(limit) = limit {
        let (offset, count) = limit_offset(limit)?;
        if let Some(count) = count {
            frame = frame.slice(offset as i64, count as IdxSize);
        } else if offset > 0 {
            frame = frame.slice(offset as i64, IdxSize::MAX);
        }
    }
    Ok(frame)
}

/// The arguments of a `time_series(...)` call, if `e` is one.
fn time_series_args(e: &ast::Expr) -> Option<Vec<&ast::Expr>> {
    let ast::Expr::Function(f) = e else {
        return None;
    };
    if !function_name(f)?.eq_ignore_ascii_case("time_series") {
        return None;
    }
    let (_, args) = call_args(f, e).ok()?;
    args.into_iter()
        .map(|a| match a {
            Arg::Expr(x) => Some(x),
            Arg::Star => None,
        })
        .collect()
}

/// At most this many `time_series` buckets are padded between the first and the last one (as
/// `histogram` caps its buckets): one stray event years away must not allocate gigabytes.
pub const MAX_SERIES_BUCKETS: i64 = 1_000_000;

/// The span (seconds) from the first to past the last bucket, failing the query with a clear
/// error when it holds more than [`MAX_SERIES_BUCKETS`] windows.
fn checked_series_span(span: Expr, window: i64) -> Expr {
    span.map(
        move |c: Column| {
            let seconds = c.as_materialized_series().i64()?.get(0).unwrap_or(0);
            let buckets = seconds / window.max(1);
            if buckets > MAX_SERIES_BUCKETS {
                polars_bail!(ComputeError:
                    "time_series: a window of {window}s gives {buckets} buckets between the first \
                     and the last event, more than the limit of {MAX_SERIES_BUCKETS}; use a wider \
                     window or a narrower --from/--to"
                );
            }
            Ok(c)
        },
        |_, field| Ok(field.clone()),
    )
}

/// Fills the missing `time_series` buckets between the first and the last one.
fn pad_series(frame: LazyFrame, pad: &SeriesPad, values: &[(String, SqlType)]) -> LazyFrame {
    let key = pad.key.as_str();
    let start = col(key).min().fill_null(lit(0i64));
    let end = col(key).max().fill_null(lit(-pad.window)) + lit(pad.window);
    let span = checked_series_span(end - start.clone(), pad.window);
    let full =
        frame.clone().select([
            int_range(start.clone(), start + span, pad.window, DataType::Int64).alias(key),
        ]);
    let joined = full.left_join(frame, col(key), col(key));
    let fills: Vec<Expr> = values
        .iter()
        .map(|(name, ty)| {
            let c = col(name.as_str());
            let numeric = ty.is_numeric();
            let filled = match pad.padding.as_str() {
                "0" if numeric => c.fill_null(lit(0).cast(ty.dtype())),
                "last" => c.fill_null_with_strategy(FillNullStrategy::Forward(None)),
                "next" => c.fill_null_with_strategy(FillNullStrategy::Backward(None)),
                "avg" if numeric => {
                    let before = c
                        .clone()
                        .fill_null_with_strategy(FillNullStrategy::Forward(None))
                        .cast(DataType::Float64);
                    let after = c
                        .fill_null_with_strategy(FillNullStrategy::Backward(None))
                        .cast(DataType::Float64);
                    ((before + after) / lit(2.0)).cast(ty.dtype())
                }
                _ => c,
            };
            filled.alias(name.as_str())
        })
        .collect();
    joined.with_columns(fills)
}
