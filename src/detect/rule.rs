//! Detection rules: the TOML rule format, its parsing with line numbers, and the built-in pack.

use std::fmt;

use serde::Deserialize;

use crate::time::{parse_duration, UNITS};

/// How bad a finding is, lowest first (the order sorts and filters findings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, no action needed.
    Info,
    /// Unusual but mostly benign.
    Low,
    /// Needs a look.
    Medium,
    /// Likely harmful: act.
    High,
    /// Act now.
    Critical,
}

impl Severity {
    /// Parses `info`, `low`, `medium`, `high` or `critical` (any case).
    pub fn parse(text: &str) -> Result<Severity, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity {text:?}: use info, low, medium, high or critical"
            )),
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One detection rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique id, e.g. `kms-key-disabled`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// How bad a finding is.
    pub severity: Severity,
    /// What the rule looks for and why.
    pub description: String,
    /// MITRE ATT&CK technique, e.g. `T1485`.
    pub mitre: Option<String>,
    /// The SLS statement (`search` or `search | SQL`).
    pub query: String,
    /// Window length in seconds.
    pub window: i64,
    /// The window as written, e.g. `30m`.
    pub window_text: String,
    /// Filter on the result rows (SQL boolean expression), if any.
    pub condition: Option<String>,
    /// Result columns naming the entity of a finding.
    pub entity: Vec<String>,
    /// Where the rule came from: a file path or `builtin:<file>`.
    pub origin: String,
    /// 1-based line of the rule's `[[rule]]` header in its file.
    pub line: usize,
}

/// A rule file that could not be read, with the line (and column) of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file (path or `builtin:<file>`).
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}:{}: {}", self.origin, self.line, c, self.message),
            None => write!(f, "{}:{}: {}", self.origin, self.line, self.message),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    title: String,
    severity: String,
    #[serde(default)]
    description: String,
    mitre: Option<String>,
    query: String,
    window: String,
    condition: Option<String>,
    #[serde(default)]
    entity: Vec<String>,
}

/// The built-in rule files, embedded in the binary.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("kms.toml", include_str!("rules/kms.toml")),
    ("access.toml", include_str!("rules/access.toml")),
];

/// The built-in rule pack.
pub fn builtin_rules() -> Vec<Rule> {
    BUILTIN_FILES
        .iter()
        .flat_map(|(name, text)| {
            parse_rules(text, &format!("builtin:{name}")).unwrap_or_else(|e| {
                // A broken built-in file is a build defect the unit tests catch.
                panic!("built-in rule file {name} is invalid: {e}")
            })
        })
        .collect()
}

/// Parses a rule file (`[[rule]]` tables). Errors carry the line (and column) they are at.
pub fn parse_rules(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_col(text, s.start))
            .map_or((1, None), |(l, c)| (l, Some(c)));
        RuleError {
            origin: origin.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    let headers = rule_header_lines(text);
    let mut rules: Vec<Rule> = Vec::new();
    for (i, raw) in file.rule.into_iter().enumerate() {
        let line = headers.get(i).copied().unwrap_or(1);
        let rule = check_fields(raw, origin, line)?;
        if rules.iter().any(|r| r.id == rule.id) {
            return Err(RuleError {
                origin: origin.to_string(),
                line,
                column: None,
                message: format!("duplicate rule id {:?}", rule.id),
            });
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn check_fields(raw: RawRule, origin: &str, line: usize) -> Result<Rule, RuleError> {
    let fail = |message: String| RuleError {
        origin: origin.to_string(),
        line,
        column: None,
        message: format!("rule {:?}: {message}", raw.id),
    };
    if raw.id.trim().is_empty() || raw.id.contains(char::is_whitespace) {
        return Err(fail("id must be a non-empty word".into()));
    }
    let severity = Severity::parse(&raw.severity).map_err(&fail)?;
    let window = parse_duration(&raw.window, &UNITS)
        .map_err(|e| fail(format!("window: bad duration {:?}: {e}", raw.window)))?;
    if raw.query.trim().is_empty() {
        return Err(fail("query is empty".into()));
    }
    let condition = raw
        .condition
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if let Some(c) = &condition {
        let _ = super::condition::parse(c).map_err(|e| fail(format!("condition: {e}")))?;
    }
    Ok(Rule {
        id: raw.id.clone(),
        title: raw.title.clone(),
        severity,
        description: raw.description.trim().to_string(),
        mitre: raw.mitre.clone().filter(|m| !m.trim().is_empty()),
        query: raw.query.trim().to_string(),
        window,
        window_text: raw.window.trim().to_string(),
        condition,
        entity: raw.entity.clone(),
        origin: origin.to_string(),
        line,
    })
}

/// 1-based line numbers of the `[[rule]]` headers, in order.
fn rule_header_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[rule]]"))
        .map(|(i, _)| i + 1)
        .collect()
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"# two rules
[[rule]]
id = "a"
title = "A"
severity = "high"
query = "event.eventName: DisableKey"
window = "30m"

[[rule]]
id = "b"
title = "B"
severity = "low"
query = "* | select count(1) as cnt"
window = "1h"
condition = "cnt > 5"
entity = ["x"]
"#;

    #[test]
    fn parses_rules_with_header_lines() {
        let rules = parse_rules(TWO, "t.toml").unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(
            (rules[0].id.as_str(), rules[0].line, rules[0].window),
            ("a", 2, 1800)
        );
        assert_eq!(rules[1].line, 9);
        assert_eq!(rules[1].severity, Severity::Low);
        assert_eq!(rules[1].condition.as_deref(), Some("cnt > 5"));
        assert_eq!(rules[1].entity, vec!["x".to_string()]);
    }

    #[test]
    fn toml_errors_carry_line_and_column() {
        let bad = "[[rule]]\nid = \"a\"\ntitle = oops\n";
        let e = parse_rules(bad, "f.toml").unwrap_err();
        assert_eq!((e.line, e.column), (3, Some(9)));
        assert!(e.to_string().starts_with("f.toml:3:9: "), "{e}");
    }

    #[test]
    fn field_errors_point_at_the_rule_header() {
        let bad = TWO.replace("severity = \"low\"", "severity = \"urgent\"");
        let e = parse_rules(&bad, "f.toml").unwrap_err();
        assert_eq!(e.line, 9);
        assert!(
            e.message.contains("unknown severity \"urgent\""),
            "{}",
            e.message
        );
        let bad = TWO.replace("window = \"1h\"", "window = \"soon\"");
        assert_eq!(parse_rules(&bad, "f.toml").unwrap_err().line, 9);
        let bad = TWO.replace("cnt > 5", "cnt >");
        let e = parse_rules(&bad, "f.toml").unwrap_err();
        assert!(e.message.contains("condition"), "{}", e.message);
        let bad = TWO.replace("id = \"b\"", "id = \"a\"");
        assert!(parse_rules(&bad, "f.toml")
            .unwrap_err()
            .message
            .contains("duplicate"));
    }

    /// A rule's window is a duration of the one grammar (weeks included since it is shared).
    #[test]
    fn windows_follow_the_duration_grammar() {
        let window = |w: &str| {
            let text = TWO.replace("window = \"1h\"", &format!("window = \"{w}\""));
            parse_rules(&text, "f.toml")
                .map(|rules| rules[1].window)
                .map_err(|e| e.message)
        };
        assert_eq!(window("90s"), Ok(90));
        assert_eq!(window(" 1d "), Ok(86_400));
        assert_eq!(window("1w"), Ok(604_800));
        assert_eq!(
            window("60"),
            Err(
                "rule \"b\": window: bad duration \"60\": the unit is missing, e.g. 60s \
                 (units: s, m, h, d, w)"
                    .into()
            )
        );
        assert_eq!(
            window("0m"),
            Err("rule \"b\": window: bad duration \"0m\": it must be at least 1".into())
        );
        assert!(window("1H").is_err() && window("m").is_err());
        assert!(window("99999999999999999999d").is_err());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let bad = TWO.replace("window = \"30m\"", "window = \"30m\"\nthreshold = 3");
        let e = parse_rules(&bad, "f.toml").unwrap_err();
        assert!(e.message.contains("threshold"), "{}", e.message);
    }

    #[test]
    fn builtin_rules_parse_with_unique_ids() {
        let rules = builtin_rules();
        assert!(rules.len() >= 14);
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
    }
}
