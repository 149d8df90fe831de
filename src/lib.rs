//! keytrail: offline forensics for Alibaba Cloud ActionTrail archives.
//!
//! Data flows one way: [`source`] reads archive files (OSS `.gz` deliveries, SLS exports,
//! LookupEvents output, plain JSON/NDJSON) into raw JSON events; [`event`] normalizes each into
//! an [`event::row::Row`] holding the columns of [`event::schema::COLUMNS`]; [`store`] writes
//! rows to a date-partitioned Parquet store and scans it back as a polars `LazyFrame`; [`query`]
//! runs SLS `search | SQL` statements on that frame; [`kms`] (a key's lifecycle, usage and the
//! key inventory) and [`detect`] (rules and baselines) are investigations built on those
//! statements; [`render`] lays results out as tables, CSV, JSON and bar charts. [`ingest`] and
//! the command layer wire the stages together. Beside them: [`time`] (ranges, zones and the one
//! duration grammar), [`histogram`] (counts per time bucket), [`geoip`] (offline IP lookups),
//! [`sample`] (synthetic archives for tests and benchmarks) and [`error`].
#![deny(missing_docs)]

pub mod detect;
pub mod error;
pub mod event;
pub mod geoip;
pub mod histogram;
pub mod index;
pub mod ingest;
pub mod kms;
pub mod query;
pub mod render;
pub mod report;
pub mod sample;
pub mod source;
pub mod store;
pub mod time;
pub mod translate;

pub use error::{Error, Result};
