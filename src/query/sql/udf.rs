//! Row-wise polars functions behind SQL functions whose SLS/Presto semantics polars has no
//! native form for: one generic row-UDF wrapper, JSON paths, arrays, IPs and casts.

use polars::prelude::*;
use serde_json::Value;

/// One output value of a row function.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// SQL NULL.
    Null,
    /// Text.
    Str(String),
    /// Integer.
    Int(i64),
    /// Float.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// An array of texts.
    StrList(Vec<Option<String>>),
}

/// Text of a value, if it is text.
pub fn text<'a>(v: &'a AnyValue<'a>) -> Option<&'a str> {
    match v {
        AnyValue::String(s) => Some(s),
        AnyValue::StringOwned(s) => Some(s.as_str()),
        _ => None,
    }
}

/// Integer of a numeric value (datetimes give their physical milliseconds).
pub fn int(v: &AnyValue) -> Option<i64> {
    match v {
        AnyValue::Null => None,
        AnyValue::Datetime(x, _, _) | AnyValue::DatetimeOwned(x, _, _) => Some(*x),
        AnyValue::Boolean(b) => Some(*b as i64),
        other => other.extract::<i64>(),
    }
}

/// Float of a numeric value.
pub fn float(v: &AnyValue) -> Option<f64> {
    match v {
        AnyValue::Null => None,
        other => other.extract::<f64>(),
    }
}

/// Boolean of a boolean value.
pub fn boolean(v: &AnyValue) -> Option<bool> {
    match v {
        AnyValue::Boolean(b) => Some(*b),
        _ => None,
    }
}

/// The elements of an array value as texts (NULL elements stay `None`).
pub fn texts(v: &AnyValue) -> Option<Vec<Option<String>>> {
    let AnyValue::List(series) = v else {
        return None;
    };
    let strings = series.cast(&DataType::String).ok()?;
    let ca = strings.str().ok()?;
    Some(ca.iter().map(|s| s.map(str::to_string)).collect())
}

fn build(name: PlSmallStr, dtype: &DataType, values: Vec<Out>) -> PolarsResult<Column> {
    let column = match dtype {
        DataType::Int64 => Column::new(
            name,
            values
                .iter()
                .map(|v| match v {
                    Out::Int(i) => Some(*i),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        DataType::Float64 => Column::new(
            name,
            values
                .iter()
                .map(|v| match v {
                    Out::Float(f) => Some(*f),
                    Out::Int(i) => Some(*i as f64),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        DataType::Boolean => Column::new(
            name,
            values
                .iter()
                .map(|v| match v {
                    Out::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        DataType::List(_) => {
            let list: ListChunked = values
                .into_iter()
                .map(|v| match v {
                    Out::StrList(items) => Some(Series::new(PlSmallStr::EMPTY, items)),
                    _ => None,
                })
                .collect();
            let list = list.into_series().with_name(name);
            Column::from(list.cast(&DataType::List(Box::new(DataType::String)))?)
        }
        _ => Column::new(
            name,
            values
                .into_iter()
                .map(|v| match v {
                    Out::Str(s) => Some(s),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
    };
    Ok(column)
}

/// A polars expression applying `f` to each row of `args` (length-1 inputs broadcast),
/// producing `out`. Errors from `f` abort the query with the function's name.
pub fn row_udf<F>(name: &'static str, args: Vec<Expr>, out: DataType, f: F) -> Expr
where
    F: Fn(&[AnyValue]) -> Result<Out, String> + Send + Sync + 'static,
{
    let mut inputs = args.into_iter();
    let first = inputs.next().unwrap_or_else(|| lit(NULL));
    let rest: Vec<Expr> = inputs.collect();
    let out_type = out.clone();
    first.map_many(
        move |columns: &mut [Column]| {
            // A literal broadcasts (length 1), but an empty column makes the result empty.
            let height = if columns.iter().any(|c| c.is_empty()) {
                0
            } else {
                columns.iter().map(Column::len).max().unwrap_or(0)
            };
            let mut values = Vec::with_capacity(height);
            let mut row = Vec::with_capacity(columns.len());
            for i in 0..height {
                row.clear();
                for c in columns.iter() {
                    let at = if c.len() == 1 { 0 } else { i };
                    row.push(c.get(at)?);
                }
                let value = f(&row).map_err(|msg| polars_err!(ComputeError: "{name}: {msg}"))?;
                values.push(value);
            }
            let column_name = columns
                .first()
                .map(|c| c.name().clone())
                .unwrap_or_default();
            build(column_name, &out, values)
        },
        &rest,
        move |_, fields| {
            let name = fields.first().map(|f| f.name().clone()).unwrap_or_default();
            Ok(Field::new(name, out_type.clone()))
        },
    )
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.key` or `["key"]`.
    Key(String),
    /// `[n]` (0-based, as in JSONPath).
    Index(usize),
}

/// Parses a JSONPath such as `$.a.b`, `$["a b"][0]`, `$.a[1].c`.
pub fn parse_path(path: &str) -> Result<Vec<PathStep>, String> {
    let bad = || format!("invalid JSON path {path:?}");
    let rest = path.trim().strip_prefix('$').ok_or_else(bad)?;
    let chars: Vec<char> = rest.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && chars[end] != '.' && chars[end] != '[' {
                    end += 1;
                }
                if end == start {
                    return Err(bad());
                }
                steps.push(PathStep::Key(chars[start..end].iter().collect()));
                i = end;
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').ok_or_else(bad)? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                let quoted = inner.len() >= 2
                    && ((inner.starts_with('"') && inner.ends_with('"'))
                        || (inner.starts_with('\'') && inner.ends_with('\'')));
                if quoted {
                    steps.push(PathStep::Key(inner[1..inner.len() - 1].to_string()));
                } else {
                    steps.push(PathStep::Index(inner.parse().map_err(|_| bad())?));
                }
                i = close + 1;
            }
            _ => return Err(bad()),
        }
    }
    Ok(steps)
}

/// The value at `steps` inside `doc`, if present.
#[cfg(test)]
pub fn walk<'a>(doc: &'a Value, steps: &[PathStep]) -> Option<&'a Value> {
    steps.iter().try_fold(doc, |v, step| match step {
        PathStep::Key(k) => v.as_object()?.get(k),
        PathStep::Index(n) => v.as_array()?.get(*n),
    })
}

/// A JSON value as SLS shows a field: strings unquoted, JSON null as NULL, containers as
/// compact JSON.
pub fn scalar_or_json_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A JSON value as `json_extract_scalar` shows it: scalars only (strings unquoted); containers
/// and null give NULL.
pub fn scalar_only_text(v: &Value) -> Option<String> {
    match v {
        Value::Null | Value::Array(_) | Value::Object(_) => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A quick filter for documents that cannot hold the path: the quoted last key must occur in
/// the text (serde_json escapes only quotes, backslashes and control characters in keys).
pub fn key_hint(steps: &[PathStep]) -> Option<memchr::memmem::Finder<'static>> {
    let key = steps.iter().rev().find_map(|s| match s {
        PathStep::Key(k) => Some(k),
        PathStep::Index(_) => None,
    })?;
    if key.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return None;
    }
    Some(memchr::memmem::Finder::new(format!("\"{key}\"").as_bytes()).into_owned())
}

/// Like [`json_leaf`], skipping the parse when `hint` shows the key is absent.
pub fn json_leaf_hinted(
    doc: Option<&str>,
    steps: &[PathStep],
    hint: Option<&memchr::memmem::Finder<'static>>,
    pick: fn(&Value) -> Option<String>,
) -> Out {
    match (doc, hint) {
        (Some(text), Some(finder)) if finder.find(text.as_bytes()).is_none() => Out::Null,
        _ => json_leaf(doc, steps, pick),
    }
}

/// Reads a JSON leaf of a document text: `Out::Null` when the text is not JSON or the leaf
/// is absent. The leaf is found on the text ([`crate::event::rawjson::value_at`]): no tree is built,
/// a number is given exactly as written (also beyond f64), and nesting costs no stack.
pub fn json_leaf(doc: Option<&str>, steps: &[PathStep], pick: fn(&Value) -> Option<String>) -> Out {
    let Some(doc) = doc else { return Out::Null };
    crate::event::rawjson::leaf_text(doc, steps.iter().map(PathStep::as_raw), pick)
        .map(Out::Str)
        .unwrap_or(Out::Null)
}

impl PathStep {
    /// The step for [`crate::event::rawjson::value_at`].
    fn as_raw(&self) -> crate::event::rawjson::Step<'_> {
        match self {
            PathStep::Key(key) => crate::event::rawjson::Step::Key(key),
            PathStep::Index(n) => crate::event::rawjson::Step::Index(*n),
        }
    }
}

/// `json_extract`: the JSON text of the value at the path.
pub fn json_value_text(v: &Value) -> Option<String> {
    Some(v.to_string())
}

/// Presto's `split(s, d)`: an empty delimiter splits into characters.
pub fn split(s: &str, delimiter: &str, limit: Option<usize>) -> Vec<Option<String>> {
    if delimiter.is_empty() {
        return s.chars().map(|c| Some(c.to_string())).collect();
    }
    match limit {
        Some(n) if n > 0 => s
            .splitn(n, delimiter)
            .map(|p| Some(p.to_string()))
            .collect(),
        _ => s.split(delimiter).map(|p| Some(p.to_string())).collect(),
    }
}

/// 1-based position of `needle` in `items`, 0 when absent (`array_position`).
pub fn array_position(items: &[Option<String>], needle: &str) -> i64 {
    items
        .iter()
        .position(|x| x.as_deref() == Some(needle))
        .map_or(0, |p| p as i64 + 1)
}

/// 1-based character position of `needle` in `s`, 0 when absent (`strpos`).
pub fn strpos(s: &str, needle: &str) -> i64 {
    match s.find(needle) {
        Some(byte) => s[..byte].chars().count() as i64 + 1,
        None => 0,
    }
}

/// Presto `substr(s, start[, len])`: 1-based; a negative start counts from the end.
pub fn substr(s: &str, start: i64, len: Option<i64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let begin = match start {
        0 => return String::new(),
        s if s > 0 => s - 1,
        s => n + s,
    };
    if begin < 0 || begin >= n {
        return String::new();
    }
    let end = match len {
        Some(l) if l < 0 => return String::new(),
        Some(l) => (begin + l).min(n),
        None => n,
    };
    chars[begin as usize..end as usize].iter().collect()
}

/// `ip_to_domain`: `intranet` for private, loopback, link-local, shared (100.64/10) and
/// unique-local addresses (IPv4-mapped IPv6 read as IPv4); `internet` for other IPs. A value that
/// is not an IP address (e.g. ActionTrail's `Internal` or a service name) is `intranet`: it did
/// not come from the internet.
pub fn ip_domain(text: &str) -> &'static str {
    match crate::geoip::parse_ip(text) {
        Some(ip) if !crate::geoip::is_internal(ip) => "internet",
        _ => "intranet",
    }
}

/// Renders any array value as JSON, keeping numbers and booleans unquoted.
pub fn any_array_json(series: &Series) -> String {
    let items: Vec<Value> = series
        .iter()
        .map(|v| match v {
            AnyValue::Null => Value::Null,
            AnyValue::Boolean(b) => Value::Bool(b),
            AnyValue::Float64(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            AnyValue::Int64(i) => Value::from(i),
            AnyValue::List(inner) => {
                serde_json::from_str(&any_array_json(&inner)).unwrap_or(Value::Null)
            }
            other => match text(&other) {
                Some(s) => Value::String(s.to_string()),
                None => Value::String(other.str_value().to_string()),
            },
        })
        .collect();
    Value::Array(items).to_string()
}

/// `histogram`: counts of each non-NULL value as a JSON object with keys in ascending order.
pub fn histogram_json(items: &[Option<String>]) -> String {
    let mut counts: std::collections::BTreeMap<&str, i64> = Default::default();
    for item in items.iter().flatten() {
        *counts.entry(item.as_str()).or_default() += 1;
    }
    let map: serde_json::Map<String, Value> = counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), Value::from(n)))
        .collect();
    Value::Object(map).to_string()
}

/// Presto text of a double (`1.5`, `100.0`, `NaN`).
pub fn double_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

/// Reads a SQL boolean from text (`true/false/t/f/1/0`, any case).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" => Some(true),
        "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_parse_and_walk() {
        let doc: Value = serde_json::from_str(r#"{"a":{"b":[10,{"c":"x"}]},"k y":true}"#).unwrap();
        let steps = parse_path("$.a.b[1].c").unwrap();
        assert_eq!(walk(&doc, &steps), Some(&Value::String("x".into())));
        assert_eq!(
            walk(&doc, &parse_path("$[\"k y\"]").unwrap()),
            Some(&Value::Bool(true))
        );
        assert_eq!(walk(&doc, &parse_path("$.a.missing").unwrap()), None);
        assert!(parse_path("a.b").is_err());
        assert!(parse_path("$..b").is_err());
        assert_eq!(
            json_leaf(
                Some(r#"{"n":5}"#),
                &parse_path("$.n").unwrap(),
                scalar_or_json_text
            ),
            Out::Str("5".into())
        );
        assert_eq!(
            json_leaf(
                Some("not json"),
                &parse_path("$.n").unwrap(),
                scalar_or_json_text
            ),
            Out::Null
        );
    }

    #[test]
    fn split_and_positions_are_one_based() {
        let parts = split("i-1;d-2;d-3", ";", None);
        assert_eq!(parts.len(), 3);
        assert_eq!(array_position(&parts, "d-2"), 2);
        assert_eq!(array_position(&parts, "nope"), 0);
        assert_eq!(
            split("a;b;c", ";", Some(2)),
            vec![Some("a".to_string()), Some("b;c".to_string())]
        );
        assert_eq!(strpos("密钥abc", "abc"), 3);
        assert_eq!(strpos("abc", "z"), 0);
    }

    #[test]
    fn substr_follows_presto() {
        assert_eq!(substr("keytrail", 1, Some(3)), "key");
        assert_eq!(substr("keytrail", 4, None), "trail");
        assert_eq!(substr("keytrail", -5, Some(2)), "tr");
        assert_eq!(substr("keytrail", 0, None), "");
        assert_eq!(substr("keytrail", 20, None), "");
    }

    #[test]
    fn ip_domains() {
        assert_eq!(ip_domain("10.1.2.3"), "intranet");
        assert_eq!(ip_domain("192.168.0.1"), "intranet");
        assert_eq!(ip_domain("100.100.1.1"), "intranet");
        assert_eq!(ip_domain("169.254.0.9"), "intranet");
        assert_eq!(ip_domain("fd00::1"), "intranet");
        assert_eq!(ip_domain("Internal"), "intranet");
        assert_eq!(ip_domain("47.98.1.20"), "internet");
        assert_eq!(ip_domain("2408:4000::1"), "internet");
        assert_eq!(ip_domain("::ffff:10.0.0.1"), "intranet");
        assert_eq!(ip_domain("::ffff:8.8.8.8"), "internet");
    }

    #[test]
    fn renderings() {
        let s = Series::new("x".into(), [Some("a"), None]);
        assert_eq!(any_array_json(&s), r#"["a",null]"#);
        assert_eq!(
            histogram_json(&[Some("b".into()), Some("a".into()), Some("b".into()), None]),
            r#"{"a":1,"b":2}"#
        );
        assert_eq!(double_text(2.0), "2.0");
        assert_eq!(double_text(0.25), "0.25");
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }
}
