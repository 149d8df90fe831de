//! The Parquet event store: date-partitioned files, manifest, and scans back to polars.
