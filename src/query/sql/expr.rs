//! Expressions: sqlparser `Expr` → typed polars `Expr` over a scope (the events or a
//! subquery's columns), with Presto typing rules, and, after GROUP BY, the rewriting of
//! group keys and aggregate calls onto the aggregated frame. Function calls go to
//! [`super::scalar`] and [`super::aggregate`], CAST to [`super::cast`].

use std::cell::RefCell;

use polars::prelude::*;
use sqlparser::ast::{
    self, BinaryOperator, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator,
    Value as SqlValue,
};

use super::args::{call_args, literal_text, Arg};
use super::errors::{at, PResult};
use super::functions::{closest, Func};
use super::scalar;
use super::syntax::function_name;
use super::types::{SqlType, Typed};
use super::udf::{self, row_udf, Out};
use crate::event::schema::{resolve_field, FieldRef};
use crate::time::Zone;

/// Planner-wide settings and the notes collected while planning.
pub struct Env {
    /// Session time zone.
    pub zone: Zone,
    /// `now()` in unix seconds.
    pub now: i64,
    /// Notes for the user (approximations computed exactly, missing databases).
    pub notes: RefCell<Vec<String>>,
    /// The GeoIP/ASN databases of the run, if any.
    pub geoip: Option<&'static crate::geoip::GeoIp>,
    /// The stored event columns resolved so far, each once.
    pub reads: RefCell<Vec<String>>,
}

impl Env {
    /// Adds a note once.
    pub fn note(&self, text: &str) {
        let mut notes = self.notes.borrow_mut();
        if !notes.iter().any(|n| n == text) {
            notes.push(text.to_string());
        }
    }

    /// Records that the statement reads the stored column `column`.
    pub fn read(&self, column: &str) {
        let mut reads = self.reads.borrow_mut();
        if !reads.iter().any(|r| r == column) {
            reads.push(column.to_string());
        }
    }
}

/// One visible column of a relation.
#[derive(Clone, Debug)]
pub struct ColumnInfo {
    /// The SQL name (an alias or output name).
    pub name: String,
    /// The column's name in the polars frame.
    pub frame_name: String,
    /// Its SQL type.
    pub ty: SqlType,
    /// Where its values come from.
    pub source: super::facts::Source,
}

/// What names resolve against.
#[derive(Clone, Debug)]
pub enum Scope {
    /// The matched events: SLS field names via [`resolve_field`].
    Events,
    /// The output columns of a subquery or CTE, optionally qualified by an alias.
    Columns {
        /// The columns, in order.
        columns: Vec<ColumnInfo>,
        /// The relation's alias (`FROM (...) t`).
        alias: Option<String>,
    },
}

/// A GROUP BY key materialized before aggregation.
pub struct GroupKey {
    /// Canonical text of the key expression.
    pub canon: String,
    /// Frame column name (`__gN`).
    pub name: String,
    /// Its type.
    pub ty: SqlType,
    /// What the key shows as, when not the key column itself (time_series labels).
    pub display: Option<Typed>,
}

/// Padding of a `time_series` group key.
pub struct SeriesPad {
    /// The key column (bucket start, unix seconds).
    pub key: String,
    /// Window in seconds.
    pub window: i64,
    /// `0`, `null`, `last`, `next` or `avg`.
    pub padding: String,
}

/// State of an aggregation being planned: keys, pre-aggregation argument columns and the
/// aggregate expressions met so far.
#[derive(Default)]
pub struct Grouping {
    /// The GROUP BY keys.
    pub keys: Vec<GroupKey>,
    /// Pre-aggregation columns (`__xN`) feeding the aggregates.
    pub args: Vec<Expr>,
    /// Aggregations (`__aN`), with the canonical text of their call.
    pub aggs: Vec<(String, Expr, Typed)>,
    /// Select-list aliases usable in HAVING.
    pub aliases: Vec<(String, ast::Expr)>,
    /// No GROUP BY: one row over everything.
    pub global: bool,
    /// Guard against alias cycles.
    pub depth: usize,
    /// Set when a GROUP BY key is a `time_series` call.
    pub series: Option<SeriesPad>,
}

/// The values of an IN list made only of literals comparable to `ty` (strings for varchar,
/// numbers for bigint/double), as one Series and the type to compare in; None when an item is
/// anything else (NULL, an expression, a type the comparison would refuse).
fn literal_set(ty: &SqlType, list: &[ast::Expr]) -> Option<(Series, SqlType)> {
    let literal = |e: &ast::Expr| match e {
        ast::Expr::Value(v) => Some(v.value.clone()),
        _ => None,
    };
    match ty {
        SqlType::Varchar => {
            let mut texts = Vec::with_capacity(list.len());
            for item in list {
                match literal(item)? {
                    SqlValue::SingleQuotedString(s) => texts.push(s),
                    _ => return None,
                }
            }
            Some((Series::new("".into(), texts), SqlType::Varchar))
        }
        SqlType::Bigint | SqlType::Double => {
            let mut numbers = Vec::with_capacity(list.len());
            for item in list {
                let SqlValue::Number(text, _) = literal(item)? else {
                    return None;
                };
                numbers.push(text);
            }
            let ints: Option<Vec<i64>> = numbers.iter().map(|t| t.parse().ok()).collect();
            match ints {
                Some(ints) if *ty == SqlType::Bigint => {
                    Some((Series::new("".into(), ints), SqlType::Bigint))
                }
                _ => {
                    let floats: Option<Vec<f64>> = numbers.iter().map(|t| t.parse().ok()).collect();
                    Some((Series::new("".into(), floats?), SqlType::Double))
                }
            }
        }
        _ => None,
    }
}

/// CASE arms up to this many become one when/then chain, as written.
const CASE_CHAIN: usize = 16;

/// The arms of a CASE (conditions and their results, first true one wins) as a tree of depth
/// about log2(n) instead of a chain of n: polars plans a chain of thousands of `when` in
/// quadratic time and memory (2,500 arms: 12 s and out of memory). A long list is split in
/// halves: if any condition of the first half holds, the first half decides, else the second.
fn case_tree(conds: &[Expr], results: &[Expr], otherwise: Expr) -> Expr {
    if conds.len() <= CASE_CHAIN {
        let mut chain = otherwise;
        for (c, r) in conds.iter().zip(results).rev() {
            chain = when(c.clone()).then(r.clone()).otherwise(chain);
        }
        return chain;
    }
    let mid = conds.len() / 2;
    let first_half = conds[..mid]
        .iter()
        .map(|c| c.clone().fill_null(lit(false)))
        .collect();
    let first_holds = crate::query::balanced(first_half, Expr::or).unwrap_or_else(|| lit(false));
    when(first_holds)
        .then(case_tree(&conds[..mid], &results[..mid], otherwise.clone()))
        .otherwise(case_tree(&conds[mid..], &results[mid..], otherwise))
}

/// Canonical text of an expression, for matching GROUP BY and ORDER BY items.
pub fn canon(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Identifier(i) => format!("#{}", i.value.to_lowercase()),
        ast::Expr::CompoundIdentifier(parts) => {
            let names: Vec<String> = parts.iter().map(|p| p.value.to_lowercase()).collect();
            format!("#{}", names.join("."))
        }
        ast::Expr::Nested(inner) => canon(inner),
        other => other.to_string().to_lowercase(),
    }
}

/// Whether an expression contains an aggregate call (not looking into subqueries).
pub fn has_aggregate(e: &ast::Expr) -> bool {
    use ast::Expr as E;
    let any = |xs: &[ast::Expr]| xs.iter().any(has_aggregate);
    match e {
        E::Function(f) => {
            let aggregate = function_name(f)
                .and_then(|n| Func::lookup(&n))
                .is_some_and(Func::is_aggregate);
            let in_args = match &f.args {
                FunctionArguments::List(list) => list.args.iter().any(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => has_aggregate(x),
                    _ => false,
                }),
                _ => false,
            };
            (aggregate && f.over.is_none()) || in_args
        }
        E::BinaryOp { left, right, .. } => has_aggregate(left) || has_aggregate(right),
        E::UnaryOp { expr, .. }
        | E::Nested(expr)
        | E::IsNull(expr)
        | E::IsNotNull(expr)
        | E::IsTrue(expr)
        | E::IsFalse(expr)
        | E::IsNotTrue(expr)
        | E::IsNotFalse(expr)
        | E::Cast { expr, .. }
        | E::Ceil { expr, .. }
        | E::Floor { expr, .. } => has_aggregate(expr),
        E::In {
            expr,
            target: ast::InTarget::List(list),
            ..
        } => has_aggregate(expr) || any(list),
        E::Between {
            expr, low, high, ..
        } => has_aggregate(expr) || has_aggregate(low) || has_aggregate(high),
        E::Like { expr, pattern, .. } | E::ILike { expr, pattern, .. } => {
            has_aggregate(expr) || has_aggregate(pattern)
        }
        E::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            operand.as_deref().is_some_and(has_aggregate)
                || conditions
                    .iter()
                    .any(|c| has_aggregate(&c.condition) || has_aggregate(&c.result))
                || else_result.as_deref().is_some_and(has_aggregate)
        }
        E::CompoundFieldAccess { root, access_chain } => {
            has_aggregate(root)
                || access_chain.iter().any(|a| match a {
                    ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => {
                        has_aggregate(index)
                    }
                    _ => false,
                })
        }
        E::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            has_aggregate(expr)
                || substring_from.as_deref().is_some_and(has_aggregate)
                || substring_for.as_deref().is_some_and(has_aggregate)
        }
        E::Trim { expr, .. } => has_aggregate(expr),
        E::Position { expr, r#in } => has_aggregate(expr) || has_aggregate(r#in),
        E::Array(array) => any(&array.elem),
        _ => false,
    }
}

/// Compiles expressions against a scope; in grouped mode, against the aggregated frame.
pub struct Compiler<'a> {
    /// Settings and notes.
    pub env: &'a Env,
    /// Names visible to row expressions.
    pub scope: &'a Scope,
    /// Set after GROUP BY (or with aggregates): keys and aggregates.
    pub grouping: Option<&'a mut Grouping>,
    /// Depth inside CASE/IF branches, where polars evaluates every branch on every row: a
    /// failing CAST there gives NULL instead of aborting (Presto only evaluates taken branches).
    lenient: usize,
}

/// Turns a SQL LIKE pattern into an anchored regex.
pub fn like_regex(pattern: &str, escape: Option<char>, case_insensitive: bool) -> String {
    let mut out = String::from(if case_insensitive { "(?is)^" } else { "(?s)^" });
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            c if Some(c) == escape => {
                if let Some(next) = chars.next() {
                    out.push_str(&regex::escape(&next.to_string()));
                }
            }
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    out.push('$');
    out
}

impl<'a> Compiler<'a> {
    /// A row-mode compiler over `scope`.
    pub fn rows(env: &'a Env, scope: &'a Scope) -> Compiler<'a> {
        Compiler {
            env,
            scope,
            grouping: None,
            lenient: 0,
        }
    }

    /// A compiler in row mode (`grouping` None) or grouped mode.
    pub fn new(env: &'a Env, scope: &'a Scope, grouping: Option<&'a mut Grouping>) -> Compiler<'a> {
        Compiler {
            env,
            scope,
            grouping,
            lenient: 0,
        }
    }

    /// Compiles a CASE/IF branch result (casts there fail softly).
    pub fn branch(&mut self, e: &ast::Expr) -> PResult<Typed> {
        self.lenient += 1;
        let result = self.compile(e);
        self.lenient -= 1;
        result
    }

    /// Whether this compiles a CASE/IF branch (where a failing CAST gives NULL).
    pub(super) fn in_branch(&self) -> bool {
        self.lenient > 0
    }

    /// Compiles an expression.
    pub fn compile(&mut self, e: &ast::Expr) -> PResult<Typed> {
        use ast::Expr as E;
        if let Some(found) = self.grouped_lookup(e)? {
            return Ok(found);
        }
        match e {
            E::Identifier(ident) => self.column(&ident.value, e),
            E::CompoundIdentifier(parts) => {
                let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
                self.compound_column(&names, e)
            }
            E::Value(v) => self.literal(&v.value, e),
            E::Nested(inner) => self.compile(inner),
            E::BinaryOp { left, op, right } => self.binary(left, op, right, e),
            E::UnaryOp { op, expr } => self.unary(op, expr, e),
            E::IsNull(_)
            | E::IsNotNull(_)
            | E::IsTrue(_)
            | E::IsNotTrue(_)
            | E::IsFalse(_)
            | E::IsNotFalse(_)
            | E::In {
                target: ast::InTarget::List(_),
                ..
            }
            | E::Between { .. }
            | E::Like { any: false, .. }
            | E::ILike { any: false, .. } => self.predicate(e),
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref()),
            E::Cast {
                kind,
                expr,
                data_type,
                ..
            } => self.cast_expr(kind, expr, data_type, e),
            E::TypedString(ts) => self.typed_string(ts, e),
            E::Function(f) => self.function(f, e),
            E::CompoundFieldAccess { root, access_chain } => {
                let mut value = self.compile(root)?;
                for access in access_chain {
                    let ast::AccessExpr::Subscript(ast::Subscript::Index { index }) = access else {
                        return Err(at(e, "only [index] access is supported on arrays"));
                    };
                    let i = self.compile(index)?;
                    value = scalar::array::subscript(value, i, e)?;
                }
                Ok(value)
            }
            E::Substring { .. }
            | E::Trim { .. }
            | E::Position { .. }
            | E::Ceil { .. }
            | E::Floor { .. }
            | E::Array(_) => self.function_syntax(e),
            E::Subquery(_) | E::Exists { .. } | E::In { .. } => Err(at(
                e,
                "subqueries inside expressions are not supported; use FROM (SELECT ...)",
            )),
            E::Interval(_) => Err(at(
                e,
                "INTERVAL is not supported; use date_add(unit, n, ts)",
            )),
            other => Err(at(e, format!("unsupported expression: {other}"))),
        }
    }

    /// The boolean tests: IS [NOT] NULL/TRUE/FALSE, IN (list), BETWEEN, LIKE, ILIKE.
    fn predicate(&mut self, e: &ast::Expr) -> PResult<Typed> {
        use ast::Expr as E;
        let boolean = |x: Expr| Ok(Typed::new(x, SqlType::Boolean));
        match e {
            E::IsNull(x) => boolean(self.compile(x)?.expr.is_null()),
            E::IsNotNull(x) => boolean(self.compile(x)?.expr.is_not_null()),
            E::IsTrue(x) | E::IsNotTrue(x) => {
                let truth = self.boolean(x)?.eq(lit(true)).fill_null(lit(false));
                let negate = matches!(e, E::IsNotTrue(_));
                boolean(if negate { truth.not() } else { truth })
            }
            E::IsFalse(x) | E::IsNotFalse(x) => {
                let truth = self.boolean(x)?.eq(lit(false)).fill_null(lit(false));
                let negate = matches!(e, E::IsNotFalse(_));
                boolean(if negate { truth.not() } else { truth })
            }
            E::In {
                expr,
                target: ast::InTarget::List(list),
                negated,
                ..
            } => self.in_list(expr, list, *negated),
            E::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let ge = self.compare(expr, &BinaryOperator::GtEq, low, e)?;
                let le = self.compare(expr, &BinaryOperator::LtEq, high, e)?;
                let both = ge.and(le);
                boolean(if *negated { both.not() } else { both })
            }
            E::Like {
                negated,
                expr,
                pattern,
                escape_char,
                ..
            } => self.like(expr, pattern, escape_char.as_deref(), *negated, false),
            E::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                ..
            } => self.like(expr, pattern, escape_char.as_deref(), *negated, true),
            other => Err(at(e, format!("unsupported expression: {other}"))),
        }
    }

    /// Functions with their own syntax: SUBSTRING(s FROM i FOR n), TRIM(LEADING s),
    /// POSITION(a IN b), CEIL/FLOOR, ARRAY[...].
    fn function_syntax(&mut self, e: &ast::Expr) -> PResult<Typed> {
        use ast::Expr as E;
        match e {
            E::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let s = self.varchar(expr)?;
                let start = match substring_from {
                    Some(f) => self.bigint(f)?,
                    None => lit(1i64),
                };
                let mut args = vec![s, start];
                if let Some(len) = substring_for {
                    args.push(self.bigint(len)?);
                }
                Ok(Typed::new(
                    scalar::string::substr_udf(args),
                    SqlType::Varchar,
                ))
            }
            E::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            } => {
                if trim_what.is_some() || trim_characters.is_some() {
                    return Err(at(e, "trim with explicit characters is not supported"));
                }
                let s = self.varchar(expr)?.str();
                let trimmed = match trim_where {
                    Some(ast::TrimWhereField::Leading) => s.strip_chars_start(lit(NULL)),
                    Some(ast::TrimWhereField::Trailing) => s.strip_chars_end(lit(NULL)),
                    _ => s.strip_chars(lit(NULL)),
                };
                Ok(Typed::new(trimmed, SqlType::Varchar))
            }
            E::Position { expr, r#in } => {
                let needle = self.varchar(expr)?;
                let hay = self.varchar(r#in)?;
                Ok(Typed::new(
                    scalar::string::strpos_udf(hay, needle),
                    SqlType::Bigint,
                ))
            }
            E::Ceil { expr, .. } => scalar::math::rounding(self.compile(expr)?, true, "ceil", expr),
            E::Floor { expr, .. } => {
                scalar::math::rounding(self.compile(expr)?, false, "floor", expr)
            }
            E::Array(array) => {
                let items = array
                    .elem
                    .iter()
                    .map(|x| self.varchar(x))
                    .collect::<PResult<Vec<_>>>()?;
                Ok(scalar::array::array_of(items))
            }
            other => Err(at(e, format!("unsupported expression: {other}"))),
        }
    }

    /// In grouped mode: a group key or aggregate call as a column of the aggregated frame.
    fn grouped_lookup(&mut self, e: &ast::Expr) -> PResult<Option<Typed>> {
        let Some(grouping) = self.grouping.as_deref_mut() else {
            return Ok(None);
        };
        let key = canon(e);
        if let Some(k) = grouping.keys.iter().find(|k| k.canon == key) {
            let column = Typed::new(col(k.name.as_str()), k.ty.clone());
            return Ok(Some(k.display.clone().unwrap_or(column)));
        }
        if let ast::Expr::Function(f) = e {
            let func = function_name(f).and_then(|n| Func::lookup(&n));
            if func.is_some_and(Func::is_aggregate) {
                if let Some((_, _, t)) = grouping.aggs.iter().find(|(c, _, _)| *c == key) {
                    return Ok(Some(t.clone()));
                }
                let typed = self.aggregate(func.unwrap_or(Func::Count), f, e)?;
                return Ok(Some(typed));
            }
        }
        if let ast::Expr::Identifier(ident) = e {
            let grouping = self.grouping.as_deref_mut().expect("grouped mode");
            let alias = grouping
                .aliases
                .iter()
                .find(|(a, target)| a.eq_ignore_ascii_case(&ident.value) && canon(target) != key)
                .map(|(_, target)| target.clone());
            if let Some(target) = alias.filter(|_| grouping.depth < 8) {
                grouping.depth += 1;
                let result = self.compile(&target);
                if let Some(g) = self.grouping.as_deref_mut() {
                    g.depth -= 1;
                }
                return result.map(Some);
            }
            return Err(at(
                e,
                format!("Column '{}' not in GROUP BY clause", ident.value),
            ));
        }
        if let ast::Expr::CompoundIdentifier(parts) = e {
            let name: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            return Err(at(
                e,
                format!("Column '{}' not in GROUP BY clause", name.join(".")),
            ));
        }
        Ok(None)
    }

    fn compound_column(&mut self, names: &[&str], e: &ast::Expr) -> PResult<Typed> {
        if let Scope::Columns {
            alias: Some(alias), ..
        } = self.scope
        {
            if names.len() > 1 && names[0].eq_ignore_ascii_case(alias) {
                return self.column(&names[1..].join("."), e);
            }
        }
        self.column(&names.join("."), e)
    }

    /// Resolves a column name in the scope.
    pub fn column(&mut self, name: &str, e: &ast::Expr) -> PResult<Typed> {
        match self.scope {
            Scope::Events => match resolve_field(name) {
                FieldRef::Column(c) => {
                    self.env.read(&c);
                    let ty = if c == crate::event::schema::TIME {
                        SqlType::Bigint
                    } else {
                        SqlType::Varchar
                    };
                    Ok(Typed::new(col(c.as_str()), ty))
                }
                FieldRef::JsonLeaf(path) => {
                    self.env.read(crate::event::schema::EVENT);
                    self.json_leaf(col(crate::event::schema::EVENT), name, &path, e)
                }
                FieldRef::Unknown => {
                    let hint = field_suggestion(name)
                        .map(|s| format!("; did you mean \"{s}\"?"))
                        .unwrap_or_default();
                    Err(at(e, format!("Column '{name}' cannot be resolved{hint}")))
                }
            },
            Scope::Columns { columns, .. } => {
                if let Some(c) = columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
                    return Ok(Typed::new(col(c.frame_name.as_str()), c.ty.clone()));
                }
                // `SELECT * FROM log` keeps the `event` column: its JSON leaves stay reachable.
                let event = columns
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(crate::event::schema::EVENT));
                if let (Some(event), FieldRef::JsonLeaf(path)) = (event, resolve_field(name)) {
                    return self.json_leaf(col(event.frame_name.as_str()), name, &path, e);
                }
                let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                Err(at(
                    e,
                    format!(
                        "Column '{name}' cannot be resolved (the subquery has: {})",
                        names.join(", ")
                    ),
                ))
            }
        }
    }

    /// A JSON leaf of an event document column, as varchar.
    fn json_leaf(&self, source: Expr, name: &str, path: &str, e: &ast::Expr) -> PResult<Typed> {
        let steps = udf::parse_path(path).map_err(|m| at(e, m))?;
        self.note_unknown_leaf(name, &steps);
        let hint = udf::key_hint(&steps);
        let expr = row_udf("field", vec![source], DataType::String, move |row| {
            let doc = udf::text(&row[0]);
            Ok(udf::json_leaf_hinted(
                doc,
                &steps,
                hint.as_ref(),
                udf::scalar_or_json_text,
            ))
        });
        Ok(Typed::new(expr, SqlType::Varchar))
    }

    /// Notes a field whose top-level key ActionTrail does not have (likely a typo).
    fn note_unknown_leaf(&self, name: &str, steps: &[udf::PathStep]) {
        let Some(udf::PathStep::Key(top)) = steps.first() else {
            return;
        };
        if crate::event::schema::canonical_top_level(top).is_some() {
            return;
        }
        let hint = field_suggestion(name)
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        self.env.note(&format!(
            "field \"{name}\" is not an ActionTrail field and reads as NULL{hint}"
        ));
    }

    fn literal(&mut self, v: &SqlValue, e: &ast::Expr) -> PResult<Typed> {
        match v {
            SqlValue::Number(text, _) => {
                if let Ok(i) = text.parse::<i64>() {
                    Ok(Typed::new(lit(i), SqlType::Bigint))
                } else {
                    let f: f64 = text
                        .parse()
                        .map_err(|_| at(e, format!("bad number {text}")))?;
                    Ok(Typed::new(lit(f), SqlType::Double))
                }
            }
            SqlValue::SingleQuotedString(s) => Ok(Typed::new(lit(s.clone()), SqlType::Varchar)),
            SqlValue::Boolean(b) => Ok(Typed::new(lit(*b), SqlType::Boolean)),
            SqlValue::Null => Ok(Typed::null(SqlType::Unknown)),
            other => Err(at(e, format!("unsupported literal {other}"))),
        }
    }

    /// Compiles `x` and requires a boolean.
    pub fn boolean(&mut self, x: &ast::Expr) -> PResult<Expr> {
        let t = self.compile(x)?;
        match t.ty {
            SqlType::Boolean => Ok(t.expr),
            SqlType::Unknown => Ok(lit(NULL).cast(DataType::Boolean)),
            other => Err(at(
                x,
                format!("expected a boolean expression, found {other}"),
            )),
        }
    }

    fn binary(
        &mut self,
        l: &ast::Expr,
        op: &BinaryOperator,
        r: &ast::Expr,
        e: &ast::Expr,
    ) -> PResult<Typed> {
        use BinaryOperator::*;
        match op {
            And | Or => {
                let a = self.boolean(l)?;
                let b = self.boolean(r)?;
                Ok(Typed::new(
                    if *op == And { a.and(b) } else { a.or(b) },
                    SqlType::Boolean,
                ))
            }
            Eq | NotEq | Lt | LtEq | Gt | GtEq => {
                Ok(Typed::new(self.compare(l, op, r, e)?, SqlType::Boolean))
            }
            Plus | Minus | Multiply | Divide | Modulo => self.arithmetic(l, op, r, e),
            StringConcat => {
                let a = self.varchar(l)?;
                let b = self.varchar(r)?;
                Ok(Typed::new(concat_str([a, b], "", false), SqlType::Varchar))
            }
            other => Err(at(e, format!("unsupported operator {other}"))),
        }
    }

    /// A comparison with Presto's typing: no implicit varchar/number conversion.
    fn compare(
        &mut self,
        l: &ast::Expr,
        op: &BinaryOperator,
        r: &ast::Expr,
        e: &ast::Expr,
    ) -> PResult<Expr> {
        let a = self.compile(l)?;
        let b = self.compile(r)?;
        self.compare_typed(a, op, b, e)
    }

    /// A comparison of two compiled operands (see [`Compiler::compare`]).
    fn compare_typed(
        &mut self,
        a: Typed,
        op: &BinaryOperator,
        b: Typed,
        e: &ast::Expr,
    ) -> PResult<Expr> {
        let common = SqlType::common(&a.ty, &b.ty).ok_or_else(|| {
            at(
                e,
                format!(
                "'{op}' cannot be applied to {}, {}: cast one side first (e.g. cast(x as bigint))",
                a.ty, b.ty
            ),
            )
        })?;
        let (x, y) = (a.coerce(&common), b.coerce(&common));
        Ok(match op {
            BinaryOperator::Eq => x.eq(y),
            BinaryOperator::NotEq => x.neq(y),
            BinaryOperator::Lt => x.lt(y),
            BinaryOperator::LtEq => x.lt_eq(y),
            BinaryOperator::Gt => x.gt(y),
            _ => x.gt_eq(y),
        })
    }

    fn arithmetic(
        &mut self,
        l: &ast::Expr,
        op: &BinaryOperator,
        r: &ast::Expr,
        e: &ast::Expr,
    ) -> PResult<Typed> {
        let a = self.compile(l)?;
        let b = self.compile(r)?;
        let numeric = |t: &SqlType| t.is_numeric() || *t == SqlType::Unknown;
        if !numeric(&a.ty) || !numeric(&b.ty) {
            return Err(at(
                e,
                format!("'{op}' cannot be applied to {}, {}", a.ty, b.ty),
            ));
        }
        let ty = if a.ty == SqlType::Double || b.ty == SqlType::Double {
            SqlType::Double
        } else {
            SqlType::Bigint
        };
        let (x, y) = (a.coerce(&ty), b.coerce(&ty));
        let expr = match (op, &ty) {
            (BinaryOperator::Plus, _) => x + y,
            (BinaryOperator::Minus, _) => x - y,
            (BinaryOperator::Multiply, _) => x * y,
            (BinaryOperator::Divide, SqlType::Bigint) => {
                let zero = y.clone().eq(lit(0i64));
                when(zero).then(lit(NULL).cast(DataType::Int64)).otherwise(
                    (x.cast(DataType::Float64) / y.cast(DataType::Float64)).cast(DataType::Int64),
                )
            }
            (BinaryOperator::Divide, _) => x / y,
            (_, SqlType::Bigint) => {
                let zero = y.clone().eq(lit(0i64));
                when(zero)
                    .then(lit(NULL).cast(DataType::Int64))
                    .otherwise(x % y)
            }
            _ => x % y,
        };
        Ok(Typed::new(expr, ty))
    }

    fn unary(&mut self, op: &UnaryOperator, x: &ast::Expr, e: &ast::Expr) -> PResult<Typed> {
        match op {
            UnaryOperator::Not => Ok(Typed::new(self.boolean(x)?.not(), SqlType::Boolean)),
            UnaryOperator::Plus => self.compile(x),
            UnaryOperator::Minus => {
                let t = self.compile(x)?;
                match t.ty {
                    SqlType::Bigint => Ok(Typed::new(lit(0i64) - t.expr, SqlType::Bigint)),
                    SqlType::Double => Ok(Typed::new(lit(0.0) - t.expr, SqlType::Double)),
                    other => Err(at(e, format!("'-' cannot be applied to {other}"))),
                }
            }
            other => Err(at(e, format!("unsupported operator {other}"))),
        }
    }

    /// `x IN (...)`: one set lookup when the list holds only literals of x's type (IoC lists
    /// of thousands of values plan and run in linear time), otherwise a balanced OR of
    /// comparisons. x is compiled once either way.
    fn in_list(&mut self, x: &ast::Expr, list: &[ast::Expr], negated: bool) -> PResult<Typed> {
        let value = self.compile(x)?;
        let any = match literal_set(&value.ty, list) {
            Some((set, ty)) => value.coerce(&ty).is_in(lit(set).implode(false), false),
            None => {
                let mut tests = Vec::with_capacity(list.len());
                for item in list {
                    let other = self.compile(item)?;
                    tests.push(self.compare_typed(
                        value.clone(),
                        &BinaryOperator::Eq,
                        other,
                        item,
                    )?);
                }
                crate::query::balanced(tests, Expr::or).unwrap_or_else(|| lit(false))
            }
        };
        Ok(Typed::new(
            if negated { any.not() } else { any },
            SqlType::Boolean,
        ))
    }

    fn like(
        &mut self,
        x: &ast::Expr,
        pattern: &ast::Expr,
        escape: Option<&ast::Expr>,
        negated: bool,
        ci: bool,
    ) -> PResult<Typed> {
        let value = self.varchar(x)?;
        let escape = match escape {
            Some(esc) => Some(
                literal_text(esc)
                    .and_then(|s| s.chars().next())
                    .ok_or_else(|| at(esc, "ESCAPE must be a one-character literal"))?,
            ),
            None => None,
        };
        let matched = match literal_text(pattern) {
            Some(p) => value.str().contains(lit(like_regex(&p, escape, ci)), true),
            None => {
                let p = self.varchar(pattern)?;
                row_udf("like", vec![value, p], DataType::Boolean, move |row| {
                    let (Some(s), Some(p)) = (udf::text(&row[0]), udf::text(&row[1])) else {
                        return Ok(Out::Null);
                    };
                    let re =
                        regex::Regex::new(&like_regex(p, escape, ci)).map_err(|m| m.to_string())?;
                    Ok(Out::Bool(re.is_match(s)))
                })
            }
        };
        Ok(Typed::new(
            if negated { matched.not() } else { matched },
            SqlType::Boolean,
        ))
    }

    fn case(
        &mut self,
        operand: Option<&ast::Expr>,
        conditions: &[ast::CaseWhen],
        otherwise: Option<&ast::Expr>,
    ) -> PResult<Typed> {
        let mut conds = Vec::new();
        let mut results = Vec::new();
        for branch in conditions {
            let cond = match operand {
                Some(op) => self.compare(
                    op,
                    &BinaryOperator::Eq,
                    &branch.condition,
                    &branch.condition,
                )?,
                None => self.boolean(&branch.condition)?,
            };
            conds.push(cond);
            results.push((self.branch(&branch.result)?, &branch.result));
        }
        let other = match otherwise {
            Some(x) => Some((self.branch(x)?, x)),
            None => None,
        };
        let ty = self.common_type(results.iter().chain(other.iter()).map(|(t, x)| (t, *x)))?;
        let branches = results.into_iter().map(|(t, _)| t.coerce(&ty));
        let else_expr = other
            .map(|(t, _)| t.coerce(&ty))
            .unwrap_or_else(|| lit(NULL).cast(ty.dtype()));
        let branches: Vec<Expr> = branches.collect();
        Ok(Typed::new(case_tree(&conds, &branches, else_expr), ty))
    }

    /// The common type of several results, or an error at the first that does not fit.
    fn common_type<'x>(
        &self,
        items: impl Iterator<Item = (&'x Typed, &'x ast::Expr)>,
    ) -> PResult<SqlType> {
        let mut ty = SqlType::Unknown;
        for (t, x) in items {
            ty = SqlType::common(&ty, &t.ty).ok_or_else(|| {
                at(
                    x,
                    format!(
                        "all results must have the same type: found {} and {}",
                        ty, t.ty
                    ),
                )
            })?;
        }
        Ok(ty)
    }

    fn function(&mut self, f: &ast::Function, e: &ast::Expr) -> PResult<Typed> {
        let name = function_name(f).unwrap_or_default();
        let Some(func) = Func::lookup(&name) else {
            let hint = closest(&name)
                .map(|n| format!("; did you mean {n}?"))
                .unwrap_or_default();
            return Err(at(e, format!("unknown function '{name}'{hint}")));
        };
        if func.is_aggregate() {
            return Err(at(
                e,
                format!("aggregate function {name} is not allowed here"),
            ));
        }
        if f.over.is_some() {
            return Err(at(e, "window functions (OVER) are not supported"));
        }
        let (distinct, args) = call_args(f, e)?;
        if distinct {
            return Err(at(
                e,
                format!("DISTINCT is only allowed in aggregates, not in {name}"),
            ));
        }
        let exprs: Vec<&ast::Expr> = args
            .iter()
            .map(|a| match a {
                Arg::Expr(x) => Ok(*x),
                Arg::Star => Err(at(e, format!("{name}(*) is not valid"))),
            })
            .collect::<PResult<_>>()?;
        scalar::call(self, func, &name, &exprs, e)
    }
}

/// A stored column close to an unknown field name: `eventName` → `event.eventName`.
fn field_suggestion(name: &str) -> Option<String> {
    if let FieldRef::Column(c) = resolve_field(&format!("event.{name}")) {
        return Some(c);
    }
    if let FieldRef::Column(c) = resolve_field(&format!("event.userIdentity.{name}")) {
        return Some(c);
    }
    let lower = name.to_lowercase();
    crate::event::schema::columns()
        .into_iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}
