//! The DDL that registers a store with an engine, reading the files where they are: the hive
//! layout `events/date=YYYY-MM-DD/part-*.parquet`, the store's columns and types
//! (`__time__` BIGINT, every other column a string), `date` as the partition column (a string;
//! Athena finds the partitions by projection, Spark and Trino by listing them once).

use super::dialect::Dialect;
use super::search::table_name;
use crate::event::schema::{columns, TIME};

/// The engines `export-sql` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Spark SQL (a datasource table over the Parquet files).
    Spark,
    /// Trino's Hive connector.
    Trino,
    /// Amazon Athena (Hive DDL, partition projection on `date`).
    Athena,
}

impl Target {
    /// Parses `spark`, `trino` (or `presto`) or `athena`.
    pub fn parse(text: &str) -> Result<Target, String> {
        match text.to_ascii_lowercase().as_str() {
            "spark" => Ok(Target::Spark),
            "trino" | "presto" => Ok(Target::Trino),
            "athena" => Ok(Target::Athena),
            other => Err(format!(
                "unknown engine {other:?}: use spark, trino or athena"
            )),
        }
    }
}

/// Where the partitions are: `<store URI>/events`.
pub fn events_location(store_uri: &str) -> String {
    format!("{}/events", store_uri.trim_end_matches('/'))
}

/// The DDL script registering the store at `store_uri` as `table`, statements ending in `;`.
pub fn ddl(target: Target, store_uri: &str, table: &str) -> Result<String, String> {
    if store_uri.trim().is_empty() {
        return Err("--location must name the store (a path or URI)".into());
    }
    if store_uri.contains('\'') || store_uri.chars().any(char::is_control) {
        return Err("--location must not hold quotes or control characters".into());
    }
    let location = events_location(store_uri);
    Ok(match target {
        Target::Spark => spark(&location, table),
        Target::Trino => trino(&location, table),
        Target::Athena => athena(&location, table),
    })
}

fn column_list(quote: impl Fn(&str) -> String, string: &str, bigint: &str) -> String {
    columns()
        .iter()
        .map(|c| {
            let ty = if c == TIME { bigint } else { string };
            format!("  {} {ty}", quote(c))
        })
        .collect::<Vec<_>>()
        .join(",\n")
}

fn spark(location: &str, table: &str) -> String {
    let d = Dialect::Spark;
    let name = table_name(table, d);
    format!(
        "-- keytrail store as a Spark table: the Parquet files are read where they are.\n\
         CREATE TABLE IF NOT EXISTS {name} (\n{},\n  `date` STRING\n)\n\
         USING parquet\nPARTITIONED BY (`date`)\nLOCATION {};\n\
         -- find the date=YYYY-MM-DD partitions (again after each ingest)\n\
         MSCK REPAIR TABLE {name};\n",
        column_list(|c| d.ident(c), "STRING", "BIGINT"),
        d.string(location)
    )
}

fn trino(location: &str, table: &str) -> String {
    let d = Dialect::Trino;
    let name = table_name(table, d);
    let (schema, bare) = match table.rsplit_once('.') {
        Some((schema, bare)) => (schema.rsplit('.').next().unwrap_or(schema), bare),
        None => ("default", table),
    };
    format!(
        "-- keytrail store as a table of Trino's Hive connector. Trino folds identifiers to lower\n\
         -- case; its Parquet reader matches the files' camelCase column names case-insensitively.\n\
         CREATE TABLE IF NOT EXISTS {name} (\n{},\n  \"date\" VARCHAR\n)\n\
         WITH (\n  format = 'PARQUET',\n  external_location = {},\n  partitioned_by = ARRAY['date']\n);\n\
         -- find the date=YYYY-MM-DD partitions (again after each ingest)\n\
         CALL system.sync_partition_metadata({}, {}, 'FULL');\n",
        column_list(|c| d.ident(c), "VARCHAR", "BIGINT"),
        d.string(location),
        d.string(schema),
        d.string(&bare.to_lowercase())
    )
}

fn athena(location: &str, table: &str) -> String {
    let quote = |c: &str| format!("`{}`", c.to_lowercase().replace('`', "``"));
    let name = table.split('.').map(&quote).collect::<Vec<_>>().join(".");
    let esc = |s: &str| s.replace('\'', "\\'");
    format!(
        "-- keytrail store as an Athena table. Athena lower-cases names; the Parquet columns are\n\
         -- matched by name, case-insensitively. Partitions are projected: nothing to repair.\n\
         CREATE EXTERNAL TABLE IF NOT EXISTS {name} (\n{}\n)\n\
         PARTITIONED BY (`date` string)\nSTORED AS PARQUET\nLOCATION '{}/'\nTBLPROPERTIES (\n  \
         'projection.enabled' = 'true',\n  'projection.date.type' = 'date',\n  \
         'projection.date.format' = 'yyyy-MM-dd',\n  'projection.date.range' = '2010-01-01,NOW',\n  \
         'projection.date.interval' = '1',\n  'projection.date.interval.unit' = 'DAYS',\n  \
         'storage.location.template' = '{}/date=${{date}}/'\n);\n",
        column_list(quote, "string", "bigint"),
        esc(location),
        esc(location)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_gets_every_column_and_the_partition() {
        for target in [Target::Spark, Target::Trino, Target::Athena] {
            let text = ddl(target, "s3://bucket/store/", "keytrail_events").unwrap();
            assert_eq!(
                text.matches("userIdentity").count() + text.matches("useridentity").count(),
                5,
                "{text}"
            );
            assert!(text.contains("s3://bucket/store/events"), "{text}");
            assert!(text.to_lowercase().contains("date"), "{text}");
        }
        assert!(ddl(Target::Spark, "x'y", "t").is_err());
        assert_eq!(Target::parse("Athena"), Ok(Target::Athena));
    }
}
