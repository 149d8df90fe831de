//! Renders the ingest summary.
