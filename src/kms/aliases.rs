//! Alias resolution from the archive's own alias events (CreateAlias, UpdateAlias, DeleteAlias):
//! which key ids an alias pointed to, and when.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{kms_events_search, ALL_ROWS};
use crate::event::kms_key::normalize_key_id;

/// The events that change an alias.
pub const ALIAS_EVENTS: &[&str] = &["CreateAlias", "UpdateAlias", "DeleteAlias"];

/// The alias events, successful ones only, oldest first: time, operation, alias, key id.
pub fn alias_statement() -> String {
    format!(
        "{} | SELECT __time__ as t, \"event.eventName\" as op, \
         json_extract_scalar(\"event.requestParameterJson\", '$.AliasName') as alias, \
         json_extract_scalar(\"event.requestParameterJson\", '$.KeyId') as keyId \
         WHERE \"event.errorCode\" IS NULL OR \"event.errorCode\" = '' \
         ORDER BY t, \"event.eventId\" LIMIT {ALL_ROWS}",
        kms_events_search(ALIAS_EVENTS)
    )
}

/// One change of an alias: from `time` on it points to `key` (`None`: deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasChange {
    /// Unix seconds of the change.
    pub time: i64,
    /// The key the alias points to from then on.
    pub key: Option<String>,
}

/// Every alias's history, keyed by the alias in lower case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AliasHistory {
    changes: BTreeMap<String, (String, Vec<AliasChange>)>,
}

impl AliasHistory {
    /// Builds the history from the rows of [`alias_statement`].
    pub fn from_frame(df: &DataFrame) -> PolarsResult<AliasHistory> {
        let times = df.column("t")?.i64()?;
        let ops = df.column("op")?.str()?;
        let aliases = df.column("alias")?.str()?;
        let keys = df.column("keyId")?.str()?;
        let mut history = AliasHistory::default();
        for i in 0..df.height() {
            let (Some(time), Some(op), Some(alias)) = (times.get(i), ops.get(i), aliases.get(i))
            else {
                continue;
            };
            let key = match op {
                "DeleteAlias" => None,
                _ => keys.get(i).map(normalize_key_id).filter(|k| !k.is_empty()),
            };
            history.record(&normalize_key_id(alias), time, key);
        }
        Ok(history)
    }

    /// Records that `alias` points to `key` from `time` on.
    pub fn record(&mut self, alias: &str, time: i64, key: Option<String>) {
        let entry = self
            .changes
            .entry(alias.to_ascii_lowercase())
            .or_insert_with(|| (alias.to_string(), Vec::new()));
        entry.1.push(AliasChange { time, key });
    }

    /// The key ids `alias` pointed to, in the order it first pointed to them.
    pub fn resolve(&self, alias: &str) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for change in self
            .changes
            .get(&alias.to_ascii_lowercase())
            .map(|e| &e.1[..])
            .unwrap_or(&[])
        {
            if let Some(k) = &change.key {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys
    }

    /// The aliases that point to `key` after their last change.
    pub fn current_aliases_of(&self, key: &str) -> Vec<String> {
        self.changes
            .values()
            .filter(|(_, changes)| changes.last().and_then(|c| c.key.as_deref()) == Some(key))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// A SQL expression that names the key of each event: `keytrail.kmsKeyId`, with aliases
    /// replaced by the key they pointed to at the event's time.
    pub fn key_sql(&self) -> String {
        let mut arms = Vec::new();
        for (name, changes) in self.changes.values() {
            for (i, change) in changes.iter().enumerate().rev() {
                let Some(key) = &change.key else { continue };
                let until = changes
                    .get(i + 1)
                    .map(|next| format!(" AND __time__ < {}", next.time))
                    .unwrap_or_default();
                arms.push(format!(
                    "WHEN lower(\"keytrail.kmsKeyId\") = '{}' AND __time__ >= {}{until} THEN '{}'",
                    sql_text(&name.to_ascii_lowercase()),
                    change.time,
                    sql_text(key)
                ));
            }
        }
        if arms.is_empty() {
            return "\"keytrail.kmsKeyId\"".to_string();
        }
        format!("CASE {} ELSE \"keytrail.kmsKeyId\" END", arms.join(" "))
    }
}

/// Escapes a SQL string literal's content.
fn sql_text(text: &str) -> String {
    text.replace('\'', "''")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> AliasHistory {
        let mut h = AliasHistory::default();
        h.record("alias/prod", 10, Some("key-a".into()));
        h.record("alias/prod", 20, Some("key-b".into()));
        h.record("alias/old", 5, Some("key-a".into()));
        h.record("alias/old", 6, None);
        h
    }

    #[test]
    fn resolution_follows_every_move() {
        let h = history();
        assert_eq!(h.resolve("ALIAS/prod"), vec!["key-a", "key-b"]);
        assert_eq!(h.resolve("alias/none"), Vec::<String>::new());
        assert_eq!(h.current_aliases_of("key-b"), vec!["alias/prod"]);
        assert!(h.current_aliases_of("key-a").is_empty());
    }

    #[test]
    fn key_sql_maps_aliases_by_time() {
        let sql = history().key_sql();
        assert!(sql.contains("WHEN lower(\"keytrail.kmsKeyId\") = 'alias/prod' AND __time__ >= 10 AND __time__ < 20 THEN 'key-a'"));
        assert!(sql.contains("= 'alias/prod' AND __time__ >= 20 THEN 'key-b'"));
        assert!(!sql.contains("alias/old' AND __time__ >= 6"));
    }
}
