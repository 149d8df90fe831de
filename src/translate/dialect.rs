//! What differs between the target engines in spelling: identifier quoting (Spark backticks,
//! Trino double quotes, lower-cased because Trino and its Hive metastore fold names), string
//! literals (Spark unescapes backslashes, Trino does not), double literals, and the session
//! settings.

/// A target engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Spark SQL 3.4+ (Alibaba EMR Serverless Spark is 3.5; tested on pyspark 4).
    Spark,
    /// Trino, Presto and Athena (engine version 3).
    Trino,
}

impl Dialect {
    /// Parses `spark` or `trino` (`presto` and `athena` are Trino's dialect).
    pub fn parse(text: &str) -> Result<Dialect, String> {
        match text.to_ascii_lowercase().as_str() {
            "spark" => Ok(Dialect::Spark),
            "trino" | "presto" | "athena" => Ok(Dialect::Trino),
            other => Err(format!(
                "unknown engine {other:?}: use spark or trino (presto and athena take trino)"
            )),
        }
    }

    /// The engine's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Spark => "Spark",
            Dialect::Trino => "Trino",
        }
    }

    /// A quoted identifier. Trino folds every identifier to lower case (its Hive metastore
    /// stores column names lower-cased and matches Parquet columns case-insensitively), so the
    /// name is written lower-cased there and reads the same column.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::Trino => format!("\"{}\"", name.to_lowercase().replace('"', "\"\"")),
        }
    }

    /// An output alias. Trino keeps a delimited alias as written in the result's column names.
    pub fn alias(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::Trino => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal holding exactly `text`. Control and format characters (which could
    /// drive a terminal showing the SQL) are written as escapes: `\uXXXX` in Spark, a Unicode
    /// literal `U&'\XXXX'` in Trino.
    pub fn string(self, text: &str) -> String {
        match self {
            Dialect::Spark => {
                let mut out = String::with_capacity(text.len() + 2);
                out.push('\'');
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if is_unsafe(c) => {
                            let mut units = [0u16; 2];
                            for unit in c.encode_utf16(&mut units) {
                                out.push_str(&format!("\\u{unit:04X}"));
                            }
                        }
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
            Dialect::Trino if text.chars().any(is_unsafe) => {
                let mut out = String::from("U&'");
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("''"),
                        c if is_unsafe(c) => out.push_str(&format!("\\+{:06X}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
            Dialect::Trino => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// A DOUBLE literal for the decimal text `text` (SLS reads `2.5` as a double; Spark and
    /// Trino would read a DECIMAL): the same exponent form in both engines.
    pub fn double(self, text: &str) -> String {
        if text.contains(['e', 'E']) {
            text.to_string()
        } else {
            format!("{text}E0")
        }
    }

    /// `SET` statements for the session: its time zone, and for Spark ANSI mode, so that a
    /// failing CAST fails the query as in SLS (Presto) on Spark 3.5 as on 4.x.
    pub fn settings(self, zone: &str) -> Vec<String> {
        match self {
            Dialect::Spark => vec![
                format!("SET spark.sql.session.timeZone={zone}"),
                "SET spark.sql.ansi.enabled=true".to_string(),
            ],
            Dialect::Trino => vec![format!("SET TIME ZONE {}", self.string(zone))],
        }
    }
}

/// Whether `c` would reach a terminal as a control: C0, DEL, C1, format characters.
pub fn is_unsafe(c: char) -> bool {
    crate::render::escape::is_unsafe(c)
}

/// Whether a name can be written as an identifier (it holds no control or format character).
pub fn safe_name(name: &str) -> bool {
    !name.chars().any(is_unsafe)
}

/// How a zone given to keytrail (`--tz`) is spelled for the engines: IANA names as they are,
/// `UTC` for UTC, fixed offsets as `+HH:MM`.
pub fn zone_name(zone: &crate::time::Zone) -> String {
    match zone {
        crate::time::Zone::Named(tz) => tz.name().to_string(),
        crate::time::Zone::Fixed(offset) => {
            let secs = offset.local_minus_utc();
            if secs == 0 {
                return "UTC".to_string();
            }
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.abs();
            format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_per_engine() {
        assert_eq!(Dialect::Spark.ident("event.eventName"), "`event.eventName`");
        assert_eq!(
            Dialect::Trino.ident("event.eventName"),
            "\"event.eventname\""
        );
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Trino.ident("a\"B"), "\"a\"\"b\"");
        assert_eq!(Dialect::Spark.string(r"it's \d"), r"'it\'s \\d'");
        assert_eq!(Dialect::Trino.string(r"it's \d"), r"'it''s \d'");
        assert_eq!(Dialect::Spark.double("2.5"), "2.5E0");
        assert_eq!(Dialect::Trino.double("2.5"), "2.5E0");
        assert!(Dialect::parse("SQLite").is_err());
        assert_eq!(
            Dialect::Spark.string("a\u{1b}]0;x\u{7}"),
            r"'a\u001B]0;x\u0007'"
        );
        assert_eq!(Dialect::Spark.string("\u{e0001}"), r"'\uDB40\uDC01'");
        assert_eq!(
            Dialect::Trino.string("it's\u{1b}\\"),
            r"U&'it''s\+00001B\\'"
        );
        assert!(!safe_name("a\u{202e}b"));
        assert_eq!(Dialect::parse("athena"), Ok(Dialect::Trino));
    }

    #[test]
    fn zones_are_spelled_for_the_engines() {
        use crate::time::Zone;
        assert_eq!(zone_name(&Zone::parse("+08:00").unwrap()), "+08:00");
        assert_eq!(zone_name(&Zone::parse("-05:30").unwrap()), "-05:30");
        assert_eq!(zone_name(&Zone::parse("UTC").unwrap()), "UTC");
        assert_eq!(
            zone_name(&Zone::parse("Asia/Shanghai").unwrap()),
            "Asia/Shanghai"
        );
    }
}
