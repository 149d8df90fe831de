//! Renderers: lay finished results out as tables, CSV, JSON and bar charts; they never compute.

pub mod ingest;
