//! The SLS function map: each function keytrail knows ([`crate::query::sql::functions::Func`])
//! written in the engine's terms with SLS's semantics (`arbitrary` skips NULLs, `array_agg`
//! keeps them, `split` splits at a literal, arrays are 1-based and NULL out of range,
//! `date_format` codes become Java patterns on Spark), or refused with the reason.

use sqlparser::ast;

use super::dialect::Dialect;
use super::sql::{Out, Translator};
use crate::query::sql::errors::{at, Located, PResult};
use crate::query::sql::functions::Func;
use crate::query::sql::syntax::integer_literal;
use crate::query::sql::SqlType;

/// One function call, its arguments already translated.
pub struct Call<'a> {
    /// The name as written, lower-cased.
    pub name: &'a str,
    /// The translated arguments.
    pub args: &'a [Out],
    /// The arguments as parsed.
    pub exprs: &'a [&'a ast::Expr],
    /// `f(DISTINCT x)`.
    pub distinct: bool,
    /// `f(*)`.
    pub star: bool,
    /// The call, for positions.
    pub node: &'a ast::Expr,
}

impl Call<'_> {
    fn arg(&self, i: usize) -> PResult<&Out> {
        self.args.get(i).ok_or_else(|| {
            at(
                self.node,
                format!("{}: missing argument {}", self.name, i + 1),
            )
        })
    }

    fn arity(&self, range: std::ops::RangeInclusive<usize>) -> PResult<()> {
        if range.contains(&self.args.len()) {
            Ok(())
        } else {
            Err(at(
                self.node,
                format!(
                    "{}: {} arguments cannot be translated",
                    self.name,
                    self.args.len()
                ),
            ))
        }
    }

    fn refuse(&self, why: &str) -> Located {
        at(
            self.node,
            format!("{} cannot be translated: {why}", self.name),
        )
    }

    /// The `i`-th argument's text when it is a string literal.
    fn literal(&self, i: usize) -> Option<&str> {
        match self.exprs.get(i)? {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::SingleQuotedString(s) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Translates one call.
pub(crate) fn translate(t: &mut Translator, c: &Call) -> PResult<Out> {
    let func =
        Func::lookup(c.name).ok_or_else(|| at(c.node, format!("unknown function {}", c.name)))?;
    if func.is_aggregate() {
        return aggregate(t, func, c);
    }
    if c.distinct || c.star {
        return Err(c.refuse("DISTINCT or * outside an aggregate"));
    }
    match func {
        Func::DateFormat
        | Func::DateParse
        | Func::DateTrunc
        | Func::FromUnixtime
        | Func::ToUnixtime
        | Func::Now
        | Func::CurrentDate
        | Func::DateAdd
        | Func::DateDiff
        | Func::TimeSeries => time(t, func, c),
        Func::IpToDomain => {
            c.arity(1..=1)?;
            Ok(ip_to_domain(t.d, &c.arg(0)?.sql))
        }
        Func::IpToCountry
        | Func::IpToCountryCode
        | Func::IpToProvince
        | Func::IpToCity
        | Func::IpToProvider
        | Func::IpToGeo => Err(c.refuse(
            "the IP functions need keytrail's offline IP databases, which the engine does not \
             have; run this query with keytrail",
        )),
        _ => scalar(t, func, c),
    }
}

fn aggregate(t: &mut Translator, func: Func, c: &Call) -> PResult<Out> {
    let d = t.d;
    let distinct = if c.distinct { "DISTINCT " } else { "" };
    if c.star {
        return match func {
            Func::Count => Ok(Out::new("count(*)", SqlType::Bigint)),
            _ => Err(c.refuse("* is an argument of count only")),
        };
    }
    let x = c.arg(0)?;
    let simple = |name: &str, ty: SqlType| Out::new(format!("{name}({distinct}{})", x.sql), ty);
    Ok(match func {
        Func::Count => {
            c.arity(1..=1)?;
            simple("count", SqlType::Bigint)
        }
        Func::CountIf => simple("count_if", SqlType::Bigint),
        Func::Sum => simple("sum", numeric(&x.ty)),
        Func::Avg => simple("avg", SqlType::Double),
        Func::Min | Func::Max => {
            c.arity(1..=1)?;
            simple(if func == Func::Min { "min" } else { "max" }, x.ty.clone())
        }
        Func::Arbitrary => {
            t.notes.push(
                "arbitrary() returns any non-NULL value of its group: keytrail takes the first \
                 one met, the engine may take another"
                    .into(),
            );
            match d {
                Dialect::Spark => Out::new(format!("any_value({}, TRUE)", x.sql), x.ty.clone()),
                Dialect::Trino => Out::new(format!("arbitrary({})", x.sql), x.ty.clone()),
            }
        }
        Func::MaxBy | Func::MinBy => {
            c.arity(2..=2)?;
            let name = if func == Func::MaxBy {
                "max_by"
            } else {
                "min_by"
            };
            Out::new(
                format!("{name}({}, {})", x.sql, c.arg(1)?.sql),
                x.ty.clone(),
            )
        }
        Func::ApproxDistinct => {
            c.arity(1..=1)?;
            t.notes.push(
                "approx_distinct is an estimate in SLS and in the engine (HyperLogLog); keytrail \
                 counts exactly"
                    .into(),
            );
            match d {
                Dialect::Spark => simple("approx_count_distinct", SqlType::Bigint),
                Dialect::Trino => simple("approx_distinct", SqlType::Bigint),
            }
        }
        Func::ApproxPercentile => {
            c.arity(2..=2)?;
            t.notes.push(
                "approx_percentile is an estimate in the engine; keytrail takes the exact \
                 nearest rank"
                    .into(),
            );
            let p = &c.arg(1)?.sql;
            match d {
                Dialect::Spark => {
                    Out::new(format!("percentile_approx({}, {p})", x.sql), x.ty.clone())
                }
                Dialect::Trino => {
                    Out::new(format!("approx_percentile({}, {p})", x.sql), x.ty.clone())
                }
            }
        }
        Func::ArrayAgg => {
            c.arity(1..=1)?;
            t.notes.push(
                "array_agg lists values in the order the engine meets the rows (keytrail: input \
                 order)"
                    .into(),
            );
            array_agg(d, x, c.distinct)
        }
        Func::Histogram => match d {
            Dialect::Trino => simple("histogram", SqlType::Map),
            Dialect::Spark => {
                c.arity(1..=1)?;
                let values = format!("collect_list({})", x.sql);
                Out::new(
                    format!(
                        "CASE WHEN count(1) > 0 THEN map_from_entries(array_sort(transform(\
                         array_distinct(filter({values}, v -> v IS NOT NULL)), k -> \
                         named_struct('key', k, 'value', CAST(size(filter({values}, v -> v = k)) \
                         AS BIGINT))))) END"
                    ),
                    SqlType::Map,
                )
            }
        },
        Func::BoolAnd => simple("bool_and", SqlType::Boolean),
        Func::BoolOr => simple("bool_or", SqlType::Boolean),
        _ => return Err(c.refuse("not an aggregate")),
    })
}

/// `array_agg`: Spark's `collect_list` drops NULLs (Presto keeps them) and gives `[]` over no
/// rows (Presto: NULL), so the values are collected inside a struct.
fn array_agg(d: Dialect, x: &Out, distinct: bool) -> Out {
    let ty = SqlType::Array(Box::new(x.ty.clone()));
    match d {
        Dialect::Trino => {
            let distinct = if distinct { "DISTINCT " } else { "" };
            Out::new(format!("array_agg({distinct}{})", x.sql), ty)
        }
        Dialect::Spark => {
            let list = format!(
                "transform(collect_list(named_struct('v', {})), s -> s.v)",
                x.sql
            );
            let list = if distinct {
                format!("array_distinct({list})")
            } else {
                list
            };
            Out::new(format!("CASE WHEN count(1) > 0 THEN {list} END"), ty)
        }
    }
}

fn numeric(ty: &SqlType) -> SqlType {
    match ty {
        SqlType::Bigint => SqlType::Bigint,
        SqlType::Unknown => SqlType::Unknown,
        _ => SqlType::Double,
    }
}

/// `split(s, delim[, limit])` and `split_part(s, delim, n)`: Spark splits at a regular
/// expression, so its delimiter must be a literal, quoted as one.
fn split(d: Dialect, func: Func, c: &Call) -> PResult<Out> {
    let a = |i: usize| c.arg(i).map(|o| o.sql.clone());
    let list = || {
        c.args
            .iter()
            .map(|o| o.sql.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ty = SqlType::Array(Box::new(SqlType::Varchar));
    if func == Func::Split {
        c.arity(2..=3)?;
        return match d {
            Dialect::Trino => Ok(Out::new(format!("split({})", list()), ty)),
            Dialect::Spark => {
                let delim = c.literal(1).ok_or_else(|| {
                    c.refuse("Spark splits at a regex: the delimiter must be a string literal")
                })?;
                let mut out = format!("split({}, {}", a(0)?, d.string(&quote_regex(delim)));
                if c.args.len() == 3 {
                    out.push_str(&format!(", {}", a(2)?));
                }
                out.push(')');
                Ok(Out::new(out, ty))
            }
        };
    }
    c.arity(3..=3)?;
    match d {
        Dialect::Trino => Ok(Out::new(
            format!("split_part({})", list()),
            SqlType::Varchar,
        )),
        Dialect::Spark => {
            let delim = c
                .literal(1)
                .ok_or_else(|| c.refuse("the delimiter must be a string literal"))?;
            let parts = Out::new(
                format!("split({}, {})", a(0)?, d.string(&quote_regex(delim))),
                ty,
            );
            Ok(element(d, &parts, c.arg(2)?, c.exprs[2], false))
        }
    }
}

/// `if(cond, then[, else])` as a CASE (an absent else is NULL).
fn if_then(c: &Call) -> PResult<Out> {
    let a = |i: usize| c.arg(i).map(|o| o.sql.clone());
    c.arity(2..=3)?;
    let otherwise = if c.args.len() == 3 {
        a(2)?
    } else {
        "NULL".into()
    };
    let ty = match c.arg(1)?.ty {
        SqlType::Unknown if c.args.len() == 3 => c.arg(2)?.ty.clone(),
        ref other => other.clone(),
    };
    Ok(Out::new(
        format!("CASE WHEN {} THEN {} ELSE {otherwise} END", a(0)?, a(1)?),
        ty,
    ))
}

fn scalar(t: &mut Translator, func: Func, c: &Call) -> PResult<Out> {
    let d = t.d;
    let a = |i: usize| c.arg(i).map(|o| o.sql.clone());
    let same = |name: &str, ty: SqlType| -> PResult<Out> {
        let list: Vec<String> = c.args.iter().map(|o| o.sql.clone()).collect();
        Ok(Out::new(format!("{name}({})", list.join(", ")), ty))
    };
    match func {
        Func::Lower => same("lower", SqlType::Varchar),
        Func::Upper => same("upper", SqlType::Varchar),
        Func::Length => same("length", SqlType::Bigint),
        Func::Trim => same("trim", SqlType::Varchar),
        Func::Ltrim => same("ltrim", SqlType::Varchar),
        Func::Rtrim => same("rtrim", SqlType::Varchar),
        Func::Reverse => same("reverse", SqlType::Varchar),
        Func::Replace => {
            c.arity(2..=3)?;
            let to = if c.args.len() == 3 {
                a(2)?
            } else {
                "''".into()
            };
            Ok(Out::new(
                format!("replace({}, {}, {to})", a(0)?, a(1)?),
                SqlType::Varchar,
            ))
        }
        Func::Substr => same("substr", SqlType::Varchar),
        Func::Strpos => {
            c.arity(2..=2)?;
            Ok(Out::new(
                match d {
                    Dialect::Spark => format!("locate({}, {})", a(1)?, a(0)?),
                    Dialect::Trino => format!("strpos({}, {})", a(0)?, a(1)?),
                },
                SqlType::Bigint,
            ))
        }
        Func::Split | Func::SplitPart => split(d, func, c),
        Func::Concat => same("concat", SqlType::Varchar),
        Func::StartsWith => match d {
            Dialect::Spark => same("startswith", SqlType::Boolean),
            Dialect::Trino => same("starts_with", SqlType::Boolean),
        },
        Func::RegexpExtract | Func::RegexpLike | Func::RegexpReplace => regexp(t, func, c),
        Func::JsonExtract => json_extract(t, c),
        Func::JsonExtractScalar => {
            c.arity(2..=2)?;
            match d {
                Dialect::Trino => same("json_extract_scalar", SqlType::Varchar),
                Dialect::Spark => {
                    t.notes.push(
                        "json_extract_scalar on an object or array gives its JSON text in \
                         Spark (get_json_object), NULL in SLS"
                            .into(),
                    );
                    same("get_json_object", SqlType::Varchar)
                }
            }
        }
        Func::JsonArrayLength => same("json_array_length", SqlType::Bigint),
        Func::ArrayPosition => same("array_position", SqlType::Bigint),
        Func::Cardinality => match d {
            Dialect::Spark => same("size", SqlType::Bigint),
            Dialect::Trino => same("cardinality", SqlType::Bigint),
        },
        Func::Contains => match d {
            Dialect::Spark => same("array_contains", SqlType::Boolean),
            Dialect::Trino => same("contains", SqlType::Boolean),
        },
        Func::ElementAt => {
            c.arity(2..=2)?;
            Ok(element(d, c.arg(0)?, c.arg(1)?, c.exprs[1], true))
        }
        Func::Round => {
            let ty = c.arg(0)?.ty.clone();
            same("round", ty)
        }
        Func::Floor | Func::Ceil => {
            let name = if func == Func::Floor { "floor" } else { "ceil" };
            Ok(floor_ceil(d, name, c.arg(0)?))
        }
        Func::Abs => {
            let ty = c.arg(0)?.ty.clone();
            same("abs", ty)
        }
        Func::If => if_then(c),
        Func::Coalesce | Func::Nullif => {
            let ty = c
                .args
                .iter()
                .map(|o| o.ty.clone())
                .find(|t| *t != SqlType::Unknown)
                .unwrap_or(SqlType::Unknown);
            same(
                if func == Func::Coalesce {
                    "coalesce"
                } else {
                    "nullif"
                },
                ty,
            )
        }
        _ => Err(c.refuse("no faithful mapping")),
    }
}

/// `floor`/`ceil`: Spark's of a double are bigint; Presto's stay double.
pub fn floor_ceil(d: Dialect, name: &str, x: &Out) -> Out {
    match (d, &x.ty) {
        (Dialect::Spark, SqlType::Double) => Out::new(
            format!("CAST({name}({}) AS DOUBLE)", x.sql),
            SqlType::Double,
        ),
        _ => Out::new(format!("{name}({})", x.sql), x.ty.clone()),
    }
}

/// keytrail's `ip_to_domain`: NULL for NULL; `intranet` for private, loopback, link-local,
/// unspecified, shared (100.64/10) and unique-local addresses and for text that is not an IP
/// address; `internet` for other addresses. `::ffff:a.b.c.d` is read as IPv4.
fn ip_to_domain(d: Dialect, x: &str) -> Out {
    let s = format!("trim({x})");
    let matches = |value: &str, re: &str| match d {
        Dialect::Spark => format!("({value} RLIKE {})", d.string(re)),
        Dialect::Trino => format!("regexp_like({value}, {})", d.string(re)),
    };
    let v4 = format!(
        "regexp_replace({s}, {}, '$1')",
        d.string(r"^::[fF]{4}:([0-9]+\.)")
    );
    let octet = |n: usize| {
        let re = format!(r"^(?:[0-9]+\.){{{n}}}([0-9]+)");
        let int = if d == Dialect::Spark {
            "INT"
        } else {
            "INTEGER"
        };
        format!("CAST(regexp_extract({v4}, {}, 1) AS {int})", d.string(&re))
    };
    let (a, b) = (octet(0), octet(1));
    let private = format!(
        "{a} IN (10, 127) OR ({a} = 172 AND {b} BETWEEN 16 AND 31) OR ({a} = 192 AND {b} = 168) \
         OR ({a} = 169 AND {b} = 254) OR ({a} = 100 AND {b} BETWEEN 64 AND 127) OR {v4} = '0.0.0.0'"
    );
    let ipv4 = r"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
    let h = "[0-9a-fA-F]{1,4}";
    let ipv6 = format!(
        "^(?:(?:{h}:){{7}}{h}|(?:{h}:){{1,7}}:|(?:{h}:){{1,6}}:{h}|(?:{h}:){{1,5}}(?::{h}){{1,2}}|\
         (?:{h}:){{1,4}}(?::{h}){{1,3}}|(?:{h}:){{1,3}}(?::{h}){{1,4}}|(?:{h}:){{1,2}}(?::{h}){{1,5}}|\
         {h}:(?::{h}){{1,6}}|:(?:(?::{h}){{1,7}}|:))$"
    );
    let internal6 = r"^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$";
    Out::new(
        format!(
            "CASE WHEN {x} IS NULL THEN NULL WHEN {} THEN CASE WHEN {private} THEN 'intranet' \
             ELSE 'internet' END WHEN {} THEN CASE WHEN {} THEN 'intranet' ELSE 'internet' END \
             ELSE 'intranet' END",
            matches(&v4, ipv4),
            matches(&s, &ipv6),
            matches(&s, internal6)
        ),
        SqlType::Varchar,
    )
}

/// An array element, 1-based, NULL out of range (keytrail's `arr[i]` and `element_at`); an
/// index of 0 or below is NULL for `arr[i]`, and counts from the end for `element_at`.
pub fn element(
    d: Dialect,
    array: &Out,
    index: &Out,
    index_expr: &ast::Expr,
    from_end: bool,
) -> Out {
    let ty = match &array.ty {
        SqlType::Array(inner) => (**inner).clone(),
        _ => SqlType::Unknown,
    };
    let literal = integer_literal(index_expr);
    let safe = match literal {
        Some(n) if n >= 1 || (from_end && n != 0) => index.sql.clone(),
        _ if from_end => format!("nullif({}, 0)", index.sql),
        _ => format!("CASE WHEN {i} >= 1 THEN {i} END", i = index.sql),
    };
    // Spark's element_at takes an INT index.
    let safe = match (d, literal) {
        (Dialect::Spark, None) => format!("CAST({safe} AS INT)"),
        _ => safe,
    };
    let f = match d {
        Dialect::Spark => "try_element_at",
        Dialect::Trino => "element_at",
    };
    Out::new(format!("{f}({}, {safe})", array.sql), ty)
}

/// A literal delimiter as a regex matching exactly it (Spark's `split` takes a regex).
fn quote_regex(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_punctuation() || ch == ' ' {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn regexp(t: &mut Translator, func: Func, c: &Call) -> PResult<Out> {
    let d = t.d;
    t.notes.push(
        "regular expressions run on the engine's regex library (Java on Spark, Joni on Trino), \
         which also knows look-around and backreferences; keytrail refuses them (Rust regex); Unicode classes \
         may differ"
            .into(),
    );
    let s = &c.arg(0)?.sql;
    let re = &c.arg(1)?.sql;
    match (func, d) {
        (Func::RegexpLike, _) => {
            c.arity(2..=2)?;
            Ok(Out::new(
                format!("regexp_like({s}, {re})"),
                SqlType::Boolean,
            ))
        }
        (Func::RegexpExtract, Dialect::Trino) => {
            let list: Vec<String> = c.args.iter().map(|o| o.sql.clone()).collect();
            Ok(Out::new(
                format!("regexp_extract({})", list.join(", ")),
                SqlType::Varchar,
            ))
        }
        (Func::RegexpExtract, Dialect::Spark) => {
            c.arity(2..=3)?;
            // Spark's group defaults to 1 and a miss gives ''; Presto's to 0 and NULL.
            let group = match c.args.get(2) {
                Some(g) => g.sql.clone(),
                None => "0".into(),
            };
            Ok(Out::new(
                format!("CASE WHEN {s} RLIKE {re} THEN regexp_extract({s}, {re}, {group}) END"),
                SqlType::Varchar,
            ))
        }
        (Func::RegexpReplace, _) => {
            c.arity(2..=3)?;
            let rep = match c.args.get(2) {
                Some(r) => r.sql.clone(),
                None => "''".into(),
            };
            Ok(Out::new(
                format!("regexp_replace({s}, {re}, {rep})"),
                SqlType::Varchar,
            ))
        }
        _ => Err(c.refuse("no faithful mapping")),
    }
}

/// `json_extract(j, p)` as text (strings keep their quotes).
fn json_extract(t: &mut Translator, c: &Call) -> PResult<Out> {
    c.arity(2..=2)?;
    let (j, p) = (&c.arg(0)?.sql, &c.arg(1)?.sql);
    match t.d {
        Dialect::Trino => Ok(Out::new(
            format!("json_format(json_extract({j}, {p}))"),
            SqlType::Json,
        )),
        Dialect::Spark => {
            t.notes.push(
                "json_extract outside a CAST needs Spark 4.0 or later (VARIANT); numbers are \
                 re-written by Spark"
                    .into(),
            );
            Ok(Out::new(
                format!("to_json(try_variant_get(try_parse_json({j}), {p}))"),
                SqlType::Json,
            ))
        }
    }
}

/// The JSON value `json_extract(j, p)` names, for a CAST of it: Spark reads it with
/// `get_json_object` (strings unquoted, as Presto's CAST of a JSON string gives).
pub fn json_value(d: Dialect, j: &Out, p: &Out) -> Out {
    match d {
        Dialect::Spark => Out::new(
            format!("get_json_object({}, {})", j.sql, p.sql),
            SqlType::Varchar,
        ),
        Dialect::Trino => Out::new(format!("json_extract({}, {})", j.sql, p.sql), SqlType::Json),
    }
}

/// `json_extract(j, p)`'s arguments, when `e` is that call.
pub fn json_extract_args(e: &ast::Expr) -> Option<(&ast::Expr, &ast::Expr)> {
    let ast::Expr::Function(f) = e else {
        return None;
    };
    if Func::lookup(&f.name.to_string()) != Some(Func::JsonExtract) || f.over.is_some() {
        return None;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(j)), ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(p))] => {
            Some((j, p))
        }
        _ => None,
    }
}

/// A CAST with Presto's semantics: double to bigint rounds, timestamps print with
/// milliseconds, JSON text is decoded first.
pub fn cast(d: Dialect, x: &Out, target: &SqlType, try_: bool) -> Result<Out, String> {
    let kw = if try_ { "try_cast" } else { "CAST" };
    let type_name = |ty: &SqlType| -> Result<&'static str, String> {
        Ok(match (d, ty) {
            (_, SqlType::Bigint) => "BIGINT",
            (_, SqlType::Double) => "DOUBLE",
            (Dialect::Spark, SqlType::Varchar) => "STRING",
            (Dialect::Trino, SqlType::Varchar) => "VARCHAR",
            (_, SqlType::Boolean) => "BOOLEAN",
            (_, SqlType::Timestamp) => "TIMESTAMP",
            (_, SqlType::Date) => "DATE",
            (_, other) => return Err(format!("CAST to {other:?} cannot be translated")),
        })
    };
    let name = type_name(target)?;
    let sql = match (d, &x.ty, target) {
        (Dialect::Spark, SqlType::Double, SqlType::Bigint) => {
            format!("{kw}(round({}) AS BIGINT)", x.sql)
        }
        (Dialect::Spark, SqlType::Timestamp, SqlType::Varchar) => {
            format!("date_format({}, 'yyyy-MM-dd HH:mm:ss.SSS')", x.sql)
        }
        (Dialect::Spark, SqlType::Json, _) => {
            format!("{kw}(get_json_object({}, '$') AS {name})", x.sql)
        }
        (Dialect::Trino, SqlType::Json, _) if !x.sql.starts_with("json_extract(") => {
            format!("{kw}(json_parse({}) AS {name})", x.sql)
        }
        _ => format!("{kw}({} AS {name})", x.sql),
    };
    Ok(Out::new(sql, target.clone()))
}

/// A timestamp from a bigint (unix seconds) or a timestamp.
fn timestamp(d: Dialect, x: &Out, c: &Call) -> PResult<String> {
    match (&x.ty, d) {
        (SqlType::Bigint | SqlType::Double, Dialect::Spark) => {
            Ok(format!("timestamp_seconds({})", x.sql))
        }
        (SqlType::Bigint | SqlType::Double, Dialect::Trino) => {
            Ok(format!("CAST(from_unixtime({}) AS TIMESTAMP)", x.sql))
        }
        (SqlType::Timestamp | SqlType::Date | SqlType::Unknown, _) => Ok(x.sql.clone()),
        _ => Err(c.refuse("the argument must be a timestamp or unix seconds")),
    }
}

const UNITS: &[&str] = &[
    "millisecond",
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "quarter",
    "year",
];

fn unit(c: &Call, i: usize) -> PResult<String> {
    let u = c
        .literal(i)
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| c.refuse("the unit must be a string literal"))?;
    if UNITS.contains(&u.as_str()) {
        Ok(u)
    } else {
        Err(c.refuse(&format!("unknown unit '{u}'")))
    }
}

fn time(t: &mut Translator, func: Func, c: &Call) -> PResult<Out> {
    let d = t.d;
    match func {
        Func::DateFormat => {
            c.arity(2..=2)?;
            let fmt = c
                .literal(1)
                .ok_or_else(|| c.refuse("the format must be a string literal"))?;
            let ts = timestamp(d, c.arg(0)?, c)?;
            let text = date_format(d, &ts, fmt).map_err(|m| c.refuse(&m))?;
            Ok(Out::new(text, SqlType::Varchar))
        }
        Func::DateParse => {
            c.arity(2..=2)?;
            let fmt = c
                .literal(1)
                .ok_or_else(|| c.refuse("the format must be a string literal"))?;
            let s = &c.arg(0)?.sql;
            let text = match d {
                Dialect::Spark => {
                    let pattern = java_pattern(fmt).map_err(|m| c.refuse(&m))?;
                    format!("to_timestamp({s}, {})", d.string(&pattern))
                }
                Dialect::Trino => {
                    trino_codes_supported(fmt).map_err(|m| c.refuse(&m))?;
                    format!("date_parse({s}, {})", d.string(fmt))
                }
            };
            Ok(Out::new(text, SqlType::Timestamp))
        }
        Func::DateTrunc => {
            c.arity(2..=2)?;
            let u = unit(c, 0)?;
            if u == "millisecond" {
                return Err(c.refuse("unit 'millisecond'"));
            }
            let ts = timestamp(d, c.arg(1)?, c)?;
            Ok(Out::new(
                format!("date_trunc({}, {ts})", d.string(&u)),
                SqlType::Timestamp,
            ))
        }
        Func::FromUnixtime => {
            c.arity(1..=1)?;
            Ok(Out::new(timestamp(d, c.arg(0)?, c)?, SqlType::Timestamp))
        }
        Func::ToUnixtime => {
            c.arity(1..=1)?;
            let x = &c.arg(0)?.sql;
            Ok(Out::new(
                match d {
                    Dialect::Spark => format!("(unix_micros({x}) / 1E6)"),
                    Dialect::Trino => format!("to_unixtime({x})"),
                },
                SqlType::Double,
            ))
        }
        Func::Now => {
            t.notes
                .push("now() and current_date are the engine's clock when the query runs".into());
            Ok(Out::new(
                match d {
                    Dialect::Spark => "current_timestamp()",
                    Dialect::Trino => "CAST(now() AS TIMESTAMP)",
                },
                SqlType::Timestamp,
            ))
        }
        Func::CurrentDate => {
            t.notes
                .push("now() and current_date are the engine's clock when the query runs".into());
            Ok(Out::new(
                match d {
                    Dialect::Spark => "current_date()",
                    Dialect::Trino => "current_date",
                },
                SqlType::Date,
            ))
        }
        Func::DateAdd | Func::DateDiff => {
            c.arity(3..=3)?;
            let u = unit(c, 0)?;
            let (n_or_t1, ts) = if func == Func::DateAdd {
                (c.arg(1)?.sql.clone(), timestamp(d, c.arg(2)?, c)?)
            } else {
                (timestamp(d, c.arg(1)?, c)?, timestamp(d, c.arg(2)?, c)?)
            };
            let (spark, trino, ty) = if func == Func::DateAdd {
                ("timestampadd", "date_add", SqlType::Timestamp)
            } else {
                ("timestampdiff", "date_diff", SqlType::Bigint)
            };
            Ok(Out::new(
                match d {
                    Dialect::Spark => format!("{spark}({}, {n_or_t1}, {ts})", u.to_uppercase()),
                    Dialect::Trino => format!("{trino}({}, {n_or_t1}, {ts})", d.string(&u)),
                },
                ty,
            ))
        }
        Func::TimeSeries => Err(c.refuse(
            "it fills missing buckets, which needs a generated series of buckets; group by \
             date_trunc(...) or __time__ - __time__ % N instead",
        )),
        _ => Err(c.refuse("no faithful mapping")),
    }
}

/// One piece of a `date_format` format: codes the engine's `date_format` knows, or a code
/// built from the date's fields.
enum Piece {
    Codes(String),
    /// `%D`: the day of the month with its English suffix (1st, 2nd, 3rd, 4th, 11th...).
    DaySuffix,
    /// `%w`: the weekday number, 0 = Sunday.
    Weekday,
}

/// `date_format(ts, fmt)` for the engine: `%D` and `%w`, which neither engine's pattern has,
/// are computed from the day fields and the pieces concatenated.
fn date_format(d: Dialect, ts: &str, fmt: &str) -> Result<String, String> {
    let mut pieces = vec![Piece::Codes(String::new())];
    let mut chars = fmt.chars();
    while let Some(ch) = chars.next() {
        let next = if ch == '%' { chars.next() } else { None };
        match next {
            Some('D') => pieces.extend([Piece::DaySuffix, Piece::Codes(String::new())]),
            Some('w') => pieces.extend([Piece::Weekday, Piece::Codes(String::new())]),
            other => {
                if let Some(Piece::Codes(text)) = pieces.last_mut() {
                    text.push(ch);
                    text.extend(other);
                }
            }
        }
    }
    let string = if d == Dialect::Spark {
        "STRING"
    } else {
        "VARCHAR"
    };
    let day = format!("day({ts})");
    let mut parts = Vec::new();
    for piece in &pieces {
        parts.push(match piece {
            Piece::Codes(text) if text.is_empty() => continue,
            Piece::Codes(text) => match d {
                Dialect::Spark => format!("date_format({ts}, {})", d.string(&java_pattern(text)?)),
                Dialect::Trino => {
                    trino_codes_supported(text)?;
                    format!("date_format({ts}, {})", d.string(text))
                }
            },
            Piece::DaySuffix => format!(
                "CAST({day} AS {string}), CASE WHEN {day} IN (11, 12, 13) THEN 'th' WHEN {day} % 10 = 1 \
                 THEN 'st' WHEN {day} % 10 = 2 THEN 'nd' WHEN {day} % 10 = 3 THEN 'rd' ELSE 'th' END"
            ),
            Piece::Weekday => match d {
                Dialect::Spark => format!("CAST(dayofweek({ts}) - 1 AS STRING)"),
                Dialect::Trino => format!("CAST(day_of_week({ts}) % 7 AS VARCHAR)"),
            },
        });
    }
    Ok(match parts.len() {
        0 => "''".to_string(),
        1 if matches!(pieces.as_slice(), [Piece::Codes(_)]) => parts.remove(0),
        _ => format!("concat({})", parts.join(", ")),
    })
}

/// The MySQL-style `%` codes SLS documents, as a Java date-time pattern (Spark), with literal
/// text quoted. Codes with no Java equivalent are refused.
pub fn java_pattern(fmt: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, out: &mut String| {
        if literal.is_empty() {
            return;
        }
        if literal
            .chars()
            .all(|c| !c.is_ascii_alphabetic() && !"[]{}#'".contains(c))
        {
            out.push_str(literal);
        } else {
            out.push('\'');
            out.push_str(&literal.replace('\'', "''"));
            out.push('\'');
        }
        literal.clear();
    };
    let mut chars = fmt.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            literal.push(ch);
            continue;
        }
        let Some(code) = chars.next() else {
            literal.push('%');
            break;
        };
        let pattern = match code {
            'Y' => "yyyy",
            'y' => "yy",
            'm' => "MM",
            'c' => "M",
            'M' => "MMMM",
            'b' => "MMM",
            'd' => "dd",
            'e' => "d",
            'j' => "DDD",
            'H' => "HH",
            'k' => "H",
            'h' | 'I' => "hh",
            'l' => "h",
            'i' => "mm",
            'S' | 's' => "ss",
            'f' => "SSSSSS",
            'p' => "a",
            'r' => "hh:mm:ss a",
            'T' => "HH:mm:ss",
            'a' => "EEE",
            'W' => "EEEE",
            '%' => {
                literal.push('%');
                continue;
            }
            other => {
                return Err(format!(
                    "date code %{other} has no Spark (Java) pattern equivalent"
                ))
            }
        };
        flush(&mut literal, &mut out);
        out.push_str(pattern);
    }
    flush(&mut literal, &mut out);
    Ok(out)
}

/// Trino's `date_format`/`date_parse` take the MySQL codes except these.
fn trino_codes_supported(fmt: &str) -> Result<(), String> {
    let mut chars = fmt.chars();
    while let Some(ch) = chars.next() {
        if ch == '%' {
            if let Some(code @ ('D' | 'U' | 'u' | 'V' | 'w' | 'X' | 'x')) = chars.next() {
                return Err(format!("date code %{code} is not supported by Trino"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_codes_become_java_patterns() {
        assert_eq!(
            java_pattern("%Y-%m-%d %H:%i:%s").unwrap(),
            "yyyy-MM-dd HH:mm:ss"
        );
        assert_eq!(java_pattern("%m-%d %H:%i").unwrap(), "MM-dd HH:mm");
        assert_eq!(
            java_pattern("%a %b %e %Y %h:%i %p").unwrap(),
            "EEE MMM d yyyy hh:mm a"
        );
        assert_eq!(
            java_pattern("day %d, it's 100%%").unwrap(),
            "'day 'dd', it''s 100%'"
        );
        assert!(java_pattern("%V").unwrap_err().contains("%V"));
        let f = date_format(Dialect::Spark, "t", "%D of %M, day %w").unwrap();
        assert!(
            f.starts_with("concat(CAST(day(t) AS STRING), CASE WHEN day(t) IN (11, 12, 13)"),
            "{f}"
        );
        assert!(
            f.ends_with(
                r"date_format(t, '\' of \'MMMM\', day \''), CAST(dayofweek(t) - 1 AS STRING))"
            ),
            "{f}"
        );
        assert_eq!(
            date_format(Dialect::Trino, "t", "%Y").unwrap(),
            "date_format(t, '%Y')"
        );
        assert!(trino_codes_supported("%Y %V").is_err());
        assert!(trino_codes_supported("%Y-%m-%d %H:%i:%s").is_ok());
    }

    #[test]
    fn delimiters_are_quoted_for_spark_regex_split() {
        assert_eq!(quote_regex(";"), "\\;");
        assert_eq!(quote_regex("a.b|"), "a\\.b\\|");
        assert_eq!(quote_regex("::"), "\\:\\:");
    }
}
