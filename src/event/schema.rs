//! The store's columns, named the way SLS indexes ActionTrail, and how a dotted SLS field name
//! resolves to a stored column or to a JSON leaf of the `event` column.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Unix seconds of `eventTime` (Int64), as SLS's reserved `__time__`.
pub const TIME: &str = "__time__";
/// The SLS topic: `actiontrail_audit_event` unless the source carried another one.
pub const TOPIC: &str = "__topic__";
/// The whole event as compact JSON: the console's "event detail".
pub const EVENT: &str = "event";
/// `event.eventId`.
pub const EVENT_ID: &str = "event.eventId";
/// `event.eventName`.
pub const EVENT_NAME: &str = "event.eventName";
/// `event.serviceName`.
pub const SERVICE_NAME: &str = "event.serviceName";
/// `event.eventType`.
pub const EVENT_TYPE: &str = "event.eventType";
/// `event.eventTime` (UTC, as written by ActionTrail).
pub const EVENT_TIME: &str = "event.eventTime";
/// `event.sourceIpAddress`.
pub const SOURCE_IP: &str = "event.sourceIpAddress";
/// `event.errorCode`.
pub const ERROR_CODE: &str = "event.errorCode";
/// `event.resourceName`.
pub const RESOURCE_NAME: &str = "event.resourceName";
/// `event.acsRegion`.
pub const REGION: &str = "event.acsRegion";
/// `event.requestId`.
pub const REQUEST_ID: &str = "event.requestId";
/// `event.requestParameterJson`: filled from `requestParameters` when the event lacks it.
pub const REQUEST_PARAMETER_JSON: &str = "event.requestParameterJson";
/// `event.userIdentity.type`.
pub const USER_TYPE: &str = "event.userIdentity.type";
/// `event.userIdentity.userName`.
pub const USER_NAME: &str = "event.userIdentity.userName";
/// `event.userIdentity.principalId`.
pub const PRINCIPAL_ID: &str = "event.userIdentity.principalId";
/// `event.userIdentity.accountId`.
pub const ACCOUNT_ID: &str = "event.userIdentity.accountId";
/// `event.userIdentity.accessKeyId`.
pub const ACCESS_KEY_ID: &str = "event.userIdentity.accessKeyId";
/// Derived: the KMS key the event acts on, normalized (ARN reduced to the id, aliases kept).
pub const KMS_KEY_ID: &str = "keytrail.kmsKeyId";
/// Derived: the dedup key (`eventId`, or `sha:<hash of content>` for events without one).
pub const DEDUP_KEY: &str = "keytrail.key";
/// Derived: "true" for ActionTrail Insight events (`eventType: ActionTrailInsight`).
pub const INSIGHT: &str = "keytrail.insight";
/// Derived: where the event was read: `<file>#<position>`.
pub const ORIGIN: &str = "keytrail.origin";

/// Top-level scalar fields of an event stored as their own column `event.<name>`.
pub const TOP_LEVEL_SCALARS: &[&str] = &[
    "eventId",
    "eventVersion",
    "eventTime",
    "eventType",
    "eventCategory",
    "eventRW",
    "eventSource",
    "eventName",
    "serviceName",
    "acsRegion",
    "isGlobal",
    "sourceIpAddress",
    "userAgent",
    "requestId",
    "apiVersion",
    "errorCode",
    "errorMessage",
    "resourceName",
    "resourceType",
    "recipientAccountId",
    "vpcId",
    "requestParameterJson",
];

/// Top-level object fields: known so that their key case is canonicalized, not stored flat.
pub const TOP_LEVEL_OBJECTS: &[&str] = &[
    "userIdentity",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "referencedResources",
    "eventAttributes",
    "insightDetails",
];

/// `userIdentity` leaves stored as their own column `event.userIdentity.<name>`.
pub const USER_IDENTITY_LEAVES: &[&str] = &[
    "type",
    "userName",
    "principalId",
    "accountId",
    "accessKeyId",
];

/// Derived columns, after the event columns.
pub const DERIVED: &[&str] = &[KMS_KEY_ID, DEDUP_KEY, INSIGHT, ORIGIN];

/// Id-like columns that carry a Parquet bloom filter for needle lookups.
pub const BLOOM_COLUMNS: &[&str] = &[
    EVENT_ID,
    REQUEST_ID,
    KMS_KEY_ID,
    ACCESS_KEY_ID,
    SOURCE_IP,
    DEDUP_KEY,
];

/// Every stored column in store order. All are UTF-8 strings except `__time__` (Int64).
pub fn columns() -> Vec<String> {
    let mut out = vec![TIME.to_string(), TOPIC.to_string(), EVENT.to_string()];
    out.extend(TOP_LEVEL_SCALARS.iter().map(|f| format!("event.{f}")));
    out.extend(
        USER_IDENTITY_LEAVES
            .iter()
            .map(|f| format!("event.userIdentity.{f}")),
    );
    out.extend(DERIVED.iter().map(|c| c.to_string()));
    out
}

/// How a field name written in a query reaches the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRef {
    /// A stored column, by its exact stored name.
    Column(String),
    /// A JSON leaf of the `event` column, as a JSONPath such as `$.requestParameters.KeyId`.
    JsonLeaf(String),
    /// Not a field of the event (matches nothing; reads as NULL).
    Unknown,
}

/// Resolves a dotted SLS field name (`event.userIdentity.userName`, `__time__`,
/// `event.requestParameters.KeyId`) to a stored column or a JSON leaf. Names are matched
/// case-insensitively against the stored columns; the JSON path keeps the case as written
/// except for the top-level key, which is canonicalized.
pub fn resolve_field(name: &str) -> FieldRef {
    let lower = name.to_ascii_lowercase();
    if let Some(col) = columns()
        .into_iter()
        .find(|c| c.to_ascii_lowercase() == lower)
    {
        return FieldRef::Column(col);
    }
    let Some(rest) = name
        .strip_prefix("event.")
        .or_else(|| (lower.starts_with("event.")).then(|| &name["event.".len()..]))
    else {
        return FieldRef::Unknown;
    };
    if rest.is_empty() {
        return FieldRef::Unknown;
    }
    let mut parts: Vec<String> = rest.split('.').map(str::to_string).collect();
    if let Some(canon) = canonical_top_level(&parts[0]) {
        parts[0] = canon.to_string();
    }
    FieldRef::JsonLeaf(format!("$.{}", parts.join(".")))
}

/// The number of known top-level keys: [`TOP_LEVEL_SCALARS`] then [`TOP_LEVEL_OBJECTS`].
pub const TOP_LEVEL_KEYS: usize = TOP_LEVEL_SCALARS.len() + TOP_LEVEL_OBJECTS.len();

/// The position of a known top-level key (exact spelling) in [`TOP_LEVEL_SCALARS`] followed by
/// [`TOP_LEVEL_OBJECTS`]; a hash lookup, as ingest asks it for every field of every event.
pub fn top_level_slot(key: &str) -> Option<usize> {
    static SLOTS: OnceLock<HashMap<&'static str, usize, BuildHasherDefault<Fnv>>> = OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        TOP_LEVEL_SCALARS
            .iter()
            .chain(TOP_LEVEL_OBJECTS.iter())
            .enumerate()
            .map(|(i, k)| (*k, i))
            .collect()
    });
    slots.get(key).copied()
}

/// [`top_level_slot`] at compile time, for keys named in code (`const` contexts only: it
/// panics on an unknown key).
pub const fn top_level_index(key: &str) -> usize {
    let mut i = 0;
    while i < TOP_LEVEL_KEYS {
        let known = if i < TOP_LEVEL_SCALARS.len() {
            TOP_LEVEL_SCALARS[i]
        } else {
            TOP_LEVEL_OBJECTS[i - TOP_LEVEL_SCALARS.len()]
        };
        if same_bytes(known.as_bytes(), key.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("not a known top-level key")
}

const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// FNV-1a: a fast hash for short, trusted keys.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Whether `key` is a known top-level event key spelled in another letter case (`EventName`).
pub fn is_miscased_top_level(key: &str) -> bool {
    TOP_LEVEL_SCALARS
        .iter()
        .chain(TOP_LEVEL_OBJECTS.iter())
        .any(|k| k.len() == key.len() && *k != key && k.eq_ignore_ascii_case(key))
}

/// The canonical spelling of a known top-level event key, matched case-insensitively.
pub fn canonical_top_level(key: &str) -> Option<&'static str> {
    TOP_LEVEL_SCALARS
        .iter()
        .chain(TOP_LEVEL_OBJECTS.iter())
        .find(|k| k.eq_ignore_ascii_case(key))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_time_slots_match_the_lookup() {
        for key in TOP_LEVEL_SCALARS.iter().chain(TOP_LEVEL_OBJECTS) {
            assert_eq!(Some(top_level_index(key)), top_level_slot(key), "{key}");
        }
    }

    #[test]
    fn stored_columns_resolve_case_insensitively() {
        assert_eq!(
            resolve_field("event.eventname"),
            FieldRef::Column(EVENT_NAME.into())
        );
        assert_eq!(resolve_field("__TIME__"), FieldRef::Column(TIME.into()));
        assert_eq!(
            resolve_field("event.userIdentity.userName"),
            FieldRef::Column(USER_NAME.into())
        );
    }

    #[test]
    fn other_leaves_become_json_paths() {
        assert_eq!(
            resolve_field("event.requestParameters.KeyId"),
            FieldRef::JsonLeaf("$.requestParameters.KeyId".into())
        );
        assert_eq!(
            resolve_field("event.additionaleventdata.mfaChecked"),
            FieldRef::JsonLeaf("$.additionalEventData.mfaChecked".into())
        );
        assert_eq!(resolve_field("owner_id"), FieldRef::Unknown);
    }

    #[test]
    fn column_list_is_complete_and_unique() {
        let cols = columns();
        let mut dedup = cols.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(cols.len(), dedup.len());
        assert_eq!(cols.len(), 3 + 22 + 5 + 4);
    }
}
