//! Row-parallel matching over the `event` column's JSON text. A case-insensitive regex has to
//! read every byte of every event; when a token holds a run of caseless characters (digits,
//! punctuation, CJK: `-1234` in `key-1234abcd`, `10.0.0.1`) an exact substring search for that
//! run rejects most events first, at memchr speed, and only the rest meet the regex.

use memchr::memmem::Finder;
use polars::prelude::*;
use rayon::prelude::*;
use regex::Regex;

use super::ast::{Glyph, Pattern};

/// Shortest caseless run (in bytes) worth a substring prefilter.
const MIN_RUN_BYTES: usize = 4;

/// One test on a text: an optional exact substring every match contains, then a regex.
#[derive(Debug, Clone)]
pub struct TextTest {
    /// A substring that every text passing `regex` contains.
    pub required: Option<Finder<'static>>,
    /// The test itself.
    pub regex: Regex,
}

impl TextTest {
    /// A test by `regex`, prefiltered by the longest caseless run of `required`: patterns
    /// every match contains (empty for an alternation).
    pub fn new(regex: Regex, required: &[&Pattern]) -> TextTest {
        let pats = required;
        let run = pats
            .iter()
            .filter_map(|p| caseless_run(p))
            .max_by_key(String::len);
        let required = run.map(|r| Finder::new(r.as_bytes()).into_owned());
        TextTest { required, regex }
    }

    /// Whether `text` passes.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(f) = &self.required {
            if f.find(text.as_bytes()).is_none() {
                return false;
            }
        }
        self.regex.is_match(text)
    }
}

/// The longest run of literal characters without letter case that the pattern always carries
/// verbatim in JSON text (no quote, backslash or control character, which JSON escapes), if
/// it is long enough to be worth searching for.
pub fn caseless_run(pat: &Pattern) -> Option<String> {
    let mut best = String::new();
    let mut current = String::new();
    for g in &pat.0 {
        match g {
            Glyph::Lit(c) if is_caseless_verbatim(*c) => current.push(*c),
            _ => {
                if current.len() > best.len() {
                    best = std::mem::take(&mut current);
                }
                current.clear();
            }
        }
    }
    if current.len() > best.len() {
        best = current;
    }
    (best.len() >= MIN_RUN_BYTES).then_some(best)
}

fn is_caseless_verbatim(c: char) -> bool {
    let caseless = c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]);
    caseless && !c.is_control() && c != '"' && c != '\\'
}

/// A boolean expression over the column `column`: every test passes. Rows are tested in
/// parallel; a null row is `false`.
pub fn all_pass(column: &str, tests: Vec<TextTest>) -> Expr {
    col(column).map(
        move |c: Column| {
            let ca = c.str()?;
            let values: Vec<Option<&str>> = ca.iter().collect();
            let flags: Vec<bool> = values
                .par_iter()
                .map(|v| v.is_some_and(|s| tests.iter().all(|t| t.is_match(s))))
                .collect();
            Ok(BooleanChunked::from_slice(c.name().clone(), &flags).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Boolean)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Pattern {
        Pattern::literal(text)
    }

    #[test]
    fn runs_are_caseless_and_long_enough() {
        assert_eq!(caseless_run(&lit("key-abc1234")).as_deref(), Some("1234"));
        assert_eq!(caseless_run(&lit("10.0.0.1")).as_deref(), Some("10.0.0.1"));
        assert_eq!(
            caseless_run(&lit("运维管理员")).as_deref(),
            Some("运维管理员")
        );
        assert_eq!(caseless_run(&lit("key-abc123")), None);
        assert_eq!(caseless_run(&lit("decrypt")), None);
        let wild = Pattern(vec![
            Glyph::Lit('1'),
            Glyph::Lit('2'),
            Glyph::Many,
            Glyph::Lit('3'),
        ]);
        assert_eq!(caseless_run(&wild), None);
        assert_eq!(caseless_run(&lit("ab\\123")), None);
        assert_eq!(caseless_run(&lit("ǅ1234")).as_deref(), Some("1234"));
    }

    #[test]
    fn prefilter_rejects_without_changing_the_answer() {
        let re = Regex::new("(?i)key-abc1234").unwrap();
        let t = TextTest::new(re, &[&lit("key-abc1234")]);
        assert!(t.required.is_some());
        assert!(t.is_match("x KEY-ABC1234 y"));
        assert!(!t.is_match("key-abc123"));
        let t = TextTest::new(Regex::new("(?i)decrypt").unwrap(), &[&lit("decrypt")]);
        assert!(t.required.is_none());
        assert!(t.is_match("Decrypt"));
    }
}
