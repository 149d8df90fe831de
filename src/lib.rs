//! keytrail: offline forensics for Alibaba Cloud ActionTrail archives.
//!
//! Data flows one way: [`source`] reads archive files (OSS `.gz` deliveries, SLS exports,
//! LookupEvents output, plain JSON/NDJSON) into raw JSON events; [`normalize`] turns each into
//! an [`normalize::EventRow`] with the columns of [`schema`]; [`store`] writes them to a
//! date-partitioned Parquet store and scans it back as a polars `LazyFrame`; [`query`] runs SLS
//! `search | SQL` statements on that frame; [`render`] lays results out as tables, CSV, JSON and
//! bar charts. [`ingest`] and the command layer wire the stages together.
#![deny(missing_docs)]

pub mod detect;
pub mod error;
pub mod frame;
pub mod geoip;
pub mod histogram;
pub mod ingest;
pub mod kms;
pub mod kms_key;
pub mod normalize;
pub mod query;
pub mod rawjson;
pub mod render;
pub mod report;
pub mod rows;
pub mod sample;
pub mod schema;
pub mod source;
pub mod store;
pub mod timerange;

pub use error::{Error, Result};
