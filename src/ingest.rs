//! Ingest: reads archive inputs in parallel and commits their events to a store, deduplicated.
