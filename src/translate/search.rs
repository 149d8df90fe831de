//! The search part as a WHERE predicate with SLS token semantics, built from keytrail's own
//! search AST and delimiter set ([`crate::query::search::tokens::DELIMITERS`]): each token test
//! is a regular expression anchored at delimiters, as keytrail matches it, written so that
//! Java's regex engine (Spark) and Joni in Java syntax (Trino) read it the same way: `\A`/`\z`
//! anchors (Java's `$` would also match before a final line terminator), `(?iu)` caseless.
//! Every condition is null-safe (`coalesce(.., FALSE)`), so `not` finds a missing field, as
//! keytrail does.

use super::dialect::Dialect;
use super::Options;
use crate::event::schema::{resolve_field, FieldRef, EVENT, TIME, TOPIC};
use crate::query::search::ast::{CmpOp, Condition, Glyph, Pattern, SearchExpr, Target, Test};
use crate::query::search::tokens::{field_kind, FieldKind, DELIMITERS};
use crate::time::TimeRange;

/// How a text is laid out, which decides the regex boundaries (as in keytrail's lowering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Text tokenized with the default delimiters.
    Delimited,
    /// Compact JSON (the `event` column): a backslash of an escape also separates tokens, and
    /// the `\n`, `\t`, `\r` escapes stand for delimiters.
    JsonText,
    /// The whole value is one token.
    WholeValue,
}

/// The delimiters as the body of a regex character class.
fn delimiter_class() -> String {
    let mut out = String::new();
    for c in DELIMITERS.chars() {
        match c {
            '\n' => out.push_str(r"\n"),
            '\t' => out.push_str(r"\t"),
            '\r' => out.push_str(r"\r"),
            '[' | ']' | '\\' | '^' | '-' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The WHERE predicate of a search statement (`TRUE` for `*`).
pub fn predicate(expr: &SearchExpr, dialect: Dialect, notes: &mut Vec<String>) -> String {
    match expr {
        SearchExpr::All => "TRUE".to_string(),
        SearchExpr::And(ops) => joined(ops, " AND ", dialect, notes),
        SearchExpr::Or(ops) => joined(ops, " OR ", dialect, notes),
        SearchExpr::Not(inner) => format!("NOT ({})", predicate(inner, dialect, notes)),
        SearchExpr::Cond(c) => condition(c, dialect, notes),
    }
}

fn joined(ops: &[SearchExpr], sep: &str, dialect: Dialect, notes: &mut Vec<String>) -> String {
    let parts: Vec<String> = ops
        .iter()
        .map(|o| format!("({})", predicate(o, dialect, notes)))
        .collect();
    parts.join(sep)
}

fn condition(c: &Condition, dialect: Dialect, notes: &mut Vec<String>) -> String {
    match &c.target {
        Target::FullText => full_text(&c.test, dialect),
        Target::Field(name) => field(name, &c.test, dialect, notes),
    }
}

/// Full text: the event's JSON text, or `__topic__` as a whole value.
fn full_text(test: &Test, dialect: Dialect) -> String {
    let event = dialect.ident(EVENT);
    let topic = dialect.ident(TOPIC);
    match test {
        Test::Tokens(pats) if pats.is_empty() => "TRUE".to_string(),
        Test::Tokens(pats) => pats
            .iter()
            .map(|p| {
                format!(
                    "({} OR {})",
                    matches(dialect, &event, &token_regex(p, Layout::JsonText)),
                    matches(dialect, &topic, &token_regex(p, Layout::WholeValue))
                )
            })
            .collect::<Vec<_>>()
            .join(" AND "),
        Test::Phrase(pats) => {
            let joined = Pattern(join_with_space(pats));
            format!(
                "({} OR {})",
                matches(dialect, &event, &phrase_regex(pats, Layout::JsonText)),
                matches(dialect, &topic, &token_regex(&joined, Layout::WholeValue))
            )
        }
        _ => "FALSE".to_string(),
    }
}

/// A field: a stored column, or a JSON leaf of `event`.
fn field(name: &str, test: &Test, dialect: Dialect, notes: &mut Vec<String>) -> String {
    match resolve_field(name) {
        FieldRef::Column(c) => {
            let layout = match field_kind(name) {
                FieldKind::WholeValue => Layout::WholeValue,
                _ => Layout::Delimited,
            };
            let value = dialect.ident(&c);
            let never_null = c == TIME || c == EVENT;
            null_safe(value_test(&value, test, layout, dialect), never_null)
        }
        FieldRef::JsonLeaf(path) => {
            let value = json_leaf(&path, dialect, true, notes);
            match test {
                Test::Compare(..) | Test::Range { .. } => "FALSE".to_string(),
                _ => null_safe(value_test(&value, test, Layout::Delimited, dialect), false),
            }
        }
        FieldRef::Unknown => "FALSE".to_string(),
    }
}

/// The text of a JSON leaf of `event` as keytrail indexes it (strings as they are, numbers
/// and booleans as JSON text, objects and arrays as compact JSON, NULL when missing or null).
/// `caseless` (search conditions, whose tokens compare without case anyway) also finds a key
/// written in another letter case, as keytrail does: the path is looked up again in the
/// lower-cased event.
pub fn json_leaf(path: &str, dialect: Dialect, caseless: bool, notes: &mut Vec<String>) -> String {
    let event = dialect.ident(EVENT);
    let exact = leaf_at(&event, &json_path(path), dialect);
    if !caseless {
        notes.push(format!(
            "JSON leaves in SQL are read with {}: keys match exactly (keytrail also matches a \
             key in another letter case){}",
            match dialect {
                Dialect::Spark => "get_json_object",
                Dialect::Trino => "json_extract_scalar",
            },
            match dialect {
                Dialect::Spark => "; Spark re-writes numbers (1E5 reads 100000.0)",
                Dialect::Trino => "",
            }
        ));
        return exact;
    }
    let lowered = leaf_at(
        &format!("lower({event})"),
        &json_path(&path.to_lowercase()),
        dialect,
    );
    format!("coalesce({exact}, {lowered})")
}

fn leaf_at(json: &str, path: &str, dialect: Dialect) -> String {
    let lit = dialect.string(path);
    match dialect {
        Dialect::Spark => format!("get_json_object({json}, {lit})"),
        Dialect::Trino => format!(
            "coalesce(json_extract_scalar({json}, {lit}), \
             nullif(json_format(json_extract({json}, {lit})), 'null'))"
        ),
    }
}

/// A `$.a.b` path with keys that are not plain words written as `$["key"]`.
pub fn json_path(path: &str) -> String {
    let keys = path.strip_prefix("$.").unwrap_or(path).split('.');
    let mut out = String::from("$");
    for key in keys {
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push('.');
            out.push_str(key);
        } else {
            out.push_str(&format!("[\"{}\"]", key.replace('"', "\\\"")));
        }
    }
    out
}

fn null_safe(test: String, never_null: bool) -> String {
    if never_null || test == "FALSE" || test == "TRUE" {
        test
    } else {
        format!("coalesce({test}, FALSE)")
    }
}

/// One test on a text value.
fn value_test(value: &str, test: &Test, layout: Layout, dialect: Dialect) -> String {
    match test {
        Test::Tokens(pats) if pats.is_empty() => "TRUE".to_string(),
        Test::Tokens(pats) => pats
            .iter()
            .map(|p| matches(dialect, value, &token_regex(p, layout)))
            .collect::<Vec<_>>()
            .join(" AND "),
        Test::Phrase(pats) => matches(dialect, value, &phrase_regex(pats, layout)),
        Test::Exists => format!("{value} IS NOT NULL"),
        Test::Empty => format!("{value} = ''"),
        Test::Compare(op, n) => format!("{value} {} {}", op.symbol(), number(*n, dialect)),
        Test::Range {
            low,
            low_closed,
            high,
            high_closed,
        } => format!(
            "{value} {} {} AND {value} {} {}",
            if *low_closed { ">=" } else { ">" },
            number(*low, dialect),
            if *high_closed { "<=" } else { "<" },
            number(*high, dialect)
        ),
        Test::Nothing => "FALSE".to_string(),
    }
}

fn number(n: f64, dialect: Dialect) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        dialect.double(&format!("{n:?}"))
    }
}

/// Whether `value` matches the regex `re` somewhere.
fn matches(dialect: Dialect, value: &str, re: &str) -> String {
    match dialect {
        Dialect::Spark => format!("{value} RLIKE {}", dialect.string(re)),
        // Joni (Java syntax) is caseless over Unicode with `(?i)` alone.
        Dialect::Trino => format!(
            "regexp_like({value}, {})",
            dialect.string(&re.replacen("(?iu)", "(?i)", 1))
        ),
    }
}

fn token_regex(pat: &Pattern, layout: Layout) -> String {
    let (open, close) = boundaries(layout);
    format!("(?iu){open}{}{close}", pattern_body(pat, layout))
}

fn phrase_regex(pats: &[Pattern], layout: Layout) -> String {
    let d = delimiter_class();
    let (open, close) = boundaries(layout);
    let sep = match layout {
        Layout::Delimited => format!("[{d}]+"),
        Layout::JsonText => format!(r"(?:[{d}\\]|\\[nrt])+"),
        Layout::WholeValue => " ".to_string(),
    };
    let bodies: Vec<String> = pats.iter().map(|p| pattern_body(p, layout)).collect();
    format!("(?iu){open}{}{close}", bodies.join(&sep))
}

fn boundaries(layout: Layout) -> (String, String) {
    let d = delimiter_class();
    match layout {
        Layout::Delimited => (format!(r"(?:\A|[{d}])"), format!(r"(?:\z|[{d}])")),
        Layout::JsonText => (
            format!(r"(?:\A|[{d}\\]|\\[nrt])"),
            format!(r"(?:\z|[{d}\\])"),
        ),
        Layout::WholeValue => (r"(?s)\A".to_string(), r"\z".to_string()),
    }
}

fn pattern_body(pat: &Pattern, layout: Layout) -> String {
    let d = delimiter_class();
    let (many, one) = match layout {
        Layout::Delimited => (format!("[^{d}]*"), format!("[^{d}]")),
        Layout::JsonText => (format!(r"[^{d}\\]*"), format!(r"[^{d}\\]")),
        Layout::WholeValue => (".*".to_string(), ".".to_string()),
    };
    pat.0
        .iter()
        .map(|g| match g {
            Glyph::Lit(c) => escape_char(*c),
            Glyph::Many => many.clone(),
            Glyph::One => one.clone(),
        })
        .collect()
}

/// A literal character in a Java-syntax regex.
fn escape_char(c: char) -> String {
    match c {
        '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        | '#' | '&' | '-' | '~' | ' ' => format!("\\{c}"),
        '\n' => r"\n".to_string(),
        '\t' => r"\t".to_string(),
        '\r' => r"\r".to_string(),
        c if c.is_control() => format!("\\x{{{:x}}}", c as u32),
        c => c.to_string(),
    }
}

fn join_with_space(pats: &[Pattern]) -> Vec<Glyph> {
    let mut out = Vec::new();
    for (i, p) in pats.iter().enumerate() {
        if i > 0 {
            out.push(Glyph::Lit(' '));
        }
        out.extend(p.0.iter().copied());
    }
    out
}

/// The `[from, to)` range on `__time__`, with the matching range of `date` partitions (the
/// UTC day of each event) so that the engine reads only those directories.
pub fn time_range(range: &TimeRange, dialect: Dialect) -> Option<String> {
    let time = dialect.ident(TIME);
    let date = dialect.ident(super::PARTITION_COLUMN);
    let mut parts = Vec::new();
    if let Some(from) = range.from {
        parts.push(format!("{time} >= {from}"));
        if let Some(day) = utc_day(from) {
            parts.push(format!("{date} >= {}", dialect.string(&day)));
        }
    }
    if let Some(to) = range.to {
        parts.push(format!("{time} < {to}"));
        if let Some(day) = utc_day(to - 1) {
            parts.push(format!("{date} <= {}", dialect.string(&day)));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

fn utc_day(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%d").to_string())
}

/// A search without SQL: the matching events, newest first, 100 of them (keytrail's raw logs).
pub fn raw_logs_query(filter: &str, opts: &Options) -> String {
    let d = opts.dialect;
    format!(
        "SELECT * FROM {} WHERE {filter} ORDER BY {} DESC LIMIT 100",
        table_name(&opts.table, d),
        d.ident(TIME)
    )
}

/// The table name as given (`db.table` kept as written, each part quoted when not a word).
pub fn table_name(table: &str, dialect: Dialect) -> String {
    table
        .split('.')
        .map(|part| {
            if !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                part.to_string()
            } else {
                dialect.ident(part)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The comparison operator for `op` (for callers building range tests).
pub fn cmp_symbol(op: CmpOp) -> &'static str {
    op.symbol()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn spark(search: &str) -> String {
        let expr = crate::query::search::parse(search).unwrap();
        predicate(&expr, Dialect::Spark, &mut Vec::new())
    }

    #[test]
    fn the_class_is_keytrails_delimiter_set() {
        let class = Regex::new(&format!("^[{}]$", delimiter_class())).unwrap();
        for c in DELIMITERS.chars() {
            assert!(class.is_match(&c.to_string()), "{c:?}");
        }
        for c in ".-_*#!|+%$~^\\é".chars() {
            assert!(!class.is_match(&c.to_string()), "{c:?}");
        }
    }

    #[test]
    fn the_regexes_match_as_keytrail_does() {
        // The same regex text read by Rust's engine: Java's and Joni's syntax agree on it.
        let re = |p: &str, layout| {
            let pat = crate::query::search::tokens::split_tokens(
                &crate::query::search::tokens::literal_glyphs(p),
            );
            Regex::new(&token_regex(&pat[0], layout).replace("(?iu)", "(?i)")).unwrap()
        };
        let t = re("key-abc123", Layout::Delimited);
        assert!(t.is_match("acs:kms:cn-hangzhou:123:key/KEY-ABC123"));
        assert!(!t.is_match("key-abc1234"));
        assert!(!t.is_match("xkey-abc123"));
        let j = re("key-abc123", Layout::JsonText);
        assert!(j.is_match(r#"{"p":"{\"KeyId\":\"key-abc123\"}"}"#));
        let w = re("actiontrail_audit_event", Layout::WholeValue);
        assert!(w.is_match("ActionTrail_Audit_Event"));
        assert!(!w.is_match("actiontrail_audit_event\n"));
    }

    #[test]
    fn fields_columns_leaves_and_precedence() {
        assert_eq!(
            spark("event.eventName:DisableKey"),
            r#"coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])disablekey(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)"#
        );
        assert_eq!(spark("*"), "TRUE");
        assert_eq!(spark("__time__ >= 5"), "`__time__` >= 5");
        assert_eq!(
            spark("event.nope.x:*").matches("get_json_object").count(),
            2
        );
        assert_eq!(spark("unknownfield:x"), "FALSE");
        let p = spark("a or b and not c");
        assert!(
            p.starts_with("((") && p.contains(") OR ((") && p.contains("NOT ("),
            "{p}"
        );
    }

    #[test]
    fn json_paths_quote_odd_keys() {
        assert_eq!(json_path("$.a.B_1"), "$.a.B_1");
        assert_eq!(json_path("$.a.x-y"), "$.a[\"x-y\"]");
    }
}
