//! The CPU cost of ingest's token index (`cargo bench --bench index_build`): reads the `event`
//! and `__topic__` columns of the parts of a store into memory, then times, on one thread,
//! tokenizing them only, and building each part's filters as ingest does
//! ([`keytrail::index::file::group_of`]); prints nanoseconds per event and MB/s of event text.
//!
//! Environment: `INDEX_BUILD_STORE` (default `/tmp/horizon/store-1m`), `INDEX_BUILD_PARTS`
//! (parts read, default 60), `INDEX_BUILD_ROUNDS` (default 9; the fastest is printed).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use arrow::array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use keytrail::index::file::group_of;
use keytrail::index::tokens::{for_each_token_key, Scratch};

/// The (event, topic) texts of the part `file`.
fn read_part(file: &Path) -> Vec<(Option<String>, Option<String>)> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(file).unwrap()).unwrap();
    let schema = builder.schema().clone();
    let indices = [
        schema.index_of("event").unwrap(),
        schema.index_of("__topic__").unwrap(),
    ];
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
    let mut rows = Vec::new();
    for batch in builder.with_projection(mask).build().unwrap() {
        let batch = batch.unwrap();
        let text = |name: &str| {
            batch
                .column_by_name(name)
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let (events, topics) = (text("event"), text("__topic__"));
        for i in 0..events.len() {
            let event = events.is_valid(i).then(|| events.value(i).to_string());
            let topic = topics.is_valid(i).then(|| topics.value(i).to_string());
            rows.push((event, topic));
        }
    }
    rows
}

fn parts(store: &Path, limit: usize) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut days: Vec<_> = std::fs::read_dir(store.join("events"))
        .unwrap()
        .map(|d| d.unwrap().path())
        .collect();
    days.sort();
    for day in days {
        let mut in_day: Vec<_> = std::fs::read_dir(day)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .collect();
        in_day.sort();
        files.extend(in_day);
        if files.len() >= limit {
            break;
        }
    }
    files.truncate(limit);
    files
}

/// The fastest round: on a shared machine the other rounds measure the neighbours too.
fn fastest(xs: Vec<f64>) -> f64 {
    xs.into_iter().fold(f64::INFINITY, f64::min)
}

fn main() {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or(default.to_string());
    let store = PathBuf::from(env("INDEX_BUILD_STORE", "/tmp/horizon/store-1m"));
    let limit: usize = env("INDEX_BUILD_PARTS", "60").parse().unwrap();
    let rounds: usize = env("INDEX_BUILD_ROUNDS", "9").parse().unwrap();
    let texts: Vec<_> = parts(&store, limit).iter().map(|p| read_part(p)).collect();
    let events: usize = texts.iter().map(Vec::len).sum();
    let bytes: usize = texts
        .iter()
        .flatten()
        .map(|(e, _)| e.as_ref().map_or(0, String::len))
        .sum();
    println!(
        "{} parts, {events} events, {:.1} MB of event text",
        texts.len(),
        bytes as f64 / 1e6
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (mut tokenize, mut build) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        let mut sum = 0u64;
        let mut scratch = Scratch::default();
        for (event, _) in texts.iter().flatten() {
            if let Some(event) = event {
                for_each_token_key(event, &mut scratch, &mut |k| sum = sum.wrapping_add(k));
            }
        }
        std::hint::black_box(sum);
        tokenize.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        pool.install(|| {
            for part in &texts {
                let rows: Vec<(Option<&str>, Option<&str>)> = part
                    .iter()
                    .map(|(e, t)| (e.as_deref(), t.as_deref()))
                    .collect();
                std::hint::black_box(group_of(&rows, 7));
            }
        });
        build.push(started.elapsed().as_secs_f64());
    }
    for (name, secs) in [
        ("tokenize", fastest(tokenize)),
        ("group_of", fastest(build)),
    ] {
        println!(
            "{name}: {:.0} ns/event, {:.0} MB/s",
            secs * 1e9 / events as f64,
            bytes as f64 / secs / 1e6
        );
    }
}
