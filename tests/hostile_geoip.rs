//! Hostile inputs of the GeoIP functions (`testdata/hostile/geoip/README.md`): source-IP
//! values an attacker wrote, database files that are not databases, bad options and arguments.
//! Also holds the GeoIP fixtures and the functional tests as submodules.

#[path = "geoip_mmdb.rs"]
pub mod fixtures;
#[path = "geoip_functions.rs"]
mod functions;

use std::path::Path;

use crate::util::{stderr, stdout, testdata};
use functions::run_env;

fn hostile(name: &str) -> String {
    testdata()
        .join("hostile/geoip")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn p(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn source_ip_values_an_attacker_wrote_are_null_never_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let events = hostile("events.ndjson");
    let out = run_env(
        &[
            "query",
            &events,
            "* | SELECT \"event.eventId\" AS id, ip_to_country(\"event.sourceIpAddress\") AS country, \
             ip_to_domain(\"event.sourceIpAddress\") AS domain ORDER BY id",
            "--format",
            "csv",
            "--geoip",
            &p(&city),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "id,country,domain\n\
         h-01,,intranet\n\
         h-02,,intranet\n\
         h-03,,intranet\n\
         h-04,,intranet\n\
         h-05,中国,internet\n\
         h-06,,intranet\n\
         h-07,,intranet\n\
         h-08,,intranet\n\
         h-09,,intranet\n\
         h-10,,intranet\n"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_a_usage_error_with_its_name() {
    let bad = hostile("not-a-database.mmdb");
    let out = run_env(
        &[
            "query",
            &hostile("events.ndjson"),
            "* | SELECT 1 AS one",
            "--geoip",
            &bad,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("--geoip {bad}: not a MaxMind DB (.mmdb) file: ")),
        "{err}"
    );
}

#[test]
fn a_truncated_or_damaged_database_fails_with_a_reason_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let bytes = std::fs::read(&city).unwrap();
    let truncated = dir.path().join("truncated.mmdb");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let out = run_env(
        &[
            "query",
            &hostile("events.ndjson"),
            "* | SELECT 1 AS one",
            "--geoip",
            &p(&truncated),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("truncated.mmdb: not a MaxMind DB (.mmdb) file: "),
        "{}",
        stderr(&out)
    );
    // Every byte of the tree and data sections overwritten in turn with 0xff: each run either
    // answers or fails with a reason; none panics.
    let damaged = dir.path().join("damaged.mmdb");
    let marker = bytes
        .windows(14)
        .rposition(|w| w == b"\xab\xcd\xefMaxMind.com")
        .unwrap();
    for at in (0..marker).step_by(97) {
        let mut copy = bytes.clone();
        copy[at] = 0xff;
        std::fs::write(&damaged, &copy).unwrap();
        let out = run_env(
            &[
                "query",
                &hostile("events.ndjson"),
                "* | SELECT ip_to_city('203.0.113.10') AS c, ip_to_geo('2001:db8::1') AS g LIMIT 1",
                "--geoip",
                &p(&damaged),
            ],
            "",
        );
        let code = out.status.code();
        assert!(
            code == Some(0) || code == Some(2),
            "byte {at}: {code:?} {}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("panicked"),
            "byte {at}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn missing_files_empty_directories_and_bad_languages_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let events = hostile("events.ndjson");
    let missing = dir.path().join("missing.mmdb");
    let out = run_env(
        &[
            "query",
            &events,
            "* | SELECT 1 AS one",
            "--geoip",
            &p(&missing),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("--geoip {}: ", missing.display())),
        "{}",
        stderr(&out)
    );
    let out = run_env(
        &[
            "query",
            &events,
            "* | SELECT 1 AS one",
            "--geoip",
            &p(dir.path()),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the directory holds no .mmdb file"),
        "{}",
        stderr(&out)
    );
    let out = run_env(
        &[
            "query",
            &events,
            "* | SELECT 1 AS one",
            "--geoip-lang",
            "fr",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--geoip-lang \"fr\": use zh-CN (the SLS default) or en"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_function_arguments_point_at_the_argument() {
    let events = hostile("events.ndjson");
    for (sql, message) in [
        (
            "* | SELECT ip_to_country(\"event.sourceIpAddress\", 'fr') AS c",
            "ip_to_country: unknown language 'fr' (use 'en')",
        ),
        (
            "* | SELECT ip_to_provider(\"event.sourceIpAddress\", 'en') AS c",
            "ip_to_provider expects 1 argument, got 2",
        ),
        (
            "* | SELECT ip_to_city(\"event.sourceIpAddress\", \"event.eventName\") AS c",
            "ip_to_city: the second argument must be the literal 'en'",
        ),
    ] {
        let out = run_env(&["query", &events, sql], "");
        assert_eq!(out.status.code(), Some(2), "{sql}");
        assert!(stderr(&out).contains(message), "{sql}: {}", stderr(&out));
    }
}

#[test]
fn kms_usage_by_country_without_a_database_says_how_to_add_one() {
    let kms = testdata().join("kms");
    let out = run_env(
        &["kms", "usage", &p(&kms), "key-aaa111", "--by", "country"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--by country: needs a GeoIP database; add --geoip FILE.mmdb"),
        "{}",
        stderr(&out)
    );
}
