//! The store's columns, named the way SLS indexes ActionTrail: one table ([`COLUMNS`]) of each
//! column's name, kind and Parquet settings, and how a dotted SLS field name resolves to a
//! stored column or to a JSON leaf of the `event` column.

use std::collections::HashMap;
use std::sync::OnceLock;

use foldhash::fast::FixedState;

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

/// What a stored column holds. Every column is nullable UTF-8 text except [`Kind::Time`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `__time__`: unix seconds of the event (Int64, never null).
    Time,
    /// `__topic__`.
    Topic,
    /// `event`: the whole event as compact JSON.
    Event,
    /// `event.<key>`: the text of the top-level scalar field `key`.
    TopLevel(&'static str),
    /// `event.userIdentity.<leaf>`: the text of the `userIdentity` field `leaf`.
    Identity(&'static str),
    /// `keytrail.kmsKeyId`: derived, the KMS key the event acts on.
    KmsKeyId,
    /// `keytrail.key`: derived, the dedup key.
    DedupKey,
    /// `keytrail.insight`: derived, `true` or `false`.
    Insight,
    /// `keytrail.origin`: derived, `<file>#<position>`.
    Origin,
}

/// One stored column: its name, what it holds, and how the store's Parquet writer lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The stored name, as SLS names the field.
    pub name: &'static str,
    /// What the column holds.
    pub kind: Kind,
    /// Dictionary encoding: off for columns with (nearly) a value per event, which gain nothing
    /// from a dictionary but pay for building it.
    pub dictionary: bool,
    /// Page statistics: off for long per-event texts, whose min/max prune nothing and cost.
    pub statistics: bool,
    /// A bloom filter, for needle lookups of id-like columns.
    pub bloom: bool,
    /// Bytes of a typical value, for sizing buffers (ids, times, user agents and request
    /// parameters as ActionTrail writes them; short names otherwise). Not used for `event` and
    /// `keytrail.origin`, whose sizes the writer knows better.
    pub typical_width: usize,
}

impl Column {
    /// A column of `kind`, dictionary encoded, with statistics, without a bloom filter.
    const fn new(name: &'static str, kind: Kind) -> Column {
        Column {
            name,
            kind,
            dictionary: true,
            statistics: true,
            bloom: false,
            typical_width: 12,
        }
    }

    /// Values (nearly) unique per event: no dictionary.
    const fn unique(self) -> Column {
        Column {
            dictionary: false,
            ..self
        }
    }

    /// Long per-event texts: no statistics.
    const fn long_text(self) -> Column {
        Column {
            statistics: false,
            ..self
        }
    }

    /// Ids looked up as needles: a bloom filter.
    const fn bloom(self) -> Column {
        Column {
            bloom: true,
            ..self
        }
    }

    /// A typical value is `bytes` long.
    const fn width(self, bytes: usize) -> Column {
        Column {
            typical_width: bytes,
            ..self
        }
    }

    /// Whether the column holds text (every column but `__time__`).
    pub const fn is_text(&self) -> bool {
        !matches!(self.kind, Kind::Time)
    }
}

/// The column `event.<key>` of a top-level scalar field.
macro_rules! top_level {
    ($key:literal) => {
        Column::new(concat!("event.", $key), Kind::TopLevel($key))
    };
}

/// The column `event.userIdentity.<leaf>` of a `userIdentity` field.
macro_rules! identity {
    ($leaf:literal) => {
        Column::new(concat!("event.userIdentity.", $leaf), Kind::Identity($leaf))
    };
}

/// Every stored column, in store order: `__time__` first, then the text columns (the topic,
/// the event, its top-level scalars, its identity leaves, the derived columns). The row
/// ([`crate::event::row::Row`]), the Arrow schema, the writer's settings and the polars frame
/// of the store all walk this table.
pub const COLUMNS: &[Column] = &[
    Column::new(TIME, Kind::Time),
    Column::new(TOPIC, Kind::Topic).width(28),
    Column::new(EVENT, Kind::Event).unique().long_text(),
    top_level!("eventId").unique().bloom().width(40),
    top_level!("eventVersion"),
    top_level!("eventTime").unique().width(20),
    top_level!("eventType"),
    top_level!("eventCategory"),
    top_level!("eventRW"),
    top_level!("eventSource").width(40),
    top_level!("eventName"),
    top_level!("serviceName"),
    top_level!("acsRegion").width(20),
    top_level!("isGlobal"),
    top_level!("sourceIpAddress").bloom(),
    top_level!("userAgent").width(64),
    top_level!("requestId").unique().bloom().width(40),
    top_level!("apiVersion"),
    top_level!("errorCode"),
    top_level!("errorMessage"),
    top_level!("resourceName"),
    top_level!("resourceType"),
    top_level!("recipientAccountId").width(20),
    top_level!("vpcId").width(28),
    top_level!("requestParameterJson")
        .unique()
        .long_text()
        .width(256),
    identity!("type"),
    identity!("userName").width(40),
    identity!("principalId").width(40),
    identity!("accountId").width(20),
    identity!("accessKeyId").bloom().width(28),
    Column::new(KMS_KEY_ID, Kind::KmsKeyId).bloom().width(28),
    Column::new(DEDUP_KEY, Kind::DedupKey)
        .unique()
        .bloom()
        .width(40),
    Column::new(INSIGHT, Kind::Insight),
    Column::new(ORIGIN, Kind::Origin).unique().long_text(),
];

/// The text columns: [`COLUMNS`] after `__time__`, in store order.
pub const TEXT_COLUMNS: &[Column] = match COLUMNS {
    [time, texts @ ..] if matches!(time.kind, Kind::Time) => texts,
    _ => panic!("`__time__` is the first column"),
};

/// The number of [`TEXT_COLUMNS`].
pub const TEXT_COLUMN_COUNT: usize = TEXT_COLUMNS.len();

/// The position in [`TEXT_COLUMNS`] of the text column `name` (exact spelling), at compile
/// time (`const` contexts only: it panics on an unknown name).
pub const fn text_index(name: &str) -> usize {
    let mut i = 0;
    while i < TEXT_COLUMNS.len() {
        if same_bytes(TEXT_COLUMNS[i].name.as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("not a text column")
}

/// The stored column `name` (exact spelling).
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name)
}

/// The number of top-level scalar fields stored as their own column.
const TOP_LEVEL_SCALAR_COUNT: usize = {
    let (mut i, mut n) = (0, 0);
    while i < COLUMNS.len() {
        if let Kind::TopLevel(_) = COLUMNS[i].kind {
            n += 1;
        }
        i += 1;
    }
    n
};

/// Top-level scalar fields of an event stored as their own column `event.<name>`, in
/// [`COLUMNS`] order.
pub const TOP_LEVEL_SCALARS: [&str; TOP_LEVEL_SCALAR_COUNT] = {
    let mut keys = [""; TOP_LEVEL_SCALAR_COUNT];
    let (mut i, mut n) = (0, 0);
    while i < COLUMNS.len() {
        if let Kind::TopLevel(key) = COLUMNS[i].kind {
            keys[n] = key;
            n += 1;
        }
        i += 1;
    }
    keys
};

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

/// The names of [`COLUMNS`], owned, in store order.
pub fn columns() -> Vec<String> {
    COLUMNS.iter().map(|c| c.name.to_string()).collect()
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
    if let Some(column) = COLUMNS.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
        return FieldRef::Column(column.name.to_string());
    }
    let lower = name.to_ascii_lowercase();
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
/// foldhash's fast hasher with a fixed seed: the table is the fixed set of known keys, so the
/// keys an event brings can only miss it, never grow it.
pub fn top_level_slot(key: &str) -> Option<usize> {
    static SLOTS: OnceLock<HashMap<&'static str, usize, FixedState>> = OnceLock::new();
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

    #[test]
    fn named_columns_are_in_the_table_with_their_kind() {
        let named = [
            (TIME, Kind::Time),
            (TOPIC, Kind::Topic),
            (EVENT, Kind::Event),
            (EVENT_ID, Kind::TopLevel("eventId")),
            (EVENT_NAME, Kind::TopLevel("eventName")),
            (SERVICE_NAME, Kind::TopLevel("serviceName")),
            (EVENT_TYPE, Kind::TopLevel("eventType")),
            (EVENT_TIME, Kind::TopLevel("eventTime")),
            (SOURCE_IP, Kind::TopLevel("sourceIpAddress")),
            (ERROR_CODE, Kind::TopLevel("errorCode")),
            (RESOURCE_NAME, Kind::TopLevel("resourceName")),
            (REGION, Kind::TopLevel("acsRegion")),
            (REQUEST_ID, Kind::TopLevel("requestId")),
            (
                REQUEST_PARAMETER_JSON,
                Kind::TopLevel("requestParameterJson"),
            ),
            (USER_TYPE, Kind::Identity("type")),
            (USER_NAME, Kind::Identity("userName")),
            (PRINCIPAL_ID, Kind::Identity("principalId")),
            (ACCOUNT_ID, Kind::Identity("accountId")),
            (ACCESS_KEY_ID, Kind::Identity("accessKeyId")),
            (KMS_KEY_ID, Kind::KmsKeyId),
            (DEDUP_KEY, Kind::DedupKey),
            (INSIGHT, Kind::Insight),
            (ORIGIN, Kind::Origin),
        ];
        for (name, kind) in named {
            assert_eq!(column(name).map(|c| c.kind), Some(kind), "{name}");
        }
        assert_eq!(TEXT_COLUMNS[text_index(ORIGIN)].name, ORIGIN);
        assert_eq!(TEXT_COLUMN_COUNT, COLUMNS.len() - 1);
        assert!(!COLUMNS[0].is_text() && TEXT_COLUMNS.iter().all(Column::is_text));
    }
}
