//! SQL value types as the planner tracks them (Presto names), and their polars representation.

use std::fmt;

use polars::prelude::*;

/// The SQL type of an expression, known at plan time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlType {
    /// 64-bit integer (`__time__`, counts, integer literals).
    Bigint,
    /// 64-bit float.
    Double,
    /// Text; every stored event field.
    Varchar,
    /// true/false.
    Boolean,
    /// An instant; polars `Datetime(ms)` holding UTC, shown in the session zone.
    Timestamp,
    /// A calendar date; stored like a timestamp at local midnight, shown as `YYYY-MM-DD`.
    Date,
    /// JSON text (the result of `json_extract`); strings keep their quotes.
    Json,
    /// A map, kept as JSON object text (the result of `histogram`).
    Map,
    /// An array of elements of one type; a polars `List`.
    Array(Box<SqlType>),
    /// The type of a bare `NULL`: compatible with every type.
    Unknown,
}

impl SqlType {
    /// The polars dtype that holds values of this type.
    pub fn dtype(&self) -> DataType {
        match self {
            SqlType::Bigint => DataType::Int64,
            SqlType::Double => DataType::Float64,
            SqlType::Boolean => DataType::Boolean,
            SqlType::Timestamp | SqlType::Date => DataType::Datetime(TimeUnit::Milliseconds, None),
            SqlType::Array(inner) => DataType::List(Box::new(inner.dtype())),
            SqlType::Varchar | SqlType::Json | SqlType::Map | SqlType::Unknown => DataType::String,
        }
    }

    /// Whether this is bigint or double.
    pub fn is_numeric(&self) -> bool {
        matches!(self, SqlType::Bigint | SqlType::Double)
    }

    /// Whether this is a timestamp or a date.
    pub fn is_temporal(&self) -> bool {
        matches!(self, SqlType::Timestamp | SqlType::Date)
    }

    /// The common type two values are compared or combined in, if any.
    pub fn common(a: &SqlType, b: &SqlType) -> Option<SqlType> {
        use SqlType::*;
        match (a, b) {
            (Unknown, t) | (t, Unknown) => Some(t.clone()),
            (x, y) if x == y => Some(x.clone()),
            (Bigint, Double) | (Double, Bigint) => Some(Double),
            (Timestamp, Date) | (Date, Timestamp) => Some(Timestamp),
            (Array(x), Array(y)) => SqlType::common(x, y).map(|t| Array(Box::new(t))),
            _ => None,
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Bigint => write!(f, "bigint"),
            SqlType::Double => write!(f, "double"),
            SqlType::Varchar => write!(f, "varchar"),
            SqlType::Boolean => write!(f, "boolean"),
            SqlType::Timestamp => write!(f, "timestamp"),
            SqlType::Date => write!(f, "date"),
            SqlType::Json => write!(f, "json"),
            SqlType::Map => write!(f, "map"),
            SqlType::Array(inner) => write!(f, "array({inner})"),
            SqlType::Unknown => write!(f, "unknown"),
        }
    }
}

/// A planned expression with its SQL type.
#[derive(Clone)]
pub struct Typed {
    /// The polars expression.
    pub expr: Expr,
    /// Its SQL type.
    pub ty: SqlType,
}

impl Typed {
    /// Pairs an expression with its type.
    pub fn new(expr: Expr, ty: SqlType) -> Typed {
        Typed { expr, ty }
    }

    /// A typed NULL of `ty`.
    pub fn null(ty: SqlType) -> Typed {
        Typed {
            expr: lit(NULL).cast(ty.dtype()),
            ty,
        }
    }

    /// This expression in the representation of `ty` (numeric widening, NULL typing).
    pub fn coerce(self, ty: &SqlType) -> Expr {
        if &self.ty == ty {
            return self.expr;
        }
        match (&self.ty, ty) {
            (SqlType::Unknown, _) => lit(NULL).cast(ty.dtype()),
            (SqlType::Bigint, SqlType::Double) => self.expr.cast(DataType::Float64),
            _ => self.expr,
        }
    }
}
