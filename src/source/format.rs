//! Format naming: the name a file's format is reported and recorded under, from its top-level
//! layout, the kind of its items, gzip, and an OSS delivery name (`oss`, `sls-ndjson`,
//! `lookup-events`, `ndjson+gzip`, ...).

use super::ItemKind;

/// How the JSON of a file is laid out at the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    /// One JSON array of items.
    Array,
    /// One item per line.
    Ndjson,
    /// Items one after another (possibly pretty-printed).
    Values,
}

impl Container {
    /// The format name of a file of plain events laid out this way.
    pub(super) fn name(self) -> &'static str {
        match self {
            Container::Array => "json-array",
            Container::Ndjson => "ndjson",
            Container::Values => "json",
        }
    }
}

/// The format name of a file laid out as `container` holding items of `kind`, gzipped or not,
/// under an OSS delivery name or not.
pub(super) fn format_name(
    container: Option<Container>,
    kind: Option<ItemKind>,
    gzip: bool,
    oss: bool,
) -> String {
    let base = match (kind, container) {
        (_, None) => "empty",
        (Some(ItemKind::Lookup), _) => "lookup-events",
        (Some(ItemKind::Sls), Some(Container::Ndjson)) => "sls-ndjson",
        (Some(ItemKind::Sls), Some(Container::Array)) => "sls-getlogs",
        (Some(ItemKind::Sls), Some(Container::Values)) => "sls-json",
        (_, Some(c)) => c.name(),
    };
    match gzip && oss && base == "json-array" {
        true => "oss".to_string(),
        false => format_name_gzip(base, gzip),
    }
}

/// `base`, with `+gzip` when the file was gzipped.
pub(super) fn format_name_gzip(base: &str, gzip: bool) -> String {
    match gzip {
        true => format!("{base}+gzip"),
        false => base.to_string(),
    }
}
