//! The SQL part, rewritten from keytrail's sqlparser AST into the engine's SQL: `FROM log` and
//! the implicit FROM become the store's table filtered by the search part, `LIMIT offset, n`
//! and the default `LIMIT 100` become the engine's LIMIT/OFFSET, GROUP BY aliases and ordinals
//! are expanded to their expressions (keytrail resolves a select alias before an input column;
//! Spark does the opposite, Trino does not accept aliases), NULLs sort last as in Presto,
//! integer division stays integral, and every function goes through [`super::functions`].
//! Expressions carry their SQL type, which decides division, casts and JSON handling.
//! The statement is first planned by keytrail itself, so what keytrail refuses is refused
//! here with the same message and position.

use sqlparser::ast;

use super::dialect::Dialect;
use super::search::{json_leaf, table_name};
use super::{Options, Refusal};
use crate::event::schema::{resolve_field, FieldRef, EVENT, TIME};
use crate::query::sql::errors::{at, at_location, at_start, byte_offset, PResult};
use crate::query::sql::syntax::{default_name, integer_literal, limit_offset};
use crate::query::sql::SqlType;

/// A translated expression and its type.
#[derive(Debug, Clone)]
pub struct Out {
    /// The engine's SQL text.
    pub sql: String,
    /// Its type.
    pub ty: SqlType,
}

impl Out {
    /// An expression of type `ty`.
    pub fn new(sql: impl Into<String>, ty: SqlType) -> Out {
        Out {
            sql: sql.into(),
            ty,
        }
    }
}

/// A column of a relation.
#[derive(Debug, Clone)]
struct Col {
    name: String,
    ty: SqlType,
}

/// What the names of an expression refer to.
#[derive(Debug, Clone)]
enum Scope {
    /// The store's columns (and the JSON leaves of `event`).
    Events { alias: Option<String> },
    /// The output of a subquery or CTE.
    Columns {
        cols: Vec<Col>,
        alias: Option<String>,
    },
}

/// Why a name with control characters is refused.
const UNSAFE_NAME: &str =
    "a name holding control or format characters cannot be written as an identifier safely";

/// Translates the SQL part `sql_text` (offsets in the result are relative to it) over the
/// events `filter` selects.
pub fn translate(
    sql_text: &str,
    filter: &str,
    opts: &Options,
    notes: &mut Vec<String>,
) -> Result<String, Refusal> {
    check_with_keytrail(sql_text)?;
    let (text, _) = crate::query::sql::preprocess(sql_text);
    let query =
        crate::query::sql::parse_query(&text).map_err(|e| Refusal::new(e.position, e.message))?;
    let mut t = Translator {
        d: opts.dialect,
        filter: filter.to_string(),
        table: table_name(&opts.table, opts.dialect),
        ctes: Vec::new(),
        notes: Vec::new(),
        derived: 0,
    };
    let result = t.query(&query, true);
    notes.append(&mut t.notes);
    result
        .map(|(sql, _)| sql)
        .map_err(|l| Refusal::new(byte_offset(&text, l.line, l.column), l.message))
}

/// Plans the statement with keytrail over an empty store frame: what keytrail refuses (an
/// unknown column, a misplaced aggregate) is refused with its message and position.
fn check_with_keytrail(sql_text: &str) -> Result<(), Refusal> {
    use polars::prelude::IntoLazy;
    let empty = crate::store::frame::rows_to_dataframe(&[])
        .map_err(|e| Refusal::new(0, format!("cannot build the store's schema: {e}")))?;
    let ctx = crate::query::sql::SqlContext {
        zone: crate::time::Zone::default(),
        now: 0,
        geoip: None,
    };
    crate::query::sql::plan(sql_text, empty.lazy(), &ctx)
        .map(|_| ())
        .map_err(|e| Refusal::new(e.position, e.message))
}

/// The state of one translation.
pub struct Translator {
    /// The target engine.
    pub d: Dialect,
    filter: String,
    table: String,
    ctes: Vec<(String, Vec<Col>)>,
    /// Differences in edge cases, for the user.
    pub notes: Vec<String>,
    derived: usize,
}

/// A select item after translation.
struct Item {
    out: Out,
    name: String,
    aggregate: bool,
}

impl Translator {
    fn query(&mut self, q: &ast::Query, top: bool) -> PResult<(String, Vec<Col>)> {
        let saved = self.ctes.len();
        let mut text = String::new();
        if let Some(with) = &q.with {
            if with.recursive {
                return Err(at(&with.with_token.0, "WITH RECURSIVE is not supported"));
            }
            let mut parts = Vec::new();
            for cte in &with.cte_tables {
                let name = cte.alias.name.value.to_lowercase();
                if name == "log" {
                    return Err(at_location(
                        cte.alias.name.span.start,
                        "a WITH table named log would hide the events: rename it",
                    ));
                }
                if !super::dialect::safe_name(&name) {
                    return Err(at_location(cte.alias.name.span.start, UNSAFE_NAME));
                }
                let (sql, cols) = self.query(&cte.query, false)?;
                parts.push(format!("{} AS ({sql})", self.d.ident(&name)));
                self.ctes.push((name, cols));
            }
            text.push_str(&format!("WITH {} ", parts.join(", ")));
        }
        let ast::SetExpr::Select(select) = q.body.as_ref() else {
            return Err(at(
                q.body.as_ref(),
                "only SELECT statements are translated (no UNION/INTERSECT/VALUES)",
            ));
        };
        let (body, cols, order) = self.select(select, q.order_by.as_ref())?;
        text.push_str(&body);
        text.push_str(&order);
        text.push_str(&self.limit(q.limit_clause.as_ref(), top)?);
        self.ctes.truncate(saved);
        Ok((text, cols))
    }

    fn limit(&self, clause: Option<&ast::LimitClause>, top: bool) -> PResult<String> {
        let Some(clause) = clause else {
            return Ok(if top {
                " LIMIT 100".to_string()
            } else {
                String::new()
            });
        };
        let (offset, count) = limit_offset(clause)?;
        Ok(match (self.d, offset, count) {
            (_, 0, None) => String::new(),
            (_, 0, Some(n)) => format!(" LIMIT {n}"),
            (Dialect::Spark, o, Some(n)) => format!(" LIMIT {n} OFFSET {o}"),
            (Dialect::Spark, o, None) => format!(" OFFSET {o}"),
            (Dialect::Trino, o, Some(n)) => format!(" OFFSET {o} LIMIT {n}"),
            (Dialect::Trino, o, None) => format!(" OFFSET {o}"),
        })
    }

    /// One SELECT with its ORDER BY: (text without ORDER BY, output columns, ORDER BY text).
    fn select(
        &mut self,
        s: &ast::Select,
        order_by: Option<&ast::OrderBy>,
    ) -> PResult<(String, Vec<Col>, String)> {
        refuse_extras(s)?;
        let (from, scope, on_events) = self.from(&s.from)?;
        let items = self.projection(s, &scope)?;
        let mut text = String::from("SELECT ");
        if let Some(distinct) = &s.distinct {
            match distinct {
                ast::Distinct::Distinct => text.push_str("DISTINCT "),
                ast::Distinct::All => {}
                ast::Distinct::On(_) => {
                    return Err(at(&s.select_token.0, "DISTINCT ON is not supported"));
                }
            }
        }
        let list: Vec<String> = items
            .iter()
            .map(|i| format!("{} AS {}", i.out.sql, self.d.alias(&i.name)))
            .collect();
        text.push_str(&list.join(", "));
        text.push_str(&from);
        let mut wheres = Vec::new();
        if on_events && self.filter != "TRUE" {
            wheres.push(format!("({})", self.filter));
        }
        if let Some(w) = &s.selection {
            wheres.push(format!("({})", self.expr(w, &scope, None)?.sql));
        }
        if !wheres.is_empty() {
            text.push_str(&format!(" WHERE {}", wheres.join(" AND ")));
        }
        text.push_str(&self.group_by(&s.group_by, &items, &scope)?);
        if let Some(h) = &s.having {
            let having = self.expr(h, &scope, Some(&items))?;
            text.push_str(&format!(" HAVING {}", having.sql));
        }
        let order = match order_by {
            Some(o) => self.order_by(o, &items, &scope)?,
            None => String::new(),
        };
        let cols = items
            .into_iter()
            .map(|i| Col {
                name: i.name,
                ty: i.out.ty,
            })
            .collect();
        Ok((text, cols, order))
    }

    /// The FROM clause: its text, the scope it opens, and whether it reads the events.
    fn from(&mut self, from: &[ast::TableWithJoins]) -> PResult<(String, Scope, bool)> {
        let Some(first) = from.first() else {
            let scope = Scope::Events { alias: None };
            return Ok((format!(" FROM {}", self.table), scope, true));
        };
        if from.len() > 1 || !first.joins.is_empty() {
            return Err(at(&first.relation, "joins are not supported"));
        }
        if let ast::TableFactor::Table { alias: Some(a), .. }
        | ast::TableFactor::Derived { alias: Some(a), .. } = &first.relation
        {
            if !super::dialect::safe_name(&a.name.value) {
                return Err(at_location(a.name.span.start, UNSAFE_NAME));
            }
        }
        match &first.relation {
            ast::TableFactor::Table {
                name, alias, args, ..
            } if args.is_none() => {
                let table = name.to_string().trim_matches('"').to_lowercase();
                let alias_name = alias.as_ref().map(|a| a.name.value.clone());
                let alias_text = alias_name
                    .as_ref()
                    .map(|a| format!(" AS {}", self.d.ident(a)))
                    .unwrap_or_default();
                if let Some((_, cols)) = self.ctes.iter().rev().find(|(n, _)| *n == table) {
                    let scope = Scope::Columns {
                        cols: cols.clone(),
                        alias: alias_name.or(Some(table.clone())),
                    };
                    return Ok((
                        format!(" FROM {}{alias_text}", self.d.ident(&table)),
                        scope,
                        false,
                    ));
                }
                if table == "log" {
                    let scope = Scope::Events { alias: alias_name };
                    return Ok((format!(" FROM {}{alias_text}", self.table), scope, true));
                }
                Err(at(name, format!("Table '{table}' not found")))
            }
            ast::TableFactor::Derived {
                subquery, alias, ..
            } => {
                let (sql, cols) = self.query(subquery, false)?;
                self.derived += 1;
                let alias_name = alias
                    .as_ref()
                    .map(|a| a.name.value.clone())
                    .unwrap_or_else(|| format!("_t{}", self.derived));
                let scope = Scope::Columns {
                    cols,
                    alias: Some(alias_name.clone()),
                };
                Ok((
                    format!(" FROM ({sql}) AS {}", self.d.ident(&alias_name)),
                    scope,
                    false,
                ))
            }
            other => Err(at(other, "unsupported FROM item")),
        }
    }

    fn projection(&mut self, s: &ast::Select, scope: &Scope) -> PResult<Vec<Item>> {
        let items = self.items(s, scope)?;
        for (item, node) in items.iter().zip(&s.projection) {
            if !super::dialect::safe_name(&item.name) {
                return Err(at(node, UNSAFE_NAME));
            }
        }
        Ok(items)
    }

    fn items(&mut self, s: &ast::Select, scope: &Scope) -> PResult<Vec<Item>> {
        let mut items = Vec::new();
        for (index, item) in s.projection.iter().enumerate() {
            match item {
                ast::SelectItem::UnnamedExpr(e) => {
                    let out = self.expr(e, scope, None)?;
                    items.push(Item {
                        out,
                        name: default_name(e, index),
                        aggregate: has_aggregate(e),
                    });
                }
                ast::SelectItem::ExprWithAlias { expr, alias } => {
                    let out = self.expr(expr, scope, None)?;
                    items.push(Item {
                        out,
                        name: alias.value.clone(),
                        aggregate: has_aggregate(expr),
                    });
                }
                ast::SelectItem::Wildcard(_) => {
                    for col in scope_columns(scope) {
                        items.push(Item {
                            out: Out::new(self.d.ident(&col.name), col.ty.clone()),
                            name: col.name,
                            aggregate: false,
                        });
                    }
                }
                other => return Err(at(other, "unsupported select item")),
            }
        }
        Ok(items)
    }

    fn group_by(&mut self, g: &ast::GroupByExpr, items: &[Item], scope: &Scope) -> PResult<String> {
        let exprs = match g {
            ast::GroupByExpr::Expressions(exprs, modifiers) => {
                if !modifiers.is_empty() {
                    return Err(match exprs.first() {
                        Some(first) => {
                            at(first, "GROUP BY modifiers (ROLLUP, CUBE) are not supported")
                        }
                        None => at_start("GROUP BY modifiers are not supported"),
                    });
                }
                exprs
            }
            ast::GroupByExpr::All(_) => return Err(at_start("GROUP BY ALL is not supported")),
        };
        if exprs.is_empty() {
            return Ok(String::new());
        }
        let mut keys = Vec::new();
        for e in exprs {
            if let Some(n) = integer_literal(e) {
                let item = usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| items.get(i))
                    .ok_or_else(|| {
                        at(
                            e,
                            format!("GROUP BY position {n} is not in the select list"),
                        )
                    })?;
                keys.push(item.out.sql.clone());
                continue;
            }
            if let ast::Expr::Identifier(ident) = e {
                if let Some(item) = items
                    .iter()
                    .find(|i| i.name.eq_ignore_ascii_case(&ident.value) && !i.aggregate)
                {
                    keys.push(item.out.sql.clone());
                    continue;
                }
            }
            keys.push(self.expr(e, scope, None)?.sql);
        }
        Ok(format!(" GROUP BY {}", keys.join(", ")))
    }

    fn order_by(&mut self, o: &ast::OrderBy, items: &[Item], scope: &Scope) -> PResult<String> {
        let ast::OrderByKind::Expressions(exprs) = &o.kind else {
            return Err(at_start("ORDER BY ALL is not supported"));
        };
        let mut keys = Vec::new();
        for item in exprs {
            let key = self.order_key(&item.expr, items, scope)?;
            let dir = match item.options.sort {
                Some(ast::OrderBySort::Desc) => " DESC",
                Some(ast::OrderBySort::Asc) => " ASC",
                Some(ast::OrderBySort::Using(_)) => {
                    return Err(at(&item.expr, "ORDER BY ... USING is not supported"))
                }
                None => "",
            };
            let nulls = match item.options.nulls_first {
                Some(true) => " NULLS FIRST",
                _ => " NULLS LAST",
            };
            keys.push(format!("{key}{dir}{nulls}"));
        }
        Ok(format!(" ORDER BY {}", keys.join(", ")))
    }

    /// An ORDER BY key: an ordinal or an output name as the output alias, else an expression.
    fn order_key(&mut self, e: &ast::Expr, items: &[Item], scope: &Scope) -> PResult<String> {
        if let Some(n) = integer_literal(e) {
            let item = usize::try_from(n - 1)
                .ok()
                .and_then(|i| items.get(i))
                .ok_or_else(|| {
                    at(
                        e,
                        format!("ORDER BY position {n} is not in the select list"),
                    )
                })?;
            return Ok(self.d.alias(&item.name));
        }
        if let ast::Expr::Identifier(ident) = e {
            if let Some(item) = items
                .iter()
                .find(|i| i.name.eq_ignore_ascii_case(&ident.value))
            {
                return Ok(self.d.alias(&item.name));
            }
        }
        Ok(self.expr(e, scope, None)?.sql)
    }

    /// Translates an expression. `aliases` (in HAVING) lets a name stand for a select item.
    fn expr(&mut self, e: &ast::Expr, scope: &Scope, aliases: Option<&[Item]>) -> PResult<Out> {
        use ast::Expr as E;
        let d = self.d;
        match e {
            E::Identifier(_) | E::CompoundIdentifier(_) => self.name(e, scope, aliases),
            E::Value(v) => self.literal(&v.value, e),
            E::Nested(inner) => {
                let o = self.expr(inner, scope, aliases)?;
                Ok(Out::new(format!("({})", o.sql), o.ty))
            }
            E::UnaryOp { op, expr } => {
                let o = self.expr(expr, scope, aliases)?;
                Ok(match op {
                    ast::UnaryOperator::Not => {
                        Out::new(format!("(NOT {})", o.sql), SqlType::Boolean)
                    }
                    ast::UnaryOperator::Minus => Out::new(format!("(- {})", o.sql), o.ty),
                    ast::UnaryOperator::Plus => o,
                    other => return Err(at(e, format!("operator {other} is not supported"))),
                })
            }
            E::BinaryOp { left, op, right } => {
                let l = self.expr(left, scope, aliases)?;
                let r = self.expr(right, scope, aliases)?;
                self.binary(&l, op, &r, right, e)
            }
            E::IsNull(x) => Ok(Out::new(
                format!("({} IS NULL)", self.expr(x, scope, aliases)?.sql),
                SqlType::Boolean,
            )),
            E::IsNotNull(x) => Ok(Out::new(
                format!("({} IS NOT NULL)", self.expr(x, scope, aliases)?.sql),
                SqlType::Boolean,
            )),
            E::In {
                expr,
                target: ast::InTarget::List(list),
                negated,
                global: false,
            } => {
                let x = self.expr(expr, scope, aliases)?.sql;
                let mut values = Vec::new();
                for v in list {
                    values.push(self.expr(v, scope, aliases)?.sql);
                }
                let not = if *negated { "NOT " } else { "" };
                Ok(Out::new(
                    format!("({x} {not}IN ({}))", values.join(", ")),
                    SqlType::Boolean,
                ))
            }
            E::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let x = self.expr(expr, scope, aliases)?.sql;
                let lo = self.expr(low, scope, aliases)?.sql;
                let hi = self.expr(high, scope, aliases)?.sql;
                let not = if *negated { "NOT " } else { "" };
                Ok(Out::new(
                    format!("({x} {not}BETWEEN {lo} AND {hi})"),
                    SqlType::Boolean,
                ))
            }
            E::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.like(*negated, expr, pattern, scope, aliases, e),
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(
                operand.as_deref(),
                conditions,
                else_result.as_deref(),
                scope,
                aliases,
            ),
            E::Cast {
                kind,
                expr,
                data_type,
                format: None,
            } => self.cast(kind, expr, data_type, scope, aliases, e),
            E::Function(f) => self.function(f, scope, aliases, e),
            E::CompoundFieldAccess { root, access_chain } => {
                let mut out = self.expr(root, scope, aliases)?;
                for access in access_chain {
                    let ast::AccessExpr::Subscript(ast::Subscript::Index { index }) = access else {
                        return Err(at(e, "only [index] access is supported"));
                    };
                    let i = self.expr(index, scope, aliases)?;
                    out = super::functions::element(self.d, &out, &i, index, false);
                }
                Ok(out)
            }
            E::Position { .. } | E::Substring { .. } => {
                self.position_or_substring(e, scope, aliases)
            }
            E::Floor {
                expr,
                field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime),
            }
            | E::Ceil {
                expr,
                field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime),
            } => {
                let x = self.expr(expr, scope, aliases)?;
                let name = if matches!(e, E::Floor { .. }) {
                    "floor"
                } else {
                    "ceil"
                };
                Ok(super::functions::floor_ceil(d, name, &x))
            }
            E::Trim {
                trim_where: None,
                trim_what: None,
                expr,
                trim_characters: None,
            } => {
                let x = self.expr(expr, scope, aliases)?.sql;
                Ok(Out::new(format!("trim({x})"), SqlType::Varchar))
            }
            other => Err(at(
                other,
                format!("{} cannot be translated", describe(other)),
            )),
        }
    }

    /// A column name, or (in HAVING) a select item's alias standing for its expression.
    fn name(&mut self, e: &ast::Expr, scope: &Scope, aliases: Option<&[Item]>) -> PResult<Out> {
        use ast::Expr as E;
        match e {
            E::Identifier(ident) => {
                if let Some(item) = aliases.and_then(|items| {
                    items
                        .iter()
                        .find(|i| i.name.eq_ignore_ascii_case(&ident.value))
                }) {
                    return Ok(Out::new(format!("({})", item.out.sql), item.out.ty.clone()));
                }
                self.column(&ident.value, scope, e)
            }
            E::CompoundIdentifier(parts) => {
                let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
                let alias = match scope {
                    Scope::Events { alias } | Scope::Columns { alias, .. } => alias.as_deref(),
                };
                let name = match alias {
                    Some(a) if names.len() > 1 && names[0].eq_ignore_ascii_case(a) => {
                        names[1..].join(".")
                    }
                    _ => names.join("."),
                };
                self.column(&name, scope, e)
            }
            other => Err(at(other, format!("{} is not a name", describe(other)))),
        }
    }

    /// `x [NOT] LIKE p`: Spark reads a backslash in a LIKE pattern as an escape, SLS (Presto)
    /// has none, so a literal pattern holding one gets an ESCAPE character it does not use.
    fn like(
        &mut self,
        negated: bool,
        expr: &ast::Expr,
        pattern: &ast::Expr,
        scope: &Scope,
        aliases: Option<&[Item]>,
        e: &ast::Expr,
    ) -> PResult<Out> {
        let d = self.d;
        let x = self.expr(expr, scope, aliases)?.sql;
        let p = self.expr(pattern, scope, aliases)?.sql;
        let not = if negated { "NOT " } else { "" };
        let escape = match (d, like_literal(pattern)) {
            (Dialect::Spark, Some(text)) if text.contains('\\') => {
                let free = ['!', '#', '^', '~', '`']
                    .into_iter()
                    .find(|c| !text.contains(*c))
                    .ok_or_else(|| at(e, "LIKE pattern uses every escape candidate"))?;
                format!(" ESCAPE '{free}'")
            }
            (Dialect::Spark, None) => {
                return Err(at(
                    pattern,
                    "LIKE with a computed pattern: Spark reads a backslash in it as an \
                     escape, SLS does not",
                ))
            }
            _ => String::new(),
        };
        Ok(Out::new(
            format!("({x} {not}LIKE {p}{escape})"),
            SqlType::Boolean,
        ))
    }

    /// `POSITION(sub IN s)` and `SUBSTRING(x FROM f FOR n)`.
    fn position_or_substring(
        &mut self,
        e: &ast::Expr,
        scope: &Scope,
        aliases: Option<&[Item]>,
    ) -> PResult<Out> {
        use ast::Expr as E;
        let d = self.d;
        match e {
            E::Position { expr, r#in } => {
                let sub = self.expr(expr, scope, aliases)?.sql;
                let s = self.expr(r#in, scope, aliases)?.sql;
                Ok(Out::new(
                    match d {
                        Dialect::Spark => format!("locate({sub}, {s})"),
                        Dialect::Trino => format!("strpos({s}, {sub})"),
                    },
                    SqlType::Bigint,
                ))
            }
            E::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.expr(expr, scope, aliases)?.sql];
                if let Some(f) = substring_from {
                    args.push(self.expr(f, scope, aliases)?.sql);
                }
                if let Some(f) = substring_for {
                    args.push(self.expr(f, scope, aliases)?.sql);
                }
                Ok(Out::new(
                    format!("substr({})", args.join(", ")),
                    SqlType::Varchar,
                ))
            }
            other => Err(at(
                other,
                format!("{} cannot be translated", describe(other)),
            )),
        }
    }

    fn literal(&mut self, v: &ast::Value, e: &ast::Expr) -> PResult<Out> {
        match v {
            ast::Value::Number(text, _) => {
                if text.parse::<i64>().is_ok() {
                    Ok(Out::new(text.clone(), SqlType::Bigint))
                } else {
                    Ok(Out::new(self.d.double(text), SqlType::Double))
                }
            }
            ast::Value::SingleQuotedString(s) => Ok(Out::new(self.d.string(s), SqlType::Varchar)),
            ast::Value::Boolean(b) => Ok(Out::new(
                if *b { "TRUE" } else { "FALSE" },
                SqlType::Boolean,
            )),
            ast::Value::Null => Ok(Out::new("NULL", SqlType::Unknown)),
            other => Err(at(e, format!("literal {other} cannot be translated"))),
        }
    }

    /// A column name in the scope.
    fn column(&mut self, name: &str, scope: &Scope, e: &ast::Expr) -> PResult<Out> {
        match scope {
            Scope::Events { .. } => self.event_field(name, e),
            Scope::Columns { cols, .. } => {
                if let Some(c) = cols.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
                    return Ok(Out::new(self.d.ident(&c.name), c.ty.clone()));
                }
                if cols.iter().any(|c| c.name.eq_ignore_ascii_case(EVENT)) {
                    if let FieldRef::JsonLeaf(path) = resolve_field(name) {
                        return Ok(Out::new(
                            json_leaf(&path, self.d, false, &mut self.notes),
                            SqlType::Varchar,
                        ));
                    }
                }
                Err(at(e, format!("Column '{name}' cannot be resolved")))
            }
        }
    }

    fn event_field(&mut self, name: &str, e: &ast::Expr) -> PResult<Out> {
        match resolve_field(name) {
            FieldRef::Column(c) => {
                let ty = if c == TIME {
                    SqlType::Bigint
                } else {
                    SqlType::Varchar
                };
                Ok(Out::new(self.d.ident(&c), ty))
            }
            FieldRef::JsonLeaf(path) => Ok(Out::new(
                json_leaf(&path, self.d, false, &mut self.notes),
                SqlType::Varchar,
            )),
            FieldRef::Unknown => Err(at(e, format!("Column '{name}' cannot be resolved"))),
        }
    }

    fn binary(
        &mut self,
        l: &Out,
        op: &ast::BinaryOperator,
        r: &Out,
        right: &ast::Expr,
        e: &ast::Expr,
    ) -> PResult<Out> {
        use ast::BinaryOperator as B;
        let numeric = || match (&l.ty, &r.ty) {
            (SqlType::Bigint, SqlType::Bigint) => SqlType::Bigint,
            (SqlType::Unknown, t) | (t, SqlType::Unknown) if *t == SqlType::Bigint => {
                SqlType::Bigint
            }
            _ => SqlType::Double,
        };
        // Division and modulo by zero give NULL in keytrail; both engines would fail.
        let divisor = if integer_literal(right).is_some_and(|n| n != 0) {
            r.sql.clone()
        } else {
            format!("nullif({}, 0)", r.sql)
        };
        let (sql, ty) = match op {
            B::Plus => (format!("({} + {})", l.sql, r.sql), numeric()),
            B::Minus => (format!("({} - {})", l.sql, r.sql), numeric()),
            B::Multiply => (format!("({} * {})", l.sql, r.sql), numeric()),
            B::Divide => match (numeric(), self.d) {
                (SqlType::Bigint, Dialect::Spark) => {
                    (format!("({} div {divisor})", l.sql), SqlType::Bigint)
                }
                (ty, _) => (format!("({} / {divisor})", l.sql), ty),
            },
            B::Modulo => (format!("({} % {divisor})", l.sql), numeric()),
            B::StringConcat => (format!("({} || {})", l.sql, r.sql), SqlType::Varchar),
            B::Eq => (format!("({} = {})", l.sql, r.sql), SqlType::Boolean),
            B::NotEq => (format!("({} <> {})", l.sql, r.sql), SqlType::Boolean),
            B::Lt => (format!("({} < {})", l.sql, r.sql), SqlType::Boolean),
            B::LtEq => (format!("({} <= {})", l.sql, r.sql), SqlType::Boolean),
            B::Gt => (format!("({} > {})", l.sql, r.sql), SqlType::Boolean),
            B::GtEq => (format!("({} >= {})", l.sql, r.sql), SqlType::Boolean),
            B::And => (format!("({} AND {})", l.sql, r.sql), SqlType::Boolean),
            B::Or => (format!("({} OR {})", l.sql, r.sql), SqlType::Boolean),
            other => return Err(at(e, format!("operator {other} cannot be translated"))),
        };
        Ok(Out::new(sql, ty))
    }

    fn case(
        &mut self,
        operand: Option<&ast::Expr>,
        conditions: &[ast::CaseWhen],
        else_result: Option<&ast::Expr>,
        scope: &Scope,
        aliases: Option<&[Item]>,
    ) -> PResult<Out> {
        let mut text = String::from("CASE");
        if let Some(op) = operand {
            text.push(' ');
            text.push_str(&self.expr(op, scope, aliases)?.sql);
        }
        let mut ty = SqlType::Unknown;
        for w in conditions {
            let c = self.expr(&w.condition, scope, aliases)?;
            let r = self.expr(&w.result, scope, aliases)?;
            if ty == SqlType::Unknown {
                ty = r.ty.clone();
            }
            text.push_str(&format!(" WHEN {} THEN {}", c.sql, r.sql));
        }
        if let Some(x) = else_result {
            let r = self.expr(x, scope, aliases)?;
            if ty == SqlType::Unknown {
                ty = r.ty.clone();
            }
            text.push_str(&format!(" ELSE {}", r.sql));
        }
        text.push_str(" END");
        Ok(Out::new(text, ty))
    }

    fn cast(
        &mut self,
        kind: &ast::CastKind,
        inner: &ast::Expr,
        data_type: &ast::DataType,
        scope: &Scope,
        aliases: Option<&[Item]>,
        e: &ast::Expr,
    ) -> PResult<Out> {
        let target = cast_target(data_type)
            .ok_or_else(|| at(e, format!("CAST to {data_type} cannot be translated")))?;
        let try_ = match kind {
            ast::CastKind::Cast | ast::CastKind::DoubleColon => false,
            ast::CastKind::TryCast | ast::CastKind::SafeCast => true,
        };
        // cast(json_extract(j, p) AS T) reads the JSON value itself.
        let value = match super::functions::json_extract_args(inner) {
            Some((j, p)) => {
                let j = self.expr(j, scope, aliases)?;
                let p = self.expr(p, scope, aliases)?;
                super::functions::json_value(self.d, &j, &p)
            }
            None => self.expr(inner, scope, aliases)?,
        };
        super::functions::cast(self.d, &value, &target, try_).map_err(|message| at(e, message))
    }

    fn function(
        &mut self,
        f: &ast::Function,
        scope: &Scope,
        aliases: Option<&[Item]>,
        e: &ast::Expr,
    ) -> PResult<Out> {
        if f.over.is_some() {
            return Err(at(e, "window functions (OVER) are not supported"));
        }
        if f.filter.is_some() || !f.within_group.is_empty() {
            return Err(at(e, "FILTER and WITHIN GROUP are not supported"));
        }
        let name = f.name.to_string().to_ascii_lowercase();
        let (distinct, raw_args): (bool, Vec<&ast::FunctionArg>) = match &f.args {
            ast::FunctionArguments::None => (false, Vec::new()),
            ast::FunctionArguments::List(list) => (
                matches!(
                    list.duplicate_treatment,
                    Some(ast::DuplicateTreatment::Distinct)
                ),
                list.args.iter().collect(),
            ),
            ast::FunctionArguments::Subquery(_) => {
                return Err(at(e, "subqueries inside expressions are not supported"))
            }
        };
        let mut args = Vec::new();
        let mut exprs = Vec::new();
        let mut star = false;
        for a in raw_args {
            match a {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(x)) => {
                    args.push(self.expr(x, scope, aliases)?);
                    exprs.push(x);
                }
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) => star = true,
                _ => return Err(at(e, format!("{name}: unsupported argument form"))),
            }
        }
        let call = super::functions::Call {
            name: &name,
            args: &args,
            exprs: &exprs,
            distinct,
            star,
            node: e,
        };
        super::functions::translate(self, &call)
    }
}

/// What a construct is, for a refusal.
fn describe(e: &ast::Expr) -> String {
    let text = e.to_string();
    let short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        format!("'{short}…'")
    } else {
        format!("'{short}'")
    }
}

fn refuse_extras(s: &ast::Select) -> PResult<()> {
    let extra = if s.top.is_some() {
        Some("TOP")
    } else if s.into.is_some() {
        Some("SELECT INTO")
    } else if !s.lateral_views.is_empty() {
        Some("LATERAL VIEW")
    } else if s.qualify.is_some() {
        Some("QUALIFY")
    } else if !s.named_window.is_empty() {
        Some("WINDOW")
    } else if !s.sort_by.is_empty() || !s.cluster_by.is_empty() || !s.distribute_by.is_empty() {
        Some("SORT/CLUSTER/DISTRIBUTE BY")
    } else if s.prewhere.is_some() {
        Some("PREWHERE")
    } else {
        None
    };
    match extra {
        Some(what) => Err(at(&s.select_token.0, format!("{what} is not supported"))),
        None => Ok(()),
    }
}

/// The columns a scope offers to `SELECT *` (keytrail's store columns, never the partition).
fn scope_columns(scope: &Scope) -> Vec<Col> {
    match scope {
        Scope::Events { .. } => crate::event::schema::columns()
            .into_iter()
            .map(|name| {
                let ty = if name == TIME {
                    SqlType::Bigint
                } else {
                    SqlType::Varchar
                };
                Col { name, ty }
            })
            .collect(),
        Scope::Columns { cols, .. } => cols.clone(),
    }
}

fn like_literal(e: &ast::Expr) -> Option<&str> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `e` calls an aggregate function (outside subqueries).
fn has_aggregate(e: &ast::Expr) -> bool {
    use sqlparser::ast::Visit;
    struct Finder(bool);
    impl ast::Visitor for Finder {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &ast::Expr) -> std::ops::ControlFlow<()> {
            if let ast::Expr::Function(f) = e {
                let name = f.name.to_string();
                if crate::query::sql::functions::Func::lookup(&name)
                    .is_some_and(|func| func.is_aggregate())
                {
                    self.0 = true;
                    return std::ops::ControlFlow::Break(());
                }
            }
            std::ops::ControlFlow::Continue(())
        }
    }
    let mut finder = Finder(false);
    let _ = e.visit(&mut finder);
    finder.0
}

/// Maps a CAST target to a type (the targets keytrail accepts).
fn cast_target(dt: &ast::DataType) -> Option<SqlType> {
    let text = dt.to_string().to_ascii_lowercase();
    let base = text.split(['(', ' ']).next().unwrap_or("");
    Some(match base {
        "bigint" | "int" | "integer" | "smallint" | "tinyint" | "int64" => SqlType::Bigint,
        "double" | "float" | "real" | "decimal" | "numeric" => SqlType::Double,
        "varchar" | "char" | "string" | "text" => SqlType::Varchar,
        "boolean" | "bool" => SqlType::Boolean,
        "timestamp" => SqlType::Timestamp,
        "date" => SqlType::Date,
        _ => return None,
    })
}
