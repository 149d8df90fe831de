//! KMS investigations, each one an SLS statement run through the same query engine as
//! `keytrail query` (so `--explain` shows it): the key lifecycle, the usage of one key, and the
//! inventory of every key seen. This module builds the statements and interprets their results;
//! it never reads files or prints.

pub mod aliases;
pub mod inventory;
pub mod run;
pub mod totals;

use crate::event::kms_key::normalize_key_id;

/// The events of a key's life: creation, state changes, deletion, material, alias and key
/// policy changes.
pub const LIFECYCLE_EVENTS: &[&str] = &[
    "CreateKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "EnableKey",
    "DisableKey",
    "DeleteKeyMaterial",
    "ImportKeyMaterial",
    "UpdateRotationPolicy",
    "SetDeletionProtection",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "SetKeyPolicy",
];

/// The seed document's scenario 1 events: creation, deletion, enabling and disabling.
pub const SEED_LIFECYCLE_EVENTS: &[&str] = &[
    "CreateKey",
    "ScheduleKeyDeletion",
    "EnableKey",
    "DisableKey",
];

/// `event.serviceName:Kms AND (event.eventName:A OR event.eventName:B ...)`.
pub fn kms_events_search(events: &[&str]) -> String {
    let names: Vec<String> = events
        .iter()
        .map(|e| format!("event.eventName:{e}"))
        .collect();
    format!("event.serviceName:Kms AND ({})", names.join(" OR "))
}

/// SQL for the user who made a call: the user name, or the principal id when there is none.
pub const USER_SQL: &str =
    r#"coalesce(nullif("event.userIdentity.userName", ''), "event.userIdentity.principalId")"#;

/// SQL for the outcome of a call: `success` or the error code.
const RESULT_SQL: &str = r#"CASE WHEN "event.errorCode" IS NULL OR "event.errorCode" = '' THEN 'success' ELSE "event.errorCode" END"#;

/// Rows a command asks for when it wants every row (SLS's largest LIMIT).
pub const ALL_ROWS: usize = 1_000_000;

/// The lifecycle table: scenario 1's columns (time, eventName, user, keyId) plus identity type,
/// source IP (with `geoip`, also its country) and result, oldest first.
pub fn lifecycle_statement(events: &[&str], geoip: bool) -> String {
    let country = if geoip {
        format!(", {COUNTRY_SQL} as country")
    } else {
        String::new()
    };
    format!(
        "{} | SELECT date_format(__time__, '%Y-%m-%d %H:%i:%s') as time, \"event.eventName\" as eventName, \
         {USER_SQL} as user, \"event.userIdentity.type\" as identity, \"keytrail.kmsKeyId\" as keyId, \
         \"event.sourceIpAddress\" as ip{country}, {RESULT_SQL} as result \
         ORDER BY __time__, \"event.eventId\" LIMIT {ALL_ROWS}",
        kms_events_search(events)
    )
}

/// Groupings of `kms usage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UsageBy {
    /// Event name and source IP: the seed's scenario 2.
    #[default]
    EventAndIp,
    /// Event name and user.
    User,
    /// Event name and AccessKey id.
    AccessKey,
    /// Event name and region.
    Region,
    /// Event name and UTC-or-`--tz` day.
    Day,
    /// Event name and the source IP's country (needs a `--geoip` database).
    Country,
    /// Event name and the source IP's network organisation (needs an ASN database).
    Asn,
}

impl UsageBy {
    /// Parses `ip` (default), `user`, `ak`, `region`, `day`, `country` or `asn`.
    pub fn parse(text: &str) -> Result<UsageBy, String> {
        match text {
            "ip" => Ok(UsageBy::EventAndIp),
            "user" => Ok(UsageBy::User),
            "ak" => Ok(UsageBy::AccessKey),
            "region" => Ok(UsageBy::Region),
            "day" => Ok(UsageBy::Day),
            "country" => Ok(UsageBy::Country),
            "asn" => Ok(UsageBy::Asn),
            _ => Err(format!(
                "unknown grouping {text:?}: use ip, user, ak, region, day, country or asn"
            )),
        }
    }

    fn column(self) -> (&'static str, &'static str) {
        match self {
            UsageBy::EventAndIp => ("\"event.sourceIpAddress\"", "ip"),
            UsageBy::User => (USER_SQL, "user"),
            UsageBy::AccessKey => ("\"event.userIdentity.accessKeyId\"", "accessKeyId"),
            UsageBy::Region => ("\"event.acsRegion\"", "region"),
            UsageBy::Day => ("date_format(__time__, '%Y-%m-%d')", "day"),
            UsageBy::Country => (COUNTRY_SQL, "country"),
            UsageBy::Asn => (PROVIDER_SQL, "provider"),
        }
    }

    /// Whether the grouping needs a GeoIP database.
    pub fn needs_geoip(self) -> bool {
        matches!(self, UsageBy::Country | UsageBy::Asn)
    }
}

/// SQL for the country of a call's source IP (`--geoip`): `intranet` for private addresses and
/// for what is not an address (`Internal`, service names).
pub const COUNTRY_SQL: &str = r#"coalesce(ip_to_country("event.sourceIpAddress"), if(ip_to_domain("event.sourceIpAddress") = 'intranet', 'intranet'))"#;

/// SQL for the network organisation of a call's source IP (an ASN `--geoip` database).
pub const PROVIDER_SQL: &str = r#"coalesce(ip_to_provider("event.sourceIpAddress"), if(ip_to_domain("event.sourceIpAddress") = 'intranet', 'intranet'))"#;

/// The search part of `kms usage`: events mentioning any of the key ids (a quoted full-text
/// term each, matched by token as in SLS), or naming one of the aliases as their key.
pub fn usage_search(key_ids: &[String], aliases: &[String]) -> String {
    let mut terms: Vec<String> = key_ids.iter().map(|k| quote(k)).collect();
    terms.extend(
        aliases
            .iter()
            .map(|a| format!("keytrail.kmsKeyId:{}", quote(a))),
    );
    terms.join(" OR ")
}

/// The usage statement: scenario 2's counts, grouped as asked, most frequent first. With
/// `geoip` (a database was given), grouping by IP also shows each IP's country.
pub fn usage_statement(key_ids: &[String], aliases: &[String], by: UsageBy, geoip: bool) -> String {
    let (expr, name) = by.column();
    let (country, country_key) = if geoip && by == UsageBy::EventAndIp {
        (format!(", {COUNTRY_SQL} as country"), ", country")
    } else {
        (String::new(), "")
    };
    format!(
        "{} | SELECT \"event.eventName\" as eventName, {expr} as {name}{country}, count(*) as num \
         GROUP BY eventName, \"{name}\"{country_key} ORDER BY num DESC, eventName, \"{name}\" LIMIT {ALL_ROWS}",
        usage_search(key_ids, aliases)
    )
}

/// A search term quoted for SLS: `"..."` with `"` and `\` escaped.
pub fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// What the user typed as `<KEY>`, understood: a key id, or an alias to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRef {
    /// A key id (an ARN is reduced to its id).
    Id(String),
    /// An alias such as `alias/prod`.
    Alias(String),
}

impl KeyRef {
    /// Reads a key id, a key ARN, an alias or an alias ARN. A key that names nothing (empty,
    /// only delimiters, an ARN ending in `key/`, a bare `alias/`) is refused: searched for, it
    /// would have no token, and a term without tokens must not stand for every event.
    pub fn parse(text: &str) -> Result<KeyRef, String> {
        let id = normalize_key_id(text);
        let (name, key) = if id.to_ascii_lowercase().starts_with("alias/") {
            (&id["alias/".len()..], KeyRef::Alias(id.clone()))
        } else {
            (id.as_str(), KeyRef::Id(id.clone()))
        };
        if crate::query::search::tokens::tokenize(name).is_empty() {
            let what = match key {
                KeyRef::Alias(_) => "alias name",
                KeyRef::Id(_) => "key id",
            };
            return Err(format!(
                "the key {text:?} has no {what}: give a key id (key-...), a key ARN \
                 (acs:kms:<region>:<account>:key/<id>) or an alias (alias/<name>)"
            ));
        }
        let tokens = crate::query::search::tokens::tokenize(name);
        let one_word = tokens.len() == 1 && tokens[0].eq_ignore_ascii_case(name);
        if matches!(key, KeyRef::Id(_)) && !one_word {
            // A key id is one token with no delimiter (key-..., a UUID): `key/` or `a b` would
            // match every event that merely holds those words.
            return Err(format!(
                "{text:?} is not a key id (a key id is one word such as key-... or a UUID): give \
                 a key id, a key ARN (acs:kms:<region>:<account>:key/<id>) or an alias \
                 (alias/<name>)"
            ));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_search_is_scenario_one() {
        assert_eq!(
            kms_events_search(SEED_LIFECYCLE_EVENTS),
            "event.serviceName:Kms AND (event.eventName:CreateKey OR event.eventName:ScheduleKeyDeletion \
             OR event.eventName:EnableKey OR event.eventName:DisableKey)"
        );
    }

    #[test]
    fn key_refs() {
        assert_eq!(
            KeyRef::parse("acs:kms:cn-hangzhou:1:key/key-abc"),
            Ok(KeyRef::Id("key-abc".into()))
        );
        assert_eq!(
            KeyRef::parse("alias/prod"),
            Ok(KeyRef::Alias("alias/prod".into()))
        );
        assert_eq!(
            KeyRef::parse("acs:kms:cn-hangzhou:1:alias/prod"),
            Ok(KeyRef::Alias("alias/prod".into()))
        );
    }

    #[test]
    fn keys_that_name_nothing_are_refused() {
        for text in [
            "",
            "  ",
            "acs:kms:cn-hangzhou:1:key/",
            "alias/",
            "/",
            "::",
            "\"\"",
        ] {
            let err = KeyRef::parse(text).unwrap_err();
            assert!(
                err.starts_with(&format!("the key {text:?} has no ")),
                "{err}"
            );
        }
    }

    #[test]
    fn usage_search_quotes_ids_and_aliases() {
        let s = usage_search(&["key-a".into()], &["alias/x".into()]);
        assert_eq!(s, "\"key-a\" OR keytrail.kmsKeyId:\"alias/x\"");
        assert!(usage_statement(&["k".into()], &[], UsageBy::Day, false)
            .contains("date_format(__time__, '%Y-%m-%d') as day"));
        assert!(
            !usage_statement(&["k".into()], &[], UsageBy::EventAndIp, false).contains("country")
        );
        assert!(
            usage_statement(&["k".into()], &[], UsageBy::EventAndIp, true)
                .contains("as ip, coalesce(ip_to_country(\"event.sourceIpAddress\")")
        );
    }
}
