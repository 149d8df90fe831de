//! Sections 3 and 5 (key inventory, usage per key): the inventory of the kms engine (`kms
//! keys`), plus per-key statements over the same events it counts (KMS calls naming a key,
//! aliases mapped to the key they pointed to then): last successful cryptographic call, calls
//! per day, principal x operation, hour x weekday, and (principal, source IP) pairs.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::frames::{
    counts, ints, optional_strings, sql_string, strings, Fold, Merge, Merged, FAILED_SQL,
};
use super::model::{FromWhere, KeyRow, KeyUsage, Lane, LastUse, UsedAfterDeletion};
use super::{Methods, TOP_ROWS};
use crate::error::Result;
use crate::kms::aliases::AliasHistory;
use crate::kms::inventory::KeyRecord;
use crate::kms::{kms_events_search, ALL_ROWS, COUNTRY_SQL, USER_SQL};

/// The events the per-key statements count: KMS calls that name a key (as `kms keys`).
pub const KEY_SEARCH: &str = "event.serviceName:Kms AND keytrail.kmsKeyId:*";

/// The cryptographic operations of "last cryptographic use".
pub const CRYPTO_EVENTS: &[&str] = &[
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateAndExportDataKey",
    "ExportDataKey",
    "AsymmetricEncrypt",
    "AsymmetricDecrypt",
    "AsymmetricSign",
    "AsymmetricVerify",
];

/// The number of [`statements`].
pub const STATEMENTS: usize = 5;

/// The per-key statements, in the order [`per_key`] reads their results.
pub fn statements(history: &AliasHistory, geoip: bool) -> Vec<(&'static str, String)> {
    let key = history.key_sql();
    let crypto = kms_events_search(CRYPTO_EVENTS);
    let (country, country_key) = if geoip {
        (format!(", {COUNTRY_SQL} as country"), ", country")
    } else {
        (String::new(), "")
    };
    vec![
        ("Key inventory: calls per day (sparkline)", format!(
            "{KEY_SEARCH} | SELECT {key} as keyId, date_format(__time__, '%Y-%m-%d') as day, \
             count(*) as calls GROUP BY keyId, day LIMIT {ALL_ROWS}")),
        ("Key inventory: last cryptographic use", format!(
            "{crypto} AND keytrail.kmsKeyId:* | SELECT {key} as keyId, max(__time__) as t, \
             max_by(\"event.eventName\", __time__) as op, max_by(\"event.eventId\", __time__) as id \
             WHERE NOT ({FAILED_SQL}) GROUP BY keyId LIMIT {ALL_ROWS}")),
        ("Usage per key: principal x operation", format!(
            "{KEY_SEARCH} | SELECT {key} as keyId, {USER_SQL} as principal, \"event.eventName\" as op, \
             count(*) as calls GROUP BY keyId, principal, op ORDER BY calls DESC, principal, op LIMIT {ALL_ROWS}")),
        ("Usage per key: hour x weekday", format!(
            "{KEY_SEARCH} | SELECT {key} as keyId, date_format(__time__, '%w') as wd, \
             date_format(__time__, '%H') as h, count(*) as calls GROUP BY keyId, wd, h LIMIT {ALL_ROWS}")),
        ("Usage per key: who from where", format!(
            "{KEY_SEARCH} | SELECT {key} as keyId, {USER_SQL} as principal, \"event.sourceIpAddress\" as ip{country}, \
             count(*) as calls, min(__time__) as first, max(__time__) as last \
             GROUP BY keyId, principal, ip{country_key} ORDER BY calls DESC, principal, ip LIMIT {ALL_ROWS}")),
    ]
}

/// The KMS calls that name a key, with `keytrail.kmsKeyId` replaced by the key it stands for
/// (aliases mapped through the archive's alias history once, as `kms keys` maps them), and the
/// columns the per-key statements read. No LIMIT: every call is kept.
pub fn mapped_statement(history: &AliasHistory) -> String {
    format!(
        "{KEY_SEARCH} | SELECT {} as \"keytrail.kmsKeyId\", __time__, \"event.eventId\", \"event.eventName\", \
         \"event.serviceName\", \"event.errorCode\", \"event.sourceIpAddress\", \
         \"event.userIdentity.userName\", \"event.userIdentity.principalId\"",
        history.key_sql()
    )
}

/// How the results of [`statements`] (in their order) merge across groups of partitions.
pub fn merges(geoip: bool) -> Vec<Merge> {
    let pair_keys: &[&'static str] = if geoip {
        &["keyId", "principal", "ip", "country"]
    } else {
        &["keyId", "principal", "ip"]
    };
    vec![
        Merge::new(&["keyId", "day"], &[("calls", Fold::Sum)]),
        Merge::new(
            &["keyId"],
            &[
                ("t", Fold::Max),
                ("op", Fold::LatestBy("t")),
                ("id", Fold::LatestBy("t")),
            ],
        ),
        Merge::new(&["keyId", "principal", "op"], &[("calls", Fold::Sum)]).ordered(&[
            ("calls", true),
            ("principal", false),
            ("op", false),
        ]),
        Merge::new(&["keyId", "wd", "h"], &[("calls", Fold::Sum)]),
        Merge::new(
            pair_keys,
            &[
                ("calls", Fold::Sum),
                ("first", Fold::Min),
                ("last", Fold::Max),
            ],
        )
        .ordered(&[("calls", true), ("principal", false), ("ip", false)]),
    ]
}

/// The per-key statements to run group by group over [`mapped_statement`]'s calls (the key
/// column already mapped), recording them in `methods`.
pub fn per_key_statements(geoip: bool, methods: &mut Methods) -> Vec<Merged> {
    let plain = AliasHistory::default();
    statements(&plain, geoip)
        .into_iter()
        .zip(merges(geoip))
        .map(|((figure, s), merge)| {
            methods.add(figure, &s);
            Merged::new(s, merge)
        })
        .collect()
}

/// The per-key results, indexed by key id.
pub struct PerKey {
    daily: HashMap<String, HashMap<String, u64>>,
    last: HashMap<String, (i64, String, String)>,
    matrix: DataFrame,
    heat: DataFrame,
    pairs: DataFrame,
}

/// The per-key results from the results of [`statements`], in their order.
pub fn per_key(frames: Vec<DataFrame>) -> Result<PerKey> {
    let mut frames = frames.into_iter();
    let mut next = || frames.next().unwrap_or_default();
    let (daily_df, last_df) = (next(), next());
    let mut daily: HashMap<String, HashMap<String, u64>> = HashMap::new();
    for ((k, d), n) in strings(&daily_df, "keyId")?
        .into_iter()
        .zip(strings(&daily_df, "day")?)
        .zip(counts(&daily_df, "calls")?)
    {
        daily.entry(k).or_default().insert(d, n);
    }
    let mut last = HashMap::new();
    for (((k, t), op), id) in strings(&last_df, "keyId")?
        .into_iter()
        .zip(ints(&last_df, "t")?)
        .zip(strings(&last_df, "op")?)
        .zip(strings(&last_df, "id")?)
    {
        last.insert(k, (t, op, id));
    }
    Ok(PerKey {
        daily,
        last,
        matrix: next(),
        heat: next(),
        pairs: next(),
    })
}

/// The inventory rows: each record with its last cryptographic use and daily calls.
pub fn key_rows(
    records: &[KeyRecord],
    per_key: &PerKey,
    days: &[String],
    coverage_start: Option<i64>,
) -> Vec<KeyRow> {
    records
        .iter()
        .map(|record| {
            let last_crypto_use = match per_key.last.get(&record.key_id) {
                Some((time, operation, event_id)) => LastUse::Used {
                    time: *time,
                    operation: operation.clone(),
                    event_id: event_id.clone(),
                },
                None if record.created_at.is_some_and(|c| Some(c) >= coverage_start) => {
                    LastUse::NotUsedSinceCreation
                }
                None => LastUse::UnknownBeforeCoverage,
            };
            let daily = per_key.daily.get(&record.key_id);
            KeyRow {
                record: record.clone(),
                last_crypto_use,
                daily: days
                    .iter()
                    .map(|d| daily.and_then(|m| m.get(d)).copied().unwrap_or(0))
                    .collect(),
                previous_calls: None,
            }
        })
        .collect()
}

/// Section 5 for each of `keys`.
pub fn usage(keys: &[String], per_key: &PerKey) -> Result<Vec<KeyUsage>> {
    let matrix = rows_by_key(&per_key.matrix)?;
    let heat = rows_by_key(&per_key.heat)?;
    let pairs = rows_by_key(&per_key.pairs)?;
    keys.iter()
        .map(|k| {
            let empty = Vec::new();
            key_usage(
                k,
                &per_key.matrix,
                matrix.get(k).unwrap_or(&empty),
                (&per_key.heat, heat.get(k).unwrap_or(&empty)),
                (&per_key.pairs, pairs.get(k).unwrap_or(&empty)),
            )
        })
        .collect()
}

fn rows_by_key(df: &DataFrame) -> Result<HashMap<String, Vec<usize>>> {
    let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, k) in strings(df, "keyId")?.into_iter().enumerate() {
        rows.entry(k).or_default().push(i);
    }
    Ok(rows)
}

fn key_usage(
    key: &str,
    matrix: &DataFrame,
    rows: &[usize],
    heat: (&DataFrame, &[usize]),
    pairs: (&DataFrame, &[usize]),
) -> Result<KeyUsage> {
    let (principal, op, calls) = (
        strings(matrix, "principal")?,
        strings(matrix, "op")?,
        counts(matrix, "calls")?,
    );
    let mut op_totals: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_principal: Vec<(String, HashMap<String, u64>, u64)> = Vec::new();
    for &i in rows {
        *op_totals.entry(op[i].clone()).or_default() += calls[i];
        match by_principal.iter_mut().find(|(p, _, _)| *p == principal[i]) {
            Some((_, ops, total)) => {
                *ops.entry(op[i].clone()).or_default() += calls[i];
                *total += calls[i];
            }
            None => by_principal.push((
                principal[i].clone(),
                HashMap::from([(op[i].clone(), calls[i])]),
                calls[i],
            )),
        }
    }
    let mut operations: Vec<(String, u64)> = op_totals.into_iter().collect();
    operations.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    by_principal.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let principals_of = by_principal.len() as u64;
    let principals = by_principal
        .into_iter()
        .take(TOP_ROWS)
        .map(|(p, ops, _)| {
            let cells = operations
                .iter()
                .map(|(o, _)| ops.get(o).copied().unwrap_or(0))
                .collect();
            (p, cells)
        })
        .collect();
    let (from_where, from_where_of) = from_where(pairs.0, pairs.1)?;
    Ok(KeyUsage {
        key_id: key.to_string(),
        calls: operations.iter().map(|(_, n)| n).sum(),
        previous_calls: None,
        operations: operations.into_iter().map(|(o, _)| o).collect(),
        principals,
        principals_of,
        heatmap: heatmap(heat.0, heat.1)?,
        from_where,
        from_where_of,
    })
}

fn heatmap(df: &DataFrame, rows: &[usize]) -> Result<Vec<Vec<u64>>> {
    let (wd, h, calls) = (strings(df, "wd")?, strings(df, "h")?, counts(df, "calls")?);
    let mut grid = vec![vec![0u64; 24]; 7];
    for &i in rows {
        if let (Ok(d), Ok(hour)) = (wd[i].parse::<usize>(), h[i].parse::<usize>()) {
            if d < 7 && hour < 24 {
                grid[d][hour] += calls[i];
            }
        }
    }
    Ok(grid)
}

fn from_where(df: &DataFrame, rows: &[usize]) -> Result<(Vec<FromWhere>, u64)> {
    let (principal, ip) = (strings(df, "principal")?, strings(df, "ip")?);
    let country = match df.column("country") {
        Ok(_) => optional_strings(df, "country")?,
        Err(_) => vec![None; df.height()],
    };
    let (calls, first, last) = (counts(df, "calls")?, ints(df, "first")?, ints(df, "last")?);
    let shown = rows
        .iter()
        .take(TOP_ROWS)
        .map(|&i| FromWhere {
            principal: principal[i].clone(),
            ip: ip[i].clone(),
            country: country[i].clone(),
            calls: calls[i],
            first: first[i],
            last: last[i],
        })
        .collect();
    Ok((shown, rows.len() as u64))
}

/// The statement counting calls on keys inside their PendingDeletion segments (None when no
/// key was scheduled for deletion).
pub fn after_deletion_statement(lanes: &[Lane], history: &AliasHistory) -> Option<String> {
    let key = history.key_sql();
    let key = key.as_str();
    let arms: Vec<String> = lanes
        .iter()
        .flat_map(|lane| {
            lane.segments
                .iter()
                .filter(|s| s.state == "PendingDeletion" || s.state == "Deleted")
                .map(move |s| {
                    format!(
                        "(({key}) = {} AND __time__ > {} AND __time__ < {})",
                        sql_string(&lane.key_id),
                        s.start,
                        s.end
                    )
                })
        })
        .collect();
    if arms.is_empty() {
        return None;
    }
    let lifecycle: Vec<String> = crate::kms::LIFECYCLE_EVENTS
        .iter()
        .map(|e| sql_string(e))
        .collect();
    Some(format!(
        "{KEY_SEARCH} | SELECT {key} as keyId, count(*) as calls, count_if({FAILED_SQL}) as errors, \
         max(__time__) as last WHERE ({}) AND \"event.eventName\" NOT IN ({}) GROUP BY keyId \
         ORDER BY keyId LIMIT {ALL_ROWS}",
        arms.join(" OR "),
        lifecycle.join(", ")
    ))
}

/// How [`after_deletion_statement`]'s rows merge across groups of partitions.
pub fn after_deletion_merge() -> Merge {
    Merge::new(
        &["keyId"],
        &[
            ("calls", Fold::Sum),
            ("errors", Fold::Sum),
            ("last", Fold::Max),
        ],
    )
    .ordered(&[("keyId", false)])
}

/// Keys of `lanes` called while scheduled for deletion, from [`after_deletion_statement`]'s
/// result (over these lanes or more: rows of other keys are left out).
pub fn used_after_deletion(df: &DataFrame, lanes: &[Lane]) -> Result<Vec<UsedAfterDeletion>> {
    let keys = strings(df, "keyId")?;
    let (calls, errors, last) = (
        counts(df, "calls")?,
        counts(df, "errors")?,
        ints(df, "last")?,
    );
    Ok(keys
        .into_iter()
        .enumerate()
        .filter(|(_, key_id)| lanes.iter().any(|l| l.key_id == *key_id))
        .map(|(i, key_id)| {
            let scheduled_at = lanes
                .iter()
                .filter(|l| l.key_id == key_id)
                .flat_map(|l| &l.segments)
                .find(|s| s.state == "PendingDeletion" && s.start < last[i])
                .map_or(0, |s| s.start);
            UsedAfterDeletion {
                key_id,
                scheduled_at,
                calls: calls[i],
                errors: errors[i],
                last_call: last[i],
            }
        })
        .collect())
}
