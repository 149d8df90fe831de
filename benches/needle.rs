//! Needle searches with and without the token index (`cargo bench --bench needle`), on the
//! shared horizon stores: each store is copied to a scratch directory (the originals are never
//! written), indexed with `keytrail index`, queried, and the copy removed. For every store and
//! query it runs, interleaved round by round: keytrail with the index, keytrail with
//! `KEYTRAIL_NO_INDEX=1`, and DuckDB's regexp scan of `event` over the same Parquet files; it
//! prints the medians. With `NEEDLE_INGEST=<archive>` it also times `keytrail ingest` of the
//! archive with and without the index and compares the stores' sizes.
//!
//! Environment: `NEEDLE_STORES` (comma-separated, default the 1m, 3m, 10m stores under
//! `/tmp/horizon`), `NEEDLE_SCRATCH` (default `/tmp/keytrail-needle`), `NEEDLE_ROUNDS`
//! (default 3), `NEEDLE_PYTHON` (default `python3`, with the `duckdb` package),
//! `NEEDLE_IN_PLACE=1` (the stores are scratch copies already: index and query them where they
//! are, no copy).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A query in keytrail's syntax and the DuckDB SQL of the same question.
struct Needle {
    name: &'static str,
    keytrail: &'static str,
    duckdb: &'static str,
}

/// `198.18.0.77`: the planted never-seen source IP, 8 calls on one day (no KMS key of the
/// sample is used on only a few days: the rarest is used on 98 of 365). `key-abc1234`: a key
/// used on 353 of 365 days.
const NEEDLES: &[Needle] = &[
    Needle {
        name: "rare needle, raw logs",
        keytrail: r#""198.18.0.77""#,
        duckdb: r#"SELECT "event" FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])198\.18\.0\.77([^A-Za-z0-9_.-]|$)')"#,
    },
    Needle {
        name: "rare needle, seed SQL 2",
        keytrail: r#""198.18.0.77" | SELECT DISTINCT "event.eventName" as eventName,"event.sourceIpAddress" as ip,count(*) as num GROUP BY eventName,ip ORDER BY count(*) DESC"#,
        duckdb: r#"SELECT "event.eventName" AS eventName, "event.sourceIpAddress" AS ip, count(*) AS num FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])198\.18\.0\.77([^A-Za-z0-9_.-]|$)') GROUP BY ALL ORDER BY num DESC"#,
    },
    Needle {
        name: "absent token, raw logs",
        keytrail: r#""zzzqqq12345""#,
        duckdb: r#"SELECT "event" FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])zzzqqq12345([^A-Za-z0-9_.-]|$)')"#,
    },
    Needle {
        name: "daily key, raw logs",
        keytrail: r#""key-abc1234""#,
        duckdb: r#"SELECT "event" FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])key-abc1234([^A-Za-z0-9_.-]|$)')"#,
    },
    Needle {
        name: "daily key, seed SQL 2",
        keytrail: r#""key-abc1234" | SELECT DISTINCT "event.eventName" as eventName,"event.sourceIpAddress" as ip,count(*) as num GROUP BY eventName,ip ORDER BY count(*) DESC"#,
        duckdb: r#"SELECT "event.eventName" AS eventName, "event.sourceIpAddress" AS ip, count(*) AS num FROM events WHERE regexp_matches("event", '(^|[^A-Za-z0-9_.-])key-abc1234([^A-Za-z0-9_.-]|$)') GROUP BY ALL ORDER BY num DESC"#,
    },
];

const DUCKDB: &str = r#"import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
con.execute("CREATE VIEW events AS SELECT * FROM read_parquet('" + sys.argv[1] + "/events/*/*.parquet', hive_partitioning=true)")
print(len(con.execute(sys.argv[2]).fetchall()))
"#;

fn keytrail() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/keytrail")
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// Runs `command`, returns its wall time in seconds; panics naming it when it fails.
fn timed(command: &mut Command) -> f64 {
    let started = Instant::now();
    let out = command.output().expect("command runs");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn du(path: &Path) -> u64 {
    let out = Command::new("du")
        .args(["-sb"])
        .arg(path)
        .output()
        .expect("du runs");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A scratch copy of `store` (or `store` itself when `in_place`).
fn scratch_copy(store: &Path, scratch: &Path, in_place: bool) -> PathBuf {
    if in_place {
        return store.to_path_buf();
    }
    let copy = scratch.join("store");
    let _ = std::fs::remove_dir_all(&copy);
    assert!(Command::new("cp")
        .arg("-a")
        .arg(store)
        .arg(&copy)
        .status()
        .unwrap()
        .success());
    let _ = std::fs::remove_file(copy.join(".done"));
    copy
}

/// `keytrail kms usage` of the daily key, with and without the index, interleaved.
fn bench_kms_usage(store: &Path, rounds: usize) {
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for no_index in [false, true] {
            let mut c = Command::new(keytrail());
            c.args(["kms", "usage"])
                .arg(store)
                .args(["key-abc1234", "--format", "csv"]);
            if no_index {
                c.env("KEYTRAIL_NO_INDEX", "1");
            }
            let t = timed(&mut c);
            match no_index {
                false => with.push(t),
                true => without.push(t),
            }
        }
    }
    let (w, wo) = (median(with), median(without));
    println!(
        "  daily key, kms usage: index {w:.3} s, no index {wo:.3} s ({:.3}x)",
        w / wo
    );
}

fn bench_store(store: &Path, scratch: &Path, rounds: usize, python: &str, in_place: bool) {
    let copy = scratch_copy(store, scratch, in_place);
    let index_time = timed(Command::new(keytrail()).arg("index").arg(&copy));
    println!(
        "{}: keytrail index {index_time:.1} s; index {} bytes, parts {} bytes",
        store.display(),
        du(&copy.join("index")),
        du(&copy.join("events"))
    );
    for needle in NEEDLES {
        let (mut with, mut without, mut duck) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let query = |no_index: bool| {
                let mut c = Command::new(keytrail());
                c.arg("query")
                    .arg(&copy)
                    .arg(needle.keytrail)
                    .args(["--format", "csv"]);
                if no_index {
                    c.env("KEYTRAIL_NO_INDEX", "1");
                }
                c
            };
            with.push(timed(&mut query(false)));
            without.push(timed(&mut query(true)));
            duck.push(timed(
                Command::new(python)
                    .args(["-c", DUCKDB])
                    .arg(&copy)
                    .arg(needle.duckdb),
            ));
        }
        let (w, wo, d) = (median(with), median(without), median(duck));
        println!(
            "  {}: index {w:.3} s, no index {wo:.3} s ({:.3}x), duckdb {d:.3} s ({:.3}x)",
            needle.name,
            w / wo,
            w / d
        );
    }
    bench_kms_usage(&copy, rounds);
    if !in_place {
        std::fs::remove_dir_all(&copy).expect("scratch copy removed");
    }
}

fn bench_ingest(archive: &Path, scratch: &Path, rounds: usize) {
    let (mut with, mut without, mut sizes) = (Vec::new(), Vec::new(), (0, 0));
    for _ in 0..rounds {
        for no_index in [false, true] {
            let store = scratch.join("ingest");
            let _ = std::fs::remove_dir_all(&store);
            let mut c = Command::new(keytrail());
            c.arg("ingest").arg(archive).arg("--store").arg(&store);
            if no_index {
                c.env("KEYTRAIL_NO_INDEX", "1");
            }
            let t = timed(&mut c);
            let size = du(&store);
            match no_index {
                false => (with.push(t), sizes.0 = size),
                true => (without.push(t), sizes.1 = size),
            };
            std::fs::remove_dir_all(&store).unwrap();
        }
    }
    let (w, wo) = (median(with), median(without));
    println!(
        "ingest {}: with index {w:.1} s, without {wo:.1} s ({:+.1}%); store {} vs {} bytes ({:+.1}%)",
        archive.display(),
        100.0 * (w / wo - 1.0),
        sizes.0,
        sizes.1,
        100.0 * (sizes.0 as f64 / sizes.1 as f64 - 1.0)
    );
}

fn main() {
    let scratch = PathBuf::from(env_or("NEEDLE_SCRATCH", "/tmp/keytrail-needle"));
    std::fs::create_dir_all(&scratch).unwrap();
    let rounds: usize = env_or("NEEDLE_ROUNDS", "3").parse().unwrap_or(3);
    let python = env_or("NEEDLE_PYTHON", "python3");
    let in_place = env_or("NEEDLE_IN_PLACE", "0") == "1";
    if let Ok(archive) = std::env::var("NEEDLE_INGEST") {
        bench_ingest(Path::new(&archive), &scratch, rounds);
    }
    let stores = env_or(
        "NEEDLE_STORES",
        "/tmp/horizon/store-1m,/tmp/horizon/store-3m,/tmp/horizon/store-10m",
    );
    for store in stores.split(',').filter(|s| !s.is_empty()) {
        if Path::new(store).join("events").is_dir() {
            bench_store(Path::new(store), &scratch, rounds, &python, in_place);
        } else {
            println!("skipped: {store}: no store there");
        }
    }
}
