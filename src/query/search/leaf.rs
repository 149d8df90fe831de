//! Tests on a JSON leaf of the `event` column (`event.requestParameters.KeyId`): the path is
//! walked with case-insensitive keys on the event's text, building nothing but the leaf's text,
//! after an exact substring search has skipped the events that cannot match.

use memchr::memmem::Finder;
use polars::prelude::*;
use rayon::prelude::*;
use regex::Regex;
use serde_json::Value;

use crate::event::schema::EVENT;

/// What must hold for the leaf's text.
#[derive(Debug, Clone)]
pub enum LeafCheck {
    /// Every regex matches the leaf text.
    AllMatch(Vec<Regex>),
    /// The leaf is present (not missing, not JSON null).
    Exists,
    /// The leaf is present and its text is empty.
    Empty,
}

/// A compiled leaf test: the key path below the event root, the raw-text prefilter (every
/// substring must occur in the event's JSON text), and the check on the leaf.
#[derive(Debug, Clone)]
pub struct LeafTest {
    /// Keys from the event root to the leaf.
    pub path: Vec<String>,
    /// Substrings of the raw event text that every matching event contains.
    pub prefilter: Vec<Finder<'static>>,
    /// The check on the leaf text.
    pub check: LeafCheck,
}

impl LeafTest {
    /// Whether one event (as JSON text) passes.
    pub fn matches(&self, event_json: &str) -> bool {
        let bytes = event_json.as_bytes();
        if !self.prefilter.iter().all(|f| f.find(bytes).is_some()) {
            return false;
        }
        let Some(text) = leaf_in_json(event_json, &self.path) else {
            return false;
        };
        match &self.check {
            LeafCheck::AllMatch(res) => res.iter().all(|re| re.is_match(&text)),
            LeafCheck::Exists => true,
            LeafCheck::Empty => text.is_empty(),
        }
    }

    /// The boolean polars expression of this test over the `event` column.
    pub fn to_expr(self) -> Expr {
        col(EVENT).map(
            move |c: Column| {
                let ca = c.str()?;
                let values: Vec<Option<&str>> = ca.iter().collect();
                let flags: Vec<bool> = values
                    .par_iter()
                    .map(|v| v.is_some_and(|s| self.matches(s)))
                    .collect();
                Ok(BooleanChunked::from_slice(c.name().clone(), &flags).into_column())
            },
            |_, field| Ok(Field::new(field.name().clone(), DataType::Boolean)),
        )
    }
}

/// The text of the leaf at `path`, as SLS indexes it: strings as-is, numbers and booleans as
/// JSON text, objects and arrays as compact JSON; `None` when missing or null. Keys match
/// exactly first, then case-insensitively.
pub fn leaf_text(root: &Value, path: &[String]) -> Option<String> {
    let mut node = root;
    for key in path {
        let map = node.as_object()?;
        node = match map.get(key) {
            Some(v) => v,
            None => map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)?,
        };
    }
    match node {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The text of the leaf at `path` in the JSON text `json` (as [`leaf_text`], but numbers exactly
/// as written), found on the text ([`crate::event::rawjson::value_at_loose`]) without building any of
/// it: no number is converted and nesting costs no stack.
pub fn leaf_in_json(json: &str, path: &[String]) -> Option<String> {
    crate::event::rawjson::indexed_text(crate::event::rawjson::value_at_loose(json, path)?)
}

/// The keys of a `$.a.b` JSONPath as produced by [`crate::event::schema::resolve_field`].
pub fn path_keys(json_path: &str) -> Vec<String> {
    json_path
        .strip_prefix("$.")
        .unwrap_or(json_path)
        .split('.')
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(path: &str, check: LeafCheck) -> LeafTest {
        LeafTest {
            path: path_keys(path),
            prefilter: vec![],
            check,
        }
    }

    #[test]
    fn walks_keys_case_insensitively_and_reads_scalars() {
        let ev = r#"{"requestParameters":{"KeyId":"key-1","N":7,"B":false,"Z":null,"O":{"a":1}}}"#;
        let root: Value = serde_json::from_str(ev).unwrap();
        let leaf = |p: &str| leaf_text(&root, &path_keys(p));
        assert_eq!(leaf("$.requestParameters.keyid").as_deref(), Some("key-1"));
        assert_eq!(leaf("$.requestParameters.N").as_deref(), Some("7"));
        assert_eq!(leaf("$.requestParameters.B").as_deref(), Some("false"));
        assert_eq!(leaf("$.requestParameters.Z"), None);
        assert_eq!(leaf("$.requestParameters.O").as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(leaf("$.requestParameters.KeyId.x"), None);
        assert_eq!(leaf("$.nothing"), None);
    }

    #[test]
    fn streaming_walk_agrees_with_the_tree_walk() {
        let ev = r#"{"requestParameters":{"KeyId":"key-1","keyid":"other","N":7,"Z":null,
            "O":{"a":[1,{"b":2}]},"Esc\u0041pe":"x\"y"},"arr":[{"a":1}],"s":"t"}"#;
        let root: Value = serde_json::from_str(ev).unwrap();
        for path in [
            "$.requestParameters.KeyId",
            "$.requestParameters.KEYID",
            "$.requestParameters.keyid",
            "$.requestParameters.N",
            "$.requestParameters.Z",
            "$.requestParameters.O",
            "$.requestParameters.O.a",
            "$.requestParameters.EscApe",
            "$.requestParameters.missing",
            "$.arr.a",
            "$.s.t",
            "$.s",
        ] {
            let keys = path_keys(path);
            assert_eq!(leaf_in_json(ev, &keys), leaf_text(&root, &keys), "{path}");
        }
        assert_eq!(
            leaf_in_json(ev, &path_keys("$.requestParameters.KEYID")).as_deref(),
            Some("key-1")
        );
        assert_eq!(leaf_in_json("{broken", &path_keys("$.a")), None);
        let numbers = r#"{"a":{"n":123456789012345678901234567890,"h":1e400,"o":{"x":-0}}}"#;
        let leaf = |p: &str| leaf_in_json(numbers, &path_keys(p));
        assert_eq!(
            leaf("$.a.n").as_deref(),
            Some("123456789012345678901234567890")
        );
        assert_eq!(leaf("$.a.h").as_deref(), Some("1e400"));
        assert_eq!(leaf("$.a.o").as_deref(), Some(r#"{"x":-0}"#));
    }

    #[test]
    fn checks_and_prefilter() {
        let ev = r#"{"a":{"b":"","c":"Hello World"}}"#;
        assert!(test("$.a.b", LeafCheck::Empty).matches(ev));
        assert!(!test("$.a.c", LeafCheck::Empty).matches(ev));
        assert!(test("$.a.c", LeafCheck::Exists).matches(ev));
        assert!(!test("$.a.d", LeafCheck::Exists).matches(ev));
        let hello = Regex::new("(?i)hello").unwrap();
        assert!(test("$.a.c", LeafCheck::AllMatch(vec![hello.clone()])).matches(ev));
        let mut t = test("$.a.c", LeafCheck::AllMatch(vec![hello]));
        t.prefilter = vec![Finder::new("absent").into_owned()];
        assert!(!t.matches(ev));
        assert!(!test("$.a.c", LeafCheck::Exists).matches("not json"));
    }
}
