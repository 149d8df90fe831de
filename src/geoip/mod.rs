//! Offline GeoIP and ASN lookups for the SLS `ip_to_*` functions and the KMS views: databases
//! in the MaxMind DB format (`.mmdb`) that the user brings, opened once, read with the
//! `maxminddb` crate, each carrying the provenance a result must cite (file, `database_type`,
//! build date, sha256, licence attribution). keytrail bundles no database.
//!
//! The layout of a database is read from its records, never from its file name: GeoIP2 /
//! GeoLite2 / DB-IP style maps (`country.iso_code`, `country.names`, `subdivisions`, `city`,
//! `location`), the flat `ip-location-db` records (`country_code`, `state1`, `city`,
//! `latitude`, `longitude`) and ASN records (`autonomous_system_number`,
//! `autonomous_system_organization`, or `isp`).

pub mod names;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use maxminddb::{Reader, WithinOptions};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The language of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese, SLS's default.
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Lang {
    /// Reads `zh-CN` (also `zh`, `zh_CN`) or `en`.
    pub fn parse(text: &str) -> Result<Lang, String> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-cn" | "zh" => Ok(Lang::ZhCn),
            "en" => Ok(Lang::En),
            _ => Err(format!(
                "--geoip-lang {text:?}: use zh-CN (the SLS default) or en"
            )),
        }
    }
}

/// What one lookup answers: the SLS function and its variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `ip_to_country(ip)`: the country name.
    CountryName(Lang),
    /// `ip_to_country_code(ip)`, `ip_to_country(ip, 'en')`: ISO 3166-1 alpha-2.
    CountryCode,
    /// `ip_to_province(ip)`: the subdivision name (China: the official GB/T 2260 name).
    Province(Lang),
    /// `ip_to_province(ip, 'en')`: China's GB/T 2260 code, elsewhere the English name.
    ProvinceCode,
    /// `ip_to_city(ip)`: the city name (English where the database has no name in `lang`).
    City(Lang),
    /// `ip_to_provider(ip)`: the network's organisation (ASN databases) or ISP.
    Provider,
    /// `ip_to_geo(ip)`: `latitude,longitude`.
    Geo,
}

/// What a kind of answer needs from a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capability {
    /// Country codes or names.
    Country,
    /// Subdivisions.
    Province,
    /// Cities.
    City,
    /// Coordinates.
    Geo,
    /// ASN organisations or ISPs.
    Provider,
}

impl Field {
    /// The capability a database needs to answer this field.
    pub fn needs(self) -> Capability {
        match self {
            Field::CountryName(_) | Field::CountryCode => Capability::Country,
            Field::Province(_) | Field::ProvinceCode => Capability::Province,
            Field::City(_) => Capability::City,
            Field::Geo => Capability::Geo,
            Field::Provider => Capability::Provider,
        }
    }
}

/// Where a database came from, as a result must cite it.
#[derive(Clone)]
pub struct Provenance {
    /// The file name.
    pub file: String,
    /// The path given.
    pub path: PathBuf,
    /// `database_type` from the metadata.
    pub database_type: String,
    /// `build_epoch` from the metadata (unix seconds).
    pub build_epoch: u64,
    /// The file's bytes (shared with the reader), hashed when the provenance is first shown.
    bytes: Arc<[u8]>,
    sha256: OnceLock<String>,
    /// The attribution its licence asks for, when keytrail recognises the publisher.
    pub attribution: Option<String>,
    /// Licence files found beside the database.
    pub licence_files: Vec<String>,
}

impl Provenance {
    /// sha256 of the file's bytes, lowercase hex (computed once, when first asked: a query
    /// that calls no GeoIP function does not pay for hashing a large database).
    pub fn sha256(&self) -> &str {
        self.sha256
            .get_or_init(|| hex(&Sha256::digest(&self.bytes)))
    }

    /// The build date, `YYYY-MM-DD` (UTC).
    pub fn build_date(&self) -> String {
        i64::try_from(self.build_epoch)
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map_or_else(
                || format!("epoch {}", self.build_epoch),
                |t| t.format("%Y-%m-%d").to_string(),
            )
    }

    /// One line: file, type, build date, sha256, attribution.
    pub fn line(&self) -> String {
        let mut text = format!(
            "GeoIP database {} (database_type {:?}, built {}, sha256 {})",
            self.file,
            self.database_type,
            self.build_date(),
            self.sha256()
        );
        match &self.attribution {
            Some(a) => {
                let _ = write!(text, "; {a}");
            }
            None => text
                .push_str("; publisher not recognised: cite the attribution its licence asks for"),
        }
        if !self.licence_files.is_empty() {
            let _ = write!(text, "; licence file: {}", self.licence_files.join(", "));
        }
        text
    }
}

/// One opened database.
pub struct Database {
    reader: Reader<Arc<[u8]>>,
    /// Where it came from.
    pub provenance: Provenance,
    /// What its records hold (read from a sample of them).
    pub capabilities: BTreeSet<Capability>,
}

/// Records sampled from a database to learn its layout.
const LAYOUT_SAMPLE: usize = 256;

/// Largest licence file read beside a database.
const LICENCE_FILE_MAX: u64 = 64 * 1024;

impl Database {
    /// Opens `path`: reads it, hashes it, checks the format and learns the layout.
    pub fn open(path: &Path) -> Result<Database, String> {
        let shown = path.display();
        let bytes: Arc<[u8]> = std::fs::read(path)
            .map_err(|e| format!("--geoip {shown}: {e}"))?
            .into();
        let reader = Reader::from_source(bytes.clone())
            .map_err(|e| format!("--geoip {shown}: not a MaxMind DB (.mmdb) file: {e}"))?;
        let meta = reader.metadata();
        let database_type = meta.database_type.clone();
        let build_epoch = meta.build_epoch;
        let mut described = format!("{database_type} ");
        for text in meta.description.values() {
            described.push_str(text);
            described.push(' ');
        }
        let (licence_files, licence_text) = licence_beside(path);
        described.push_str(&licence_text);
        let mut capabilities = sample_capabilities(&reader)
            .map_err(|e| format!("--geoip {shown}: cannot read its records: {e}"))?;
        capabilities.extend(type_capabilities(&database_type));
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.to_string());
        Ok(Database {
            reader,
            provenance: Provenance {
                file,
                path: path.to_path_buf(),
                database_type,
                build_epoch,
                bytes,
                sha256: OnceLock::new(),
                attribution: attribution(&described),
                licence_files,
            },
            capabilities,
        })
    }

    /// The record of `ip`, if the database has one.
    fn record(&self, ip: IpAddr) -> Result<Option<Value>, String> {
        if ip.is_ipv6() && self.reader.metadata().ip_version == 4 {
            return Ok(None);
        }
        let found = self
            .reader
            .lookup(ip)
            .map_err(|e| format!("{}: {e}", self.provenance.file))?;
        found
            .decode::<Value>()
            .map_err(|e| format!("{}: {e}", self.provenance.file))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Licence files in the database's directory (names containing LICENSE, LICENCE or COPYING)
/// and the start of their text.
fn licence_beside(path: &Path) -> (Vec<String>, String) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), String::new());
    };
    let mut names: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let upper = name.to_ascii_uppercase();
            (upper.contains("LICENSE") || upper.contains("LICENCE") || upper.contains("COPYING"))
                .then(|| (name, e.path()))
        })
        .collect();
    names.sort();
    let mut text = String::new();
    for (_, p) in &names {
        if std::fs::metadata(p).is_ok_and(|m| m.len() <= LICENCE_FILE_MAX) {
            if let Ok(bytes) = std::fs::read(p) {
                text.push_str(&String::from_utf8_lossy(&bytes));
                text.push(' ');
            }
        }
    }
    (names.into_iter().map(|(n, _)| n).collect(), text)
}

/// The attribution a recognised publisher's licence asks for.
fn attribution(described: &str) -> Option<String> {
    let lower = described.to_ascii_lowercase();
    if lower.contains("db-ip") {
        return Some("IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0".into());
    }
    if lower.contains("geolite") {
        return Some(
            "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com (GeoLite2 EULA)"
                .into(),
        );
    }
    if lower.contains("maxmind") || lower.contains("geoip2") {
        return Some("MaxMind GeoIP2 data (https://www.maxmind.com)".into());
    }
    if lower.contains("iplocate") {
        return Some(
            "IP address data powered by IPLocate.io (https://www.iplocate.io), CC BY-SA 4.0".into(),
        );
    }
    None
}

/// What a sample of the database's records hold.
fn sample_capabilities(reader: &Reader<Arc<[u8]>>) -> Result<BTreeSet<Capability>, String> {
    let mut found = BTreeSet::new();
    let options = WithinOptions::default().skip_empty_values();
    for item in reader
        .networks(options)
        .map_err(|e| e.to_string())?
        .take(LAYOUT_SAMPLE)
    {
        let item = item.map_err(|e| e.to_string())?;
        if let Some(record) = item.decode::<Value>().map_err(|e| e.to_string())? {
            found.extend(record_capabilities(&record));
        }
    }
    Ok(found)
}

/// What a `database_type` says the records hold, for fields a sample of records can miss
/// (networks with a country but no city). Only the documented type words count.
fn type_capabilities(database_type: &str) -> Vec<Capability> {
    let lower = database_type.to_ascii_lowercase();
    let mut caps = Vec::new();
    if lower.contains("city") {
        caps.extend([
            Capability::Country,
            Capability::Province,
            Capability::City,
            Capability::Geo,
        ]);
    } else if lower.contains("country") {
        caps.push(Capability::Country);
    }
    if lower.contains("asn") || lower.contains("isp") {
        caps.push(Capability::Provider);
    }
    caps
}

/// What one record holds.
fn record_capabilities(record: &Value) -> Vec<Capability> {
    let mut caps = Vec::new();
    if country_code(record).is_some() || record.get("country").is_some() {
        caps.push(Capability::Country);
    }
    if record.get("subdivisions").is_some() || record.get("state1").is_some() {
        caps.push(Capability::Province);
    }
    if record.get("city").is_some() {
        caps.push(Capability::City);
    }
    if coordinates(record).is_some() {
        caps.push(Capability::Geo);
    }
    if provider(record).is_some() {
        caps.push(Capability::Provider);
    }
    caps
}

/// The databases of one run, asked in the order given, and the default language of names.
pub struct GeoIp {
    /// The databases, in the order given.
    pub databases: Vec<Database>,
    /// The language of names when a function is not told one.
    pub lang: Lang,
}

impl std::fmt::Debug for GeoIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files: Vec<&str> = self
            .databases
            .iter()
            .map(|d| d.provenance.file.as_str())
            .collect();
        f.debug_struct("GeoIp")
            .field("databases", &files)
            .field("lang", &self.lang)
            .finish()
    }
}

impl GeoIp {
    /// Opens every path (files; see [`expand`] for directories).
    pub fn open(paths: &[PathBuf], lang: Lang) -> Result<GeoIp, String> {
        let databases = paths
            .iter()
            .map(|p| Database::open(p))
            .collect::<Result<_, _>>()?;
        Ok(GeoIp { databases, lang })
    }

    /// The databases that can answer `field`.
    pub fn answering(&self, field: Field) -> Vec<&Database> {
        let need = field.needs();
        self.databases
            .iter()
            .filter(|d| d.capabilities.contains(&need))
            .collect()
    }

    /// The answer for `text` (an IP address as logged). NULL for what is not a public IP
    /// address: ActionTrail's `Internal`, service host names, private, loopback, link-local,
    /// shared and unique-local addresses. IPv4-mapped IPv6 is looked up as IPv4. The first
    /// database (in the order given) that has an answer gives it.
    pub fn lookup(&self, text: &str, field: Field) -> Result<Option<String>, String> {
        let Some(ip) = public_ip(text) else {
            return Ok(None);
        };
        let need = field.needs();
        for db in self
            .databases
            .iter()
            .filter(|d| d.capabilities.contains(&need))
        {
            if let Some(record) = db.record(ip)? {
                if let Some(answer) = answer(&record, field) {
                    return Ok(Some(answer));
                }
            }
        }
        Ok(None)
    }
}

/// An IP address as logged (`::ffff:a.b.c.d` unwrapped to IPv4), or None.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let ip = text.trim().parse::<IpAddr>().ok()?;
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    })
}

/// Whether an address is internal: private, loopback, link-local, unspecified, shared
/// (100.64/10) or unique-local.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// A public IP address, or None for anything else.
pub fn public_ip(text: &str) -> Option<IpAddr> {
    parse_ip(text).filter(|ip| !is_internal(*ip))
}

/// The answer a record gives for a field.
fn answer(record: &Value, field: Field) -> Option<String> {
    match field {
        Field::CountryCode => country_code(record).map(str::to_string),
        Field::CountryName(lang) => country_name(record, lang),
        Field::Province(lang) => province_name(record, lang),
        Field::ProvinceCode => province_code(record),
        Field::City(lang) => city_name(record, lang),
        Field::Provider => provider(record).map(str::to_string),
        Field::Geo => coordinates(record).map(|(lat, lon)| format!("{lat},{lon}")),
    }
}

fn text_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut at = v;
    for step in path {
        at = at.get(step)?;
    }
    at.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The name in `lang` of a GeoIP2-style place (`{"names": {"zh-CN": ..., "en": ...}}`).
fn place_name(place: &Value, lang: Lang) -> Option<&str> {
    let key = match lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    };
    text_at(place, &["names", key])
}

fn country_code(record: &Value) -> Option<&str> {
    text_at(record, &["country", "iso_code"]).or_else(|| text_at(record, &["country_code"]))
}

fn country_name(record: &Value, lang: Lang) -> Option<String> {
    if let Some(name) = record.get("country").and_then(|c| place_name(c, lang)) {
        return Some(name.to_string());
    }
    let (zh, en) = names::country(country_code(record)?)?;
    Some(
        match lang {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
        .to_string(),
    )
}

/// The first subdivision: its ISO code and the place value (GeoIP2) or its English name (flat).
fn subdivision(record: &Value) -> Option<(Option<&str>, Option<&Value>, Option<&str>)> {
    if let Some(first) = record.get("subdivisions").and_then(|s| s.get(0)) {
        return Some((
            text_at(first, &["iso_code"]),
            Some(first),
            place_name(first, Lang::En),
        ));
    }
    text_at(record, &["state1"]).map(|name| (None, None, Some(name)))
}

fn china_province(
    record: &Value,
) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    if country_code(record)? != "CN" {
        return None;
    }
    let (iso, _, english) = subdivision(record)?;
    iso.and_then(names::china_province)
        .or_else(|| english.and_then(names::china_province))
}

fn province_name(record: &Value, lang: Lang) -> Option<String> {
    if lang == Lang::ZhCn {
        if let Some(p) = china_province(record) {
            return Some(p.2.to_string());
        }
    }
    let (_, place, english) = subdivision(record)?;
    place
        .and_then(|p| place_name(p, lang))
        .or(english)
        .map(str::to_string)
}

fn province_code(record: &Value) -> Option<String> {
    if let Some(p) = china_province(record) {
        return Some(p.1.to_string());
    }
    subdivision(record)?.2.map(str::to_string)
}

fn city_name(record: &Value, lang: Lang) -> Option<String> {
    let city = record.get("city")?;
    if let Some(flat) = city.as_str() {
        return Some(flat.trim().to_string()).filter(|s| !s.is_empty());
    }
    place_name(city, lang)
        .or_else(|| place_name(city, Lang::En))
        .map(str::to_string)
}

fn provider(record: &Value) -> Option<&str> {
    text_at(record, &["autonomous_system_organization"])
        .or_else(|| text_at(record, &["isp"]))
        .or_else(|| text_at(record, &["organization"]))
}

fn number(v: Option<&Value>) -> Option<f64> {
    let v = v?;
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|f: &f64| f.is_finite())
}

fn coordinates(record: &Value) -> Option<(f64, f64)> {
    let location = record.get("location");
    let lat =
        number(location.and_then(|l| l.get("latitude"))).or(number(record.get("latitude")))?;
    let lon =
        number(location.and_then(|l| l.get("longitude"))).or(number(record.get("longitude")))?;
    Some((lat, lon))
}

/// Where databases are looked for when no `--geoip` is given: `$KEYTRAIL_GEOIP` (paths
/// separated like `PATH`; set and empty means none), else `$XDG_DATA_HOME/keytrail/geoip/`,
/// else `$HOME/.local/share/keytrail/geoip/`.
pub fn default_paths(
    env: Option<std::ffi::OsString>,
    xdg_data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Vec<PathBuf> {
    if let Some(list) = env {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
    }
    let base = xdg_data_home
        .filter(|x| !x.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| PathBuf::from(h).join(".local/share")));
    base.map(|b| b.join("keytrail/geoip"))
        .filter(|d| d.is_dir())
        .into_iter()
        .collect()
}

/// The database files `paths` name: files as given, directories as their `*.mmdb` files in
/// name order. A directory without any is an error when `required`.
pub fn expand(paths: &[PathBuf], required: bool) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries =
            std::fs::read_dir(path).map_err(|e| format!("--geoip {}: {e}", path.display()))?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("mmdb"))
            })
            .collect();
        found.sort();
        if found.is_empty() && required {
            return Err(format!(
                "--geoip {}: the directory holds no .mmdb file",
                path.display()
            ));
        }
        files.extend(found);
    }
    Ok(files)
}

/// How to add a database, for notes.
pub const HOW_TO_ADD: &str = "add --geoip FILE.mmdb (or set KEYTRAIL_GEOIP, or put .mmdb files in $XDG_DATA_HOME/keytrail/geoip/)";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn geoip2_city_records() {
        let r = json!({
            "country": {"iso_code": "CN", "names": {"en": "China", "zh-CN": "中国"}},
            "subdivisions": [{"iso_code": "ZJ", "names": {"en": "Zhejiang", "zh-CN": "浙江"}}],
            "city": {"names": {"en": "Hangzhou", "zh-CN": "杭州"}},
            "location": {"latitude": 30.29, "longitude": 120.16}
        });
        assert_eq!(
            answer(&r, Field::CountryName(Lang::ZhCn)).as_deref(),
            Some("中国")
        );
        assert_eq!(
            answer(&r, Field::CountryName(Lang::En)).as_deref(),
            Some("China")
        );
        assert_eq!(answer(&r, Field::CountryCode).as_deref(), Some("CN"));
        assert_eq!(
            answer(&r, Field::Province(Lang::ZhCn)).as_deref(),
            Some("浙江省")
        );
        assert_eq!(
            answer(&r, Field::Province(Lang::En)).as_deref(),
            Some("Zhejiang")
        );
        assert_eq!(answer(&r, Field::ProvinceCode).as_deref(), Some("330000"));
        assert_eq!(answer(&r, Field::City(Lang::ZhCn)).as_deref(), Some("杭州"));
        assert_eq!(answer(&r, Field::Geo).as_deref(), Some("30.29,120.16"));
        assert_eq!(answer(&r, Field::Provider), None);
    }

    #[test]
    fn flat_records() {
        let r = json!({"country_code": "US", "state1": "California", "city": "Mountain View",
                       "latitude": 37.4, "longitude": -122.1});
        assert_eq!(
            answer(&r, Field::CountryName(Lang::ZhCn)).as_deref(),
            Some("美国")
        );
        assert_eq!(
            answer(&r, Field::Province(Lang::ZhCn)).as_deref(),
            Some("California")
        );
        assert_eq!(
            answer(&r, Field::ProvinceCode).as_deref(),
            Some("California")
        );
        assert_eq!(
            answer(&r, Field::City(Lang::ZhCn)).as_deref(),
            Some("Mountain View")
        );
        assert_eq!(answer(&r, Field::Geo).as_deref(), Some("37.4,-122.1"));
        let cn = json!({"country_code": "CN", "state1": "Zhejiang"});
        assert_eq!(
            answer(&cn, Field::Province(Lang::ZhCn)).as_deref(),
            Some("浙江省")
        );
        let asn = json!({"autonomous_system_number": 37963, "autonomous_system_organization": "Hangzhou Alibaba Advertising Co.,Ltd."});
        assert_eq!(
            answer(&asn, Field::Provider).as_deref(),
            Some("Hangzhou Alibaba Advertising Co.,Ltd.")
        );
        assert_eq!(record_capabilities(&asn), vec![Capability::Provider]);
    }

    #[test]
    fn database_types_add_what_samples_can_miss() {
        assert_eq!(type_capabilities("GeoLite2-City").len(), 4);
        assert_eq!(
            type_capabilities("country ipvAll"),
            vec![Capability::Country]
        );
        assert_eq!(
            type_capabilities("GeoLite2-ASN"),
            vec![Capability::Provider]
        );
        assert!(type_capabilities("Keytrail-Test").is_empty());
    }

    #[test]
    fn what_is_not_a_public_ip() {
        for t in [
            "Internal",
            "ecs.aliyuncs.com",
            "10.1.2.3",
            "::ffff:192.168.1.1",
            "127.0.0.1",
            "fe80::1",
            "fd00::2",
            "100.64.0.1",
            "",
        ] {
            assert_eq!(public_ip(t), None, "{t}");
        }
        assert_eq!(
            public_ip(" ::ffff:8.8.8.8 "),
            Some("8.8.8.8".parse().unwrap())
        );
        assert_eq!(
            public_ip("2408:4000::1"),
            Some("2408:4000::1".parse().unwrap())
        );
    }

    #[test]
    fn languages_and_attribution() {
        assert_eq!(Lang::parse("zh_cn"), Ok(Lang::ZhCn));
        assert_eq!(Lang::parse("EN"), Ok(Lang::En));
        assert!(Lang::parse("fr").is_err());
        assert!(
            attribution("country The free IP to City Lite database by DB-IP")
                .unwrap()
                .contains("DB-IP")
        );
        assert!(attribution("GeoLite2-City").unwrap().contains("MaxMind"));
        assert_eq!(attribution("country"), None);
    }

    #[test]
    fn default_locations() {
        let empty = default_paths(Some("".into()), None, None);
        assert!(empty.is_empty());
        let listed = default_paths(Some("/a.mmdb:/b.mmdb".into()), None, None);
        assert_eq!(
            listed,
            vec![PathBuf::from("/a.mmdb"), PathBuf::from("/b.mmdb")]
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("keytrail/geoip")).unwrap();
        assert_eq!(
            default_paths(None, Some(dir.path().into()), None),
            vec![dir.path().join("keytrail/geoip")]
        );
        assert!(default_paths(None, None, Some(dir.path().into())).is_empty());
    }
}
