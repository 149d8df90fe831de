//! Aggregate calls (`count`, `sum`, `max_by`, `array_agg`, `histogram`, ...): their arguments
//! become pre-aggregation columns (`__xN`), the aggregation itself a column of the aggregated
//! frame (`__aN`), both registered in the [`Grouping`] being planned.

use polars::prelude::*;
use sqlparser::ast::{self, Value as SqlValue};

use super::args::{call_args, require, Arg};
use super::errors::{at, PResult};
use super::expr::{canon, has_aggregate, Compiler, Env, Grouping};
use super::functions::Func;
use super::syntax::function_name;
use super::types::{SqlType, Typed};
use super::udf::{self, row_udf, Out};

/// One aggregate call with its arguments compiled to pre-aggregation columns.
struct AggCall<'x> {
    func: Func,
    /// The name as written.
    name: String,
    /// `count(*)`, `count()`.
    star: bool,
    /// `count(1)`, `count('x')`: a non-NULL literal argument.
    literal: bool,
    distinct: bool,
    /// The arguments as written (`approx_percentile` reads its literal).
    args: Vec<Arg<'x>>,
    /// The pre-aggregation columns of the expression arguments.
    cols: Vec<Typed>,
    e: &'x ast::Expr,
}

/// The aggregation, its SQL type, and whether its list becomes a histogram afterwards.
type Lowered = (Expr, SqlType, bool);

impl Compiler<'_> {
    /// An aggregate call, registered in the grouping; returns its column.
    pub(super) fn aggregate(
        &mut self,
        func: Func,
        f: &ast::Function,
        e: &ast::Expr,
    ) -> PResult<Typed> {
        let (distinct, args) = call_args(f, e)?;
        if f.over.is_some() {
            return Err(at(e, "window functions (OVER) are not supported"));
        }
        let cols = self.aggregate_args(&args)?;
        let call = AggCall {
            func,
            name: function_name(f).unwrap_or_default(),
            star: args.is_empty() || matches!(args.first(), Some(Arg::Star)),
            literal: matches!(args.first(), Some(Arg::Expr(x)) if is_non_null_literal(x)),
            distinct,
            args,
            cols,
            e,
        };
        let (agg, ty, histogram) = call.lower(self.env)?;
        let grouping = self.grouping_mut();
        let name = format!("__a{}", grouping.aggs.len());
        let mut typed = Typed::new(col(name.as_str()), ty);
        if histogram {
            let expr = row_udf("histogram", vec![typed.expr], DataType::String, |row| {
                Ok(udf::texts(&row[0])
                    .map_or(Out::Null, |items| Out::Str(udf::histogram_json(&items))))
            });
            typed = Typed::new(expr, SqlType::Map);
        }
        grouping
            .aggs
            .push((canon(e), agg.alias(name.as_str()), typed.clone()));
        Ok(typed)
    }

    fn grouping_mut(&mut self) -> &mut Grouping {
        self.grouping
            .as_deref_mut()
            .expect("aggregates compile in grouped mode")
    }

    /// Compiles the expression arguments in row mode into pre-aggregation columns.
    fn aggregate_args(&mut self, args: &[Arg]) -> PResult<Vec<Typed>> {
        let mut inner = Compiler::rows(self.env, self.scope);
        let grouping = self.grouping_mut();
        let mut cols = Vec::new();
        for a in args {
            let Arg::Expr(x) = a else { continue };
            if has_aggregate(x) {
                return Err(at(*x, "aggregate calls cannot be nested"));
            }
            let t = inner.compile(x)?;
            let name = format!("__x{}", grouping.args.len());
            grouping.args.push(t.expr.alias(name.as_str()));
            cols.push(Typed::new(col(name.as_str()), t.ty));
        }
        Ok(cols)
    }
}

fn is_non_null_literal(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Value(v) if !matches!(v.value, SqlValue::Null))
}

/// Whether a group has no rows (Presto: then every aggregate but the counts is NULL).
fn empty(x: Expr) -> Expr {
    x.eq(lit(0u32).cast(IDX_DTYPE))
}

impl AggCall<'_> {
    fn expect(&self, n: usize) -> PResult<()> {
        if self.cols.len() == n {
            return Ok(());
        }
        Err(at(
            self.e,
            format!(
                "{} expects {n} argument(s), got {}",
                self.name,
                self.cols.len()
            ),
        ))
    }

    /// The first argument's column.
    fn x(&self) -> &Typed {
        &self.cols[0]
    }

    fn lower(&self, env: &Env) -> PResult<Lowered> {
        match self.func {
            Func::Count if self.star || (self.literal && !self.distinct) => {
                Ok((len().cast(DataType::Int64), SqlType::Bigint, false))
            }
            Func::Count | Func::ApproxDistinct => self.count(env),
            Func::CountIf => {
                self.expect(1)?;
                require(self.x(), &[SqlType::Boolean], "count_if", self.e)?;
                let x = self.x().expr.clone().fill_null(lit(false));
                Ok((x.cast(DataType::Int64).sum(), SqlType::Bigint, false))
            }
            Func::Sum | Func::Avg => self.sum_or_avg(),
            Func::Min | Func::Max => self.extreme(),
            Func::ApproxPercentile => self.percentile(env),
            Func::BoolAnd | Func::BoolOr => {
                self.expect(1)?;
                require(self.x(), &[SqlType::Boolean], "bool_and/bool_or", self.e)?;
                let x = self.x().expr.clone().cast(DataType::Int64);
                let v = if self.func == Func::BoolAnd {
                    x.min()
                } else {
                    x.max()
                };
                Ok((v.cast(DataType::Boolean), SqlType::Boolean, false))
            }
            Func::Arbitrary => {
                self.expect(1)?;
                let x = self.x();
                Ok((x.expr.clone().drop_nulls().first(), x.ty.clone(), false))
            }
            Func::MaxBy | Func::MinBy => self.by(),
            Func::ArrayAgg | Func::Histogram => self.list(),
            other => Err(at(self.e, format!("{other:?} is not an aggregate"))),
        }
    }

    fn count(&self, env: &Env) -> PResult<Lowered> {
        self.expect(1)?;
        let x = self.x().expr.clone();
        let approx = self.func == Func::ApproxDistinct;
        if approx {
            env.note(
                "approx_distinct computed exactly (SLS estimates it with HyperLogLog, ~2.3% error)",
            );
        }
        let counted = if self.distinct || approx {
            x.drop_nulls().n_unique()
        } else {
            x.count()
        };
        Ok((counted.cast(DataType::Int64), SqlType::Bigint, false))
    }

    fn sum_or_avg(&self) -> PResult<Lowered> {
        self.expect(1)?;
        let a = self.x();
        if !a.ty.is_numeric() && a.ty != SqlType::Unknown {
            return Err(at(
                self.e,
                format!("{} cannot be applied to {}; cast it first", self.name, a.ty),
            ));
        }
        let x = if self.distinct {
            a.expr.clone().unique()
        } else {
            a.expr.clone()
        };
        if self.func == Func::Avg {
            return Ok((x.cast(DataType::Float64).mean(), SqlType::Double, false));
        }
        let ty = if a.ty == SqlType::Double {
            SqlType::Double
        } else {
            SqlType::Bigint
        };
        let x = x.cast(ty.dtype());
        let summed = when(empty(x.clone().count()))
            .then(lit(NULL).cast(ty.dtype()))
            .otherwise(x.sum());
        Ok((summed, ty, false))
    }

    fn extreme(&self) -> PResult<Lowered> {
        self.expect(1)?;
        let a = self.x();
        if matches!(a.ty, SqlType::Array(_) | SqlType::Map) {
            return Err(at(self.e, format!("min/max cannot be applied to {}", a.ty)));
        }
        let x = a.expr.clone();
        let v = if self.func == Func::Min {
            x.min()
        } else {
            x.max()
        };
        Ok((v, a.ty.clone(), false))
    }

    fn percentile(&self, env: &Env) -> PResult<Lowered> {
        self.expect(2)?;
        let a = self.x();
        if !a.ty.is_numeric() {
            return Err(at(
                self.e,
                format!("approx_percentile cannot be applied to {}", a.ty),
            ));
        }
        let p = match self.args.get(1) {
            Some(Arg::Expr(x)) => x
                .to_string()
                .parse::<f64>()
                .ok()
                .filter(|p| (0.0..=1.0).contains(p)),
            _ => None,
        }
        .ok_or_else(|| {
            at(
                self.e,
                "approx_percentile: the percentile must be a number literal between 0 and 1",
            )
        })?;
        env.note("approx_percentile computed exactly (nearest rank)");
        let q = a
            .expr
            .clone()
            .quantile(lit(p), QuantileMethod::Nearest)
            .cast(a.ty.dtype());
        Ok((q, a.ty.clone(), false))
    }

    /// `max_by(x, y)` / `min_by(x, y)`: x at the largest / smallest y, the first one on ties.
    fn by(&self) -> PResult<Lowered> {
        self.expect(2)?;
        let (x, y) = (self.cols[0].expr.clone(), self.cols[1].expr.clone());
        let options = SortMultipleOptions::default()
            .with_order_descending(self.func == Func::MaxBy)
            .with_nulls_last(true)
            .with_maintain_order(true);
        let ty = self.cols[0].ty.clone();
        let picked = when(empty(y.clone().count()))
            .then(lit(NULL).cast(ty.dtype()))
            .otherwise(x.sort_by([y], options).first());
        Ok((picked, ty, false))
    }

    /// `array_agg([DISTINCT] x)`, and `histogram(x)` (its text list, counted afterwards). An
    /// empty group's list is NULL, not `[]`.
    fn list(&self) -> PResult<Lowered> {
        self.expect(1)?;
        let histogram = self.func == Func::Histogram;
        let (x, item) = if histogram {
            let x = self.x().expr.clone().cast(DataType::String);
            (x, SqlType::Varchar)
        } else {
            let x = self.x().expr.clone();
            let x = if self.distinct { x.unique_stable() } else { x };
            (x, self.x().ty.clone())
        };
        let list = when(empty(len()))
            .then(lit(NULL).cast(DataType::List(Box::new(item.dtype()))))
            .otherwise(x.implode(true));
        Ok((list, SqlType::Array(Box::new(item)), histogram))
    }
}
