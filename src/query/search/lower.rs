//! Lowers a parsed search statement to one boolean polars expression over the store columns.
//! A token test becomes a case-insensitive regex anchored at delimiters (or at the ends of the
//! value, for fields without delimiters). Scans of the `event` JSON text go through
//! [`super::scan`] (prefiltered, row-parallel) and JSON leaves through [`super::leaf`]; an `or`
//! chain of single tokens on one place becomes one alternation. Every condition is null-safe:
//! a missing field is `false`, so `not` finds it.

use memchr::memmem::Finder;
use polars::prelude::*;
use regex::Regex;

use super::ast::{CmpOp, Condition, Glyph, Pattern, SearchExpr, Target, Test};
use super::leaf::{path_keys, LeafCheck, LeafTest};
use super::scan::{self, caseless_run, TextTest};
use super::tokens::{field_kind, FieldKind};
use crate::event::schema::{resolve_field, FieldRef, EVENT, TOPIC};

/// The default delimiters as the body of a regex character class.
const DELIM_CLASS: &str = r#" ,'";=()\[\]{}?@&<>/:\n\t\r"#;

/// How the text of a column is laid out, which decides the regex boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Plain text tokenized with the default delimiters.
    Delimited,
    /// Compact JSON (the `event` column): a backslash of a JSON escape also separates tokens,
    /// and `\n`, `\t`, `\r` escapes stand for delimiters.
    JsonText,
    /// The whole value is one token.
    WholeValue,
}

/// The polars filter for a statement.
pub fn lower(expr: &SearchExpr) -> Expr {
    match expr {
        SearchExpr::All => lit(true),
        SearchExpr::And(operands) => all_of(distinct(operands).into_iter().map(lower)),
        SearchExpr::Or(operands) => lower_or(&distinct(operands)),
        SearchExpr::Not(a) => lower(a).not(),
        SearchExpr::Cond(c) => lower_condition(c),
    }
}

/// `operands` without repeats, in first-seen order: `and` and `or` are idempotent, and each
/// operand becomes its own scan and regex, so `alice alice ...` 10,000 times (a 60 KB query)
/// took 1.6 GB and 7 s before; now one term. Operands are compared by [`lowering_key`].
fn distinct(operands: &[SearchExpr]) -> Vec<&SearchExpr> {
    let mut seen = std::collections::HashSet::new();
    operands
        .iter()
        .filter(|operand| seen.insert(lowering_key(operand)))
        .collect()
}

/// What lowering reads of `expr`, as text: its structure and each condition's target and test
/// (debug text, equal only for equal values), not the condition's source text or note, so
/// `alice alice,` repeats `alice`.
fn lowering_key(expr: &SearchExpr) -> String {
    let list = |tag: &str, operands: &[SearchExpr]| {
        let keys: Vec<String> = operands.iter().map(lowering_key).collect();
        format!("{tag}({})", keys.join(","))
    };
    match expr {
        SearchExpr::All => "All".to_string(),
        SearchExpr::And(operands) => list("And", operands),
        SearchExpr::Or(operands) => list("Or", operands),
        SearchExpr::Not(inner) => format!("Not({})", lowering_key(inner)),
        SearchExpr::Cond(c) => format!("Cond({:?},{:?})", c.target, c.test),
    }
}

/// Where a single-token condition looks, for merging the alternatives of an `or` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TokenPlace {
    FullText,
    Column(String, Layout),
}

/// An `or` chain. Single-token conditions on the same place (`event.eventName: A or
/// event.eventName: B or ...`, as alert queries write them) become one alternation regex, so
/// the column is scanned once instead of once per alternative.
fn lower_or(operands: &[&SearchExpr]) -> Expr {
    let mut groups: Vec<(TokenPlace, Vec<&Pattern>)> = Vec::new();
    let mut others: Vec<Expr> = Vec::new();
    for operand in operands {
        match single_token(operand) {
            Some((place, pat)) => match groups.iter_mut().find(|(p, _)| *p == place) {
                Some((_, pats)) => pats.push(pat),
                None => groups.push((place, vec![pat])),
            },
            None => others.push(lower(operand)),
        }
    }
    let merged = groups.into_iter().flat_map(|(place, pats)| {
        pats.chunks(ALTERNATION_CHUNK)
            .map(|chunk| alternatives(&place, chunk))
            .collect::<Vec<_>>()
    });
    let all: Vec<Expr> = merged.chain(others).collect();
    crate::query::balanced(all, Expr::or).unwrap_or_else(|| lit(false))
}

/// How many alternatives one regex holds at most: an `or` of thousands of IoC values becomes
/// several regexes of this size, each far below the regex compiler's size limit.
const ALTERNATION_CHUNK: usize = 256;

/// Whether `place` holds a token matching any of `pats`.
fn alternatives(place: &TokenPlace, pats: &[&Pattern]) -> Expr {
    let expr = match place {
        TokenPlace::FullText => {
            let required: &[&Pattern] = if pats.len() == 1 { pats } else { &[] };
            event_matches(alternation_regex(pats, Layout::JsonText), required).or(has_any(
                col(TOPIC),
                pats,
                Layout::WholeValue,
            ))
        }
        TokenPlace::Column(name, layout) => has_any(col(name.as_str()), pats, *layout),
    };
    expr.fill_null(lit(false))
}

/// The place and pattern of a condition that tests exactly one token on the full text or on a
/// stored column.
fn single_token(expr: &SearchExpr) -> Option<(TokenPlace, &Pattern)> {
    let SearchExpr::Cond(c) = expr else {
        return None;
    };
    let Test::Tokens(pats) = &c.test else {
        return None;
    };
    let [pat] = pats.as_slice() else { return None };
    let place = match &c.target {
        Target::FullText => TokenPlace::FullText,
        Target::Field(name) => match resolve_field(name) {
            FieldRef::Column(col) => TokenPlace::Column(col, column_layout(name)),
            _ => return None,
        },
    };
    Some((place, pat))
}

fn column_layout(name: &str) -> Layout {
    match field_kind(name) {
        FieldKind::WholeValue => Layout::WholeValue,
        _ => Layout::Delimited,
    }
}

/// Whether the text holds a token matching any of `pats`.
fn has_any(text: Expr, pats: &[&Pattern], layout: Layout) -> Expr {
    text.str()
        .contains(lit(alternation_regex(pats, layout)), true)
}

/// The expression of one condition: never null.
fn lower_condition(c: &Condition) -> Expr {
    let expr = match &c.target {
        Target::FullText => full_text(&c.test),
        Target::Field(name) => field(name, &c.test),
    };
    expr.fill_null(lit(false))
}

/// A full-text test: every token in the event's JSON text or equal to `__topic__`.
fn full_text(test: &Test) -> Expr {
    match test {
        Test::Tokens(pats) => all_of(pats.iter().map(|p| {
            let in_event = event_matches(token_regex(p, Layout::JsonText), &[p]);
            in_event.or(text_has(col(TOPIC), p, Layout::WholeValue))
        })),
        Test::Phrase(pats) => {
            let required: Vec<&Pattern> = pats.iter().collect();
            let in_event = event_matches(phrase_regex(pats, Layout::JsonText), &required);
            let joined = Pattern(join_with_space(pats));
            in_event.or(text_has(col(TOPIC), &joined, Layout::WholeValue))
        }
        _ => lit(false),
    }
}

/// Whether the event's JSON text matches `regex` (built from escaped patterns, so it always
/// compiles; `false` if it did not), prefiltered by the caseless runs of `required`.
fn event_matches(regex: String, required: &[&Pattern]) -> Expr {
    match Regex::new(&regex) {
        Ok(re) => scan::all_pass(EVENT, vec![TextTest::new(re, required)]),
        Err(e) => failing(format!("a search term is too large to match: {e}")),
    }
}

/// An expression that fails the query with `message` when it runs: a term that cannot be
/// matched must not silently match nothing.
fn failing(message: String) -> Expr {
    col(EVENT).map(
        move |_| Err(PolarsError::ComputeError(message.clone().into())),
        |_, field| Ok(Field::new(field.name().clone(), DataType::Boolean)),
    )
}

/// A test on one named field.
fn field(name: &str, test: &Test) -> Expr {
    match resolve_field(name) {
        FieldRef::Column(c) => column_field(name, col(c.as_str()), test),
        FieldRef::JsonLeaf(path) => json_leaf(&path, test),
        FieldRef::Unknown => lit(false),
    }
}

/// A test on a JSON leaf of `event`: events lacking a caseless run of a required token are
/// skipped before the path is walked.
fn json_leaf(path: &str, test: &Test) -> Expr {
    let path = path_keys(path);
    let (runs, leaf) = match test {
        Test::Tokens(pats) => {
            let leaf = pats.iter().map(|p| token_regex(p, Layout::Delimited));
            (
                pats.iter().filter_map(caseless_run).collect(),
                leaf.collect(),
            )
        }
        Test::Phrase(pats) => (
            pats.iter().filter_map(caseless_run).collect(),
            vec![phrase_regex(pats, Layout::Delimited)],
        ),
        Test::Exists | Test::Empty => (vec![], vec![]),
        Test::Compare(..) | Test::Range { .. } | Test::Nothing => return lit(false),
    };
    let Ok(leaf) = compile_all(&leaf) else {
        return lit(false);
    };
    let check = match test {
        Test::Exists => LeafCheck::Exists,
        Test::Empty => LeafCheck::Empty,
        _ => LeafCheck::AllMatch(leaf),
    };
    let prefilter = runs
        .iter()
        .map(|r: &String| Finder::new(r.as_bytes()).into_owned())
        .collect();
    LeafTest {
        path,
        prefilter,
        check,
    }
    .to_expr()
}

fn compile_all(patterns: &[String]) -> Result<Vec<Regex>, regex::Error> {
    patterns.iter().map(|r| Regex::new(r)).collect()
}

/// A test on a stored column.
fn column_field(name: &str, value: Expr, test: &Test) -> Expr {
    let layout = column_layout(name);
    match test {
        Test::Tokens(pats) => all_of(pats.iter().map(|p| text_has(value.clone(), p, layout))),
        Test::Phrase(pats) => text_phrase(value, pats, layout),
        Test::Exists => value.is_not_null(),
        Test::Empty => value.eq(lit("")),
        Test::Compare(op, n) => compare(value, *op, *n),
        Test::Range {
            low,
            low_closed,
            high,
            high_closed,
        } => {
            let lower = if *low_closed {
                compare(value.clone(), CmpOp::Ge, *low)
            } else {
                compare(value.clone(), CmpOp::Gt, *low)
            };
            let upper = if *high_closed {
                compare(value, CmpOp::Le, *high)
            } else {
                compare(value, CmpOp::Lt, *high)
            };
            lower.and(upper)
        }
        Test::Nothing => lit(false),
    }
}

fn compare(value: Expr, op: CmpOp, n: f64) -> Expr {
    let rhs = if n.fract() == 0.0 && n.abs() < 9.0e15 {
        lit(n as i64)
    } else {
        lit(n)
    };
    match op {
        CmpOp::Eq => value.eq(rhs),
        CmpOp::Gt => value.gt(rhs),
        CmpOp::Ge => value.gt_eq(rhs),
        CmpOp::Lt => value.lt(rhs),
        CmpOp::Le => value.lt_eq(rhs),
    }
}

/// Whether the text holds a token matching `pat`.
fn text_has(text: Expr, pat: &Pattern, layout: Layout) -> Expr {
    text.str().contains(lit(token_regex(pat, layout)), true)
}

/// Whether the text holds the tokens in order, separated only by delimiters.
fn text_phrase(text: Expr, pats: &[Pattern], layout: Layout) -> Expr {
    text.str().contains(lit(phrase_regex(pats, layout)), true)
}

/// The regex matching one token pattern as a whole token, case-insensitively.
pub fn token_regex(pat: &Pattern, layout: Layout) -> String {
    let (open, close) = boundaries(layout);
    format!("(?i){open}{}{close}", pattern_body(pat, layout))
}

/// The regex matching a whole token that matches any of the patterns.
pub fn alternation_regex(pats: &[&Pattern], layout: Layout) -> String {
    let (open, close) = boundaries(layout);
    let bodies: Vec<String> = pats.iter().map(|p| pattern_body(p, layout)).collect();
    format!("(?i){open}(?:{}){close}", bodies.join("|"))
}

/// The regex matching the tokens in order, next to each other.
pub fn phrase_regex(pats: &[Pattern], layout: Layout) -> String {
    let (open, close) = boundaries(layout);
    let sep = match layout {
        Layout::Delimited => format!("[{DELIM_CLASS}]+"),
        Layout::JsonText => format!(r"(?:[{DELIM_CLASS}\\]|\\[nrt])+"),
        Layout::WholeValue => " ".to_string(),
    };
    let bodies: Vec<String> = pats.iter().map(|p| pattern_body(p, layout)).collect();
    format!("(?i){open}{}{close}", bodies.join(&sep))
}

fn boundaries(layout: Layout) -> (String, String) {
    match layout {
        Layout::Delimited => (
            format!("(?:^|[{DELIM_CLASS}])"),
            format!("(?:$|[{DELIM_CLASS}])"),
        ),
        Layout::JsonText => (
            format!(r"(?:^|[{DELIM_CLASS}\\]|\\[nrt])"),
            format!(r"(?:$|[{DELIM_CLASS}\\])"),
        ),
        Layout::WholeValue => ("(?s)^".to_string(), "$".to_string()),
    }
}

fn pattern_body(pat: &Pattern, layout: Layout) -> String {
    let (many, one) = match layout {
        Layout::Delimited => (format!("[^{DELIM_CLASS}]*"), format!("[^{DELIM_CLASS}]")),
        Layout::JsonText => (
            format!(r"[^{DELIM_CLASS}\\]*"),
            format!(r"[^{DELIM_CLASS}\\]"),
        ),
        Layout::WholeValue => (".*".to_string(), ".".to_string()),
    };
    pat.0
        .iter()
        .map(|g| match g {
            Glyph::Lit(c) => regex::escape(&c.to_string()),
            Glyph::Many => many.clone(),
            Glyph::One => one.clone(),
        })
        .collect()
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

/// All of the expressions (true when there are none), as a balanced tree.
fn all_of(exprs: impl Iterator<Item = Expr>) -> Expr {
    crate::query::balanced(exprs.collect(), Expr::and).unwrap_or_else(|| lit(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn pat(text: &str) -> Pattern {
        Pattern(
            text.chars()
                .map(|c| match c {
                    '*' => Glyph::Many,
                    '?' => Glyph::One,
                    c => Glyph::Lit(c),
                })
                .collect(),
        )
    }

    fn hits(re: &str, text: &str) -> bool {
        Regex::new(re).unwrap().is_match(text)
    }

    #[test]
    fn repeated_operands_are_lowered_once() {
        let lowered = |q: &str| format!("{:?}", lower(&super::super::parse(q).unwrap()));
        assert_eq!(lowered("alice alice bob alice"), lowered("alice bob"));
        assert_eq!(lowered("(a or b) and (a or b)"), lowered("a or b"));
        assert_eq!(lowered("a or b or a"), lowered("a or b"));
        assert_eq!(lowered("alice alice,"), lowered("alice"));
        assert_ne!(lowered("alice bob"), lowered("alice"));
    }

    #[test]
    fn token_regex_is_exact_and_anchored_at_delimiters() {
        let re = token_regex(&pat("key-abc123"), Layout::Delimited);
        assert_eq!(
            re,
            r#"(?i)(?:^|[ ,'";=()\[\]{}?@&<>/:\n\t\r])key\-abc123(?:$|[ ,'";=()\[\]{}?@&<>/:\n\t\r])"#
        );
        assert!(hits(&re, "acs:kms:cn-hangzhou:123:key/KEY-ABC123"));
        assert!(hits(&re, "key-abc123"));
        assert!(!hits(&re, "key-abc1234"));
        assert!(!hits(&re, "xkey-abc123"));
        assert!(!hits(&re, "key-abc123.x"));
    }

    #[test]
    fn json_text_treats_escapes_as_separators() {
        let re = token_regex(&pat("key-abc123"), Layout::JsonText);
        assert!(hits(
            &re,
            r#"{"requestParameterJson":"{\"KeyId\":\"key-abc123\"}"}"#
        ));
        assert!(hits(&re, r#"{"m":"line\nkey-abc123"}"#));
        assert!(!hits(&re, r#"{"KeyId":"key-abc1234"}"#));
    }

    #[test]
    fn wildcards_stay_within_one_token() {
        let re = token_regex(&pat("nopermission.*"), Layout::Delimited);
        assert!(hits(&re, "NoPermission.Kms"));
        assert!(hits(&re, "NoPermission."));
        assert!(!hits(&re, "NoPermission"));
        let re = token_regex(&pat("ab?d"), Layout::Delimited);
        assert!(hits(&re, "x abcd y"));
        assert!(!hits(&re, "ab/d"));
        assert!(!hits(&re, "abccd"));
        let re = token_regex(&pat("actiontrail*"), Layout::WholeValue);
        assert!(hits(&re, "actiontrail_audit_event"));
        assert!(!hits(&re, "x actiontrail"));
    }

    #[test]
    fn whole_values_match_entirely() {
        let re = token_regex(&pat("actiontrail_audit_event"), Layout::WholeValue);
        assert!(hits(&re, "ActionTrail_Audit_Event"));
        assert!(!hits(&re, "actiontrail_audit_event2"));
    }

    #[test]
    fn alternation_matches_any_whole_token() {
        let (a, b) = (pat("createkey"), pat("schedulekey*"));
        let re = alternation_regex(&[&a, &b], Layout::Delimited);
        assert!(hits(&re, "CreateKey"));
        assert!(hits(&re, "x ScheduleKeyDeletion"));
        assert!(!hits(&re, "CreateKeys"));
        assert!(!hits(&re, "xCreateKey"));
        let re = alternation_regex(&[&a, &b], Layout::WholeValue);
        assert!(hits(&re, "createkey"));
        assert!(!hits(&re, "createkey x"));
    }

    #[test]
    fn or_chains_of_single_tokens_merge_per_place() {
        let e = crate::query::search::parse(
            "event.eventName:A or event.eventName:B or x or event.serviceName:C or y z",
        )
        .unwrap();
        let SearchExpr::Or(ops) = &e else {
            panic!("not an or")
        };
        let places: Vec<Option<TokenPlace>> = ops
            .iter()
            .map(|o| single_token(o).map(|(p, _)| p))
            .collect();
        assert_eq!(
            places,
            vec![
                Some(TokenPlace::Column(
                    "event.eventName".into(),
                    Layout::Delimited
                )),
                Some(TokenPlace::Column(
                    "event.eventName".into(),
                    Layout::Delimited
                )),
                Some(TokenPlace::FullText),
                Some(TokenPlace::Column(
                    "event.serviceName".into(),
                    Layout::Delimited
                )),
                None,
            ]
        );
    }

    #[test]
    fn phrase_needs_order_and_adjacency() {
        let re = phrase_regex(&[pat("key"), pat("is"), pat("disabled")], Layout::Delimited);
        assert!(hits(&re, "The key is disabled; ok"));
        assert!(!hits(&re, "The key is disabled."));
        assert!(hits(&re, "Key: is/disabled"));
        assert!(!hits(&re, "is key disabled"));
        assert!(!hits(&re, "key is not disabled"));
        assert!(!hits(&re, "key is disabledx"));
    }
}
