//! keytrail's integration tests: one binary, one module per area, each driving the real
//! `keytrail` executable (or the library) on the committed files under `testdata/`.

mod util;

mod cli;
mod detect;
mod documents;
mod durations;
mod hostile_documents;
mod hostile_events;
mod hostile_geoip;
mod hostile_horizon;
mod hostile_horizon_detect;
mod hostile_index;
mod hostile_input;
mod hostile_queries;
mod hostile_report;
mod hostile_store;
mod hostile_terminal;
mod index;
mod ingest;
mod kms;
mod real_queries;
mod report;
mod report_model;
mod search;
mod sql;
mod translate;
