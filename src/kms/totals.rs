//! The inventory's per-key totals ([`super::inventory::usage_totals_statement`]) computed group
//! by group of part files in bounded memory: each group's calls are projected by the same SQL,
//! aggregated into a small partial frame keyed by (keyId, caller, ip, operation[, country]),
//! and folded into per-key totals; distinct callers and IPs merge as sets, `arbitrary` keeps
//! the first non-NULL region in row order (groups are read in the order a whole scan reads
//! their files). The result is the totals statement's frame, row for row.

use std::collections::{BTreeMap, HashSet};

use polars::prelude::*;

use super::aliases::AliasHistory;
use super::{ALL_ROWS, COUNTRY_SQL, USER_SQL};
use crate::error::{Error, Result};
use crate::query::{self, sql::SqlContext};

/// The per-call projection the partial frames are aggregated from: the totals statement's
/// search and expressions, without its aggregation (and without a LIMIT, so nothing is cut).
pub fn projection_statement(aliases: &AliasHistory, geoip: bool) -> String {
    let country = if geoip {
        format!(", {COUNTRY_SQL} as country")
    } else {
        String::new()
    };
    format!(
        "event.serviceName:Kms AND keytrail.kmsKeyId:* | SELECT {key} as keyId, \
         {USER_SQL} as caller, \"event.sourceIpAddress\" as ip, \"event.eventName\" as op{country}, \
         \"event.acsRegion\" as region, __time__ as t, \
         CASE WHEN \"event.errorCode\" IS NOT NULL AND \"event.errorCode\" <> '' THEN 1 ELSE 0 END as err",
        key = aliases.key_sql()
    )
}

/// One key's totals so far.
#[derive(Debug, Default)]
struct KeyTotals {
    /// The first non-NULL region, with its row in its group (groups come in row order).
    region: Option<(u64, String)>,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    calls: u64,
    errors: u64,
    callers: HashSet<String>,
    ips: HashSet<String>,
    operations: BTreeMap<String, u64>,
    countries: BTreeMap<String, u64>,
}

/// Per-key totals folded from the groups' partial frames.
#[derive(Debug)]
pub struct Totals {
    geoip: bool,
    keys: BTreeMap<String, KeyTotals>,
    /// Keys whose region an earlier group already gave (a later group's may not replace it).
    settled: HashSet<String>,
}

impl Totals {
    /// No calls yet; `geoip` adds the countries.
    pub fn new(geoip: bool) -> Totals {
        Totals {
            geoip,
            keys: BTreeMap::new(),
            settled: HashSet::new(),
        }
    }

    /// Aggregates one group's events (`source`, the store's frame over some part files).
    pub fn add_group(
        &mut self,
        source: LazyFrame,
        aliases: &AliasHistory,
        ctx: &SqlContext,
    ) -> Result<()> {
        let statement = projection_statement(aliases, self.geoip);
        let projected = query::compile(&statement, source, ctx)?
            .sql
            .ok_or_else(|| Error::Other("totals projection has no SQL part".into()))?
            .frame;
        let partial = partial(projected, self.geoip)?;
        self.fold(&partial)?;
        self.settled.extend(
            self.keys
                .iter()
                .filter(|(_, k)| k.region.is_some())
                .map(|(id, _)| id.clone()),
        );
        Ok(())
    }

    fn fold(&mut self, partial: &DataFrame) -> PolarsResult<()> {
        let text = |name: &str| -> PolarsResult<StringChunked> {
            Ok(partial
                .column(name)?
                .cast(&DataType::String)?
                .str()?
                .clone())
        };
        let int = |name: &str| -> PolarsResult<Int64Chunked> {
            Ok(partial.column(name)?.cast(&DataType::Int64)?.i64()?.clone())
        };
        let (key, caller, ip, op, region) = (
            text("keyId")?,
            text("caller")?,
            text("ip")?,
            text("op")?,
            text("region")?,
        );
        let country = if self.geoip {
            Some(text("country")?)
        } else {
            None
        };
        let (row, first, last, calls, errors) = (
            int("regionRow")?,
            int("firstSeen")?,
            int("lastSeen")?,
            int("calls")?,
            int("errors")?,
        );
        for i in 0..partial.height() {
            let Some(id) = key.get(i) else { continue };
            let settled = self.settled.contains(id);
            let totals = self.keys.entry(id.to_string()).or_default();
            if let (false, Some(r), Some(reg)) = (settled, row.get(i), region.get(i)) {
                if totals
                    .region
                    .as_ref()
                    .is_none_or(|(at, _)| (r as u64) < *at)
                {
                    totals.region = Some((r as u64, reg.to_string()));
                }
            }
            totals.first_seen = extreme(totals.first_seen, first.get(i), i64::min);
            totals.last_seen = extreme(totals.last_seen, last.get(i), i64::max);
            let n = calls.get(i).unwrap_or(0) as u64;
            totals.calls += n;
            totals.errors += errors.get(i).unwrap_or(0) as u64;
            if let Some(c) = caller.get(i) {
                totals.callers.insert(c.to_string());
            }
            if let Some(a) = ip.get(i) {
                totals.ips.insert(a.to_string());
            }
            if let Some(o) = op.get(i) {
                *totals.operations.entry(o.to_string()).or_default() += n;
            }
            if let Some(c) = country.as_ref().and_then(|c| c.get(i)) {
                *totals.countries.entry(c.to_string()).or_default() += n;
            }
        }
        Ok(())
    }

    /// The totals statement's frame: one row per key, ordered by key id, at most
    /// [`ALL_ROWS`] rows.
    pub fn into_frame(self) -> PolarsResult<DataFrame> {
        let keys: Vec<(String, KeyTotals)> = self.keys.into_iter().take(ALL_ROWS).collect();
        let ids: Vec<&str> = keys.iter().map(|(id, _)| id.as_str()).collect();
        let region: Vec<Option<&str>> = keys
            .iter()
            .map(|(_, k)| k.region.as_ref().map(|(_, r)| r.as_str()))
            .collect();
        let int = |f: &dyn Fn(&KeyTotals) -> Option<i64>| -> Vec<Option<i64>> {
            keys.iter().map(|(_, k)| f(k)).collect()
        };
        let histogram = |f: &dyn Fn(&KeyTotals) -> &BTreeMap<String, u64>| -> Vec<String> {
            keys.iter().map(|(_, k)| histogram_json(f(k))).collect()
        };
        let mut columns = vec![
            Column::new("keyId".into(), ids),
            Column::new("region".into(), region),
            Column::new("firstSeen".into(), int(&|k| k.first_seen)),
            Column::new("lastSeen".into(), int(&|k| k.last_seen)),
            Column::new("calls".into(), int(&|k| Some(k.calls as i64))),
            Column::new("callers".into(), int(&|k| Some(k.callers.len() as i64))),
            Column::new("ips".into(), int(&|k| Some(k.ips.len() as i64))),
            Column::new("errors".into(), int(&|k| Some(k.errors as i64))),
            Column::new("operations".into(), histogram(&|k| &k.operations)),
        ];
        if self.geoip {
            columns.push(Column::new(
                "countries".into(),
                histogram(&|k| &k.countries),
            ));
        }
        DataFrame::new(keys.len(), columns)
    }
}

/// `pick` of two values, either of which may be missing (SQL's min/max skip NULLs).
fn extreme(a: Option<i64>, b: Option<i64>, pick: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        _ => a.or(b),
    }
}

/// A `histogram()` result's text: `{"Decrypt":10,"Encrypt":3}`, keys ascending.
fn histogram_json(counts: &BTreeMap<String, u64>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = counts
        .iter()
        .map(|(k, n)| (k.clone(), serde_json::Value::from(*n)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// One group's calls aggregated by (keyId, caller, ip, op[, country]): the first non-NULL
/// region and its row, first and last time, calls, errors. Small: one row per distinct tuple.
fn partial(projected: LazyFrame, geoip: bool) -> Result<DataFrame> {
    let mut by = vec![col("keyId"), col("caller"), col("ip"), col("op")];
    if geoip {
        by.push(col("country"));
    }
    let has_region = col("region").is_not_null();
    Ok(projected
        .with_row_index("row", None)
        .group_by(by)
        .agg([
            col("region").drop_nulls().first().alias("region"),
            col("row").filter(has_region).min().alias("regionRow"),
            col("t").min().alias("firstSeen"),
            col("t").max().alias("lastSeen"),
            len().alias("calls"),
            col("err").cast(DataType::Int64).sum().alias("errors"),
        ])
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::event::schema::{self, TIME};

    /// KMS calls in row order (not time order): (time, key, user, ip, op, region, error).
    type Call = (
        i64,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    );

    const CALLS: [Call; 9] = [
        (
            500,
            "key-a",
            Some("u1"),
            Some("1.1.1.1"),
            "Decrypt",
            None,
            None,
        ),
        (
            100,
            "key-a",
            Some("u2"),
            Some("2.2.2.2"),
            "Encrypt",
            Some("r2"),
            Some(""),
        ),
        (
            50,
            "key-a",
            Some("u1"),
            Some("1.1.1.1"),
            "Decrypt",
            Some("r1"),
            Some("Forbidden"),
        ),
        (700, "key-b", None, Some("1.1.1.1"), "Decrypt", None, None),
        (
            10,
            "key-b",
            Some(""),
            None,
            "Encrypt",
            Some("r3"),
            Some("Forbidden"),
        ),
        (
            900,
            "key-a",
            Some("u3"),
            Some("1.1.1.1"),
            "Decrypt",
            Some("r4"),
            None,
        ),
        (
            20,
            "key-c",
            Some("u1"),
            Some("3.3.3.3"),
            "GenerateDataKey",
            None,
            None,
        ),
        (
            30,
            "key-b",
            Some("u1"),
            Some("1.1.1.1"),
            "Decrypt",
            Some("r5"),
            None,
        ),
        (
            40,
            "key-c",
            Some("u1"),
            Some("3.3.3.3"),
            "GenerateDataKey",
            None,
            Some("x"),
        ),
    ];

    fn events(calls: &[Call]) -> DataFrame {
        let text = |f: &dyn Fn(&Call) -> Option<&'static str>| -> Vec<Option<&str>> {
            calls.iter().map(f).collect()
        };
        let columns = schema::columns()
            .into_iter()
            .map(|name| {
                let values = match name.as_str() {
                    TIME => {
                        return Column::new(
                            name.into(),
                            calls.iter().map(|c| c.0).collect::<Vec<_>>(),
                        )
                    }
                    schema::SERVICE_NAME => text(&|_| Some("Kms")),
                    schema::KMS_KEY_ID => text(&|c| Some(c.1)),
                    schema::USER_NAME => text(&|c| c.2),
                    schema::PRINCIPAL_ID => text(&|_| Some("principal")),
                    schema::SOURCE_IP => text(&|c| c.3),
                    schema::EVENT_NAME => text(&|c| Some(c.4)),
                    schema::REGION => text(&|c| c.5),
                    schema::ERROR_CODE => text(&|c| c.6),
                    _ => return Column::full_null(name.into(), calls.len(), &DataType::String),
                };
                Column::new(name.into(), values)
            })
            .collect();
        DataFrame::new(calls.len(), columns).unwrap()
    }

    #[test]
    fn groups_give_the_statements_frame_whatever_the_cuts() {
        let ctx = SqlContext {
            zone: crate::time::Zone::default(),
            now: 0,
            geoip: None,
        };
        let aliases = AliasHistory::default();
        let statement = super::super::inventory::usage_totals_statement(&aliases, false);
        let whole = query::compile(&statement, events(&CALLS).lazy(), &ctx)
            .unwrap()
            .sql
            .unwrap()
            .frame
            .collect()
            .unwrap();
        assert_eq!(whole.height(), 3);
        assert_eq!(
            whole.column("region").unwrap().str().unwrap().get(0),
            Some("r2")
        );
        for cuts in [
            vec![],
            vec![1],
            vec![2],
            vec![1, 3, 5],
            (1..9).collect::<Vec<_>>(),
        ] {
            let mut totals = Totals::new(false);
            let mut from = 0;
            for end in cuts.iter().copied().chain([CALLS.len()]) {
                totals
                    .add_group(events(&CALLS[from..end]).lazy(), &aliases, &ctx)
                    .unwrap();
                from = end;
            }
            let merged = totals.into_frame().unwrap();
            let cast = |df: &DataFrame| {
                df.clone()
                    .lazy()
                    .with_columns([
                        col("firstSeen").cast(DataType::Int64),
                        col("lastSeen").cast(DataType::Int64),
                        col("calls").cast(DataType::Int64),
                        col("callers").cast(DataType::Int64),
                        col("ips").cast(DataType::Int64),
                        col("errors").cast(DataType::Int64),
                    ])
                    .collect()
                    .unwrap()
            };
            assert_eq!(cast(&merged), cast(&whole), "cuts {cuts:?}");
        }
    }

    #[test]
    fn histogram_text_is_the_sql_functions() {
        let counts: BTreeMap<String, u64> = [("b".to_string(), 2), ("a".to_string(), 1)].into();
        assert_eq!(histogram_json(&counts), r#"{"a":1,"b":2}"#);
        assert_eq!(histogram_json(&BTreeMap::new()), "{}");
    }

    #[test]
    fn extremes_skip_missing_values() {
        assert_eq!(extreme(None, Some(3), i64::min), Some(3));
        assert_eq!(extreme(Some(2), Some(3), i64::min), Some(2));
        assert_eq!(extreme(Some(2), Some(3), i64::max), Some(3));
        assert_eq!(extreme(None, None, i64::max), None);
    }
}
